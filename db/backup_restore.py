"""Restoring a backup: verify first, keep the current database aside, switch with one atomic rename.

The steps, and what a crash (power cut) between them leaves:
1. The backup is decrypted or copied to `.khoi-phuc-<ts>.tmp` beside the database and checked whole
   (sha256, integrity_check, schema, counts, unit code). Crash: a stray temporary file; the database
   is untouched (stray files are removed by the next restore).
2. Nobody else may have the database open: an exclusive lock is taken (refused → "đang mở"), the WAL
   is checkpointed into the main file and the connection closed, which removes the -wal file: the
   main file alone is now the whole current database. Crash: the current database, complete.
3. The current file is kept aside as backups/truoc-khoi-phuc-<ts>.sqlite3 (a hard link, or a copy
   where links are not possible). If the database was too damaged to checkpoint, its -wal is moved
   aside beside it (a WAL left in place would be replayed into the restored file). Crash: the
   current database still in place (a damaged one may have lost its -wal to the aside copy).
4. os.replace(temporary, motcua.sqlite3), then the folder is flushed: one atomic rename, so the
   database in place is either the old one or the verified new one, never a mix.
5. The restored database is opened (migrated if older, with its own backup first) and the restore is
   recorded as an event, naming its actor.
6. Scanned files (số hóa) the restored database refers to and the data folder lacks are copied back
   from attachments/ beside the backup, each checked by its sha256 (db.backup_attachments).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from db.backup import SECOND_FOLDER_KEY, all_backups, second_folder, stored_key
from db.backup_attachments import restore_attachments
from db.backup_crypto import BackupKey, BackupRejected, PasswordNeeded, is_encrypted
from db.backup_files import (
    BackupInfo,
    check_database,
    connect_readonly,
    copy_file_atomic,
    db_unit_code,
    fsync_dir,
    manifest_path,
    read_manifest,
    remove_quietly,
    remove_stale,
    verified_copy,
)
from db.connection import database_path
from db.data_folder import BACKUPS_DIR
from db.events import heads_valid_since
from db.local import get_local, local_items, put_local
from models.errors import UserError

RESTORED_KEY = "backup_restored_at"  # `local`: when this PC last restored (audit anchors start there)


@dataclass
class RestoreResult:
    restored_from: Path
    manifest: dict
    kept_aside: Path | None
    attachments_restored: int = 0  # scanned files copied back from beside the backup
    attachments_missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def current_unit(data_dir: Path) -> str | None:
    """The unit code of the database in place, or None when there is none to compare (first run,
    the sample settings, or a damaged database whose settings cannot be read)."""
    from models.settings import SAMPLE_UNIT_CODE

    path = database_path(data_dir)
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        conn = connect_readonly(path)
        try:
            unit = db_unit_code(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return None if unit in (None, SAMPLE_UNIT_CODE) else unit


def readable_stored_key(data_dir: Path) -> BackupKey | None:
    """This PC's backup key, read even from a damaged database when its `local` page survived."""
    try:
        return stored_key(data_dir)
    except (sqlite3.Error, ValueError, KeyError):
        return None


def _take_exclusive(path: Path) -> bool:
    """Checkpoint and close with an exclusive lock; False when the database is too damaged to do so."""
    conn = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        try:
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise UserError("Cơ sở dữ liệu đang được mở (MotCua hoặc một lệnh khác đang chạy): "
                                "hãy đóng chương trình đó rồi khôi phục lại. Chưa có gì thay đổi.") from None
            return False
        try:
            busy, _frames, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.DatabaseError:
            return False
        return busy == 0
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _keep_aside(path: Path, aside: Path, whole: bool) -> None:
    """Step 3: keep the current database under `aside` without removing it from its place."""
    temporary = aside.with_name(f".{aside.name}.tmp")
    try:
        os.link(path, temporary)  # a second name for the same file: instant, no extra disk
        os.replace(temporary, aside)
    except OSError:
        remove_quietly(temporary)
        copy_file_atomic(path, aside)  # file systems without hard links (FAT sticks)
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{path}{suffix}")
        if extra.exists():
            if whole:
                extra.unlink()  # checkpointed: nothing in it
            else:
                os.replace(extra, Path(f"{aside}{suffix}"))


def restore_backup(data_dir: Path, backup: Path, *, password: str | None = None, actor: str | None = None,
                   check_unit: bool = True, on_step: Callable[[str], None] | None = None) -> RestoreResult:
    """Replace the data folder's database by a verified backup (see the module's steps).

    Raises BackupRejected (PasswordNeeded when a password is missing or wrong) or UserError, having
    changed nothing. `check_unit=False` is for recovery from a damaged database.
    """
    data_dir, backup = Path(data_dir), Path(backup)
    _check_may_restore(data_dir)
    step = on_step or (lambda _text: None)
    if not backup.is_file():
        raise UserError(f"Không thấy tệp sao lưu {backup}.")
    if check_unit and not is_encrypted(backup) and read_manifest(backup) is None:
        # Without its manifest a plain file's sha256, counts and unit cannot be checked: refused (a damaged
        # database's recovery, check_unit=False, still takes it after the integrity check).
        raise BackupRejected(f"Bản sao lưu {backup.name} thiếu tệp mô tả ({manifest_path(backup).name}) nên không xác "
                             "thực được: không khôi phục. Hãy chép tệp mô tả đi kèm vào cùng thư mục.")
    path = database_path(data_dir)
    (data_dir / BACKUPS_DIR).mkdir(parents=True, exist_ok=True)
    remove_stale(data_dir, ".khoi-phuc-*.tmp")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    temporary = data_dir / f".khoi-phuc-{stamp}.tmp"
    expected = current_unit(data_dir) if check_unit else None
    try:
        manifest = verified_copy(backup, temporary, password=password, stored=readable_stored_key(data_dir),
                                 expected_unit=expected, on_step=on_step)
    except OSError as error:
        raise UserError(f"Không chép được bản sao lưu (ổ đĩa đầy?): {error.strerror or error}. "
                        "Chưa có gì thay đổi.") from None
    kept_settings = _backup_settings(path)
    kept_hashes = _password_hashes(path) if path.exists() else []
    aside = None
    try:
        if path.exists():
            step("Đang cất cơ sở dữ liệu hiện tại…")
            whole = _take_exclusive(path)
            aside = data_dir / BACKUPS_DIR / f"truoc-khoi-phuc-{stamp}.sqlite3"
            _keep_aside(path, aside, whole)
        step("Đang thay cơ sở dữ liệu…")
        os.replace(temporary, path)
        fsync_dir(data_dir)
    except OSError as error:
        raise UserError(f"Không khôi phục được: {error.strerror or error}. Cơ sở dữ liệu cũ vẫn nguyên chỗ.") from None
    finally:
        remove_quietly(temporary)
    _after_restore(data_dir, backup, manifest, aside, actor, kept_settings, kept_hashes)
    result = RestoreResult(backup, manifest, aside)
    _restore_attachments(data_dir, backup, password, result, step)
    return result


def _restore_attachments(data_dir: Path, backup: Path, password: str | None, result: RestoreResult,
                         step: Callable[[str], None]) -> None:
    """Step 6: scanned files the restored database refers to and the data folder lacks, from beside the
    backup (or the second folder), checked by sha256; what stays missing is a warning, not a failure."""
    step("Đang chép lại tệp đính kèm…")
    try:
        mirror = second_folder(data_dir)
    except sqlite3.Error:
        mirror = None
    report = restore_attachments(data_dir, [backup.parent] + ([mirror] if mirror else []), password=password,
                                 stored=readable_stored_key(data_dir))
    result.attachments_restored, result.attachments_missing = report.restored, report.missing
    result.warnings += report.warnings


def _check_may_restore(data_dir: Path) -> None:
    """RESTORE (admin), unless the database is damaged or absent: then nobody can sign in against it and
    restoring a good backup is the way out (the start-up check offers it before sign-in). Whoever can
    damage the file can already replace it, so this opens nothing new; the restore is recorded."""
    from models.roles import RESTORE
    from models.session import require

    if database_state(data_dir) is None and database_path(data_dir).exists():
        require(RESTORE, "khôi phục dữ liệu từ bản sao lưu")


def _password_hashes(path: Path) -> list[tuple[str, str]]:
    """The accounts' password hashes of the database in place: a plain backup carries none (db/backup.py)."""
    try:
        conn = connect_readonly(path)
        try:
            return conn.execute("SELECT password_hash, username FROM users WHERE password_hash != ''").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return []


def _backup_settings(path: Path) -> list[tuple[str, str]]:
    """This PC's backup choices (second folder, key): kept across a restore, they are not the data."""
    try:
        conn = connect_readonly(path)
        try:
            return local_items(conn, keys=[SECOND_FOLDER_KEY])  # the backup key lives in the secrets file (#17)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return []


def _after_restore(data_dir: Path, backup: Path, manifest: dict, aside: Path | None, actor: str | None,
                   kept_settings: list[tuple[str, str]], kept_hashes: list[tuple[str, str]] | None = None) -> None:
    """Step 5: open (migrating an older backup) and record who restored what, in the restored database."""
    from db.data_folder import open_data_folder
    from db.events import record_event
    from models.session import current_user, system_work

    # The restore at start-up comes before anyone signs in: then it is recorded as MotCua's own work
    # (the OS user), never lost; a signed-in clerk's restore names the clerk.
    context = system_work() if actor is None and current_user() is None else contextlib.nullcontext()
    db = open_data_folder(data_dir)
    try:
        with context, db.atomic():
            put_local(db, RESTORED_KEY, datetime.now().astimezone().isoformat(timespec="seconds"))
            for key, value in kept_settings:
                put_local(db, key, value)
            # A plain backup has no password hashes: each account keeps the one it has on this PC; one
            # without any gets a password as at first run (db/accounts.py, ensure_admin).
            db.conn.executemany("UPDATE users SET password_hash = ? WHERE username = ? AND password_hash = ''",
                                list(kept_hashes or []))
            _seal_restored(db)
            record_event(db, entity="backup", entity_id=backup.name, action="restore", actor=actor,
                         payload={"file": backup.name, "created_at": manifest.get("created_at"),
                                  "sha256": manifest.get("sha256"), "kept_aside": aside.name if aside else None})
    finally:
        db.close()


def _seal_restored(db) -> None:
    """A verified backup restored onto a PC whose audit key differs (a new PC, or lost secrets): its
    events are sealed with this PC's key, so `audit verify` checks them from here on (db/secrets_move.py)."""
    from db.events import audit_key
    from db.secrets_move import AUDIT_KEY_ID, key_id, seal_all

    key = audit_key(db)
    if key is not None and get_local(db, AUDIT_KEY_ID) != key_id(key):
        seal_all(db)


def latest_good_backup(data_dir: Path, *, password: str | None = None, check_unit: bool = False,
                       skip_locked: bool = False) -> tuple[BackupInfo, dict] | None:
    """The newest backup that verifies whole (and, for an encrypted one, opens with the key or password).

    Raises PasswordNeeded when a newer candidate is encrypted and cannot be opened, so the caller asks
    for the password instead of silently falling back to an older backup; `skip_locked` skips those.
    """
    data_dir = Path(data_dir)
    key = readable_stored_key(data_dir)
    expected = current_unit(data_dir) if check_unit else None
    probe = data_dir / ".kiem-tra-sao-luu.tmp"
    for info in all_backups(data_dir):
        try:
            manifest = verified_copy(info.path, probe, password=password, stored=key, expected_unit=expected)
        except PasswordNeeded:
            if skip_locked:
                continue
            raise
        except (BackupRejected, OSError):
            continue
        finally:
            remove_quietly(probe)
        return info, manifest
    return None


def database_state(data_dir: Path) -> str | None:
    """None when the database is fine (or absent); else the Vietnamese reason it is damaged."""
    from db.backup_files import DamagedDatabaseError

    try:
        check_database(database_path(data_dir))
    except DamagedDatabaseError as error:
        return str(error)
    return None


def audit_anchors(data_dir: Path, db) -> dict[str, list]:
    """Chain heads recorded by the newest backup made since this PC's last restore: events are never
    removed legitimately, so a chain shorter than one of these lost events from its end."""
    value = get_local(db, RESTORED_KEY)
    restored = datetime.fromisoformat(value).replace(tzinfo=None) if value else None
    restored = heads_valid_since(db, restored)  # or when sync renumbered unsent events since (sync/recovery.py)
    for info in all_backups(data_dir):
        if info.manifest and "heads" in info.manifest and (restored is None or info.created_at > restored):
            return info.manifest["heads"]
    return {}

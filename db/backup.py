"""Making backups: SQLite's online backup API, verified, optionally encrypted, mirrored to a second folder, rotated."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from db import secret_store
from db.backup_attachments import copy_attachments, is_outside
from db.backup_crypto import BackupKey, decrypt_stream, derive_key, write_encrypted
from db.backup_files import (
    ENCRYPTED_SUFFIX,
    BackupBusy,
    BackupInfo,
    BackupLock,
    DamagedDatabaseError,
    applied_migrations,
    backup_name,
    chain_heads,
    change_marker,
    connect_readonly,
    copy_file_atomic,
    db_unit_code,
    fsync_dir,
    fsync_file,
    integrity_problem,
    list_backups,
    manifest_path,
    remove_quietly,
    remove_stale,
    sha256_file,
    table_counts,
)
from db.backup_rotation import stamps_to_keep
from db.connection import database_path
from db.data_folder import BACKUPS_DIR
from db.local import get_local, put_local
from models.app_info import VERSION
from models.errors import UserError
from models.roles import BACKUP, VIEW_FULL_ID
from models.session import can, require, system_work

SECOND_FOLDER_KEY = "backup_second_folder"  # `local` keys: this PC's choices, never synced
KEY_KEY = "backup_key"
AUTO_INTERVAL = timedelta(hours=24)


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    copies: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    attachments_copied: int = 0  # scanned files newly copied beside the backup (outside the data folder)


# ----- this PC's backup settings (table `local`)

def _local(conn: sqlite3.Connection, key: str) -> str | None:
    return get_local(conn, key)


def _put_local(db_path: Path, key: str, value: str | None) -> None:
    conn = sqlite3.connect(db_path, timeout=15, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")  # waits for another writer (busy timeout) instead of failing
        with conn:
            put_local(conn, key, value)
    finally:
        conn.close()


def _read_local(data_dir: Path, key: str) -> str | None:
    """A `local` value, read-only: asking must not create a database where there is none."""
    path = database_path(data_dir)
    if not path.exists() or path.stat().st_size == 0:
        return None
    conn = connect_readonly(path)
    try:
        return _local(conn, key)
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return None
        raise
    finally:
        conn.close()


def second_folder(data_dir: Path) -> Path | None:
    value = _read_local(data_dir, SECOND_FOLDER_KEY)
    return Path(value) if value else None


def set_second_folder(data_dir: Path, folder: Path | str | None) -> None:
    """Where every backup is also copied (a USB stick); None turns the copy off."""
    require(BACKUP, "đổi thư mục sao lưu thứ hai")
    _put_local(database_path(data_dir), SECOND_FOLDER_KEY, str(folder) if folder else None)


def stored_key(data_dir: Path) -> BackupKey | None:
    """This PC's backup key, from the secrets file (never in the database, so never in a backup)."""
    value = secret_store.get(Path(data_dir), KEY_KEY)
    return BackupKey.from_json(value) if value else None


def set_backup_password(data_dir: Path, password: str | None) -> BackupKey | None:
    """Turn password protection on (automatic backups are then encrypted) or off (None).

    Only the scrypt-derived key is kept, in the secrets file (db/secret_store.py): the PC can encrypt
    without asking, a stick holding the backups is useless without the password, the password itself is
    never stored, and the key never travels inside a backup.
    """
    require(BACKUP, "đặt mật khẩu sao lưu")
    key = derive_key(password) if password else None
    secret_store.put(Path(data_dir), **{KEY_KEY: key.to_json() if key else None})
    return key


# ----- writing one backup

def _disk_error(folder: Path, error: BaseException) -> UserError:
    text = str(error)
    if getattr(error, "errno", None) == errno.ENOSPC or ("disk" in text and "full" in text):
        return UserError(f"Ổ đĩa đầy: không tạo được bản sao lưu trong {folder}. Không để lại tệp dở dang nào; "
                         "hãy giải phóng chỗ trống rồi sao lưu lại.")
    return UserError(f"Không ghi được bản sao lưu vào {folder}: {getattr(error, 'strerror', None) or text}. "
                     "Không để lại tệp dở dang nào.")


def _damaged(problem: object) -> DamagedDatabaseError:
    return DamagedDatabaseError(f"Cơ sở dữ liệu hiện tại bị hỏng ({problem}): không tạo bản sao lưu, để không "
                                "đè mất các bản tốt. Hãy khôi phục từ bản sao lưu tốt gần nhất.")


def _copy_database(source: sqlite3.Connection, target: Path) -> None:
    """SQLite's online backup API: one step, inside the caller's read transaction, so the copy is the
    snapshot that transaction sees while other connections keep writing (WAL)."""
    conn = sqlite3.connect(target)
    try:
        source.backup(conn)
        conn.execute("PRAGMA journal_mode=DELETE")  # the backup is one self-contained file
    finally:
        conn.close()
    fsync_file(target)


def _drop_password_hashes(target: Path) -> None:
    """A plain backup carries no password hash (issue #17): restoring keeps the hashes of the database in
    place, and an account left without one gets a password as at first run (db/accounts.py, ensure_admin)."""
    conn = sqlite3.connect(target)
    try:
        with conn:
            conn.execute("UPDATE users SET password_hash = '' WHERE password_hash != ''")
        conn.execute("VACUUM")  # the old hashes must not survive in free pages
    finally:
        conn.close()
    fsync_file(target)


def _snapshot_copy(db_path: Path, target: Path, *, plain: bool = False) -> dict:
    """Copy the database to `target` and verify it against counts read in the very same snapshot."""
    source = sqlite3.connect(db_path, timeout=15, isolation_level=None)
    try:
        source.execute("BEGIN")
        counts = table_counts(source)  # the first read fixes the snapshot the backup will copy
        facts = {"counts": counts, "marker": change_marker(source), "heads": chain_heads(source),
                 "migrations": applied_migrations(source), "unit_code": db_unit_code(source),
                 "device_id": _local(source, "device_id"), "station": _local(source, "station_number")}
        _copy_database(source, target)
        source.execute("COMMIT")
    finally:
        source.close()
    if plain:
        _drop_password_hashes(target)
    check = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)
    try:
        problem = integrity_problem(check)
        copied = table_counts(check) if problem is None else None
    finally:
        check.close()
    if problem is not None:
        raise _damaged(problem)
    if copied != counts:
        raise UserError("Bản sao lưu vừa tạo có số dòng khác cơ sở dữ liệu: đã hủy bản này.")
    return facts


def _encrypt(plain: Path, target: Path, key: BackupKey, manifest: dict) -> None:
    with open(plain, "rb") as source, open(target, "wb") as out:
        write_encrypted(source, out, key, manifest)
        out.flush()
        os.fsync(out.fileno())
    digest = hashlib.sha256()
    with open(target, "rb") as handle:  # read back: what is on disk must decrypt to the same image
        decrypt_stream(handle, digest.update, stored=key)
    if digest.hexdigest() != manifest["sha256"]:
        raise UserError("Bản sao lưu có mật khẩu vừa ghi không giải mã lại đúng: đã hủy bản này.")


def _free_name(folder: Path, name: str) -> Path:
    """`name`, or name-2, name-3… when two backups fall in the same second."""
    stem, dot, suffix = name.partition(".motcua-backup") if name.endswith(ENCRYPTED_SUFFIX) else \
        name.rpartition(".")
    candidate, number = folder / name, 2
    while candidate.exists() or manifest_path(candidate).exists():
        candidate, number = folder / f"{stem}-{number}{dot}{suffix}", number + 1
    return candidate


def _write_backup(data_dir: Path, folder: Path, *, key: BackupKey | None, reason: str,
                  now: datetime, log_tail: list[str] | None = None) -> tuple[Path, dict]:
    """Write one verified backup into `folder` through temporary files; nothing half-written survives."""
    db_path = database_path(data_dir)
    work = Path(data_dir) / BACKUPS_DIR  # the plain image never lands on a stick when encryption is on
    work.mkdir(parents=True, exist_ok=True)
    plain = work / f".dang-sao-luu-{os.getpid()}-{now:%Y%m%d%H%M%S%f}.tmp"
    final = target = sidecar = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        facts = _snapshot_copy(db_path, plain, plain=key is None)
        final = _free_name(folder, backup_name(facts["unit_code"] or "don-vi", now, key is not None))
        manifest = {"format": "motcua-backup", "version": 1, "app_version": VERSION, **facts,
                    "created_at": now.astimezone().isoformat(timespec="seconds"), "reason": reason,
                    "sha256": sha256_file(plain), "size": plain.stat().st_size, "encrypted": key is not None}
        if log_tail:
            manifest["log_tail"] = log_tail  # the fault log's last lines (masked), for whoever restores
        target = final.with_name(f".{final.name}.tmp")
        if key is not None:
            _encrypt(plain, target, key, manifest)
        else:
            sidecar = manifest_path(final)
            sidecar_tmp = sidecar.with_name(f".{sidecar.name}.tmp")
            sidecar_tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            fsync_file(sidecar_tmp)
            os.replace(sidecar_tmp, sidecar)  # the manifest first: a file without one is never ours
            os.replace(plain, target)
        os.replace(target, final)
        fsync_dir(folder)
        return final, manifest
    except UserError:
        remove_quietly(plain, *(p for p in (target, sidecar) if p is not None))
        raise
    except (OSError, sqlite3.Error) as error:
        remove_quietly(plain, *(p for p in (target, sidecar) if p is not None))
        if sidecar is not None:
            remove_quietly(sidecar.with_name(f".{sidecar.name}.tmp"))
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError):
            raise _damaged(error) from None
        raise _disk_error(folder, error) from None
    finally:
        remove_quietly(plain)


def rotate(folder: Path, unit_code: str | None) -> list[Path]:
    """Delete this unit's backups rotation does not keep (10 of the newest day, 7 daily, 4 weekly, 12
    monthly: db.backup_rotation); the removed."""
    backups = list_backups(folder, unit_code)
    keep = stamps_to_keep(info.created_at for info in backups)
    removed = []
    for info in backups:
        if info.created_at in keep:
            continue
        try:
            info.path.unlink()
            manifest_path(info.path).unlink(missing_ok=True)
            removed.append(info.path)
        except OSError:
            pass  # a locked file is rotated next time
    return removed


def create_backup(data_dir: Path, *, to: Path | None = None, password: str | None = None, reason: str = "thu_cong",
                  now: datetime | None = None, rotate_old: bool = True,
                  log_tail: list[str] | None = None, plain: bool = False) -> BackupResult:
    """Back up the data folder's database now; raises UserError (and leaves no file) if it fails.

    Without `to`: into data_dir/backups, copied to the second folder if one is set, both rotated.
    With `to`: into that folder only, not rotated (a one-off copy). A password encrypts this backup;
    A backup folder outside the data folder also gets the scanned files (db.backup_attachments).
    Off the PC (`to`, the second folder) a backup is encrypted: without a key it is refused (`to`) or not
    copied (second folder), unless `plain` was asked by a role with VIEW_FULL_ID (issue #17). A plain backup
    never carries password hashes, and no backup carries the PC's secrets (db/secret_store.py).
    without one, this PC's stored key does (when protection is on). A backup holds every citizen's
    data: BACKUP (the automatic one, maybe_backup, is MotCua's own work).
    """
    require(BACKUP, "sao lưu dữ liệu")
    data_dir = Path(data_dir)
    if not database_path(data_dir).exists():
        raise UserError(f"Chưa có dữ liệu để sao lưu trong {data_dir}.")
    now = now or datetime.now()
    try:
        key = derive_key(password) if password else stored_key(data_dir)
    except sqlite3.OperationalError:
        raise
    except sqlite3.DatabaseError as error:
        raise _damaged(error) from None
    folder = Path(to) if to else data_dir / BACKUPS_DIR
    if plain and key is None and not can(VIEW_FULL_ID):
        raise UserError("Vai trò của bạn chỉ được tạo bản sao lưu có mật khẩu (bản sao lưu chứa đủ số căn cước).")
    if key is None and to is not None and not plain:
        raise UserError("Bản sao lưu ghi ra ngoài máy (--to) phải có mật khẩu: hãy đặt mật khẩu sao lưu, nhập mật "
                        "khẩu cho bản này (biến môi trường MOTCUA_BACKUP_PASSWORD), hoặc chọn --plain (không mã hóa).")
    if key is None and not can(VIEW_FULL_ID):
        raise UserError("Vai trò của bạn chỉ được tạo bản sao lưu có mật khẩu (bản sao lưu chứa đủ số căn cước): "
                        "hãy nhờ quản trị đặt mật khẩu sao lưu.")
    with BackupLock(data_dir):
        for place in {folder, data_dir / BACKUPS_DIR}:
            remove_stale(place, ".*.tmp")
        path, manifest = _write_backup(data_dir, folder, key=key, reason=reason, now=now,
                                       log_tail=log_tail)
        result = BackupResult(path, manifest)
        if to is None:
            mirror = second_folder(data_dir)
            if mirror is not None and key is None and not plain:
                result.warnings.append(f"Chưa chép sang thư mục thứ hai {mirror}: bản sao lưu ra ngoài máy phải có "
                                       "mật khẩu (hãy đặt mật khẩu sao lưu).")
                mirror = None
            if mirror is not None and (not mirror.is_dir() or mirror.resolve() != folder.resolve()):
                _mirror(result, mirror)
                if result.copies:
                    _copy_attachments(result, data_dir, mirror, key, password)
            if rotate_old:
                for place in [folder] + [copy.parent for copy in result.copies]:
                    result.removed += rotate(place, manifest["unit_code"])
        elif is_outside(folder, data_dir):
            _copy_attachments(result, data_dir, folder, key, password)
    return result


def _copy_attachments(result: BackupResult, data_dir: Path, folder: Path, key: BackupKey | None,
                      password: str | None) -> None:
    """The scanned files beside a backup on another disk (encrypted like it); problems are warnings."""
    report = copy_attachments(data_dir, folder, key=key, password=password)
    result.attachments_copied += report.copied
    result.warnings += report.warnings


def _mirror(result: BackupResult, folder: Path) -> None:
    """Copy to the second folder and read the copy back; a missing or full stick is a warning, not a failure."""
    if not folder.is_dir():
        result.warnings.append(f"Không thấy thư mục sao lưu thứ hai {folder} (USB chưa cắm?): chưa chép sang.")
        return
    target = folder / result.path.name
    try:
        sidecar = manifest_path(result.path)
        if sidecar.exists():
            copy_file_atomic(sidecar, manifest_path(target))
        copy_file_atomic(result.path, target)
        if sha256_file(target) != sha256_file(result.path):
            remove_quietly(target, manifest_path(target))
            result.warnings.append(f"Bản chép sang {folder} đọc lại không khớp: đã xóa bản chép đó.")
            return
    except OSError as error:
        remove_quietly(manifest_path(target))
        result.warnings.append(str(_disk_error(folder, error)))
        return
    result.copies.append(target)


def latest_backup(data_dir: Path) -> BackupInfo | None:
    backups = [info for info in list_backups(Path(data_dir) / BACKUPS_DIR) if info.manifest]
    return backups[0] if backups else None


def current_marker(data_dir: Path) -> dict:
    conn = sqlite3.connect(database_path(data_dir), timeout=15)
    try:
        return change_marker(conn)
    finally:
        conn.close()


def maybe_backup(data_dir: Path, reason: str, *, now: datetime | None = None,
                 log_tail: list[str] | None = None) -> BackupResult | None:
    """The automatic backup: only when something changed since the last one, and (except at exit)
    at most once a day; skipped while another backup runs. `reason` is 'exit', 'start' or 'daily'.
    Returns None when skipped; raises UserError when writing fails (disk full, damaged database)."""
    data_dir = Path(data_dir)
    if not database_path(data_dir).exists():
        return None
    now = now or datetime.now()
    last = latest_backup(data_dir)
    if last is not None:
        try:
            marker = current_marker(data_dir)
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as error:
            raise _damaged(error) from None
        if (last.manifest or {}).get("marker") == marker:
            return None
        if reason != "exit" and now - last.created_at < AUTO_INTERVAL:
            return None
    try:
        with system_work():  # whoever is signed in (or nobody, at start): MotCua backs up by itself
            return create_backup(data_dir, reason=reason, now=now, log_tail=log_tail)
    except BackupBusy:
        return None


def all_backups(data_dir: Path) -> list[BackupInfo]:
    """Backups in the data folder and in the second folder, newest first (for the list and for recovery)."""
    data_dir = Path(data_dir)
    found = list_backups(data_dir / BACKUPS_DIR)
    try:
        mirror = second_folder(data_dir)
    except sqlite3.Error:  # a damaged database: its settings may be unreadable
        mirror = None
    if mirror is not None and mirror.is_dir() and mirror.resolve() != (data_dir / BACKUPS_DIR).resolve():
        found += list_backups(mirror)
    return sorted(found, key=lambda info: (info.created_at, info.path.name), reverse=True)

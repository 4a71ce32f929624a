"""Backup files on disk: names, manifests, listing, database checks, and the verified copy a restore installs."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from db.backup_crypto import BackupKey, BackupRejected, decrypt_stream, is_encrypted, read_header
from db.folder_lock import FolderLock
from db.local import local_items
from db.migrations import MIGRATION_SET, migrations
from db.rows import column, scalar
from models.errors import UserError

PLAIN_SUFFIX = ".sqlite3"
ENCRYPTED_SUFFIX = ".motcua-backup"
MANIFEST_SUFFIX = ".json"  # beside a plain backup: <name>.sqlite3.json
SQLITE_MAGIC = b"SQLite format 3\x00"
_NAME = re.compile(r"^motcua-(?P<unit>.+)-(?P<stamp>\d{8}-\d{6})(?:-\d+)?(?:\.sqlite3|\.motcua-backup)$")
_BLOCK = 1 << 20


class DamagedDatabaseError(UserError):
    """The database file fails SQLite's own check; nothing may write to it before a decision is made."""

    summary = "Cơ sở dữ liệu bị hỏng"  # the first sentence alone, for a dialog that goes on by itself


def unit_slug(unit_code: str) -> str:
    """The unit code as a file-name part (000.17.22.H56 stays as it is)."""
    return re.sub(r"[^0-9A-Za-z.]+", "_", unit_code).strip("._") or "don-vi"


def backup_name(unit_code: str, moment: datetime, encrypted: bool) -> str:
    suffix = ENCRYPTED_SUFFIX if encrypted else PLAIN_SUFFIX
    return f"motcua-{unit_slug(unit_code)}-{moment:%Y%m%d-%H%M%S}{suffix}"


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write the file (a damaged database or a backup must stay as it is)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=15)


def check_database(path: Path) -> None:
    """PRAGMA quick_check on the database file, read-only; raises DamagedDatabaseError if it fails.

    Missing or empty means "first run", not damage. quick_check reads every page (about 1.5 s for a
    1.4 GB database with a million dossiers) but skips the index-to-table comparison of integrity_check.
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    problem = None
    try:
        with open(path, "rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                problem = "phần đầu tệp không phải của SQLite"
        if problem is None:
            conn = connect_readonly(path)
            try:
                complaints = column(conn, "PRAGMA quick_check")
            finally:
                conn.close()
            if complaints != ["ok"]:
                problem = str(complaints[0]).splitlines()[-1][:200]
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise
        problem = str(error)
    except sqlite3.DatabaseError as error:
        problem = str(error)
    if problem is not None:
        damaged = DamagedDatabaseError(
            f"Cơ sở dữ liệu {path.name} bị hỏng ({problem}). MotCua không ghi gì vào tệp này; "
            "hãy khôi phục từ bản sao lưu tốt gần nhất (python main.py backup list, backup restore TỆP).")
        damaged.summary = f"Cơ sở dữ liệu {path} bị hỏng ({problem})"
        raise damaged


def integrity_problem(conn: sqlite3.Connection) -> str | None:
    """The first line of PRAGMA integrity_check's complaint, or None when the database is whole."""
    try:
        complaints = column(conn, "PRAGMA integrity_check")
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if complaints == ["ok"] else str(complaints[0]).splitlines()[-1][:200]


def counted_tables(conn: sqlite3.Connection) -> list[str]:
    """Ordinary tables, without SQLite's own and full-text indexes' shadow tables (rebuilt, not data)."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [name for name, _sql in rows if not name.startswith("sqlite_") and name not in virtual
            and not any(name.startswith(v + "_") for v in virtual)]


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {name: scalar(conn, f'SELECT count(*) FROM "{name}"') for name in counted_tables(conn)}


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    try:
        return column(conn, "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                      [MIGRATION_SET])
    except sqlite3.OperationalError:
        return []


def change_marker(conn: sqlite3.Connection) -> dict:
    """What says "something changed" since a backup: every change writes an event (or acks one), and the
    PC's own facts live in `local`. Backup bookkeeping keys are left out so a backup does not mark itself."""
    max_id, count, pending = conn.execute(
        "SELECT coalesce(max(id), 0), count(*), count(*) - count(acked_at) FROM events").fetchone()
    local = local_items(conn, except_prefix="backup_")
    digest = hashlib.sha256(json.dumps(local, ensure_ascii=False).encode("utf-8")).hexdigest()
    return {"max_event_id": max_id, "events": count, "pending": pending, "local": digest[:16]}


def chain_heads(conn: sqlite3.Connection) -> dict[str, list]:
    """Each device's last (seq, hash): lets `audit verify` notice events removed from the end of a chain."""
    # Acknowledged events along their index (events_device_seq), the unacknowledged ones (this PC's
    # pending few) by one scan; the higher seq of the two is the head.
    heads: dict[str, list] = {}
    acked = conn.execute("SELECT device_id, max(seq) FROM events WHERE acked_at IS NOT NULL GROUP BY device_id")
    for device, seq in acked.fetchall():
        digest = scalar(conn, "SELECT hash FROM events WHERE device_id = ? AND seq = ? AND acked_at IS NOT NULL",
                        [device, seq])
        heads[device] = [seq, digest]
    for device, seq, digest in conn.execute("SELECT device_id, seq, hash FROM events WHERE acked_at IS NULL"):
        if device not in heads or seq > heads[device][0]:
            heads[device] = [seq, digest]
    return heads


def db_unit_code(conn: sqlite3.Connection) -> str | None:
    try:
        value = scalar(conn, "SELECT value FROM settings WHERE key = 'unit'")
        data = json.loads(value) if value else None
    except (sqlite3.DatabaseError, ValueError, TypeError):
        return None
    code = data.get("unit_code") if isinstance(data, dict) else None
    return code if isinstance(code, str) and code else None


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime
    encrypted: bool
    size: int
    manifest: dict | None

    @property
    def unit_code(self) -> str | None:
        return (self.manifest or {}).get("unit_code")


def read_manifest(path: Path) -> dict | None:
    """The manifest of a backup: in the encrypted file's header, or the sidecar of a plain one."""
    try:
        if is_encrypted(path):
            with open(path, "rb") as handle:
                header, _raw = read_header(handle)
                return header["manifest"]
        sidecar = manifest_path(path)
        return json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else None
    except (OSError, ValueError, BackupRejected):
        return None


def list_backups(folder: Path, unit_code: str | None = None) -> list[BackupInfo]:
    """MotCua's backups in `folder` (of one unit if given), newest first; unreadable ones are listed too."""
    found = []
    folder = Path(folder)
    if not folder.is_dir():
        return []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        manifest = read_manifest(path)
        try:
            created = datetime.fromisoformat((manifest or {})["created_at"]).replace(tzinfo=None)
        except (TypeError, KeyError, ValueError):
            created = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
        if unit_code is not None and match["unit"] != unit_slug(unit_code):
            continue
        found.append(BackupInfo(path, created, path.suffix == ENCRYPTED_SUFFIX, path.stat().st_size, manifest))
    return sorted(found, key=lambda info: (info.created_at, info.path.name), reverse=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to flush."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_hashing(source: Path, target: Path, *, password: str | None, stored: BackupKey | None) -> tuple[str, int]:
    """Write the plain SQLite image of a backup to `target`; its sha256 and size."""
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as src, open(target, "wb") as out:
        def sink(block: bytes) -> None:
            nonlocal size
            digest.update(block)
            size += len(block)
            out.write(block)

        if is_encrypted(source):
            decrypt_stream(src, sink, password=password, stored=stored)
        else:
            for block in iter(lambda: src.read(_BLOCK), b""):
                sink(block)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def verified_copy(source: Path, target: Path, *, password: str | None = None, stored: BackupKey | None = None,
                  expected_unit: str | None = None, on_step: Callable[[str], None] | None = None) -> dict:
    """Decrypt or copy a backup to `target` and check it whole; returns its manifest.

    Checks, in order: it is a MotCua backup (or a plain SQLite file), decryption authenticates every
    chunk, sha256 and size match the manifest (catches truncation), PRAGMA integrity_check, schema
    steps all known to this version, counts match the manifest, and the unit code is `expected_unit`.
    On any failure `target` is removed and BackupRejected says why; a restore installs only `target`.
    """
    source, target = Path(source), Path(target)
    step = on_step or (lambda _text: None)
    try:
        with open(source, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupRejected(f"Không đọc được tệp {source.name}: {error.strerror or error}.") from None
    encrypted = is_encrypted(source)
    if not encrypted and head != SQLITE_MAGIC:
        raise BackupRejected(f"Tệp {source.name} không phải bản sao lưu MotCua.")
    manifest = read_manifest(source)
    try:
        step("Đang đọc và giải mã…" if encrypted else "Đang chép…")
        try:
            sha, size = _copy_hashing(source, target, password=password, stored=stored)
        except OSError as error:
            raise BackupRejected(f"Không chép được bản sao lưu ra đĩa: {error.strerror or error}.") from None
        if manifest is not None and (sha != manifest.get("sha256") or size != manifest.get("size")):
            raise BackupRejected(f"Bản sao lưu {source.name} bị cắt cụt hoặc bị sửa (mã kiểm tra sha256 "
                                 "không khớp tệp mô tả): không dùng được.")
        step("Đang kiểm tra toàn vẹn…")
        conn = connect_readonly(target)
        try:
            problem = integrity_problem(conn)
            if problem is not None:
                raise BackupRejected(f"Bản sao lưu {source.name} bị hỏng ({problem}): không dùng được.")
            known = {m.name for m in migrations._migrations}
            steps = applied_migrations(conn)
            unknown = [name for name in steps if name not in known]
            if unknown:
                raise BackupRejected(f"Bản sao lưu do phiên bản MotCua mới hơn tạo ra (bước '{unknown[-1]}'): "
                                     "hãy cập nhật MotCua trước khi khôi phục.")
            if not steps:
                raise BackupRejected(f"Tệp {source.name} không phải cơ sở dữ liệu MotCua.")
            unit = db_unit_code(conn)
            counts = table_counts(conn)
        finally:
            conn.close()
        if manifest is not None and manifest.get("counts") not in (None, counts):
            raise BackupRejected(f"Bản sao lưu {source.name}: số dòng không khớp tệp mô tả: không dùng được.")
        if manifest is not None and manifest.get("unit_code") not in (None, unit):
            raise BackupRejected(f"Bản sao lưu {source.name}: mã đơn vị trong tệp mô tả khác dữ liệu bên trong.")
        if expected_unit is not None and unit is None:
            raise BackupRejected(f"Không đọc được mã đơn vị trong bản sao lưu {source.name} (máy này: "
                                 f"{expected_unit}): không khôi phục.")
        if expected_unit is not None and unit != expected_unit:
            raise BackupRejected(f"Bản sao lưu này của đơn vị khác (mã {unit}, máy này: {expected_unit}): "
                                 "không khôi phục.")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return {**(manifest or {}), "unit_code": unit, "sha256": sha, "size": size, "counts": counts,
            "migrations": steps, "has_manifest": manifest is not None}


def remove_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            pass


def copy_file_atomic(source: Path, target: Path) -> None:
    """Copy through a temporary file in the target folder, so a full stick leaves no half file."""
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        shutil.copyfile(source, temporary)
        fsync_file(temporary)
        os.replace(temporary, target)
    except BaseException:
        remove_quietly(temporary)
        raise


class BackupBusy(UserError):
    pass


class BackupLock(FolderLock):
    """`with BackupLock(data_dir):` one backup at a time per data folder (GUI timer, exit, command line):
    two writers in the same second would otherwise pair one's manifest with the other's file."""

    FILE_NAME = "backup.lock"
    BUSY = BackupBusy
    MESSAGE = "Đang có một bản sao lưu khác được tạo trên thư mục dữ liệu này: hãy thử lại sau."


def remove_stale(folder: Path, pattern: str, older_than: timedelta = timedelta(hours=12)) -> None:
    """Temporary files a crash left behind (old enough that no running backup or restore owns them)."""
    limit = datetime.now().timestamp() - older_than.total_seconds()
    for path in Path(folder).glob(pattern):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass

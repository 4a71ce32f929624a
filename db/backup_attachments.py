"""Scanned files (số hóa) in backups: copied beside a backup written outside the data folder, brought back by a restore.

Beside the backup file: attachments/<sha[:2]>/<sha>.<ext>, or <sha>.<ext>.enc encrypted under the backup's
key when the backup is encrypted (a stick never holds a protected unit's scans in clear). The copies are
content-addressed: made once, reused by every later backup in that folder. Each new copy is written
under a temporary name, read back and checked against its sha256, then renamed into place.
File names come only from the database rows' sha256 + ext, validated (64 hex characters, pdf/jpg/png).
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from db.attachments import MAX_BYTES, attachment_path
from db.backup_crypto import (
    MAGIC,
    BackupKey,
    BackupRejected,
    PasswordNeeded,
    decrypt_stream,
    key_for,
    read_header,
    write_encrypted,
)
from db.backup_files import connect_readonly, fsync_dir, remove_quietly, remove_stale
from db.data_folder import ATTACHMENTS_DIR

ENCRYPTED_EXT = ".enc"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_EXTS = ("pdf", "jpg", "png")
_BLOCK = 1 << 20
_SHOWN = 5  # names listed in one warning
_TAG = 16


@dataclass(frozen=True)
class Ref:
    """One attachment file the database refers to."""

    sha256: str
    ext: str
    size: int | None

    @property
    def name(self) -> str:
        return f"{self.sha256}.{self.ext}"


@dataclass
class CopyReport:
    copied: int = 0
    present: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    restored: int = 0
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def referenced(db_path: Path) -> tuple[list[Ref], int]:
    """The attachment files a database refers to (read-only), and how many rows have an invalid name."""
    conn = connect_readonly(db_path)
    try:
        rows = conn.execute("SELECT sha256, ext, max(size) FROM dossier_attachments "
                            "GROUP BY sha256, ext ORDER BY sha256, ext").fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return [], 0
        raise
    finally:
        conn.close()
    refs = [Ref(sha, ext, size if isinstance(size, int) else None) for sha, ext, size in rows
            if isinstance(sha, str) and _SHA256.match(sha) and ext in _EXTS]
    return refs, len(rows) - len(refs)


def copy_path(folder: Path, ref: Ref, encrypted: bool) -> Path:
    """Where a backup folder keeps one attachment (built from the validated hash and type only)."""
    if not _SHA256.match(ref.sha256) or ref.ext not in _EXTS:
        raise ValueError("not a content hash and known type")
    return Path(folder) / ATTACHMENTS_DIR / ref.sha256[:2] / (ref.name + (ENCRYPTED_EXT if encrypted else ""))


def is_outside(folder: Path, data_dir: Path) -> bool:
    """True when `folder` is not the data folder nor inside it (there the originals sit on the same disk)."""
    folder, data_dir = Path(folder).resolve(), Path(data_dir).resolve()
    return folder != data_dir and data_dir not in folder.parents


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown + (f" và {len(names) - _SHOWN} tệp khác" if len(names) > _SHOWN else "")


class _Keys:
    """The keys that open encrypted copies: the given one, and the password's key under each salt met
    (one scrypt derivation per salt, not per file)."""

    def __init__(self, key: BackupKey | None, password: str | None) -> None:
        self.known = {key.key_id: key} if key is not None else {}
        self.password = password
        self.tried: set[str] = set()

    def find(self, header: dict) -> BackupKey | None:
        key_id = str(header.get("key_id"))
        if key_id in self.known:
            return self.known[key_id]
        kdf = header.get("kdf")
        if not isinstance(kdf, dict) or not self.password or str(kdf.get("salt")) in self.tried:
            return None
        self.tried.add(str(kdf.get("salt")))
        try:
            master = key_for(header, password=self.password)
            key = BackupKey(bytes.fromhex(kdf["salt"]), master, int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
        except (BackupRejected, ValueError, KeyError, TypeError):  # WrongPassword included
            return None
        self.known[key.key_id] = key
        return key


class _HashingReader:
    def __init__(self, source: BinaryIO) -> None:
        self.source, self.digest = source, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        block = self.source.read(size)
        self.digest.update(block)
        return block


def _encrypted_header(path: Path) -> tuple[dict, int] | None:
    """The header of an encrypted copy and where its chunks start; None when it is not one."""
    try:
        with open(path, "rb") as handle:
            header, raw = read_header(handle)
    except (OSError, BackupRejected):
        return None
    return header, len(MAGIC) + 4 + len(raw)


def _named(header: dict) -> str | None:
    """The attachment name an encrypted copy's header says it holds."""
    manifest = header.get("manifest")
    return manifest.get("attachment") if isinstance(manifest, dict) else None


def _already_there(target: Path, ref: Ref, size: int, keys: _Keys) -> bool:
    """A complete copy of this file is in place (checked by size; an encrypted one must open with our key)."""
    if not target.is_file():
        return False
    if target.suffix != ENCRYPTED_EXT:
        return target.stat().st_size == size
    found = _encrypted_header(target)
    if found is None:
        return False
    header, start = found
    if _named(header) != ref.name or keys.find(header) is None:
        return False
    chunk = int(header.get("chunk_size", _BLOCK))
    chunks = max(1, -(-size // chunk))
    return target.stat().st_size == start + chunks * (4 + _TAG) + size


def _digest_of_copy(path: Path, key: BackupKey | None) -> str | None:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        if key is None:
            for block in iter(lambda: handle.read(_BLOCK), b""):
                digest.update(block)
        else:
            try:
                decrypt_stream(handle, digest.update, stored=key)
            except BackupRejected:
                return None
    return digest.hexdigest()


def _write_copy(source: Path, target: Path, ref: Ref, key: BackupKey | None) -> str:
    """'ok', 'source' (the original does not match its hash) or 'readback' (the copy reads back wrong)."""
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        with open(source, "rb") as src, open(temporary, "wb") as out:
            reader = _HashingReader(src)
            if key is None:
                for block in iter(lambda: reader.read(_BLOCK), b""):
                    out.write(block)
            else:
                write_encrypted(reader, out, key, {"attachment": ref.name})
            out.flush()
            os.fsync(out.fileno())
        if reader.digest.hexdigest() != ref.sha256:
            return "source"
        if _digest_of_copy(temporary, key) != ref.sha256:
            return "readback"
        os.replace(temporary, target)
        return "ok"
    finally:
        remove_quietly(temporary)


def _disk_warning(folder: Path, error: OSError) -> str:
    reason = "ổ đĩa đầy" if error.errno == 28 else (error.strerror or str(error))
    return (f"Không chép hết tệp đính kèm sang {folder} ({reason}): không để lại tệp dở dang nào; "
            "các tệp còn lại sẽ được chép ở lần sao lưu sau.")


def copy_attachments(data_dir: Path, folder: Path, *, key: BackupKey | None,
                     password: str | None = None) -> CopyReport:
    """Copy the attachments the data folder's database refers to into `folder`/attachments, incrementally.

    Encrypted under `key` when given (copies already encrypted under the same password are kept).
    Never raises for a file: a missing or damaged original, a full disk or a pulled stick is a warning.
    """
    from db.connection import database_path

    data_dir, folder = Path(data_dir), Path(folder)
    report = CopyReport()
    if not is_outside(folder, data_dir):
        return report
    try:
        refs, _invalid = referenced(database_path(data_dir))
    except sqlite3.Error as error:
        report.warnings.append(f"Không đọc được danh sách tệp đính kèm ({error}): chưa chép tệp đính kèm "
                               f"sang {folder}.")
        return report
    root = folder / ATTACHMENTS_DIR
    remove_stale(root, "*/.*.tmp")
    keys = _Keys(key, password)
    missing, damaged, unreadable, folders = [], [], [], set()
    for ref in refs:
        source = attachment_path(data_dir, ref.sha256, ref.ext)
        target = copy_path(folder, ref, key is not None)
        try:
            if not source.is_file():
                missing.append(ref.name)
                continue
            size = source.stat().st_size
            if _already_there(target, ref, size, keys):
                report.present += 1
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                outcome = _write_copy(source, target, ref, key)
                if outcome == "source":
                    damaged.append(ref.name)
                    continue
                if outcome == "readback":
                    unreadable.append(ref.name)
                    continue
                report.copied += 1
                folders.add(target.parent)
            if key is not None:  # the unit chose protection: no clear copy of this scan stays on the stick
                remove_quietly(copy_path(folder, ref, False))
        except OSError as error:
            report.warnings.append(_disk_warning(folder, error))
            break
    for shard in folders:
        try:
            fsync_dir(shard)
        except OSError:
            pass
    if missing:
        report.warnings.append(f"Thiếu {len(missing)} tệp đính kèm trong thư mục dữ liệu (đĩa hỏng hoặc tệp bị "
                               f"xóa?), không chép được: {_names(missing)}.")
    if damaged:
        report.warnings.append(f"{len(damaged)} tệp đính kèm trong thư mục dữ liệu không khớp mã sha256 (bị hỏng "
                               f"hoặc bị sửa), không chép sang {folder}: {_names(damaged)}.")
    if unreadable:
        report.warnings.append(f"{len(unreadable)} tệp đính kèm chép sang {folder} đọc lại không khớp: đã bỏ các "
                               f"bản chép đó: {_names(unreadable)}.")
    return report


def _bring_back(copy: Path, target: Path, ref: Ref, keys: _Keys) -> None:
    """Copy (decrypting) one backup copy to `target` if its content has the right sha256; else BackupRejected."""
    key = None
    if copy.suffix == ENCRYPTED_EXT:
        found = _encrypted_header(copy)
        if found is None or _named(found[0]) != ref.name:
            raise BackupRejected("header")
        key = keys.find(found[0])
        if key is None:
            raise PasswordNeeded("key")
    else:
        size = copy.stat().st_size
        if size > MAX_BYTES or ref.size is not None and size != ref.size:
            raise BackupRejected("size")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.khoi-phuc.tmp")
    digest, written = hashlib.sha256(), 0
    try:
        with open(copy, "rb") as src, open(temporary, "wb") as out:
            def sink(block: bytes) -> None:
                nonlocal written
                written += len(block)
                if written > MAX_BYTES:
                    raise BackupRejected("size")
                digest.update(block)
                out.write(block)

            if key is not None:
                decrypt_stream(src, sink, stored=key)
            else:
                for block in iter(lambda: src.read(_BLOCK), b""):
                    sink(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != ref.sha256:
            raise BackupRejected("sha256")
        os.replace(temporary, target)
    finally:
        remove_quietly(temporary)


def _restore_one(ref: Ref, target: Path, places: list[Path], keys: _Keys, report: RestoreReport,
                 locked: list[str]) -> bool:
    """Try each copy of `ref` (clear, then encrypted, in each folder) until one checks out."""
    for folder in places:
        for encrypted in (False, True):
            copy = copy_path(folder, ref, encrypted)
            try:
                if not copy.is_file():
                    continue
                _bring_back(copy, target, ref, keys)
                return True
            except PasswordNeeded:
                locked.append(ref.name)
            except BackupRejected:
                report.warnings.append(f"Bản chép tệp đính kèm {ref.name} trong {folder} không khớp mã sha256 "
                                       "(bị sửa hoặc hỏng): không chép lại bản này.")
            except OSError as error:
                report.warnings.append(f"Không chép lại được tệp đính kèm {ref.name} ({error.strerror or error}).")
    return False


def restore_attachments(data_dir: Path, sources: list[Path], *, password: str | None = None,
                        stored: BackupKey | None = None) -> RestoreReport:
    """Bring back every attachment the (restored) database refers to that is missing from the data folder,
    from `sources`' attachments/ folders; each copy is checked by its sha256 before it is put in place.
    Writes only data_dir/attachments/<sha[:2]>/<sha>.<ext>; never raises for a file."""
    from db.connection import database_path

    data_dir = Path(data_dir)
    report = RestoreReport()
    try:
        refs, invalid = referenced(database_path(data_dir))
    except sqlite3.Error as error:
        report.warnings.append(f"Không đọc được danh sách tệp đính kèm ({error}): chưa chép lại tệp đính kèm.")
        return report
    if invalid:
        report.warnings.append(f"Bỏ qua {invalid} dòng đính kèm có mã tệp không hợp lệ.")
    remove_stale(data_dir / ATTACHMENTS_DIR, "*/.*.khoi-phuc.tmp")
    keys = _Keys(stored, password)
    locked: list[str] = []
    places: list[Path] = []
    shards: set[Path] = set()
    for folder in dict.fromkeys(Path(s) for s in sources):
        if (Path(folder) / ATTACHMENTS_DIR).is_dir():
            places.append(Path(folder))
    for ref in refs:
        target = attachment_path(data_dir, ref.sha256, ref.ext)
        try:
            if target.is_file() and (ref.size is None or target.stat().st_size == ref.size):
                continue
        except OSError:
            pass
        done = _restore_one(ref, target, places, keys, report, locked)
        if done:
            report.restored += 1
            shards.add(target.parent)
        else:
            report.missing.append(ref.name)
    for shard in shards:
        try:
            fsync_dir(shard)
        except OSError:
            pass
    locked = [name for name in dict.fromkeys(locked) if name in report.missing]
    if locked:
        report.warnings.append(f"{len(locked)} tệp đính kèm có mật khẩu khác: cần đúng mật khẩu sao lưu để "
                               f"chép lại: {_names(locked)}.")
    if report.missing:
        report.warnings.append(f"Còn thiếu {len(report.missing)} tệp đính kèm (không có bản tốt bên cạnh bản sao "
                               f"lưu): {_names(report.missing)}.")
    return report


def presence(db_path: Path, folder: Path) -> tuple[int, list[str]]:
    """How many of the attachments a (backup) database refers to have a copy in `folder`, and which do not."""
    refs, _invalid = referenced(db_path)
    missing = [ref.name for ref in refs
               if not copy_path(folder, ref, False).is_file() and not copy_path(folder, ref, True).is_file()]
    return len(refs) - len(missing), missing

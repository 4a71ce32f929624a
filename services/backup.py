"""Backup errands: back up now (checked, with the log's last lines), automatic backups, restore, verify, settings.

The window and `python main.py backup ...` call these; the restore answers `Changes.everything()` so every
screen re-reads the replaced database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.backup import (
    BackupResult,
    all_backups,
    create_backup,
    maybe_backup,
    second_folder,
    set_backup_password,
    set_second_folder,
    stored_key,
)
from db.backup_attachments import is_outside, presence
from db.backup_crypto import BackupRejected, PasswordNeeded, WrongPassword
from db.backup_files import BackupInfo, DamagedDatabaseError, check_database, verified_copy
from db.backup_restore import (
    RestoreResult,
    audit_anchors,
    current_unit,
    latest_good_backup,
    readable_stored_key,
    restore_backup,
)
from db.connection import database_path
from services.changes import Changes
from services.logs import tail

__all__ = ["BackupDone", "BackupInfo", "BackupRejected", "BackupResult", "DamagedDatabaseError", "PasswordNeeded",
           "RestoreDone", "RestoreResult", "WrongPassword", "all_backups", "audit_anchors", "auto_backup",
           "backup_summary", "check_data", "current_unit", "database_path", "is_outside", "latest_good_backup",
           "make_backup", "presence", "readable_stored_key", "restore", "second_folder", "set_backup_password",
           "set_second_folder", "stored_key", "verified_copy"]

LOG_LINES_IN_BACKUP = 50


@dataclass(frozen=True)
class BackupDone:
    backup: BackupResult
    lines: list[str]  # what the clerk reads: the file, copies, warnings, rotation


def backup_summary(result: BackupResult) -> list[str]:
    lines = [f"Đã sao lưu và kiểm tra: {result.path}" + (" (có mật khẩu)" if result.manifest["encrypted"] else "")]
    lines += [f"Đã chép sang: {copy}" for copy in result.copies]
    if result.attachments_copied:
        lines.append(f"Đã chép {result.attachments_copied} tệp đính kèm mới sang thư mục sao lưu.")
    lines += [f"Cảnh báo: {warning}" for warning in result.warnings]
    if result.removed:
        lines.append(f"Xoay vòng: đã xóa {len(result.removed)} bản cũ.")
    return lines


def check_data(data_dir: Path) -> None:
    """Raise DamagedDatabaseError (a UserError) when the data folder's database is damaged."""
    check_database(database_path(data_dir))


def make_backup(data_dir: Path, *, to: Path | None = None, password: str | None = None,
                plain: bool = False) -> BackupDone:
    """Back up now: the database is checked first; the backup carries the fault log's last (masked) lines.
    Off the PC it is encrypted unless `plain` (db/backup.py: create_backup)."""
    check_data(data_dir)
    result = create_backup(data_dir, to=to, password=password, log_tail=tail(data_dir, LOG_LINES_IN_BACKUP),
                           plain=plain)
    return BackupDone(result, backup_summary(result))


def auto_backup(data_dir: Path, reason: str, now: datetime | None = None) -> BackupResult | None:
    """The automatic backup (at start, daily, at exit); None when nothing changed or it is not due."""
    return maybe_backup(data_dir, reason, now=now, log_tail=tail(data_dir, LOG_LINES_IN_BACKUP))


@dataclass(frozen=True)
class RestoreDone:
    result: RestoreResult
    lines: list[str]
    changes: Changes


def restore(data_dir: Path, backup: Path, *, password: str | None = None, actor: str | None = None,
            check_unit: bool = True) -> RestoreDone:
    """Replace the database by a verified backup (the caller closed its connection); everything changed."""
    result = restore_backup(data_dir, backup, password=password, actor=actor, check_unit=check_unit)
    text = f"Đã khôi phục từ {result.restored_from.name}"
    if result.kept_aside:
        text += f"; cơ sở dữ liệu trước đó được giữ ở {result.kept_aside}"
    lines = [text + "."]
    if result.attachments_restored:
        lines.append(f"Đã chép lại {result.attachments_restored} tệp đính kèm.")
    lines += [f"Cảnh báo: {warning}" for warning in result.warnings]
    return RestoreDone(result, lines, Changes.everything())

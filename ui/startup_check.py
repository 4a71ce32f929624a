"""At start: SQLite's quick check; a damaged database is said plainly and the latest good backup offered."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QWidget

from models.errors import UserError
from services.backup import (
    BackupRejected,
    DamagedDatabaseError,
    PasswordNeeded,
    check_data,
    latest_good_backup,
    restore,
)
from ui import dialogs

TITLE = "Cơ sở dữ liệu bị hỏng"


def ask_restore(parent: QWidget | None, text: str) -> bool:
    """Restore or quit: the two choices a damaged database leaves (tests replace this)."""
    box = QMessageBox(QMessageBox.Icon.Critical, TITLE, text, QMessageBox.StandardButton.NoButton, parent)
    restore = box.addButton("Khôi phục từ bản sao lưu", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Thoát", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def ask_password(parent: QWidget | None, text: str) -> str | None:
    """The backup password, hidden as typed; None when the clerk cancels (tests replace this)."""
    value, ok = QInputDialog.getText(parent, "Mật khẩu sao lưu", text, QLineEdit.EchoMode.Password)
    return value if ok and value else None


def _find_backup(data_dir: Path, parent: QWidget | None) -> tuple[object, dict, str | None] | None:
    """The latest good backup and the password that opens it; asks for the password when one is needed."""
    password = None
    while True:
        try:
            found = latest_good_backup(data_dir, password=password)
            return (*found, password) if found else None
        except PasswordNeeded as error:
            password = ask_password(parent, f"{error}\nĐể trống và Hủy để dùng bản không có mật khẩu cũ hơn.")
            if password is None:
                found = latest_good_backup(data_dir, skip_locked=True)
                return (*found, None) if found else None


def check_or_recover(data_dir: Path, parent: QWidget | None = None) -> bool:
    """True when the app may open the data folder: the database is whole, absent, or was just restored.

    False when it is damaged and the clerk chose to quit or no good backup exists: nothing was written,
    the damaged file is left exactly as it was for a technician.
    """
    data_dir = Path(data_dir)
    try:
        check_data(data_dir)
        return True
    except sqlite3.OperationalError:
        return True  # busy or locked is not damage: opening the folder says what is wrong
    except DamagedDatabaseError as error:
        problem = error.summary
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        found = _find_backup(data_dir, parent)
    finally:
        QApplication.restoreOverrideCursor()
    if found is None:
        dialogs.show_error(parent, f"{problem}.\n\nKhông tìm thấy bản sao lưu tốt nào trong "
                                   f"{data_dir / 'backups'}. MotCua không ghi gì vào tệp hỏng; hãy nhờ kỹ thuật "
                                   "viên kiểm tra trước khi dùng tiếp.", TITLE)
        return False
    info, manifest, password = found
    counts = manifest.get("counts", {})
    text = (f"{problem}.\n\nBản sao lưu tốt gần nhất: lúc {info.created_at:%H:%M %d/%m/%Y} "
            f"({counts.get('dossiers', 0)} hồ sơ), tệp {info.path.name}.\n\n"
            "Khôi phục từ bản này? Tệp hỏng được giữ lại trong thư mục backups; những gì nhập sau thời điểm "
            "sao lưu sẽ phải nhập lại.")
    if not ask_restore(parent, text):
        return False
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = restore(data_dir, info.path, password=password, check_unit=False).result
    except (BackupRejected, UserError) as failure:
        QApplication.restoreOverrideCursor()
        dialogs.show_error(parent, str(failure), TITLE)
        return False
    QApplication.restoreOverrideCursor()
    aside = result.kept_aside.name if result.kept_aside else ""
    dialogs.show_info(parent, "Đã khôi phục", f"Đã khôi phục dữ liệu từ bản sao lưu lúc "
                                              f"{info.created_at:%H:%M %d/%m/%Y}. Tệp hỏng được giữ ở backups/{aside}."
                                              + "".join(f"\n\n{warning}" for warning in result.warnings))
    return True


"""Giới thiệu MotCua: version, data folder, and the bug-report text with the log's last lines."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from models.app_info import VERSION
from services.logs import bug_report
from ui import strings


class AboutDialog(QDialog):
    """Shows what a support person needs; 'Chép báo lỗi' copies it (personal data is masked in the log)."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Giới thiệu MotCua")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"MotCua {VERSION}\nPhần mềm bộ phận một cửa cấp xã, chạy ngoại tuyến.\n"
                                f"Thư mục dữ liệu: {data_dir}"))
        layout.addWidget(QLabel("Nội dung báo lỗi (gửi cho người hỗ trợ kỹ thuật khi cần):"))
        self.report = QPlainTextEdit(bug_report(data_dir, VERSION))
        self.report.setReadOnly(True)
        layout.addWidget(self.report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(strings.CLOSE)
        copy = buttons.addButton("Chép báo lỗi", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_report(self) -> None:
        QApplication.clipboard().setText(self.report.toPlainText())

"""Preview of a report PDF with save and print of those same bytes (shared/domain.md: preview = print)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

import ui.dialogs
from ui import strings
from ui.pdf_view import PdfView, ask_pdf_path, make_print_dialog, printing_job, save_pdf_bytes
from ui.worker import run_with_progress


class ReportPrintDialog(QDialog):
    """Shows the pages of `data`; "Lưu PDF…" writes exactly them, "In…" prints exactly them."""

    def __init__(self, parent: QWidget | None, title: str, data: bytes, images: list[QImage], file_name: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.data = data
        self.file_name = file_name
        self.printed: int | None = None
        self.view = PdfView()
        self.view.set_images(images)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.save_button = QPushButton("Lưu PDF…")
        self.print_button = QPushButton("In…")
        close = QPushButton(strings.CLOSE)
        self.save_button.clicked.connect(self.choose_save_file)
        self.print_button.clicked.connect(lambda: self.print_document())
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.notice, 1)
        for button in (self.save_button, self.print_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(1000, 760)

    def choose_save_file(self) -> None:
        path = ask_pdf_path(self, "Lưu bản in", self.file_name)
        if path:
            self.save(path)

    def save(self, path: Path) -> bool:
        return save_pdf_bytes(self, self.data, path, self.notice)

    def print_document(self, printer: QPrinter | None = None) -> None:
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = make_print_dialog(printer, self.view.page_count(), self)
        dialog.setWindowTitle("In báo cáo")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        job = printing_job(self.data, printer)

        def done(pages: object) -> None:
            if isinstance(pages, int):
                self.printed = pages
                self.notice.setText(f"Đã gửi {pages} trang tới {printer.outputFileName() or printer.printerName()}.")
            else:
                self.notice.setText("Chưa in: việc in đã bị hủy.")

        run_with_progress(self, "Đang gửi bản in tới máy in…", job, done,
                          lambda message: ui.dialogs.show_error(self, message))

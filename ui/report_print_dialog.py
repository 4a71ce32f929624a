"""Preview of a report PDF with save and print of those same bytes (shared/domain.md: preview = print)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

import ui.dialogs
from models.errors import UserError
from printing.output import PrintCancelled, write_output
from ui import strings
from ui.pdf_view import PdfView, make_print_dialog, print_pdf
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
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _filter = QFileDialog.getSaveFileName(self, "Lưu bản in", str(Path(folder) / self.file_name),
                                                    "Tệp PDF (*.pdf)")
        if path:
            self.save(Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf"))

    def save(self, path: Path) -> bool:
        try:
            write_output(self.data, path)
        except UserError as error:
            ui.dialogs.show_error(self, str(error))
            return False
        self.notice.setText(f"Đã lưu {path}.")
        return True

    def print_document(self, printer: QPrinter | None = None) -> None:
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = make_print_dialog(printer, self.view.page_count(), self)
        dialog.setWindowTitle("In báo cáo")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        data = self.data

        def job(progress, cancelled) -> int | None:
            try:
                return print_pdf(data, printer, progress, cancelled)
            except PrintCancelled:
                return None

        def done(pages: object) -> None:
            if isinstance(pages, int):
                self.printed = pages
                self.notice.setText(f"Đã gửi {pages} trang tới {printer.outputFileName() or printer.printerName()}.")
            else:
                self.notice.setText("Chưa in: việc in đã bị hủy.")

        run_with_progress(self, "Đang gửi bản in tới máy in…", job, done,
                          lambda message: ui.dialogs.show_error(self, message))

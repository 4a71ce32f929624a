"""Showing and printing a finished PDF: its pages rasterised by pypdfium2, so screen and paper match it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

import ui.dialogs
from models.errors import UserError
from printing.output import PrintCancelled, write_output
from ui import strings
from ui.dialogs import enable

# PDFium is not thread-safe, not even across documents: every call goes through this lock.
_PDFIUM = threading.Lock()
PRINT_DPI_CAP = 300  # enough for text and QR codes; 600/1200 dpi pages would take 100+ MB each
_PAGE_GAP = 16


def page_count(data: bytes) -> int:
    with _PDFIUM:
        document = pdfium.PdfDocument(data)
        try:
            return len(document)
        finally:
            document.close()


def _to_image(page: pdfium.PdfPage, scale: float) -> QImage:
    bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True)  # RGBX, as QImage reads it
    try:
        image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGBX8888)
        return image.copy()  # own the pixels: the bitmap's buffer is freed below
    finally:
        bitmap.close()


def render_pages(data: bytes, dpi: float, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> list[QImage]:
    """Every page of `data` as a QImage at `dpi` (safe in a worker thread: QImage, never QPixmap)."""
    images: list[QImage] = []
    with _PDFIUM:
        document = pdfium.PdfDocument(data)
        try:
            total = len(document)
            for number in range(total):
                if cancelled is not None and cancelled():
                    raise PrintCancelled("Đã hủy xem trước.")
                page = document[number]
                try:
                    images.append(_to_image(page, dpi / 72))
                finally:
                    page.close()
                if progress is not None:
                    progress(number + 1, total)
        finally:
            document.close()
    return images


def _render_one(data: bytes, number: int, dpi: float) -> QImage:
    with _PDFIUM:
        document = pdfium.PdfDocument(data)
        try:
            page = document[number]
            try:
                return _to_image(page, dpi / 72)
            finally:
                page.close()
        finally:
            document.close()


def print_pdf(data: bytes, printer: QPrinter, progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> int:
    """Paint the pages of `data` onto `printer`, one rasterised page per sheet; returns pages sent.

    Honours the page range chosen in the print dialog. Runs in a worker thread (Qt allows QPainter on a
    QPrinter there). UserError when the printer cannot be opened or the job fails; PrintCancelled when
    the clerk cancels (the job is aborted, so nothing counts as printed).
    """
    total = page_count(data)
    first = max(printer.fromPage(), 1) if printer.fromPage() else 1
    last = min(printer.toPage(), total) if printer.toPage() else total
    numbers = list(range(first - 1, last))
    copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
    dpi = min(printer.resolution(), PRINT_DPI_CAP)
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("Không mở được máy in đã chọn: hãy kiểm tra máy in đã bật và nối với máy tính.")
    sent = 0
    jobs = [n for _copy in range(copies) for n in numbers]
    try:
        for position, number in enumerate(jobs):
            if cancelled is not None and cancelled():
                printer.abort()
                raise PrintCancelled("Đã hủy in.")
            if position and not printer.newPage():
                raise UserError("Máy in báo lỗi khi sang trang mới: việc in bị dừng.")
            image = _render_one(data, number, dpi)
            target = printer.paperRect(QPrinter.Unit.DevicePixel) if printer.fullPage() \
                else printer.pageRect(QPrinter.Unit.DevicePixel)
            painter.drawImage(_fit(QSize(image.width(), image.height()), target), image)
            sent += 1
            if progress is not None:
                progress(position + 1, len(jobs))
    except BaseException:
        painter.end()
        raise
    if not painter.end():
        raise UserError("Máy in báo lỗi: việc in không hoàn tất.")
    return sent


def _fit(size: QSize, target: QRectF) -> QRectF:
    """`size` scaled to fit `target`, keeping its proportions, centred (origin at the paper's corner)."""
    scale = min(target.width() / size.width(), target.height() / size.height())
    width, height = size.width() * scale, size.height() * scale
    left = (target.width() - width) / 2
    top = (target.height() - height) / 2
    return QRectF(left, top, width, height)


def ask_pdf_path(parent: QWidget, title: str, file_name: str) -> Path | None:
    """A save dialog opening in the last folder used (first time Documents); '.pdf' added when left out."""
    from ui.save_dialog import ask_save_path

    return ask_save_path(parent, title, file_name, "Tệp PDF (*.pdf)", ".pdf")


def save_pdf_bytes(parent: QWidget, data: bytes, path: Path, notice: QLabel) -> bool:
    """Write exactly these (previewed) bytes; a refusal is shown, success is said in `notice`."""
    try:
        write_output(data, path)
    except UserError as error:
        ui.dialogs.show_error(parent, str(error))
        return False
    notice.setText(f"Đã lưu {path}.")
    return True


def printing_job(data: bytes, printer: QPrinter) -> Callable:
    """A worker job painting `data`'s pages onto `printer`: the page count, or None when cancelled."""

    def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int | None:
        try:
            return print_pdf(data, printer, progress, cancelled)
        except PrintCancelled:
            return None

    return job


def make_print_dialog(printer: QPrinter, pages: int, parent: QWidget | None) -> QPrintDialog:
    """A print dialog offering a page range, with Vietnamese texts where Qt draws the dialog itself."""
    printer.setFullPage(True)  # the PDF carries its own margins
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("In bản niêm yết")
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setMinMax(1, max(pages, 1))
    for box in dialog.findChildren(QDialogButtonBox):
        for button in box.buttons():
            role = box.buttonRole(button)
            if role == QDialogButtonBox.ButtonRole.AcceptRole:
                button.setText("In")
            elif role == QDialogButtonBox.ButtonRole.RejectRole:
                button.setText(strings.CANCEL)
    return dialog


class PdfView(QWidget):
    """The pages of one PDF, scrollable, scaled down to the width of the view, with "Trang n/N"."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.images: list[QImage] = []
        self.labels: list[QLabel] = []
        self.placeholder = QLabel()
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #1f3b57; font-size: 15px; padding: 40px;")
        self.pages = QWidget()
        self.pages.setObjectName("pdfPages")
        self.pages.setStyleSheet("QWidget#pdfPages { background: #d5dbe1; }")
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setSpacing(_PAGE_GAP)
        self.pages_layout.setContentsMargins(_PAGE_GAP, _PAGE_GAP, _PAGE_GAP, _PAGE_GAP)
        self.pages_layout.addWidget(self.placeholder)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.pages)
        self.page_label = QLabel()
        self.previous_button = QPushButton("Trang trước")
        self.next_button = QPushButton("Trang sau")
        self.previous_button.clicked.connect(lambda: self.go_to(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.current_page() + 1))
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.page_label)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area, 1)
        layout.addLayout(bar)
        self.rescale_timer = QTimer(self)
        self.rescale_timer.setSingleShot(True)
        self.rescale_timer.setInterval(80)
        self.rescale_timer.timeout.connect(self._rescale)
        self.scroll_area.verticalScrollBar().valueChanged.connect(lambda _value: self._update_page_label())
        self.show_message("")

    def screen_dpi(self) -> float:
        """Pixels per inch to render at: the screen's, times its scaling, so text is sharp."""
        return self.logicalDpiX() * self.devicePixelRatioF()

    def show_message(self, text: str) -> None:
        """No document: a sentence in the middle of the view instead of pages."""
        self.set_images([])
        self.placeholder.setText(text)
        self.placeholder.show()

    def set_images(self, images: list[QImage]) -> None:
        for label in self.labels:
            label.deleteLater()
        self.images = list(images)
        self.labels = []
        self.placeholder.setVisible(not images)
        for _image in self.images:
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setStyleSheet("background: transparent;")
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.labels.append(label)
        self._rescale()
        self.scroll_area.verticalScrollBar().setValue(0)
        self._update_page_label()

    def page_count(self) -> int:
        return len(self.images)

    def current_page(self) -> int:
        """1-based number of the page in the middle of the view (0 with no pages)."""
        if not self.labels:
            return 0
        middle = self.scroll_area.verticalScrollBar().value() + self.scroll_area.viewport().height() // 2
        for number, label in enumerate(self.labels, start=1):
            if label.geometry().bottom() + _PAGE_GAP >= middle:
                return number
        return len(self.labels)

    def go_to(self, number: int) -> None:
        if self.labels:
            label = self.labels[min(max(number, 1), len(self.labels)) - 1]
            self.scroll_area.verticalScrollBar().setValue(label.geometry().top() - _PAGE_GAP)
            self._update_page_label()

    def _update_page_label(self) -> None:
        current = self.current_page()
        self.page_label.setText(f"Trang {current}/{len(self.labels)}" if self.labels else "")
        enable(self.previous_button, current > 1, "Đang ở trang đầu")
        enable(self.next_button, 0 < current < len(self.labels), "Đang ở trang cuối")
        for widget in (self.previous_button, self.next_button, self.page_label):
            widget.setVisible(bool(self.labels))

    def _rescale(self) -> None:
        """Pages wider than the view shrink to fit its width; narrower ones keep their size."""
        ratio = self.devicePixelRatioF()
        room = max(self.scroll_area.viewport().width() - 2 * _PAGE_GAP, 200) * ratio
        for image, label in zip(self.images, self.labels, strict=True):
            pixmap = QPixmap.fromImage(image)
            if image.width() > room:
                pixmap = pixmap.scaledToWidth(int(room), Qt.TransformationMode.SmoothTransformation)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)
            label.setFixedSize(pixmap.deviceIndependentSize().toSize())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.images:
            self.rescale_timer.start()

"""The "In niêm yết" area: choose a layout and filters, preview the PDF, then save or print those same bytes."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

import ui.dialogs
from models.file_names import dated_name
from printing.output import PrintCancelled
from printing.select import select_procedures
from printing.sheets import render_sheet
from services.catalog import field_counts, list_procedures
from services.changes import Changes
from services.settings import load_settings
from ui.app_context import AppContext
from ui.pdf_view import PdfView, ask_pdf_path, make_print_dialog, printing_job, render_pages, save_pdf_bytes
from ui.worker import Cancelled, Progress, Worker, run_job, run_with_progress

LAYOUT_NAMES = {"list": "Danh sách A4 có mã QR", "cards": "Thẻ QR cho nhà văn hóa thôn (6 thẻ/trang)"}
_FILE_STEM = {"list": "danh-muc-TTHC", "cards": "the-QR-TTHC"}
_STEPS = 1000  # progress scale: building the PDF is 80% of it, drawing the preview pages the rest
_PANEL_WIDTH = 340


@dataclass(frozen=True)
class Choice:
    """What the clerk asked for, gathered on the GUI thread before the worker starts."""

    layout: str
    fields: list[str]
    codes: list[str]
    essential_only: bool


@dataclass(frozen=True)
class Preview:
    choice: Choice
    data: bytes
    images: list[QImage]
    procedures: int


def parse_codes(text: str) -> list[str]:
    return [code for code in re.split(r"[\s,;]+", text) if code]


class PostingScreen(QWidget):
    worker_finished = Signal()  # a preview or a print job ended (done, failed or cancelled)

    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.preview: Preview | None = None
        self.stale = False
        self.data_changed = False  # the catalog or the settings changed since the preview was made
        self.worker: Worker | None = None
        self.last_printed: int | None = None  # pages of the last print that succeeded
        self.pdf_view = PdfView()
        self.pdf_view.show_message("Chọn kiểu in và bộ lọc bên trái, rồi bấm \"Xem trước\".")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, _STEPS)
        self.progress.hide()
        self.cancel_button = QPushButton("Hủy")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self._show_cancelling)  # the job hears it through run_job
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.cancel_button)
        right = QVBoxLayout()
        right.addLayout(status_row)
        right.addWidget(self.pdf_view, 1)
        body = QHBoxLayout()
        body.addWidget(self._build_panel())
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        title = QLabel("In niêm yết danh mục thủ tục")
        title.setObjectName("areaTitle")
        layout.addWidget(title)
        layout.addLayout(body, 1)
        context.changed.connect(self._context_changed)
        self.refresh()
        self._update_buttons()

    # ----- building
    def _action(self, text: str, shortcuts: list[str], slot) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(shortcut) for shortcut in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_panel(self) -> QWidget:
        panel = QWidget()
        panel.setFixedWidth(_PANEL_WIDTH)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 8, 0)
        kind = QGroupBox("Kiểu in")
        kind_layout = QVBoxLayout(kind)
        self.layout_buttons = {key: QRadioButton(text) for key, text in LAYOUT_NAMES.items()}
        self.layout_buttons["list"].setChecked(True)
        for button in self.layout_buttons.values():
            kind_layout.addWidget(button)
            button.toggled.connect(self._layout_toggled)

        fields_box = QGroupBox("Lĩnh vực")
        fields_layout = QVBoxLayout(fields_box)
        hint = QLabel("Không đánh dấu lĩnh vực nào thì in tất cả.")
        hint.setWordWrap(True)
        self.fields = QListWidget()
        self.fields.itemChanged.connect(lambda _item: self._mark_stale())
        # Four rows at least, then the room left: its preferred height must not push the screen past a
        # 1920×1040 screen at 150 % (1280×693), where the word-wrapped labels ask for preferred heights.
        self.fields.setMinimumHeight(self.fields.fontMetrics().height() * 4 + 12)
        self.fields.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        fields_layout.addWidget(hint)
        fields_layout.addWidget(self.fields, 1)

        self.essential = QCheckBox("Chỉ dịch vụ thiết yếu")
        self.essential.toggled.connect(lambda _on: self._mark_stale())
        codes_label = QLabel("Chỉ các mã thủ tục (không bắt buộc; cách nhau bởi dấu phẩy hoặc xuống dòng):")
        codes_label.setWordWrap(True)
        self.codes = QPlainTextEdit()
        self.codes.setTabChangesFocus(True)
        self.codes.setFixedHeight(self.codes.fontMetrics().lineSpacing() * 3 + 14)
        self.codes.setPlaceholderText("ví dụ: 1.001193, 1.000894")
        self.codes.textChanged.connect(self._mark_stale)

        self.preview_action = self._action("Xem trước", ["Ctrl+Return", "Ctrl+Enter"], self.start_preview)
        self.save_action = self._action("Lưu PDF…", ["Ctrl+S"], self.choose_save_file)
        self.print_action = self._action("In…", ["Ctrl+P"], self.print_preview)
        self.preview_button = QPushButton("Xem trước (Ctrl+Enter)")
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(self.start_preview)
        self.save_button = QPushButton("Lưu PDF… (Ctrl+S)")
        self.save_button.clicked.connect(self.choose_save_file)
        self.print_button = QPushButton("In… (Ctrl+P)")
        self.print_button.clicked.connect(lambda: self.print_preview())
        self.stale_label = QLabel()
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet("color: #b54708;")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #1a7f37;")
        for box in (kind, fields_box):
            column.addWidget(box, 1 if box is fields_box else 0)
        for widget in (self.essential, codes_label, self.codes, self.preview_button, self.save_button,
                       self.print_button, self.stale_label, self.notice):
            column.addWidget(widget)
        return panel

    # ----- choices
    def _context_changed(self, changes: Changes) -> None:
        if not (changes.catalog_changed or changes.settings_changed):
            return
        self.data_changed = self.preview is not None
        self.refresh()

    def refresh(self) -> None:
        """Field list from the catalog, keeping what was ticked; an open preview is now out of date."""
        ticked = set(self.chosen_fields())
        self.fields.blockSignals(True)
        self.fields.clear()
        for field, count in field_counts(self.context.db).items():
            if not field:
                continue
            item = QListWidgetItem(f"{field} ({count})")
            item.setData(Qt.ItemDataRole.UserRole, field)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if field in ticked else Qt.CheckState.Unchecked)
            self.fields.addItem(item)
        self.fields.blockSignals(False)
        self._mark_stale()

    def chosen_layout(self) -> str:
        return next(key for key, button in self.layout_buttons.items() if button.isChecked())

    def set_layout(self, layout: str) -> None:
        self.layout_buttons[layout].setChecked(True)

    def chosen_fields(self) -> list[str]:
        return [self.fields.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.fields.count())
                if self.fields.item(row).checkState() == Qt.CheckState.Checked]

    def choice(self) -> Choice:
        return Choice(self.chosen_layout(), self.chosen_fields(), parse_codes(self.codes.toPlainText()),
                      self.essential.isChecked())

    def _layout_toggled(self, checked: bool) -> None:
        if checked:  # cards go to village cultural houses, where only essential services are posted
            self.essential.setChecked(self.chosen_layout() == "cards")
            self._mark_stale()

    def _mark_stale(self) -> None:
        self.stale = self.preview is not None and (self.data_changed or self.preview.choice != self.choice())
        self.stale_label.setText("Lựa chọn đã đổi: bấm \"Xem trước\" để cập nhật trước khi lưu hoặc in."
                                 if self.stale else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.worker is not None
        ready = self.preview is not None and not self.stale and not busy
        why = ("Đang tạo bản xem trước: chờ xong" if busy else
               "Lựa chọn đã đổi: bấm \"Xem trước\" trước" if self.stale else "Bấm \"Xem trước\" trước khi lưu hoặc in")
        for widget in (self.save_button, self.print_button, self.save_action, self.print_action):
            ui.dialogs.enable(widget, ready, why)
        ui.dialogs.enable(self.preview_button, not busy, "Đang tạo bản xem trước: chờ xong")
        ui.dialogs.enable(self.preview_action, not busy, "Đang tạo bản xem trước: chờ xong")

    # ----- preview in a worker
    def start_preview(self) -> Worker | None:
        if self.worker is not None:
            return None
        choice, dpi = self.choice(), self.pdf_view.screen_dpi()
        context = self.context

        def job(progress: Progress, cancelled: Cancelled) -> Preview | None:
            db = context.open_worker_connection()
            try:
                procedures, settings = list_procedures(db), load_settings(db)
            finally:
                db.close()
            count = len(select_procedures(procedures, choice.fields, choice.essential_only, choice.codes))
            buffer = io.BytesIO()
            try:
                render_sheet(choice.layout, procedures, settings, buffer, fields=choice.fields or None,
                             codes=choice.codes or None, essential_only=choice.essential_only,
                             progress=lambda done, total: progress(done * 800 // max(total, 1), _STEPS),
                             cancelled=cancelled)
                images = render_pages(buffer.getvalue(), dpi,
                                      lambda done, total: progress(800 + done * 200 // max(total, 1), _STEPS),
                                      cancelled)
            except PrintCancelled:
                return None
            return Preview(choice, buffer.getvalue(), images, count)

        self.worker = run_job(job, self._preview_done, self._preview_failed, on_progress=self._progress,
                              cancel_on=self.cancel_button.clicked)
        self.status.setText("Đang tạo bản in…")
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self._update_buttons()
        return self.worker

    def cancel_preview(self) -> None:
        """Press Hủy: run_job wired the button to the preview job's cancel."""
        if self.worker is not None and self.cancel_button.isEnabled():
            self.cancel_button.click()

    def _show_cancelling(self) -> None:
        if self.worker is not None:
            self.cancel_button.setEnabled(False)
            self.status.setText("Đang hủy…")

    def _progress(self, done: int, total: int) -> None:
        self.progress.setValue(min(done, total))

    def _finish_work(self) -> None:
        self.worker = None
        self.progress.hide()
        self.cancel_button.hide()

    def _preview_done(self, result: Preview | None) -> None:
        self._finish_work()
        if result is None:
            self.status.setText("Đã hủy xem trước.")
        else:
            self.preview = result
            self.data_changed = False
            self.pdf_view.set_images(result.images)
            pages = len(result.images)
            self.status.setText(f"{LAYOUT_NAMES[result.choice.layout]}: {result.procedures} thủ tục, "
                                f"{pages} trang.")
        self._mark_stale()
        self.worker_finished.emit()

    def _preview_failed(self, message: str) -> None:
        self._finish_work()
        self.status.setText("Chưa tạo được bản in.")
        self._mark_stale()
        ui.dialogs.show_error(self, message)
        self.worker_finished.emit()

    # ----- saving and printing the previewed bytes
    def default_file_name(self) -> str:
        layout = self.preview.choice.layout if self.preview else self.chosen_layout()
        return dated_name(_FILE_STEM[layout], date.today(), "pdf")

    def choose_save_file(self) -> None:
        if self.preview is None or self.stale:
            return
        path = ask_pdf_path(self, "Lưu bản niêm yết", self.default_file_name())
        if path:
            self.save_pdf(path)

    def save_pdf(self, path: Path) -> bool:
        """Write exactly the previewed bytes."""
        return self.preview is not None and save_pdf_bytes(self, self.preview.data, path, self.notice)

    def print_preview(self, printer: QPrinter | None = None) -> Worker | None:
        """Ask for a printer, then paint the previewed PDF's pages onto it in a worker."""
        if self.preview is None or self.stale or self.worker is not None:
            return None
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = make_print_dialog(printer, len(self.preview.images), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        job = printing_job(self.preview.data, printer)

        def done(pages: object) -> None:
            self._printing_done(pages, printer)

        def failed(message: str) -> None:
            ui.dialogs.show_error(self, message)
            self._printing_done(None, printer)

        self.notice.setText("")
        self.worker = run_with_progress(self, "Đang gửi bản in tới máy in…", job, done, failed)
        self._update_buttons()
        return self.worker

    def _printing_done(self, pages: object, printer: QPrinter) -> None:
        self.worker = None
        self._update_buttons()
        if isinstance(pages, int):
            self.last_printed = pages
            where = printer.outputFileName() or printer.printerName() or "máy in"
            self.notice.setText(f"Đã gửi {pages} trang tới {where}.")
        else:
            self.notice.setText("Chưa in: việc in đã bị hủy hoặc gặp lỗi.")
        self.worker_finished.emit()

"""Moving a dossier to an allowed next state or extending it, and previewing/printing its forms 01–05."""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import ui.dialogs
from models.dossier import NOTE_REQUIRED, Dossier, note_label, state_label
from models.dossier_forms import FORM_KINDS
from models.errors import UserError
from services import dossiers, forms
from ui import strings
from ui.app_context import AppContext
from ui.pdf_view import PdfView, ask_pdf_path, make_print_dialog, printing_job, render_pages, save_pdf_bytes
from ui.plain_text import rich_label
from ui.worker import Worker, run_job, run_with_progress

# The form a move calls for (Thông tư 01/2018): 02 when papers are missing, 03 on refusal; the 2025 set
# adds a notice when processing stops. Printed only when the set in force has that form.
FORM_OF_MOVE = {"cho_bo_sung": "bo_sung", "tu_choi": "tu_choi", "dung_giai_quyet": "dung_giai_quyet",
                "rut_ho_so": "dung_giai_quyet"}
# A hand-over is recorded on these moves; the receiver is typed here (an account or 'Cơ quan|Họ tên').
HANDOVER_TARGETS = {"dang_xu_ly", "co_ket_qua"}

@dataclass(frozen=True)
class RenderedForm:
    """A form as previewed: what was rendered (services.forms), its PDF bytes and its page images."""

    info: forms.RenderedForm
    data: bytes
    images: list[QImage]

    @property
    def number(self) -> str:
        return self.info.number

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def label(self) -> str:
        """'Mẫu 02', or 'Thông báo' for the unnumbered notice (its number depends on the act's date)."""
        return f"Mẫu {self.info.number}" if self.info.number else "Thông báo"


def render_dossier_form(context: AppContext, code: str, kind: str, dpi: float) -> RenderedForm:
    """Build form `kind` of dossier `code` as PDF bytes and its page images (runs in a worker)."""
    db = context.open_worker_connection()
    buffer = io.BytesIO()
    try:
        form = forms.render_form_for(db, code, kind, buffer)
    finally:
        db.close()
    data = buffer.getvalue()
    return RenderedForm(form, data, render_pages(data, dpi))


def available_forms(context: AppContext) -> dict[str, str]:
    """kind -> 'Mẫu 02 – Phiếu yêu cầu bổ sung…' for the set in force."""
    return forms.available_forms(context.db)


class FormPreviewDialog(QDialog):
    """The form as it will print; "In…" paints exactly these bytes (pdf_view), "Lưu PDF…" saves them."""

    work_finished = Signal()  # rendering or printing ended (done, failed or cancelled)

    def __init__(self, context: AppContext, code: str, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.code = code
        self.kind = kind
        self.form: RenderedForm | None = None
        self.worker: Worker | None = None
        self.last_printed: int | None = None
        self.setWindowTitle(f"{FORM_KINDS.get(kind, kind)} – {code}")
        self.resize(820, 900)
        self.view = PdfView()
        self.view.show_message("Đang tạo bản in…")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.print_button = QPushButton("In… (Ctrl+P)")
        self.save_button = QPushButton("Lưu PDF… (Ctrl+S)")
        close = QPushButton(strings.CLOSE)
        self.print_button.clicked.connect(lambda: self.print_form())
        self.save_button.clicked.connect(self.choose_save_file)
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=lambda: self.print_form())
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.choose_save_file)
        buttons = QHBoxLayout()
        buttons.addWidget(self.notice, 1)
        for button in (self.print_button, self.save_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._update_buttons()
        self.render()

    def _update_buttons(self) -> None:
        ready = self.form is not None and self.worker is None
        why = "Đang tạo bản in hoặc đang in: chờ xong"
        ui.dialogs.enable(self.print_button, ready, why)
        ui.dialogs.enable(self.save_button, ready, why)
        if ready:
            self.print_button.setDefault(True)
            self.print_button.setFocus()

    def render(self) -> None:
        context, code, kind, dpi = self.context, self.code, self.kind, self.view.screen_dpi()
        def job(_progress: object, _cancelled: object) -> RenderedForm:
            return render_dossier_form(context, code, kind, dpi)

        self.worker = run_job(job, self._rendered, self._render_failed)

    def _rendered(self, form: RenderedForm) -> None:
        self.worker = None
        self.form = form
        self.setWindowTitle(f"{form.label} – {form.title} – {self.code}")
        self.view.set_images(form.images)
        self._update_buttons()
        self.work_finished.emit()

    def _render_failed(self, message: str) -> None:
        self.worker = None
        self.view.show_message(message)
        self._update_buttons()
        self.work_finished.emit()

    def print_form(self, printer: QPrinter | None = None) -> Worker | None:
        """Ask for a printer, then paint the previewed pages onto it in a worker."""
        if self.form is None or self.worker is not None:
            return None
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = make_print_dialog(printer, len(self.form.images), self)
        dialog.setWindowTitle(f"In {self.form.number}")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        job = printing_job(self.form.data, printer)

        def done(pages: object) -> None:
            self.worker = None
            if isinstance(pages, int):
                self.last_printed = pages
                self.context.publish(forms.record_print(self.context.db, self.code, self.kind))
                where = printer.outputFileName() or printer.printerName() or "máy in"
                self.notice.setText(f"Đã gửi {pages} trang tới {where}.")
            else:
                self.notice.setText("Chưa in: việc in đã bị hủy.")
            self._update_buttons()
            self.work_finished.emit()

        def failed(message: str) -> None:
            self.worker = None
            self.notice.setText("Chưa in.")
            ui.dialogs.show_error(self, message)
            self._update_buttons()
            self.work_finished.emit()

        self.worker = run_with_progress(self, "Đang gửi bản in tới máy in…", job, done, failed)
        self._update_buttons()
        return self.worker

    def choose_save_file(self) -> None:
        if self.form is None:
            return
        path = ask_pdf_path(self, "Lưu bản in", f"{self.kind}-{self.code}.pdf")
        if path:
            self.save_pdf(path)

    def save_pdf(self, path: Path) -> bool:
        return self.form is not None and save_pdf_bytes(self, self.form.data, path, self.notice)

    def done(self, result: int) -> None:  # Qt's name
        if self.worker is not None:  # never close under a running print job
            self.worker.cancel()
            return
        super().done(result)


def _note_box() -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * 4 + 14)
    return box


class _ActionDialog(QDialog):
    """A small form with an error line and Đồng ý / Hủy; Ctrl+Enter accepts from the note."""

    def __init__(self, title: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a4161a;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(strings.OK)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(strings.CANCEL)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def guard(self, focus: QWidget) -> None:
        """Call last in a subclass: the cursor opens in `focus`; only a click or Ctrl+Enter confirms."""
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ui.dialogs.guard_confirm(self, self.ok_button, focus)

    def apply(self) -> None:
        raise NotImplementedError


class MoveDialog(_ActionDialog):
    """Move `dossier` to `target` (one of its allowed next states) with a note; `moved` holds the result."""

    def __init__(self, context: AppContext, dossier: Dossier, target: str, parent: QWidget | None = None):
        super().__init__(f"Chuyển hồ sơ {dossier.code}", parent)
        self.context = context
        self.dossier = dossier
        self.target = target
        self.moved: Dossier | None = None
        heading = rich_label(f"Từ <b>{escape(dossier.state_label)}</b> sang <b>{escape(state_label(target))}</b>")
        heading.setWordWrap(True)
        self.note = _note_box()
        label = note_label(target)
        self.note.setPlaceholderText("Bắt buộc" if target in NOTE_REQUIRED else "Không bắt buộc")
        self.form.addRow(heading)
        self.form.addRow(label + ":", self.note)
        self.handover = QLineEdit()
        self.handover.setObjectName("handover_to")
        self.handover.setPlaceholderText("Tên đăng nhập của cán bộ, hoặc Cơ quan|Họ tên (ví dụ Công an xã|Trần Văn Bảo)")
        if target in HANDOVER_TARGETS:  # the control sheet (Mẫu 06) prints who gave and who received
            self.form.addRow("Người nhận hồ sơ:", self.handover)
        self.form.addRow(QLabel("Bấm “Đồng ý” hoặc Ctrl+Enter để chuyển; Enter trong ô ghi chú chỉ xuống dòng."))
        self.guard(self.note)

    def apply(self) -> None:
        try:
            done = dossiers.move(self.context.db, self.dossier.code, self.target, note=self.note.toPlainText(),
                                 handover_to=self.handover.text().strip() or None)
        except UserError as error:
            self.error.setText(str(error))
            self.note.setFocus()
            return
        self.moved = done.dossier
        self.context.publish(done.changes)
        self.accept()


class ExtendDialog(_ActionDialog):
    """Gia hạn: a number of working days and the reason, printed on Mẫu 04 (xin lỗi, hẹn lại)."""

    def __init__(self, context: AppContext, dossier: Dossier, parent: QWidget | None = None):
        super().__init__(f"Gia hạn hồ sơ {dossier.code}", parent)
        self.context = context
        self.dossier = dossier
        self.extended: Dossier | None = None
        self.days = QDoubleSpinBox()
        self.days.setDecimals(1)
        self.days.setRange(0.5, 365)
        self.days.setValue(1)
        self.days.setSuffix(" ngày làm việc")
        self.reason = _note_box()
        self.reason.setPlaceholderText("Bắt buộc: in trên phiếu xin lỗi và hẹn lại ngày trả kết quả")
        current = QLabel(f"Hạn trả hiện tại: {dossier.due_at:%H:%M %d/%m/%Y}")
        self.form.addRow(current)
        self.form.addRow("Gia hạn thêm:", self.days)
        self.form.addRow("Lý do chậm trễ:", self.reason)
        self.guard(self.days)

    def apply(self) -> None:
        try:
            done = dossiers.extend(self.context.db, self.dossier.code, days=self.days.value(),
                                   reason=self.reason.toPlainText())
        except UserError as error:
            self.error.setText(str(error))
            return
        self.extended = done.dossier
        self.context.publish(done.changes)
        self.accept()


class UndoDialog(_ActionDialog):
    """Hoàn tác: take the dossier's latest move back with a reason (models.dossier_undo says who may)."""

    def __init__(self, context: AppContext, dossier: Dossier, move: dict, parent: QWidget | None = None):
        super().__init__(f"Hoàn tác bước chuyển của hồ sơ {dossier.code}", parent)
        self.context = context
        self.dossier = dossier
        self.undone: Dossier | None = None
        payload = move["payload"]
        heading = QLabel(f"Bước chuyển <b>{state_label(payload.get('from', ''))}</b> → "
                         f"<b>{state_label(payload.get('to', ''))}</b> của {move.get('actor')} sẽ được hoàn tác: "
                         f"hồ sơ trở lại <b>{state_label(payload.get('from', ''))}</b>. Lịch sử vẫn giữ cả bước "
                         "chuyển và lần hoàn tác này.")
        heading.setWordWrap(True)
        self.reason = _note_box()
        self.reason.setPlaceholderText("Bắt buộc: vì sao hoàn tác")
        self.form.addRow(heading)
        self.form.addRow("Lý do hoàn tác:", self.reason)
        self.guard(self.reason)
        self.ok_button.setText("Hoàn tác")

    def apply(self) -> None:
        try:
            done = dossiers.undo_move(self.context.db, self.dossier.code, reason=self.reason.toPlainText())
        except UserError as error:
            self.error.setText(str(error))
            return
        self.undone = done.dossier
        self.context.publish(done.changes)
        self.accept()


def form_ready(dossier: Dossier, kind: str) -> bool:
    """Whether the timeline has the act form `kind` records (services.forms.form_ready)."""
    return forms.form_ready(dossier, kind)


"""The "Tiếp nhận hồ sơ" area: procedure, applicant, papers and due date shown before saving; then the receipt."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.catalog import Procedure
from models.catalog_papers import papers_of
from models.dossier import CHANNELS, MAX_SETS, RESULT_DELIVERY, Dossier
from models.dossier_clock import moment_words, now_local
from models.dossier_fees import procedure_has_fee
from models.errors import UserError
from services.calendar import due_note
from services.catalog import list_procedures
from services.changes import Changes
from services.dossiers import clock_start_notice
from services.reception import due_from_text, preview_due, receive
from ui.app_context import AppContext
from ui.applicant_form import ERROR_STYLE, OK_STYLE, ApplicantForm
from ui.dossier_detail import scrolled
from ui.dossier_move_dialog import FormPreviewDialog
from ui.papers_table import DelegateBox, PapersTable
from ui.procedure_picker import ProcedurePicker, linked_offers

PREVIEW_REFRESH_MS = 30_000  # the due date depends on the clock (cut-off at 15:00, closing time)


def due_text(due: datetime) -> str:
    return moment_words(due)




class ReceptionScreen(QWidget):
    saved = Signal(object)  # the Dossier just received

    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.procedures: list[Procedure] = []
        self.shown_dues: dict[str, datetime | None] = {}
        self.last_saved: Dossier | None = None
        self.receipt_dialog: FormPreviewDialog | None = None
        self.linked_boxes: list[tuple[QCheckBox, Procedure]] = []
        self.picker = ProcedurePicker()
        self.picker.picked.connect(self._picked)
        self.applicant = ApplicantForm()
        self.channel = QComboBox()
        for key, label in CHANNELS.items():
            self.channel.addItem(label, key)
        self.papers = PapersTable()
        self.delivery = QComboBox()
        self.delivery.setObjectName("result_delivery")
        self.delivery.addItem("(chưa chọn)", "")
        for key, label in RESULT_DELIVERY.items():
            self.delivery.addItem(label, key)
        self.verification = QCheckBox("Trường hợp cần xác minh (thời hạn dài hơn theo danh mục)")
        self.verification.setObjectName("needs_verification")
        self.verification.toggled.connect(lambda _on: self.update_due_preview())
        self.delegate = DelegateBox()
        self.sets = QSpinBox()
        self.sets.setRange(1, MAX_SETS)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Enter ở ô này để lưu hồ sơ")
        self.due_label = QLabel()
        self.due_label.setWordWrap(True)
        self.due_label.setStyleSheet("font-size: 15px; font-weight: bold; color: #1f3b57;")
        self.manual_due = QLineEdit()
        self.manual_due.setPlaceholderText("dd/mm/yyyy HH:MM")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton("Lưu hồ sơ (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton("In giấy tiếp nhận (Ctrl+P)")
        self.print_button.setAutoDefault(True)  # Enter on it prints: the receipt is handed over every time
        self.print_button.clicked.connect(lambda: self.print_receipt())
        self.print_button.hide()
        new_button = QPushButton("Nhập lại từ đầu")
        new_button.clicked.connect(self.clear_form)

        body = QHBoxLayout()
        body.addLayout(self._left_column(), 11)
        body.addLayout(self._right_column(new_button), 9)
        layout = QVBoxLayout(scrolled(self))
        title = QLabel("Tiếp nhận hồ sơ")
        title.setObjectName("areaTitle")
        layout.addWidget(title)
        layout.addLayout(body, 1)

        for edit in (self.applicant.name, self.applicant.dob, self.applicant.phone, self.applicant.address,
                     self.applicant.email, self.applicant.organisation, self.manual_due):
            edit.returnPressed.connect(self.focusNextChild)
        self.applicant.advance.connect(self.focusNextChild)
        order = [self.picker.edit, *self.applicant.focus_order(), self.channel, self.papers, self.sets, self.note,
                 self.manual_due, self.save_button]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.note.returnPressed.connect(self.save)
        self.picker.edit.textEdited.connect(lambda _text: self._next_started())
        for edit in (self.applicant.name, self.applicant.cccd, self.applicant.scan):
            edit.textEdited.connect(lambda _text: self._next_started())
        self._shortcut("Ctrl+S", self.save)
        self._shortcut("Ctrl+P", lambda: self.print_receipt())
        self._shortcut("F2", self.applicant.scan.setFocus)
        self._shortcut("Ctrl+Insert", lambda: self.papers.add_row())
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(PREVIEW_REFRESH_MS)
        self.refresh_timer.timeout.connect(self.update_due_preview)
        self.refresh_timer.start()
        context.changed.connect(self._context_changed)
        self.reload_catalog()
        self.update_due_preview()

    # ----- building
    def _shortcut(self, keys: str, slot) -> None:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def _left_column(self) -> QVBoxLayout:
        procedure_box = QGroupBox("1. Thủ tục (gõ tên hoặc mã, Enter để chọn)")
        column = QVBoxLayout(procedure_box)
        column.addWidget(self.picker)
        self.linked_box = QGroupBox("Liên thông: tiếp nhận cùng lúc các thủ tục")
        self.linked_layout = QVBoxLayout(self.linked_box)
        self.linked_box.hide()
        column.addWidget(self.linked_box)
        applicant_box = QGroupBox("2. Người nộp hồ sơ")
        QVBoxLayout(applicant_box).addWidget(self.applicant)
        left = QVBoxLayout()
        left.addWidget(procedure_box, 1)  # the procedure list grows with the column
        left.addWidget(applicant_box)
        left.addWidget(self.delegate)
        return left

    def _right_column(self, new_button: QPushButton) -> QVBoxLayout:
        box = QGroupBox("3. Hồ sơ nhận")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Kênh nộp:", self.channel)
        add = QPushButton("Thêm dòng (Ctrl+Insert)")
        add.clicked.connect(lambda: self.papers.add_row())
        remove = QPushButton("Xóa dòng")
        remove.clicked.connect(self.papers.remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        papers_label = QLabel("Giấy tờ đã nhận (đánh dấu giấy tờ công dân nộp; F2 hoặc nhấp đúp để sửa ô):")
        papers_label.setWordWrap(True)  # never widens the column past a 1366×768 screen
        form.addRow(papers_label)
        form.addRow(self.papers)
        form.addRow(buttons)
        form.addRow("Số bộ hồ sơ:", self.sets)
        form.addRow("Nhận kết quả:", self.delivery)
        form.addRow(self.verification)
        form.addRow("Ghi chú:", self.note)
        self.manual_row = QLabel("Hạn trả (nhập tay):")
        form.addRow(self.manual_row, self.manual_due)
        # The fee collected, when the chosen procedure charges one (models.dossier_fees).
        self.fee_amount = QLineEdit()
        self.fee_amount.setPlaceholderText("số tiền đã thu, ví dụ 50.000 (để trống nếu chưa thu)")
        self.fee_receipt = QLineEdit()
        self.fee_receipt.setPlaceholderText("số biên lai đã cấp")
        fee_row = QHBoxLayout()
        fee_row.addWidget(self.fee_amount, 3)
        fee_row.addWidget(QLabel("Biên lai số:"))
        fee_row.addWidget(self.fee_receipt, 2)
        self.fee_widget = QWidget()
        self.fee_widget.setLayout(fee_row)
        fee_row.setContentsMargins(0, 0, 0, 0)
        self.fee_label = QLabel("Phí, lệ phí đã thu:")
        form.addRow(self.fee_label, self.fee_widget)
        self._show_fee(None)
        due_box = QGroupBox("4. Hạn trả kết quả")
        due_layout = QVBoxLayout(due_box)
        due_layout.addWidget(self.due_label)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(new_button)
        actions.addStretch(1)
        due_layout.addLayout(actions)
        due_layout.addWidget(self.message)
        due_layout.addWidget(self.print_button)
        right = QVBoxLayout()
        right.addWidget(box, 1)
        right.addWidget(due_box)
        return right

    # ----- catalog and procedure
    def reload_catalog(self) -> None:
        self.procedures = list_procedures(self.context.db)
        self.picker.set_procedures(self.procedures)

    def _context_changed(self, changes: Changes) -> None:
        if changes.catalog_changed or changes.settings_changed or changes.calendar_changed:
            self.reload_catalog()
            self.update_due_preview()

    def _show_fee(self, procedure: Procedure | None) -> None:
        """The fee boxes only for a procedure that charges one; its catalog text says how much."""
        shown = procedure is not None and procedure_has_fee(procedure.fees)
        self.fee_label.setVisible(shown)
        self.fee_widget.setVisible(shown)
        if shown:
            self.fee_label.setToolTip(f"Theo danh mục: {procedure.fees}")
            self.fee_amount.setToolTip(f"Theo danh mục: {procedure.fees}")
        else:
            self.fee_amount.clear()
            self.fee_receipt.clear()

    def _picked(self, procedure: Procedure | None) -> None:
        self._show_fee(procedure)
        for box, _procedure in self.linked_boxes:
            self.linked_layout.removeWidget(box)
            box.deleteLater()
        self.linked_boxes = []
        offers = linked_offers(procedure, self.procedures) if procedure else []
        for other in offers:
            box = QCheckBox(f"{other.code} – {other.name}")
            box.setToolTip(other.name)
            box.toggled.connect(lambda _on: self.update_due_preview())
            self.linked_layout.addWidget(box)
            self.linked_boxes.append((box, other))
        self.linked_box.setVisible(bool(offers))
        self.papers.show_papers(papers_of(procedure.papers) if procedure else ())
        self.verification.setEnabled(bool(procedure and procedure.verification_text))
        if not self.verification.isEnabled():
            self.verification.setChecked(False)
        self.update_due_preview()

    def linked_codes(self) -> list[str]:
        return [procedure.code for box, procedure in self.linked_boxes if box.isChecked()]

    def set_linked(self, code: str, on: bool = True) -> None:
        for box, procedure in self.linked_boxes:
            if procedure.code == code:
                box.setChecked(on)

    # ----- due date before saving
    def compute_dues(self, now: datetime) -> dict[str, datetime | None]:
        procedure = self.picker.procedure
        if procedure is None:
            return {}
        checked = self.verification.isChecked()
        return {code: preview_due(self.context.db, code, now, needs_verification=checked)
                for code in [procedure.code, *self.linked_codes()]}

    def update_due_preview(self, now: datetime | None = None) -> None:
        """Show the due moment(s) a dossier saved now would get (db.dossier_store.preview_due), marked
        "dự kiến" when counted across a day the calendar only estimates (services.calendar.due_note)."""
        procedure = self.picker.procedure
        now = now or now_local()
        try:
            self.shown_dues = self.compute_dues(now)
        except UserError as error:
            self.shown_dues = {}
            self.due_label.setText(str(error))
            return
        unknown = any(due is None for due in self.shown_dues.values())
        self.manual_row.setVisible(unknown)
        self.manual_due.setVisible(unknown)
        if procedure is None:
            self.due_label.setText("Chọn thủ tục để xem hạn trả kết quả.")
            return
        lines = []
        notice = clock_start_notice(self.context.db, now)
        if notice:
            lines.append(notice)
        for code, due in self.shown_dues.items():
            name = "" if code == procedure.code else f" (liên thông {code})"
            note = due_note(self.context.db, now, due)
            lines.append(f"Hạn trả{name}: {due_text(due)}" + (f" ({note})" if note else "") if due else
                         f"Thủ tục {code} chưa có thời hạn tính được: nhập hạn trả bằng tay.")
        self.due_label.setText("\n".join(lines))

    def shown_due(self) -> datetime | None:
        procedure = self.picker.procedure
        return self.shown_dues.get(procedure.code) if procedure else None

    # ----- saving
    def _say(self, text: str, ok: bool = False) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)

    def save(self) -> Dossier | None:
        """Check everything, confirm the due date shown is still right, receive, then offer the receipt."""
        procedure = self.picker.procedure
        if procedure is None:
            self._say("Chưa chọn thủ tục: gõ tên hoặc mã thủ tục rồi Enter.")
            self.picker.edit.setFocus()
            return None
        applicant = self.applicant.applicant()
        if applicant is None:
            self._say("Thông tin người nộp chưa đúng: xem dòng báo đỏ dưới ô nhập.")
            return None
        try:
            papers = self.papers.papers()
            delegate = self.delegate.delegate()
            manual = due_from_text(self.context.db, self.manual_due.text()) if self.manual_due.isVisible() else None
            now = now_local()
            dues = self.compute_dues(now)
            if dues != self.shown_dues:  # the clock crossed a cut-off: the citizen must hear the new date
                self.update_due_preview(now)
                self._say("Hạn trả vừa thay đổi theo giờ hiện tại. Báo lại hạn mới cho công dân rồi lưu lần nữa.")
                return None
            if any(due is None for due in dues.values()) and manual is None:
                self.manual_due.setFocus()
                raise UserError("Cần nhập hạn trả kết quả (thủ tục chưa có thời hạn tính được).")
            done = receive(self.context.db, procedure_code=procedure.code, applicant=applicant,
                           channel=self.channel.currentData(), papers=papers, sets=self.sets.value(),
                           note=self.note.text(), due_at=manual, linked=self.linked_codes(), delegate=delegate,
                           result_delivery=self.delivery.currentData() or "",
                           needs_verification=self.verification.isChecked(), now=now,
                           fee_amount=self.fee_amount.text() if self.fee_widget.isVisibleTo(self) else None,
                           fee_receipt=self.fee_receipt.text() if self.fee_widget.isVisibleTo(self) else None)
        except UserError as error:
            self._say(str(error))
            return None
        dossier = self.last_saved = done.dossier
        self.context.publish(done.changes)
        self.clear_form()
        codes = ", ".join(done.codes)
        self._say(f"Đã tiếp nhận hồ sơ {codes}. Hạn trả: {due_text(dossier.due_at)}.", ok=True)
        self.print_button.setText(f"In giấy tiếp nhận hồ sơ {dossier.code} (Ctrl+P)")
        self.print_button.show()
        self.print_button.setFocus()
        self.saved.emit(dossier)
        return dossier

    def clear_form(self) -> None:
        """Ready for the next citizen: everything empty, the receipt of the last one still printable."""
        self.picker.clear()
        self.applicant.clear()
        self.channel.setCurrentIndex(0)
        self.papers.reset_rows()
        self.delegate.clear()
        self.delivery.setCurrentIndex(0)
        self.verification.setChecked(False)
        self.sets.setValue(1)
        self.note.clear()
        self.manual_due.clear()
        self.fee_amount.clear()
        self.fee_receipt.clear()
        self.message.clear()
        self.print_button.hide()
        self.picker.edit.setFocus()

    def _next_started(self) -> None:
        """The clerk began typing the next dossier: the last one's print button goes, so it is never
        mistaken for this one's (the last receipt is still in the dossier list)."""
        self.print_button.hide()

    def print_receipt(self) -> FormPreviewDialog | None:
        """Mẫu 01 of the dossier just saved: the preview, then "In…" prints exactly those pages."""
        if self.last_saved is None or self.print_button.isHidden():
            return None
        self.receipt_dialog = FormPreviewDialog(self.context, self.last_saved.code, "tiep_nhan", self)
        self.receipt_dialog.finished.connect(lambda _result: self.picker.edit.setFocus())
        self.receipt_dialog.open()
        return self.receipt_dialog

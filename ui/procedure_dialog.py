"""Adding or editing one procedure, including the processing time a clerk sets when the text is unclear."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

import ui.dialogs
from models.catalog import DEADLINE_UNITS, ONLINE_LEVELS, Procedure
from models.catalog_papers import papers_cell, parse_papers_cell
from models.deadline_text import format_deadline, parse_deadline
from models.errors import UserError
from services.catalog import CATALOG, field_counts, get_procedure, save_procedure
from ui import strings
from ui.app_context import AppContext
from ui.dialogs import guard_confirm


def _text_box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setFixedHeight(height)
    return box


class ProcedureDialog(QDialog):
    """`procedure=None` adds a new one; otherwise edits it (the code, its key, cannot change)."""

    def __init__(self, context: AppContext, procedure: Procedure | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.original = procedure
        self.saved: Procedure | None = None
        self.setWindowTitle("Thêm thủ tục" if procedure is None else "Sửa thủ tục")
        self.setMinimumWidth(620)

        self.code = QLineEdit()
        self.code.setPlaceholderText("ví dụ 1.001193")
        self.name = _text_box(3)
        self.field = QComboBox()
        self.field.setEditable(True)
        self.field.addItems([name for name in field_counts(context.db, active_only=False) if name])
        self.field.setCurrentText("")
        self.deadline_text = _text_box(2)
        self.deadline_text.setPlaceholderText("ví dụ: 05 ngày làm việc")
        self.parsed = QLabel()
        self.parsed.setWordWrap(True)
        self.by_hand = QCheckBox("Đặt thời hạn bằng tay:")
        self.value = QDoubleSpinBox()
        self.value.setDecimals(1)
        self.value.setRange(0.5, 3650)
        self.value.setValue(5)
        self.unit = QComboBox()
        for key, label in DEADLINE_UNITS.items():
            self.unit.addItem(label, key)
        self.fees = QLineEdit()
        self.level = QComboBox()
        for key, label in ONLINE_LEVELS.items():
            self.level.addItem(label, key)
        self.essential = QCheckBox("Là dịch vụ công thiết yếu")
        self.paper_result = QCheckBox("Kết quả là giấy tờ (chỉ số 766: nộp trực tuyến cần trả kết quả điện tử)")
        self.paper_result.setChecked(True)
        self.own_url = QLineEdit()
        self.own_url.setPlaceholderText("https://… (để trống: mã QR dùng mẫu đường dẫn của đơn vị)")
        self.papers = _text_box(4)
        self.papers.setObjectName("papers")
        self.papers.setPlaceholderText("Mỗi dòng một giấy tờ, ví dụ: Tờ khai (bản chính) 01 bản")
        self.deciding_agency = QLineEdit()
        self.deciding_agency.setObjectName("deciding_agency")
        self.cooperating_agency = QLineEdit()
        self.cooperating_agency.setObjectName("cooperating_agency")
        self.verification_text = QLineEdit()
        self.verification_text.setObjectName("verification_text")
        self.verification_text.setPlaceholderText("ví dụ: 23 ngày làm việc (để trống nếu luật không quy định)")

        hand_row = QHBoxLayout()
        hand_row.addWidget(self.by_hand)
        hand_row.addWidget(self.value)
        hand_row.addWidget(self.unit, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Mã thủ tục:", self.code)
        form.addRow("Tên thủ tục:", self.name)
        form.addRow("Lĩnh vực:", self.field)
        form.addRow("Thời hạn giải quyết:", self.deadline_text)
        form.addRow("", self.parsed)
        form.addRow("", hand_row)
        form.addRow("Phí, lệ phí:", self.fees)
        form.addRow("Mức độ DVC:", self.level)
        form.addRow("Thiết yếu:", self.essential)
        form.addRow("Kết quả:", self.paper_result)
        form.addRow("Đường dẫn riêng:", self.own_url)
        form.addRow("Thành phần hồ sơ:", self.papers)
        form.addRow("Cơ quan thực hiện:", self.deciding_agency)
        form.addRow("Cơ quan phối hợp:", self.cooperating_agency)
        form.addRow("Thời hạn cần xác minh:", self.verification_text)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(strings.SAVE)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(strings.CANCEL)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

        self.deadline_text.textChanged.connect(self._update_deadline_hint)
        self.by_hand.toggled.connect(self._update_deadline_hint)
        self.unit.currentIndexChanged.connect(self._update_deadline_hint)
        if procedure is not None:
            self._fill(procedure)
        self._update_deadline_hint()
        guard_confirm(self, self.save_button, self.code if procedure is None else self.name)

    def _fill(self, procedure: Procedure) -> None:
        self.code.setText(procedure.code)
        self.code.setReadOnly(True)
        self.code.setToolTip("Mã thủ tục là khóa của danh mục, không sửa được.")
        self.name.setPlainText(procedure.name)
        self.field.setCurrentText(procedure.field)
        self.deadline_text.setPlainText(procedure.deadline_text)
        self.fees.setText(procedure.fees)
        self.level.setCurrentIndex(max(self.level.findData(procedure.online_level), 0))
        self.essential.setChecked(procedure.essential)
        self.paper_result.setChecked(procedure.paper_result)
        self.own_url.setText(procedure.own_url)
        self.papers.setPlainText(papers_cell(procedure.papers))
        self.deciding_agency.setText(procedure.deciding_agency)
        self.cooperating_agency.setText(procedure.cooperating_agency)
        self.verification_text.setText(procedure.verification_text)
        self.by_hand.setChecked(procedure.deadline_set_by_clerk)
        if procedure.deadline_unit is not None:
            self.unit.setCurrentIndex(max(self.unit.findData(procedure.deadline_unit), 0))
        if procedure.deadline_value is not None:
            self.value.setValue(procedure.deadline_value)

    def _update_deadline_hint(self) -> None:
        hand = self.by_hand.isChecked()
        self.value.setEnabled(hand and self.unit.currentData() != "same_day")
        self.unit.setEnabled(hand)
        value, unit = parse_deadline(self.deadline_text.toPlainText())
        if hand:
            self.parsed.setText("Dùng thời hạn đặt bằng tay bên dưới (giữ nguyên khi nhập lại tệp).")
            self.parsed.setStyleSheet("")
        elif unit is not None:
            self.parsed.setText(f"Đọc được: {format_deadline(value, unit)}.")
            self.parsed.setStyleSheet("")
        else:
            self.parsed.setText("Chưa đọc được thời hạn từ chữ: hãy đánh dấu \"Đặt thời hạn bằng tay\".")
            self.parsed.setStyleSheet("color: #b54708;")

    def procedure(self) -> Procedure:
        """What the form says, not yet checked (save_procedure checks and cleans it)."""
        base = self.original or Procedure(code="", name="")
        hand = self.by_hand.isChecked()
        unit = self.unit.currentData() if hand else base.deadline_unit
        return replace(
            base, code=self.code.text(), name=self.name.toPlainText(), field=self.field.currentText(),
            deadline_text=self.deadline_text.toPlainText(), fees=self.fees.text(),
            online_level=self.level.currentData(), essential=self.essential.isChecked(),
            paper_result=self.paper_result.isChecked(),
            own_url=self.own_url.text(), deadline_set_by_clerk=hand,
            deadline_value=self.value.value() if hand and unit != "same_day" else None,
            deadline_unit=unit, papers=parse_papers_cell(self.papers.toPlainText()),
            deciding_agency=self.deciding_agency.text(), cooperating_agency=self.cooperating_agency.text(),
            verification_text=self.verification_text.text(),
        )

    def save(self) -> None:
        try:
            procedure = self.procedure()
            if self.original is None and get_procedure(self.context.db, procedure.code) is not None:
                raise UserError(f"Mã '{procedure.code.strip()}' đã có trong danh mục: hãy sửa thủ tục đó.")
            self.saved = save_procedure(self.context.db, procedure)
        except UserError as error:
            ui.dialogs.show_error(self, str(error))
            return
        self.context.publish(CATALOG)
        self.accept()


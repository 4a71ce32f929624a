"""Who submits (person or organisation), checked field by field as typed; a căn cước QR scan fills it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from models.citizen_id import CCCD_LENGTH, CitizenCard, parse_cccd_qr, parse_ddmmyyyy, validate_cccd
from models.dossier_applicant import Applicant, make_applicant, normalise_email, normalise_phone
from models.errors import UserError
from models.text import clean_text

ERROR_STYLE = "color: #a4161a;"
OK_STYLE = "color: #1a7f37;"
SCAN_SEPARATOR = "|"
SEX_CHOICES = {"": "—", "nam": "Nam", "nu": "Nữ"}


def digits_width(edit: QLineEdit, sample: str) -> int:
    """Width that shows `sample` whole in `edit` (text margins, frame and clear button included)."""
    margins = edit.textMargins()
    return edit.fontMetrics().horizontalAdvance(sample) + margins.left() + margins.right() + 24


def cccd_typing_error(text: str) -> str:
    """What is already wrong while the number is being typed ('' while it may still become right)."""
    number = "".join(clean_text(text).split()).replace(".", "").replace("-", "")
    if not number:
        return ""
    if not number.isascii() or not number.isdigit():
        return "Số căn cước chỉ gồm chữ số."
    if len(number) > CCCD_LENGTH:
        return f"Số căn cước phải có đúng 12 chữ số (đang có {len(number)})."
    return ""


class ApplicantForm(QWidget):
    """The applicant's fields with an error line under each; `applicant()` checks all and builds it."""

    scanned = Signal(object)  # the CitizenCard read from a scan
    scan_refused = Signal(str)  # why a scan changed nothing
    advance = Signal()  # Enter in the căn cước field that was not the end of a scan: next field, please

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.scan = QLineEdit()
        self.scan.setPlaceholderText("Quét mã QR trên thẻ căn cước gắn chip vào ô này (F2)")
        self.scan_status = QLabel()
        self.scan_status.setWordWrap(True)
        self.name = QLineEdit()
        self.organisation = QLineEdit()
        self.organisation.setPlaceholderText("Chỉ khi tổ chức nộp hồ sơ")
        self.cccd = QLineEdit()
        self.cccd.setPlaceholderText("12 chữ số")
        self.cccd.setMinimumWidth(digits_width(self.cccd, "0" * CCCD_LENGTH))
        self.dob = QLineEdit()
        self.dob.setPlaceholderText("dd/mm/yyyy")
        self.dob.setMinimumWidth(self.dob.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        self.sex = QComboBox()
        for key, label in SEX_CHOICES.items():
            self.sex.addItem(label, key)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("0912 345 678")
        self.phone.setMinimumWidth(digits_width(self.phone, "0912 345 678"))
        self.address = QLineEdit()
        self.email = QLineEdit()
        self.email.setPlaceholderText("Không bắt buộc")
        self.fields = {"name": self.name, "organisation": self.organisation, "cccd": self.cccd, "dob": self.dob,
                       "phone": self.phone, "address": self.address, "email": self.email}
        self.errors: dict[str, QLabel] = {}
        for key in self.fields:
            error_label = QLabel()
            error_label.setWordWrap(True)
            error_label.setStyleSheet(ERROR_STYLE)
            error_label.hide()
            self.errors[key] = error_label
        self._cccd_before_scan = ""

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(3)
        for column, stretch in ((1, 3), (3, 2), (5, 1)):
            grid.setColumnStretch(column, stretch)
        self._place(grid, 0, [("Quét CCCD:", self.scan)], [])
        grid.addWidget(self.scan_status, 1, 1, 1, 5)
        self._place(grid, 2, [("&Họ tên người nộp:", self.name)], ["name"])
        self._place(grid, 4, [("Số &căn cước:", self.cccd), ("Ngày &sinh:", self.dob), ("Giới tính:", self.sex)],
                    ["cccd", "dob"])
        self._place(grid, 6, [("Điện t&hoại:", self.phone), ("Thư điện tử:", self.email)], ["phone", "email"])
        self._place(grid, 8, [("Đị&a chỉ:", self.address)], [])
        self._place(grid, 10, [("Tên tổ chức:", self.organisation)], [])

        self.cccd.textEdited.connect(self._cccd_typed)
        self.cccd.editingFinished.connect(lambda: self.check("cccd"))
        self.cccd.returnPressed.connect(lambda: self._maybe_scan(self.cccd))
        self.cccd.installEventFilter(self)
        self.scan.returnPressed.connect(lambda: self._maybe_scan(self.scan))
        for key in ("dob", "phone", "email"):
            self.fields[key].editingFinished.connect(lambda k=key: self.check(k))
            self.fields[key].textEdited.connect(lambda _text, k=key: self._set_error(k, ""))
        self.name.textEdited.connect(lambda _text: self._set_error("name", ""))
        self.organisation.textEdited.connect(lambda _text: self._set_error("name", ""))

    def _place(self, grid: QGridLayout, row: int, pairs: list[tuple[str, QWidget]], errors: list[str]) -> None:
        """Label/field pairs on one line (the last one takes the rest), their error lines under it."""
        for position, (text, widget) in enumerate(pairs):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, row, position * 2)
            span = 1 if position < len(pairs) - 1 else 5 - position * 2
            grid.addWidget(widget, row, position * 2 + 1, 1, span)
        if errors:
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(0)
            for key in errors:
                column.addWidget(self.errors[key])
            grid.addWidget(box, row + 1, 1, 1, 5)

    # ----- inline checks
    def _set_error(self, key: str, message: str) -> None:
        label = self.errors[key]
        label.setText(message)
        label.setVisible(bool(message))

    def error(self, key: str) -> str:
        return self.errors[key].text()

    def _dob(self) -> date | None:
        try:
            return parse_ddmmyyyy(self.dob.text(), "Ngày sinh")
        except UserError:
            return None

    def _cccd_typed(self, text: str) -> None:
        if SCAN_SEPARATOR in text:  # a scanner is typing the card's QR: wait for its Enter
            self._set_error("cccd", "")
            return
        message = cccd_typing_error(text)
        digits = "".join(ch for ch in text if ch.isdigit())
        if not message and len(digits) == CCCD_LENGTH:
            message = self._cccd_problem()
        self._set_error("cccd", message)

    def _cccd_problem(self) -> str:
        if not clean_text(self.cccd.text()):
            return ""
        try:
            validate_cccd(self.cccd.text(), dob=self._dob(), sex=self.sex.currentData() or None)
        except UserError as error:
            return str(error)
        return ""

    def check(self, key: str) -> bool:
        """Check one field as the clerk leaves it; show the message under it. True when fine."""
        message = ""
        try:
            if key == "cccd":
                if SCAN_SEPARATOR in self.cccd.text():
                    return True  # an unfinished scan: judged when its Enter comes
                message = self._cccd_problem()
            elif key == "dob":
                born = parse_ddmmyyyy(self.dob.text(), "Ngày sinh")
                if born is not None and not date(1880, 1, 1) <= born <= date.today():
                    message = f"Ngày sinh {born:%d/%m/%Y} không hợp lý."
                elif born is not None and clean_text(self.cccd.text()):
                    self._set_error("cccd", self._cccd_problem())
            elif key == "phone":
                normalise_phone(self.phone.text())
            elif key == "email":
                normalise_email(self.email.text())
            elif key == "name":
                if not clean_text(self.name.text()) and not clean_text(self.organisation.text()):
                    message = "Cần họ tên người nộp hồ sơ (hoặc tên tổ chức)."
        except UserError as error:
            message = str(error)
        self._set_error(key, message)
        return not message

    def applicant(self) -> Applicant | None:
        """Check every field; the Applicant, or None with the messages shown and the first bad field focused."""
        bad = [key for key in ("name", "cccd", "dob", "phone", "email") if not self.check(key)]
        if SCAN_SEPARATOR in self.cccd.text():
            self._set_error("cccd", "Số căn cước đang chứa mã QR chưa đọc xong: quét lại thẻ hoặc xóa ô này.")
            bad.append("cccd")
        if bad:
            self.fields[bad[0]].setFocus()
            return None
        try:
            return make_applicant(name=self.name.text(), organisation=self.organisation.text(),
                                  cccd=self.cccd.text(), dob=self.dob.text(), sex=self.sex.currentData() or None,
                                  phone=self.phone.text(), address=self.address.text(), email=self.email.text())
        except UserError as error:
            self._set_error("name", str(error))
            self.name.setFocus()
            return None

    # ----- the card's QR code
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.cccd and event.type() == QEvent.Type.FocusIn:
            self._cccd_before_scan = self.cccd.text()
        return super().eventFilter(watched, event)

    def _maybe_scan(self, source: QLineEdit) -> None:
        if SCAN_SEPARATOR in source.text():
            self.apply_scan(source.text(), source)
        elif source is self.scan and source.text().strip():  # a number typed by hand: it goes to its field
            self.cccd.setText(source.text().strip())
            self.scan.clear()
            self.check("cccd")
            self.name.setFocus()
        elif source is self.cccd:
            self.advance.emit()

    def focus_order(self) -> list[QWidget]:
        """The fields in the order Tab and Enter go through them."""
        return [self.scan, self.name, self.cccd, self.dob, self.sex, self.phone, self.email, self.address,
                self.organisation]

    def apply_scan(self, text: str, source: QLineEdit | None = None) -> CitizenCard | None:
        """Fill name, number, birth date, sex and address from the scanned text; a wrong scan changes
        nothing (the field it was typed into gets its old text back) and says why."""
        try:
            card = parse_cccd_qr(text)
        except UserError as error:
            if source is self.cccd:
                self.cccd.setText(self._cccd_before_scan)
            elif source is self.scan:
                self.scan.clear()
            self.scan_status.setStyleSheet(ERROR_STYLE)
            self.scan_status.setText(f"Không đọc được thẻ, chưa điền gì: {error}")
            self.scan_refused.emit(str(error))
            return None
        self.scan.clear()
        self.name.setText(card.name)
        self.cccd.setText(card.number)
        self._cccd_before_scan = card.number
        self.dob.setText(f"{card.dob:%d/%m/%Y}" if card.dob else "")
        self.sex.setCurrentIndex(max(self.sex.findData(card.sex), 0))
        self.address.setText(card.address)
        for key in ("name", "cccd", "dob", "address"):
            self._set_error(key, "")
        self.scan_status.setStyleSheet(OK_STYLE)
        self.scan_status.setText(f"Đã đọc thẻ căn cước của {card.name} ({card.number}).")
        self.phone.setFocus()
        self.scanned.emit(card)
        return card

    def clear(self) -> None:
        for widget in (self.scan, *self.fields.values()):
            widget.clear()
        self.sex.setCurrentIndex(0)
        self.scan_status.clear()
        for key in self.errors:
            self._set_error(key, "")
        self._cccd_before_scan = ""

"""The calendar of a year with its sources: days off and make-up days, each with the document that decided
it or "dự kiến" / "chưa xác minh"; one click confirms or removes an unverified day; the recheck of dossiers."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.calendar import DECIDED, ESTIMATED, UNIT, UNVERIFIED, CalendarDay
from models.errors import UserError
from services.calendar import calendar_days, decide_unverified_day
from services.changes import Changes
from ui.app_context import AppContext
from ui.dialogs import show_error

_COLOURS = {ESTIMATED: "#8a5300", UNVERIFIED: "#a4161a", UNIT: "#1f3b57", DECIDED: "#1b5e20"}


def kind_label(day: CalendarDay) -> str:
    if day.kind == "off":
        return "Nghỉ"
    return "Làm bù" if day.day.weekday() >= 5 else "Làm việc"


def basis_label(day: CalendarDay) -> str:
    """The deciding document, or why there is none."""
    if day.status == ESTIMATED:
        return "Dự kiến (theo âm lịch, chưa có thông báo của Chính phủ)"
    if day.status == UNVERIFIED:
        return f"Chưa xác minh — {day.source}"
    if day.status == UNIT:
        return "Đơn vị quyết định" + (f" — {day.source}" if day.source else "")
    return day.source


class CalendarYearTab(QWidget):
    """One year's days with their sources (services.calendar.calendar_days)."""

    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.days: list[CalendarDay] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm:"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(QDate.currentDate().year())
        top.addWidget(self.year)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        layout.addLayout(top)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Ngày", "Loại", "Tên ngày", "Căn cứ"])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.confirm_button = QPushButton("Xác nhận là ngày nghỉ")
        self.remove_button = QPushButton("Bỏ ngày nghỉ này")
        self.recheck_button = QPushButton("Kiểm tra lại hạn trả hồ sơ…")
        self.recheck_button.setToolTip("Hồ sơ đã tiếp nhận có hạn trả hoặc kết quả đúng/quá hạn thay đổi "
                                       "theo lịch hiện tại")
        for button in (self.confirm_button, self.remove_button):
            button.setEnabled(False)
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.recheck_button)
        layout.addLayout(row)
        self.year.valueChanged.connect(lambda _value: self.reload())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.confirm_button.clicked.connect(lambda: self.decide(True))
        self.remove_button.clicked.connect(lambda: self.decide(False))
        self.recheck_button.clicked.connect(self.open_recheck)
        self.reload()

    def reload(self) -> None:
        try:
            self.days = calendar_days(self.context.db, self.year.value())
        except UserError as error:
            self.days = []
            self.summary.setText(str(error))
        self.table.setRowCount(len(self.days))
        for index, day in enumerate(self.days):
            cells = (f"{day.day:%d/%m/%Y}", kind_label(day), day.name, basis_label(day))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 3:
                    item.setForeground(QColor(_COLOURS[day.status]))
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(2, min(self.table.columnWidth(2), 320))
        estimated = any(day.status == ESTIMATED for day in self.days)
        unverified = sum(day.status == UNVERIFIED for day in self.days)
        notes = []
        if estimated:
            notes.append("Năm này chưa có thông báo của Chính phủ: các ngày là DỰ KIẾN.")
        if unverified:
            notes.append(f"{unverified} ngày chưa xác minh căn cứ: chọn dòng rồi xác nhận hoặc bỏ.")
        self.summary.setText(" ".join(notes) or "Các ngày đều có văn bản quyết định.")
        self._update_buttons()

    def selected(self) -> CalendarDay | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self.days[rows.pop()] if len(rows) == 1 else None

    def _update_buttons(self) -> None:
        day = self.selected()
        unverified = day is not None and day.status == UNVERIFIED
        self.confirm_button.setEnabled(unverified)
        self.remove_button.setEnabled(unverified)

    def decide(self, keep: bool, day: date | None = None) -> None:
        chosen = day or (self.selected().day if self.selected() else None)
        if chosen is None:
            return
        try:
            decide_unverified_day(self.context.db, chosen, keep)
        except UserError as error:
            show_error(self, str(error))
            return
        self.reload()
        self.context.publish(Changes(calendar=True))  # the settings dialog reloads both calendar tabs
        self.summary.setText(f"Đã lưu quyết định về ngày {chosen:%d/%m/%Y}. Hồ sơ đã tiếp nhận không tự đổi hạn: "
                             "bấm \"Kiểm tra lại hạn trả hồ sơ…\" để xem và sửa.")

    def open_recheck(self):
        from ui.recheck_dialog import RecheckDialog

        dialog = RecheckDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

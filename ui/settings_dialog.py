"""The settings dialog: the unit's identity, office hours, and its calendar of days off and make-up days.

Also used for the first run, with a "Bỏ qua" button that keeps the defaults.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from models.errors import UserError
from models.settings import UnitSettings
from services.calendar import OVERRIDE_KINDS, add_day, list_overrides, remove_day
from services.changes import Changes
from services.settings import station_number, store_settings
from services.sync import StationChange, choose_station, station_needs_hub
from ui import strings
from ui.app_context import AppContext
from ui.calendar_screen import CalendarYearTab
from ui.dialogs import guard_confirm, show_error, show_info
from ui.qdates import to_date
from ui.worker import run_with_progress

_TIME_FIELDS = [
    ("morning_start", "Sáng bắt đầu"),
    ("morning_end", "Sáng kết thúc"),
    ("afternoon_start", "Chiều bắt đầu"),
    ("afternoon_end", "Chiều kết thúc"),
    ("same_day_cutoff", "Giờ chốt nhận hồ sơ \"trong ngày\""),
]


# The papers' settings (models.settings.UnitSettings): the forms' header and signer, the posting sheet.
_PAPER_FIELDS = (
    ("place_name", "Địa danh trên giấy tờ (không kèm 'xã')"),
    ("one_stop_body", "Tên bộ phận một cửa"),
    ("head_title", "Chức vụ người đứng đầu (ký Mẫu 04, 05)"),
    ("head_name", "Họ tên người đứng đầu"),
    ("office_phone", "Điện thoại bộ phận một cửa (Mẫu 02)"),
    ("complaints_address", "Địa chỉ nhận phản ánh, kiến nghị"),
    ("complaints_phone", "Điện thoại nhận phản ánh, kiến nghị"),
    ("publish_decision_number", "Số quyết định công bố danh mục"),
    ("publish_decision_date", "Ngày quyết định công bố"),
)


class SettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None, first_run: bool = False):
        super().__init__(parent)
        self.context = context
        self.first_run = first_run
        self.setWindowTitle("Thiết lập lần đầu" if first_run else "Cài đặt")
        self.setMinimumWidth(780)
        current = context.settings()
        layout = QVBoxLayout(self)
        if first_run:
            intro = QLabel("Chào mừng đến với MotCua. Hãy nhập thông tin của đơn vị; có thể sửa sau trong "
                           "Cài đặt. Nhấn \"Bỏ qua\" để dùng giá trị mẫu.")
            intro.setWordWrap(True)
            layout.addWidget(intro)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._unit_tab(current), "Đơn vị")
        self.tabs.addTab(self._papers_tab(current), "Giấy tờ, niêm yết")
        self.tabs.addTab(self._hours_tab(current), "Giờ làm việc")
        self.calendar_tab = CalendarOverridesTab(context)
        self.tabs.addTab(self.calendar_tab, "Ngày nghỉ, làm bù")
        self.year_tab = CalendarYearTab(context)
        self.tabs.addTab(self.year_tab, "Lịch nghỉ lễ theo năm")
        context.changed.connect(self._calendar_changed)
        layout.addWidget(self.tabs)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(strings.SAVE, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel_text = strings.SKIP if first_run else strings.CANCEL
        self.cancel_button = buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        guard_confirm(self, self.save_button, self.unit_name)

    def _calendar_changed(self, changes: Changes) -> None:
        """A day added on one calendar tab shows on the other (both read the same calendar)."""
        if changes.calendar or changes.restore:
            self.calendar_tab.reload()
            self.year_tab.reload()

    def _unit_tab(self, current: UnitSettings) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.unit_name = QLineEdit(current.unit_name)
        self.unit_code = QLineEdit(current.unit_code)
        self.unit_code.setPlaceholderText("ví dụ 000.17.22.H56")
        self.province = QLineEdit(current.province)
        self.district = QLineEdit(current.district)
        self.district.setPlaceholderText("không bắt buộc (cấp huyện đã bỏ từ 01/7/2025)")
        self.qr_template = QLineEdit(current.qr_template)
        self.qr_template.setToolTip("{code} sẽ được thay bằng mã thủ tục, ví dụ 1.001193")
        self.qr_template.setCursorPosition(0)  # show where the link starts, not its tail
        self.dossier_prefix = QLineEdit(current.dossier_prefix)
        self.dossier_prefix.setPlaceholderText("để trống: dùng mã đơn vị")
        self.station = QSpinBox()
        self.station.setRange(1, 9)
        self.station.setValue(station_number(self.context.db))
        self.station.setToolTip("Mỗi máy tính của bộ phận một cửa một số khác nhau, để mã hồ sơ không trùng")
        form.addRow("Tên đơn vị (xã/phường/đặc khu):", self.unit_name)
        form.addRow("Mã đơn vị:", self.unit_code)
        form.addRow("Tỉnh/thành phố:", self.province)
        form.addRow("Huyện (cũ):", self.district)
        form.addRow("Mẫu đường dẫn QR:", self.qr_template)
        form.addRow("Tiền tố mã hồ sơ:", self.dossier_prefix)
        form.addRow("Số máy trạm (1-9):", self.station)
        return tab

    def _papers_tab(self, current: UnitSettings) -> QWidget:
        """What the official papers and the posting sheet print (issue #12): names, signer, phones."""
        tab = QWidget()
        form = QFormLayout(tab)
        self.paper_edits: dict[str, QLineEdit] = {}
        hints = {"place_name": f"để trống: {current.place}",
                 "one_stop_body": f"để trống: {current.one_stop_body_name}",
                 "publish_decision_date": "dd/mm/yyyy"}
        for key, label in _PAPER_FIELDS:
            edit = QLineEdit(getattr(current, key))
            edit.setObjectName(key)
            edit.setPlaceholderText(hints.get(key, ""))
            self.paper_edits[key] = edit
            form.addRow(label + ":", edit)
        return tab

    def _hours_tab(self, current: UnitSettings) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.time_edits: dict[str, QTimeEdit] = {}
        for key, label in _TIME_FIELDS:
            edit = QTimeEdit()
            edit.setDisplayFormat("HH:mm")
            hours, minutes = getattr(current, key).split(":")
            edit.setTime(edit.time().fromString(f"{hours}:{minutes}", "HH:mm"))
            self.time_edits[key] = edit
            form.addRow(label + ":", edit)
        self.due_soon_days = QSpinBox()
        self.due_soon_days.setRange(0, 20)
        self.due_soon_days.setSuffix(" ngày làm việc")
        self.due_soon_days.setValue(current.due_soon_working_days)
        form.addRow("Báo \"sắp đến hạn\" trước:", self.due_soon_days)
        self.on_time_alert = QSpinBox()
        self.on_time_alert.setRange(1, 100)
        self.on_time_alert.setSuffix(" %")
        self.on_time_alert.setValue(current.on_time_alert_percent)
        form.addRow("Cảnh báo khi tỷ lệ đúng hạn dưới:", self.on_time_alert)
        return tab

    def values(self) -> dict:
        data = {
            "unit_name": self.unit_name.text(),
            "unit_code": self.unit_code.text(),
            "province": self.province.text(),
            "district": self.district.text(),
            "qr_template": self.qr_template.text(),
            "dossier_prefix": self.dossier_prefix.text(),
        }
        data.update({key: edit.time().toString("HH:mm") for key, edit in self.time_edits.items()})
        data.update({key: edit.text() for key, edit in self.paper_edits.items()})
        data.update(due_soon_working_days=self.due_soon_days.value(), on_time_alert_percent=self.on_time_alert.value())
        return data

    def save(self) -> None:
        try:
            settings = UnitSettings.from_dict(self.values())
        except UserError as error:
            show_error(self, str(error))
            return
        number = self.station.value()
        if station_needs_hub(self.context.db, number):  # the hub is asked: off the GUI thread
            open_connection = self.context.open_worker_connection

            def job(_progress, _cancelled):
                db = open_connection()
                try:
                    return choose_station(db, number)
                finally:
                    db.close()

            self.save_button.setEnabled(False)
            run_with_progress(self, "Đang hỏi máy chủ đồng bộ về số máy trạm…", job,
                              lambda result: self._finish(settings, result, tell=True), self._refused,
                              cancellable=False)
            return
        try:
            result = choose_station(self.context.db, number) if number != station_number(self.context.db) else None
        except UserError as error:
            show_error(self, str(error))
            return
        self._finish(settings, result)

    def _refused(self, message: str) -> None:
        self.save_button.setEnabled(True)
        show_error(self, message)

    def _finish(self, settings: UnitSettings, result: tuple[StationChange, Changes] | None, *,
                tell: bool = False) -> None:
        """Save the unit's settings once the station number is settled; `tell`: say why the hub could not
        check it (a PC not enrolled yet gets its number from the hub at enrollment: nothing to say)."""
        self.save_button.setEnabled(True)
        try:
            _saved, changes = store_settings(self.context.db, settings)
        except UserError as error:
            show_error(self, str(error))
            return
        if result is not None:
            change, station_changes = result
            changes |= station_changes
            if tell and change.warning:
                show_info(self, "Số máy trạm", change.warning)
        self.context.publish(changes)
        self.accept()


class CalendarOverridesTab(QWidget):
    """The unit's own days: an extra day off, or a Saturday made a working day (làm bù)."""

    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        layout = QVBoxLayout(self)
        hint = QLabel("Ngày lễ, Tết theo quy định đã có sẵn. Ở đây thêm ngày nghỉ riêng của đơn vị "
                      "hoặc ngày thứ Bảy làm bù.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Ngày", "Loại", "Ghi chú"])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setCalendarPopup(True)
        self.kind = QComboBox()
        for key, label in OVERRIDE_KINDS.items():
            self.kind.addItem(label, key)
        self.note = QLineEdit()
        self.note.setPlaceholderText("ghi chú, ví dụ: làm bù cho ngày 31/8")
        self.note.setMinimumWidth(240)
        self.add_button = QPushButton("Thêm")
        self.remove_button = QPushButton("Xóa dòng chọn")
        for widget in (self.day, self.kind, self.note, self.add_button, self.remove_button):
            row.addWidget(widget, 1 if widget is self.note else 0)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove_selected)
        self.reload()

    def reload(self) -> None:
        rows = list_overrides(self.context.db)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            year, month, day = row["day"].split("-")
            item = QTableWidgetItem(f"{day}/{month}/{year}")
            item.setData(Qt.ItemDataRole.UserRole, row["day"])
            self.table.setItem(index, 0, item)
            self.table.setItem(index, 1, QTableWidgetItem(OVERRIDE_KINDS[row["kind"]]))
            self.table.setItem(index, 2, QTableWidgetItem(row["note"]))
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)

    def add(self) -> None:
        try:
            changes = add_day(self.context.db, to_date(self.day.date()), self.kind.currentData(), self.note.text())
        except UserError as error:
            show_error(self, str(error))
            return
        self.note.clear()
        self.reload()
        self.context.publish(changes)

    def remove_selected(self) -> None:
        from datetime import date

        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        changes = Changes()
        for row in rows:
            day = date.fromisoformat(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))
            changes |= remove_day(self.context.db, day)[1]
        if rows:
            self.reload()
            self.context.publish(changes)

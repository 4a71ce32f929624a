"""The "Cài đặt" area: what the unit's settings are now, and a button to change them."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from services.changes import Changes
from services.folder import finish_first_run
from services.settings import station_number
from ui.app_context import AppContext


class SettingsArea(QWidget):
    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        layout = QVBoxLayout(self)
        title = QLabel("Cài đặt")
        title.setObjectName("areaTitle")
        layout.addWidget(title)
        self.form = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        for key, text in [("unit_name", "Tên đơn vị"), ("unit_code", "Mã đơn vị"), ("province", "Tỉnh/thành phố"),
                          ("district", "Huyện (cũ)"), ("qr_template", "Mẫu đường dẫn QR"),
                          ("dossier_prefix", "Tiền tố mã hồ sơ"), ("station", "Số máy trạm"),
                          ("hours", "Giờ làm việc"), ("data_dir", "Thư mục dữ liệu")]:
            label = QLabel()
            label.setWordWrap(True)
            self.labels[key] = label
            self.form.addRow(text + ":", label)
        layout.addLayout(self.form)
        self.edit_button = QPushButton("Sửa cài đặt… (Ctrl+,)")
        self.edit_button.clicked.connect(self.open_dialog)
        layout.addWidget(self.edit_button)
        layout.addStretch(1)
        context.changed.connect(self._context_changed)
        self.refresh()

    def refresh(self) -> None:
        settings = self.context.settings()
        values = settings.to_dict()
        for key in ("unit_name", "unit_code", "province", "district", "qr_template"):
            self.labels[key].setText(values[key] or "—")
        self.labels["dossier_prefix"].setText(settings.effective_dossier_prefix)
        self.labels["station"].setText(str(station_number(self.context.db)))
        self.labels["hours"].setText(
            f"{settings.morning_start}–{settings.morning_end}, {settings.afternoon_start}–{settings.afternoon_end}; "
            f"chốt nhận \"trong ngày\" {settings.same_day_cutoff}")
        self.labels["data_dir"].setText(str(self.context.data_dir))

    def _context_changed(self, changes: Changes) -> None:
        if changes.settings_changed:
            self.refresh()

    def open_dialog(self) -> None:
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context, self)
        if dialog.exec():
            finish_first_run(self.context.db)

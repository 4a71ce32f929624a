"""The "Đồng bộ" area (queue, Đồng bộ ngay/Dừng, auto-sync, enrollment, USB, conflicts) and SyncStatusWidget."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

import ui.dialogs
from models.moments import moment_label
from services.sync import UsbDone, export_usb, import_usb, list_conflicts
from ui.app_context import AppContext
from ui.sync_controller import MAX_AUTO_MINUTES, controller_for, status_line
from ui.worker import Worker, on_connection, run_job

USB_FILTER = "Tệp đồng bộ MotCua (*.motcua);;Mọi tệp (*)"


def _when(iso_text: str | None) -> str:
    return moment_label(iso_text) or "chưa có"


ERROR_COLOUR = "color: #b00020;"


def device_name(status: dict) -> str:
    """'Máy trạm 2 (46943677)': the station number and the first block of the device id, not the UUID."""
    short = str(status.get("device_id") or "")[:8]
    station = status.get("station")
    return f"Máy trạm {station} ({short})" if station else f"Máy {short}"


class SyncStatusWidget(QWidget):
    """The status bar's indicator: pending count, last success or last error, and a sync button."""

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller_for(context)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.button = QToolButton()
        self.button.setText("Đồng bộ ngay")
        self.button.clicked.connect(self.controller.start)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.controller.changed.connect(self.refresh)
        context.changed.connect(lambda changes: self.refresh() if changes.events_written else None)
        self.refresh()

    def refresh(self) -> None:
        status = self.controller.status()
        text, tip = status_line(status, self.controller.running, self.controller.last_progress)
        self.label.setText(text)
        self.label.setToolTip(tip)
        ui.dialogs.enable(self.button, status["enrolled"] and not self.controller.running,
                          "Đang đồng bộ" if status["enrolled"] else "Máy này chưa đăng ký máy chủ đồng bộ")


class SyncScreen(QWidget):
    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.controller = controller_for(context)
        self.usb_worker: Worker[UsbDone] | None = None
        layout = QVBoxLayout(self)
        title = QLabel("Đồng bộ")
        title.setObjectName("areaTitle")
        layout.addWidget(title)
        top = QHBoxLayout()
        top.addWidget(self._state_box(), 3)
        top.addWidget(self._unseen_box(), 2)
        layout.addLayout(top)
        layout.addWidget(self._enroll_box())
        layout.addWidget(self._usb_box())
        layout.addWidget(self._conflicts_box(), 1)
        self.controller.changed.connect(self.refresh)
        self.controller.progress.connect(self._on_progress)
        context.changed.connect(lambda changes: self.refresh() if changes.sync or changes.dossiers_changed else None)
        self.refresh()

    # ----- building
    def _state_box(self) -> QGroupBox:
        box = QGroupBox("Trạng thái")
        form = self.state_form = QFormLayout(box)
        self.hub_label, self.device_label, self.pending_label = QLabel(), QLabel(), QLabel()
        self.last_ok_label, self.error_label, self.clock_label = QLabel(), QLabel(), QLabel()
        self.trust_label = QLabel()  # a copied data folder, or lost secrets: enroll again (sync/identity.py)
        self.recovery_label = QLabel()  # what the sync did after this PC restored a backup (sync/recovery.py)
        self.recovery_label.setWordWrap(True)
        self.station_label = QLabel()  # the station number and where it came from (sync/stations.py)
        self.station_label.setWordWrap(True)
        for label in (self.error_label, self.clock_label, self.trust_label):
            label.setWordWrap(True)
        self.clock_label.setStyleSheet(ERROR_COLOUR)
        self.device_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Máy chủ:", self.hub_label)
        form.addRow("Máy này:", self.device_label)
        form.addRow("Số máy trạm:", self.station_label)
        form.addRow("Chờ đồng bộ:", self.pending_label)
        form.addRow("Lần thành công cuối:", self.last_ok_label)
        form.addRow("Lỗi gần nhất:", self.error_label)
        form.addRow("Sau khôi phục:", self.recovery_label)
        form.addRow("", self.clock_label)
        form.addRow("", self.trust_label)
        buttons = QHBoxLayout()
        self.sync_button = QPushButton("Đồng bộ ngay")
        self.sync_button.clicked.connect(self.sync_now)
        self.stop_button = QPushButton("Dừng")
        self.stop_button.clicked.connect(self.controller.stop)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(True)
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.progress_bar, 1)
        form.addRow(buttons)
        auto = QHBoxLayout()
        self.auto_spin = QSpinBox()
        self.auto_spin.setRange(0, MAX_AUTO_MINUTES)
        self.auto_spin.setSuffix(" phút")
        self.auto_spin.setSpecialValueText("tắt")
        self.auto_spin.editingFinished.connect(lambda: self.controller.set_auto_minutes(self.auto_spin.value()))
        auto.addWidget(QLabel("Tự động đồng bộ mỗi"))
        auto.addWidget(self.auto_spin)
        auto.addStretch(1)
        form.addRow(auto)
        return box

    def _unseen_box(self) -> QGroupBox:
        """Per PC of the unit: how many of its dossiers the other PCs have not seen yet."""
        box = QGroupBox("Hồ sơ các máy khác chưa thấy")
        layout = QVBoxLayout(box)
        self.unseen_table = QTableWidget(0, 3)
        self.unseen_table.setHorizontalHeaderLabels(["Máy", "Số máy trạm", "Hồ sơ máy khác chưa thấy"])
        self.unseen_table.horizontalHeader().setStretchLastSection(True)
        self.unseen_table.verticalHeader().setVisible(False)
        self.unseen_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.unseen_note = QLabel()
        self.unseen_note.setWordWrap(True)
        layout.addWidget(self.unseen_table, 1)
        layout.addWidget(self.unseen_note)
        return box

    def _fill_unseen(self, status: dict) -> None:
        rows = status["unseen_by_pc"]
        self.unseen_table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            who = "Máy này" if row["me"] else f"Máy {row['device_id'][:8]}"
            count = str(row["unseen"])
            if row["me"] and row["unsent"]:
                count += f" ({row['unsent']} chưa gửi lên máy chủ)"
            for column, value in enumerate((who, str(row["station"] or "–"), count)):
                item = QTableWidgetItem(value)
                item.setToolTip(row["device_id"] if column == 0 else value)
                self.unseen_table.setItem(index, column, item)
        self.unseen_table.resizeColumnsToContents()
        self.unseen_note.setText(f"Theo máy chủ lúc {_when(status['unit_view_at'])}; số của máy khác chưa tính "
                                 "hồ sơ chúng chưa gửi lên." if status["unit_view_at"] else
                                 "Chưa đồng bộ lần nào: chỉ biết hồ sơ của máy này.")

    def _enroll_box(self) -> QGroupBox:
        self.enroll_box = QGroupBox("Đăng ký máy này với máy chủ đồng bộ (một lần)")
        form = QFormLayout(self.enroll_box)
        self.hub_edit = QLineEdit()
        self.hub_edit.setPlaceholderText("http://192.168.1.10:8765")
        self.token_edit = QLineEdit()
        self.token_edit.setPlaceholderText("mã do máy chủ in ra (mc1.…)")
        self.enroll_button = QPushButton("Đăng ký")
        self.enroll_button.clicked.connect(self.enroll)
        form.addRow("Địa chỉ máy chủ:", self.hub_edit)
        form.addRow("Mã đăng ký:", self.token_edit)
        form.addRow(self.enroll_button)
        return self.enroll_box

    def _usb_box(self) -> QGroupBox:
        box = QGroupBox("Đồng bộ qua USB (khi không có mạng)")
        row = QHBoxLayout(box)
        self.export_button = QPushButton("Xuất tệp ra USB…")
        self.export_button.clicked.connect(self._choose_export)
        self.import_button = QPushButton("Nhập tệp từ USB…")
        self.import_button.clicked.connect(self._choose_import)
        self.usb_label = QLabel()
        self.usb_label.setWordWrap(True)
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)
        row.addWidget(self.usb_label, 1)
        return box

    def _conflicts_box(self) -> QGroupBox:
        box = QGroupBox("Xung đột khi đồng bộ (hai máy cùng sửa một hồ sơ, hai hồ sơ trùng mã)")
        layout = QVBoxLayout(box)
        self.conflicts_table = QTableWidget(0, 3)
        self.conflicts_table.setHorizontalHeaderLabels(["Thời điểm", "Hồ sơ", "Nội dung"])
        self.conflicts_table.horizontalHeader().setStretchLastSection(True)
        for column in (0, 1):  # the moment and the whole dossier code, the message wraps in the rest
            self.conflicts_table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.conflicts_table.setWordWrap(True)
        self.conflicts_table.verticalHeader().setVisible(False)
        self.conflicts_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # At least five lines, then whatever room is left: its preferred height must not push the screen
        # past a 1366×728 window (the word-wrapped labels make the screen ask for its preferred height).
        self.conflicts_table.setMinimumHeight(self.conflicts_table.fontMetrics().height() * 5)
        self.conflicts_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        layout.addWidget(self.conflicts_table)
        return box

    # ----- state
    def refresh(self) -> None:
        status = self.controller.status()
        running = self.controller.running
        self.hub_label.setText(f"{status['hub']} (đơn vị {status['unit_code']})" if status["enrolled"]
                               else "Chưa đăng ký")
        self.device_label.setText(device_name(status))
        self.device_label.setToolTip(f"Mã máy đầy đủ: {status['device_id']}")
        pending = str(status["pending"])
        if status["rejected"]:
            pending += f" (máy chủ từ chối {status['rejected']}: xem bằng lệnh 'sync rejected')"
        self.pending_label.setText(pending)
        self.last_ok_label.setText(_when(status["last_ok"]))
        error = self.controller.last_message or status["last_error"]
        self.error_label.setText(error or "không có")
        self.error_label.setStyleSheet(ERROR_COLOUR if error else "")  # "không có" is no alarm
        station = str(status["station"])
        if status["enrolled"]:
            station += " (máy chủ đã xác nhận)" if status["station_confirmed"] == status["station"] else \
                " (chưa được máy chủ xác nhận: kiểm tra ở lần đồng bộ sau)"
        self.station_label.setText(station + (f"\n{status['station_note']}" if status["station_note"] else ""))
        self._fill_unseen(status)
        self.recovery_label.setText(status["recovery_note"] or "")
        self.state_form.setRowVisible(self.recovery_label, bool(status["recovery_note"]))
        self.clock_label.setText(status["clock_warning"] or "")
        self.clock_label.setVisible(bool(status["clock_warning"]))
        trust = status.get("trust_warning")
        self.trust_label.setText(trust or "")
        self.trust_label.setVisible(bool(trust))
        not_enrolled = "Máy này chưa đăng ký máy chủ đồng bộ (ô đăng ký bên dưới)"
        ui.dialogs.enable(self.sync_button, status["enrolled"] and not running and not trust,
                          "Đang đồng bộ" if status["enrolled"] and not trust else (trust or not_enrolled))
        ui.dialogs.enable(self.stop_button, running, "Không có lần đồng bộ nào đang chạy")
        self.progress_bar.setVisible(running)
        self.enroll_box.setVisible(not status["enrolled"] or bool(trust))
        ui.dialogs.enable(self.export_button, status["enrolled"], not_enrolled)
        ui.dialogs.enable(self.import_button, status["enrolled"], not_enrolled)
        if not self.auto_spin.hasFocus():
            self.auto_spin.setValue(status["auto_minutes"])
        rows = list_conflicts(self.context.db)
        self.conflicts_table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, value in enumerate((_when(row["detected_at"]), row["code"] or row["entity_id"],
                                            row["message"])):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.conflicts_table.setItem(index, column, item)
        self.conflicts_table.resizeRowsToContents()
        self.status_text = status_line(status, running, self.controller.last_progress)[0]

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setMaximum(max(total, 1))
        self.progress_bar.setValue(min(done, max(total, 1)))

    # ----- actions
    def sync_now(self) -> bool:
        self.controller.last_message = ""
        started = self.controller.start()
        self.refresh()
        return started

    def enroll(self) -> Worker:
        self.enroll_button.setEnabled(False)

        def done(result: dict) -> None:
            self.enroll_button.setEnabled(True)
            self.token_edit.clear()
            warnings = "\n".join(result.get("warnings") or [])
            ui.dialogs.show_info(self, "Đã đăng ký", f"Máy này đã đăng ký với máy chủ, đơn vị "
                                                     f"{result['unit_code']}.\n{warnings}".strip())
            self.refresh()

        def failed(message: str) -> None:
            self.enroll_button.setEnabled(True)
            ui.dialogs.show_error(self, message)

        copied = bool(self.controller.status().get("trust_warning"))  # the clerk read the warning and chose
        return self.controller.enroll(self.hub_edit.text(), self.token_edit.text(), done, failed, new_device=copied)

    def _choose_export(self) -> None:
        from datetime import date

        from models.file_names import dated_name
        from ui.save_dialog import ask_save_path

        path = ask_save_path(self, "Xuất tệp đồng bộ", dated_name("dong-bo", date.today(), "motcua"), USB_FILTER,
                             ".motcua")
        if path:
            self.export_to(str(path))

    def _choose_import(self) -> None:
        from ui.save_dialog import ask_open_path

        path = ask_open_path(self, "Nhập tệp đồng bộ", USB_FILTER)
        if path:
            self.import_from(str(path))

    def _usb_job(self, work: Callable[[Database, Path], UsbDone]) -> Worker[UsbDone]:
        data_dir = self.context.data_dir

        def done(result: UsbDone) -> None:
            self.usb_label.setText(result.message)
            self.context.publish(result.changes)

        def failed(message: str) -> None:
            self.usb_label.setText(message)
            ui.dialogs.show_error(self, message)

        job = on_connection(data_dir, lambda db: work(db, data_dir))
        self.usb_worker = run_job(job, done, failed)
        return self.usb_worker

    def export_to(self, path: str) -> Worker[UsbDone]:
        return self._usb_job(lambda db, data_dir: export_usb(db, data_dir, path))

    def import_from(self, path: str) -> Worker[UsbDone]:
        return self._usb_job(lambda db, data_dir: import_usb(db, data_dir, path))

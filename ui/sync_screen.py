"""The "Đồng bộ" area (queue, Đồng bộ ngay/Dừng, auto-sync, enrollment, USB, conflicts) and SyncStatusWidget."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

import ui.dialogs
from services.sync import UsbDone, export_usb, import_usb, list_conflicts
from ui.app_context import AppContext
from ui.sync_controller import MAX_AUTO_MINUTES, controller_for, status_line
from ui.worker import Worker, on_connection
from ui.worker import start as start_worker

USB_FILTER = "Tệp đồng bộ MotCua (*.motcua);;Mọi tệp (*)"


def _when(iso_text: str | None) -> str:
    if not iso_text:
        return "chưa có"
    return f"{datetime.fromisoformat(iso_text).astimezone():%H:%M %d/%m/%Y}"


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
        self.button.setEnabled(status["enrolled"] and not self.controller.running)


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
        layout.addWidget(self._state_box())
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
        for label in (self.error_label, self.clock_label, self.trust_label):
            label.setWordWrap(True)
            label.setStyleSheet("color: #b00020;")
        self.device_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Máy chủ:", self.hub_label)
        form.addRow("Mã máy này:", self.device_label)
        form.addRow("Chờ đồng bộ:", self.pending_label)
        form.addRow("Lần thành công cuối:", self.last_ok_label)
        form.addRow("Lỗi cuối:", self.error_label)
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
        box = QGroupBox("Xung đột khi đồng bộ (hai máy cùng sửa một hồ sơ)")
        layout = QVBoxLayout(box)
        self.conflicts_table = QTableWidget(0, 3)
        self.conflicts_table.setHorizontalHeaderLabels(["Thời điểm", "Hồ sơ", "Nội dung"])
        self.conflicts_table.horizontalHeader().setStretchLastSection(True)
        self.conflicts_table.verticalHeader().setVisible(False)
        self.conflicts_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.conflicts_table)
        return box

    # ----- state
    def refresh(self) -> None:
        status = self.controller.status()
        running = self.controller.running
        self.hub_label.setText(f"{status['hub']} (đơn vị {status['unit_code']})" if status["enrolled"]
                               else "Chưa đăng ký")
        self.device_label.setText(status["device_id"])
        pending = str(status["pending"])
        if status["rejected"]:
            pending += f" (máy chủ từ chối {status['rejected']}: xem bằng lệnh 'sync rejected')"
        self.pending_label.setText(pending)
        self.last_ok_label.setText(_when(status["last_ok"]))
        self.error_label.setText(self.controller.last_message or status["last_error"] or "không có")
        self.recovery_label.setText(status["recovery_note"] or "")
        self.state_form.setRowVisible(self.recovery_label, bool(status["recovery_note"]))
        self.clock_label.setText(status["clock_warning"] or "")
        self.clock_label.setVisible(bool(status["clock_warning"]))
        self.trust_label.setText(status.get("trust_warning") or "")
        self.trust_label.setVisible(bool(status.get("trust_warning")))
        self.sync_button.setEnabled(status["enrolled"] and not running and not status.get("trust_warning"))
        self.stop_button.setEnabled(running)
        self.progress_bar.setVisible(running)
        self.enroll_box.setVisible(not status["enrolled"] or bool(status.get("trust_warning")))
        self.export_button.setEnabled(status["enrolled"])
        self.import_button.setEnabled(status["enrolled"])
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
        path, _ = QFileDialog.getSaveFileName(self, "Xuất tệp đồng bộ", "dong-bo.motcua", USB_FILTER)
        if path:
            self.export_to(path)

    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Nhập tệp đồng bộ", "", USB_FILTER)
        if path:
            self.import_from(path)

    def _usb_job(self, work: Callable[[Database, Path], UsbDone]) -> Worker[UsbDone]:
        data_dir = self.context.data_dir

        def done(result: UsbDone) -> None:
            self.usb_label.setText(result.message)
            self.context.publish(result.changes)

        def failed(message: str) -> None:
            self.usb_label.setText(message)
            ui.dialogs.show_error(self, message)

        job = on_connection(data_dir, lambda db: work(db, data_dir))
        self.usb_worker = start_worker(Worker(job).then(done, failed))
        return self.usb_worker

    def export_to(self, path: str) -> Worker[UsbDone]:
        return self._usb_job(lambda db, data_dir: export_usb(db, data_dir, path))

    def import_from(self, path: str) -> Worker[UsbDone]:
        return self._usb_job(lambda db, data_dir: import_usb(db, data_dir, path))

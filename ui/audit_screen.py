"""The audit screen ("Nhật ký thao tác"): filter events by person, dossier, action and period; verify; export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from models.audit_text import action_label, change_lines, entity_label
from services.audit import (
    AuditReport,
    EventFilter,
    canonical_json,
    count_events,
    describe,
    distinct_values,
    export_events,
    format_moment,
    list_events,
    verify,
)
from services.changes import Changes
from ui import dialogs
from ui.app_context import AppContext
from ui.worker import Worker, on_connection, run_job, run_with_progress

PAGE_SIZE = 200
COLUMNS = ["Thời điểm", "Người thực hiện", "Thao tác", "Đối tượng", "Hồ sơ / mã", "Nội dung"]
ALL = "(Tất cả)"


def _summary(lines: list[str]) -> str:
    text = "; ".join(lines)
    return text if len(text) <= 160 else text[:157] + "…"


class AuditScreen(QWidget):
    """Every event, newest first, a page at a time; queries run off the GUI thread on their own connection."""

    page_loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.offset = 0
        self.total = 0
        self.events: list[dict] = []
        self.worker: Worker | None = None
        layout = QVBoxLayout(self)
        heading = QLabel("Nhật ký thao tác")
        heading.setObjectName("areaTitle")
        layout.addWidget(heading)
        layout.addLayout(self._filters())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        pages = QHBoxLayout()
        self.previous_button = QPushButton("◀ Trang trước")
        self.next_button = QPushButton("Trang sau ▶")
        self.previous_button.clicked.connect(lambda: self.load(max(self.offset - PAGE_SIZE, 0)))
        self.next_button.clicked.connect(lambda: self.load(self.offset + PAGE_SIZE))
        self.page_label = QLabel("")
        pages.addWidget(self.previous_button)
        pages.addWidget(self.next_button)
        pages.addWidget(self.page_label, 1)
        self.verify_button = QPushButton("&Kiểm tra tính toàn vẹn")
        self.verify_button.clicked.connect(self.verify)
        self.raw_button = QPushButton("Xem dữ liệu gốc (JSON)…")
        self.raw_button.setToolTip("Nội dung nguyên văn của thao tác đang chọn, cho người kiểm tra")
        self.raw_button.clicked.connect(self.show_raw)
        self.table.itemDoubleClicked.connect(lambda _item: self.show_raw())
        pages.addWidget(self.raw_button)
        self.export_button = QPushButton("&Xuất nhật ký ra tệp…")
        self.export_button.clicked.connect(self.choose_export)
        pages.addWidget(self.verify_button)
        pages.addWidget(self.export_button)
        layout.addLayout(pages)
        self.verify_label = QLabel("")
        self.verify_label.setWordWrap(True)
        layout.addWidget(self.verify_label)
        context.changed.connect(lambda changes: self.load(self.offset) if changes.events_written else None)
        self.refresh_choices()
        self.load(0)

    def _filters(self) -> QGridLayout:
        grid = QGridLayout()
        self.actor_box = QComboBox()
        self.actor_box.setEditable(True)
        self.action_box = QComboBox()
        self.dossier_edit = QLineEdit()
        self.dossier_edit.setPlaceholderText("mã hồ sơ, ví dụ 000.17.22.H56-260213-1001")
        self.since_check, self.since_edit = QCheckBox("Từ ngày"), QDateEdit(QDate.currentDate().addMonths(-1))
        self.until_check, self.until_edit = QCheckBox("Đến ngày"), QDateEdit(QDate.currentDate())
        for check, edit in ((self.since_check, self.since_edit), (self.until_check, self.until_edit)):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
        grid.addWidget(QLabel("Người thực hiện:"), 0, 0)
        grid.addWidget(self.actor_box, 0, 1)
        grid.addWidget(QLabel("Thao tác:"), 0, 2)
        grid.addWidget(self.action_box, 0, 3)
        grid.addWidget(QLabel("Hồ sơ:"), 0, 4)
        grid.addWidget(self.dossier_edit, 0, 5)
        grid.addWidget(self.since_check, 1, 0)
        grid.addWidget(self.since_edit, 1, 1)
        grid.addWidget(self.until_check, 1, 2)
        grid.addWidget(self.until_edit, 1, 3)
        self.apply_button = QPushButton("&Lọc")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(lambda: self.load(0))
        self.dossier_edit.returnPressed.connect(lambda: self.load(0))
        clear = QPushButton("Xóa bộ lọc")
        clear.clicked.connect(self.clear_filters)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_button)
        buttons.addWidget(clear)
        buttons.addStretch(1)
        grid.addLayout(buttons, 1, 4, 1, 2)
        grid.setColumnStretch(5, 1)
        return grid

    def refresh_choices(self) -> None:
        current = self.actor_box.currentText()
        self.actor_box.clear()
        self.actor_box.addItems([ALL, *distinct_values(self.context.db, "actor")])
        self.actor_box.setCurrentText(current or ALL)
        chosen = self.action_box.currentData()
        self.action_box.clear()
        self.action_box.addItem(ALL, "")
        for action in distinct_values(self.context.db, "action"):
            self.action_box.addItem(action_label(action), action)
        self.action_box.setCurrentIndex(max(self.action_box.findData(chosen), 0))

    def clear_filters(self) -> None:
        self.actor_box.setCurrentText(ALL)
        self.action_box.setCurrentIndex(0)
        self.dossier_edit.clear()
        self.since_check.setChecked(False)
        self.until_check.setChecked(False)
        self.load(0)

    def current_filter(self) -> EventFilter:
        def choice(box: QComboBox) -> str:
            text = box.currentText().strip()
            return "" if text == ALL else text

        since = self.since_edit.date().toPython().isoformat() if self.since_check.isChecked() else ""
        until = self.until_edit.date().toPython().isoformat() if self.until_check.isChecked() else ""
        return EventFilter(actor=choice(self.actor_box), action=self.action_box.currentData() or "",
                           dossier=self.dossier_edit.text().strip(), since=since, until=until)

    # ----- loading a page
    def load(self, offset: int) -> None:
        event_filter, context = self.current_filter(), self.context
        if event_filter.since and event_filter.until and event_filter.since > event_filter.until:
            dialogs.show_error(self, "Khoảng thời gian không hợp lệ: ngày bắt đầu sau ngày kết thúc.")
            return

        def read(db: Database) -> tuple[int, list[dict]]:
            return count_events(db, event_filter), list_events(db, event_filter, limit=PAGE_SIZE, offset=offset)

        # The callbacks run on the GUI thread after run_job has returned, so they see `worker`.
        worker: Worker[tuple[int, list[dict]]] = run_job(
            on_connection(context.data_dir, read),
            lambda result: self._show(worker, offset, *result), lambda message: self._failed(worker, message))
        self.worker = worker
        self.page_label.setText("Đang tải…")

    def _failed(self, worker: Worker, message: str) -> None:
        if worker is self.worker:
            self.worker = None
            self.page_label.setText("")
            dialogs.show_error(self, message)

    def _show(self, worker: Worker, offset: int, total: int, events: list[dict]) -> None:
        if worker is not self.worker:  # a newer query was started: this answer is stale
            return
        self.worker = None
        self.offset, self.total, self.events = offset, total, events
        self.table.setRowCount(len(events))
        for row, event in enumerate(events):
            target = event["dossier_code"] or event["entity_id"]
            lines = change_lines(event["action"], event["payload"])
            cells = [format_moment(event["at"]), event["actor"], action_label(event["action"]),
                     entity_label(event["entity"]), target, _summary(lines)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setToolTip("\n".join(lines) if column == len(cells) - 1 else str(text))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        shown = f"{offset + 1}–{offset + len(events)}" if events else "0"
        self.page_label.setText(f"Hiển thị {shown} / {total} thao tác")
        dialogs.enable(self.previous_button, offset > 0, "Đang ở trang đầu")
        dialogs.enable(self.next_button, offset + len(events) < total, "Đang ở trang cuối")
        self.page_loaded.emit()

    def raw_text(self) -> str | None:
        """The selected event exactly as recorded (canonical JSON), for an auditor."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.events):
            return None
        event = self.events[row]
        return canonical_json({k: event[k] for k in ("uuid", "device_id", "seq", "actor", "at", "entity",
                                                      "entity_id", "action", "payload") if k in event})

    def show_raw(self) -> None:
        text = self.raw_text()
        if text is None:
            dialogs.show_info(self, "Dữ liệu gốc", "Chọn một dòng trong nhật ký trước.")
            return
        dialogs.show_info(self, "Dữ liệu gốc của thao tác", text)

    # ----- verify and export
    def verify(self) -> None:
        context = self.context

        def job(_progress, _cancelled) -> AuditReport:
            db = context.open_worker_connection()
            try:
                return verify(db, context.data_dir)
            finally:
                db.close()

        def done(report: AuditReport) -> None:
            if report.ok:
                self.verify_label.setText(f"Nhật ký nguyên vẹn: {report.events} thao tác của "
                                          f"{len(report.devices)} máy, không dòng nào bị sửa hay xóa.")
            else:
                self.verify_label.setText("\n".join([describe(c.broken) for c in report.devices if c.broken]
                                                    + report.problems[:5]))
            self.verify_label.setProperty("alert", "false" if report.ok else "true")

        run_with_progress(self, "Đang kiểm tra chuỗi mã băm…", job, done,
                          lambda message: dialogs.show_error(self, message), cancellable=False)

    def choose_export(self) -> None:
        from datetime import date

        from models.file_names import dated_name
        from ui.save_dialog import last_folder, remember_folder

        path, chosen = QFileDialog.getSaveFileName(
            self, "Xuất nhật ký thao tác", str(last_folder() / dated_name("nhat-ky-thao-tac", date.today(), "xlsx")),
            "Tệp Excel (*.xlsx);;Tệp CSV (*.csv)")
        if path:
            remember_folder(Path(path))
            suffix = ".csv" if "csv" in chosen and not path.lower().endswith(".xlsx") else ".xlsx"
            self.export(Path(path) if Path(path).suffix.lower() in (".csv", ".xlsx") else Path(path + suffix))

    def export(self, path: Path) -> None:
        context, event_filter = self.context, self.current_filter()
        actor = getattr(context, "actor", None)

        def job(_progress, _cancelled) -> int:
            db = context.open_worker_connection()
            try:
                return export_events(db, path, event_filter, actor=actor)
            finally:
                db.close()

        def done(count: int) -> None:
            dialogs.show_info(self, "Đã xuất", f"Đã xuất {count} dòng nhật ký ra {path}.")
            context.publish(Changes(audit=True))

        run_with_progress(self, "Đang xuất nhật ký…", job, done,
                          lambda message: dialogs.show_error(self, message), cancellable=False)

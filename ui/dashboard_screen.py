"""The "Báo cáo" area: a period's figures at a glance, charts, what is due, QĐ 766, and one-click exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

import ui.dialogs
from models import report_rules as rules
from models.dossier_clock import now_local
from models.report import SAMPLE_FIGURES, Report, format_value
from models.report_chart import month_chart, on_time_bars
from models.report_period import PRESETS, Period, preset
from models.settings import UnitSettings
from services.catalog import field_counts
from services.changes import Changes
from services.reports import LogbookExport, build_report
from services.settings import load_settings
from ui.app_context import AppContext
from ui.charts import MonthChartWidget, ShareChartWidget
from ui.dashboard_jobs import logbook_job, preview_job, report_job
from ui.qdates import to_date
from ui.report_tables import (
    average_model,
    average_rows,
    due_model,
    due_rows,
    field_model,
    field_rows,
    indicator_model,
    indicator_rows,
    posting_text,
)
from ui.worker import Job, Worker, on_connection, run_job, run_with_progress

# (figure key, title, kind): the tiles, in the order a leader reads them.
# The balance first (kỳ trước + tiếp nhận = giải quyết + kết thúc không có kết quả + đang giải quyết),
# then the QĐ 766 figures computed the portal's way (models/report_rules.py).
TILES = (
    ("carried_over", "Kỳ trước chuyển sang", "count"),
    ("received", "Tiếp nhận", "count"),
    ("resolved", "Đã giải quyết", "count"),
    ("ended_without_result", "Kết thúc không có kết quả", "count"),
    ("in_progress", "Đang giải quyết", "count"),
    ("on_time_share", "Đúng hạn, trong hạn (766)", "share"),
    ("online_share", "Nộp trực tuyến (766)", "share"),
    ("digitised_share", "Số hóa (766)", "share"),
    ("satisfaction_rate", "Mức độ hài lòng (766)", "share"),
    ("resolved_on_time_share", "Trước, đúng hạn / đã giải quyết (riêng đơn vị)", "share"),
)
TILE_STYLE = """
QFrame#tile { background: #f5f8fb; border: 1px solid #d0d7de; border-radius: 6px; }
QLabel#tileTitle { color: #44546a; font-size: 13px; }
QLabel#tileValue { color: #1f3b57; font-size: 26px; font-weight: bold; }
QLabel#tileValue[alert="true"] { color: #b42318; }
QLabel#tileNote { color: #5b6b7c; font-size: 12px; }
"""


T = TypeVar("T")


@dataclass(frozen=True)
class Computed:
    report: Report
    settings: UnitSettings


def _notes(report: Report) -> dict[str, str]:
    """The small line under each tile: what the figure is made of."""
    t, n = report.total, lambda value: format_value(value, "count")
    channels = rules.received_by_channel(t)
    return {
        "carried_over": "chưa xong khi bắt đầu kỳ",
        "received": (f"trực tiếp {n(channels['truc_tiep'])} · trực tuyến {n(channels['truc_tuyen'])} · "
                     f"bưu chính {n(channels['buu_chinh'])}"),
        "resolved": f"trước hạn {n(t.early)} · đúng hạn {n(t.on_time)} · quá hạn {n(t.late)}",
        "ended_without_result": f"từ chối {n(t.refused)} · rút {n(t.withdrawn)} · dừng {n(t.stopped)}",
        "in_progress": (f"trong hạn {n(rules.in_progress_within_time(t))} · quá hạn {n(t.overdue)}, "
                        f"tính đến {report.moment:%H:%M %d/%m/%Y}"),
        "on_time_share": f"{n(t.timely)}/{n(rules.population(t))} hồ sơ kỳ trước chuyển sang và tiếp nhận",
        "online_share": f"{n(t.online_counted)}/{n(t.received)} hồ sơ tiếp nhận (kết quả giấy: cần bản điện tử)",
        "digitised_share": f"{n(t.digitised)}/{n(rules.population(t))} hồ sơ",
        "resolved_on_time_share": f"{n(t.early + t.on_time)}/{n(t.resolved)} hồ sơ đã giải quyết",
        "satisfaction_rate": (f"hài lòng {format_value(rules.satisfied_share(t), 'share')} của {n(t.ratings)} "
                              "đánh giá") if t.ratings else "chưa có đánh giá nào trong kỳ",
    }


def _fit_height(view: QTableView, max_rows: int = 14) -> None:
    """Tall enough for its rows (up to `max_rows`), so the page scrolls rather than the table."""
    if view.wordWrap():  # only the indicator table wraps; the others keep one line per row (500 dossiers)
        view.resizeRowsToContents()
    rows = sum(view.rowHeight(row) for row in range(min(view.model().rowCount(), max_rows)))
    extra = view.horizontalHeader().sizeHint().height() + view.horizontalScrollBar().sizeHint().height()
    view.setFixedHeight(rows + extra + 2 * view.frameWidth() + 4)


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setResizeContentsPrecision(60)  # widths from the first rows, not all 500
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    return view


class DashboardScreen(QWidget):
    report_ready = Signal()  # figures shown (or the work failed): tests wait on it
    export_done = Signal(str)  # the path written

    def __init__(self, context: AppContext, clock: Callable[[], datetime] = now_local):
        super().__init__()
        self.context = context
        self.clock = clock
        self.report: Report | None = None
        self.settings: UnitSettings | None = None
        self.worker: Worker[Computed] | None = None
        self.pending = False
        self.setStyleSheet(TILE_STYLE)
        title = QLabel("Báo cáo tình hình tiếp nhận và giải quyết hồ sơ")
        title.setObjectName("areaTitle")
        self.status = QLabel("Chọn kỳ báo cáo rồi bấm \"Xem số liệu\".")
        self.status.setWordWrap(True)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addLayout(self._build_tiles())
        charts = QHBoxLayout()
        self.month_chart, self.share_chart = MonthChartWidget(), ShareChartWidget()
        charts.addWidget(self.month_chart, 1)
        charts.addWidget(self.share_chart, 1)
        column.addLayout(charts)
        self.field_model, self.due_model, self.indicator_model = field_model(), due_model(), indicator_model()
        self.field_table, self.due_table = _table(self.field_model), _table(self.due_model)
        self.indicator_table = _table(self.indicator_model)
        self.indicator_table.setWordWrap(True)
        self.average_model = average_model()
        self.average_table = _table(self.average_model)
        self.due_title = QLabel()
        for heading, table, height in (("Theo lĩnh vực", self.field_table, 170), (None, self.due_table, 220),
                                       ("Chỉ số theo Quyết định 766/QĐ-TTg (cách tính của Cổng DVC quốc gia)",
                                        self.indicator_table, 330),
                                       ("Thời gian giải quyết trung bình theo thủ tục (766, tiêu chí 2.2)",
                                        self.average_table, 170)):
            label = self.due_title if heading is None else QLabel(heading)
            label.setStyleSheet("font-weight: bold; color: #1f3b57; padding-top: 6px;")
            table.setFixedHeight(height)
            column.addWidget(label)
            column.addWidget(table)
        self.posting_label = QLabel()
        self.posting_label.setWordWrap(True)
        column.addWidget(self.posting_label)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(self._build_period_row())
        layout.addLayout(self._build_button_row())
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(400)
        self.refresh_timer.timeout.connect(self.refresh)
        context.changed.connect(self._context_changed)
        self.set_preset("month")
        self._update_buttons()

    # ----- building
    def _build_period_row(self) -> QHBoxLayout:
        self.preset_box = QComboBox()
        for key, text in PRESETS.items():
            self.preset_box.addItem(text, key)
        self.start_edit, self.end_edit = QDateEdit(), QDateEdit()
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.dateChanged.connect(self._dates_edited)
        self.preset_box.currentIndexChanged.connect(self._preset_chosen)
        self.refresh_button = QPushButton("Xem số liệu")
        self.refresh_button.setDefault(True)
        self.refresh_button.clicked.connect(self.refresh)
        row = QHBoxLayout()
        for widget in (QLabel("Kỳ báo cáo:"), self.preset_box, QLabel("Từ ngày"), self.start_edit,
                       QLabel("đến ngày"), self.end_edit, self.refresh_button):
            row.addWidget(widget)
        row.addStretch(1)
        return row

    def _build_button_row(self) -> QHBoxLayout:
        self.xlsx_button = QPushButton("Xuất Excel…")
        self.pdf_button = QPushButton("Xuất PDF…")
        self.print_button = QPushButton("Xem trước bản in…")
        self.logbook_xlsx_button = QPushButton("Sổ theo dõi hồ sơ (Excel)…")
        self.logbook_pdf_button = QPushButton("Sổ theo dõi hồ sơ (PDF)…")
        # Mẫu 07 is kept per field or group of fields: the book of one field, or of all (issue #12).
        self.logbook_field = QComboBox()
        self.logbook_field.setObjectName("logbook_field")
        self.logbook_field.addItem("Sổ: mọi lĩnh vực", "")
        for name in (name for name in field_counts(self.context.db) if name):
            self.logbook_field.addItem(f"Sổ: {name}", name)
        self.xlsx_button.clicked.connect(lambda: self.choose_export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.choose_export("pdf"))
        self.print_button.clicked.connect(self.open_print_preview)
        self.logbook_xlsx_button.clicked.connect(lambda: self.choose_logbook("xlsx"))
        self.logbook_pdf_button.clicked.connect(lambda: self.choose_logbook("pdf"))
        self.fees_button = QPushButton("Phí, lệ phí…")
        self.fees_button.setToolTip("Phí, lệ phí đã thu trong kỳ, theo lĩnh vực và thủ tục")
        self.fees_button.clicked.connect(self.open_fees)
        row = QHBoxLayout()
        for button in (self.xlsx_button, self.pdf_button, self.print_button, self.logbook_field,
                       self.logbook_xlsx_button, self.logbook_pdf_button, self.fees_button):
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _build_tiles(self) -> QGridLayout:
        grid = QGridLayout()
        self.tiles: dict[str, tuple[QLabel, QLabel]] = {}
        for index, (key, text, _kind) in enumerate(TILES):
            frame = QFrame()
            frame.setObjectName("tile")
            box = QVBoxLayout(frame)
            name, value, note = QLabel(text), QLabel("—"), QLabel("")
            name.setObjectName("tileTitle")
            value.setObjectName("tileValue")
            note.setObjectName("tileNote")
            note.setWordWrap(True)
            note.setMinimumHeight(2 * note.fontMetrics().lineSpacing() + 2)  # two lines for long counts
            for label in (name, value, note):
                box.addWidget(label)
            grid.addWidget(frame, index // 5, index % 5)  # the balance on the first row, 766 on the second
            self.tiles[key] = (value, note)
        return grid

    # ----- the period
    def set_preset(self, kind: str) -> None:
        self.preset_box.setCurrentIndex(self.preset_box.findData(kind))
        self._preset_chosen()

    def set_dates(self, start: date, end: date) -> None:
        """A from–to period (the combo box shows "Từ ngày – đến ngày")."""
        self.start_edit.setDate(QDate(start.year, start.month, start.day))
        self.end_edit.setDate(QDate(end.year, end.month, end.day))

    def _preset_chosen(self, _index: int = 0) -> None:
        kind = self.preset_box.currentData()
        if kind == "custom":
            return
        period = preset(kind, self.clock().date())
        for edit in (self.start_edit, self.end_edit):
            edit.blockSignals(True)
        self.set_dates(period.start, period.end)
        for edit in (self.start_edit, self.end_edit):
            edit.blockSignals(False)

    def _dates_edited(self, _date: QDate) -> None:
        self.preset_box.blockSignals(True)
        self.preset_box.setCurrentIndex(self.preset_box.findData("custom"))
        self.preset_box.blockSignals(False)

    def open_fees(self):
        """The fees of the period shown (services.dossiers.fee_totals)."""
        from models.errors import UserError
        from ui.fee_report_dialog import FeeReportDialog

        try:
            dialog = FeeReportDialog(self.context, self.period(), self)
        except UserError as error:  # dates out of order, or no right to see reports
            ui.dialogs.show_error(self, str(error))
            return None
        dialog.show()
        self.fee_dialog = dialog
        return dialog

    def period(self) -> Period:
        start, end = to_date(self.start_edit.date()), to_date(self.end_edit.date())
        return Period(start, end, self.preset_box.currentData())

    # ----- computing in a worker
    def _context_changed(self, changes: Changes) -> None:
        if self.report is not None and (changes.dossiers_changed or changes.ratings or changes.settings_changed
                                        or changes.catalog_changed):
            self.refresh_timer.start()

    def refresh(self) -> Worker | None:
        if self.worker is not None:
            self.pending = True
            return None
        try:
            period = self.period()
        except Exception as error:  # noqa: BLE001 - a UserError from the dates, shown plainly
            self.status.setText(str(error))
            return None
        now, context = self.clock(), self.context

        job = on_connection(context.data_dir, lambda db: Computed(build_report(db, period, now), load_settings(db)))
        self.worker = run_job(job, self._shown, self._failed)
        self.status.setText(f"Đang tính số liệu {period.title}…")
        self._update_buttons()
        return self.worker

    def _shown(self, result: Computed) -> None:
        self.worker = None
        self.report, self.settings = result.report, result.settings
        self.show_report(result.report)
        self._update_buttons()
        self.report_ready.emit()
        if self.pending:
            self.pending = False
            self.refresh()

    def _failed(self, message: str) -> None:
        self.worker = None
        self.status.setText("Chưa tính được số liệu.")
        self._update_buttons()
        ui.dialogs.show_error(self, message)
        self.report_ready.emit()

    def show_report(self, report: Report) -> None:
        figures = rules.figures(report.total)
        warning = (self.settings or UnitSettings()).on_time_alert
        notes = _notes(report)
        for key, _text, kind in TILES:
            value, note = self.tiles[key]
            value.setText(format_value(figures[key], kind))
            alert = key == "on_time_share" and figures[key] is not None and figures[key] < warning
            value.setProperty("alert", "true" if alert else "false")
            value.style().unpolish(value)
            value.style().polish(value)
            note.setText(notes[key])
        self.month_chart.set_chart(month_chart(report))
        self.share_chart.set_bars(on_time_bars(report, warning))
        self.field_model.set_rows(field_rows(report))
        self.due_model.set_rows(due_rows(report))
        self.indicator_model.set_rows(indicator_rows(report))
        self.average_model.set_rows(average_rows(report))
        self.posting_label.setText(posting_text(report))
        for table in (self.field_table, self.due_table, self.indicator_table, self.average_table):
            _fit_height(table, 20 if table is self.indicator_table else 14)
        until = f"{report.due_soon_until:%H:%M %d/%m/%Y}" if report.due_soon_until else ""
        self.due_title.setText(f"Hồ sơ quá hạn ({format_value(report.overdue_now, 'count')}) và sắp đến hạn "
                               f"trước {until} ({format_value(report.due_soon, 'count')})")
        t = report.total
        balance = "cân đối số liệu: đúng" if rules.balance_holds(t) else "KHÔNG CÂN ĐỐI: hãy báo người quản trị"
        self.status.setText((f"{SAMPLE_FIGURES}. " if report.sample else "") +
                            f"{report.period.title}. Số liệu lúc {report.generated_at:%H:%M %d/%m/%Y}; {balance}. "
                            f"Cách tính: {rules.METHODOLOGY['name']} ({rules.METHODOLOGY['version']}).")
        self.status.setToolTip("Cân đối: kỳ trước chuyển sang + tiếp nhận = đã giải quyết + kết thúc không có "
                               "kết quả (từ chối, rút, dừng) + đang giải quyết (trong hạn, quá hạn).")

    def _update_buttons(self) -> None:
        ready = self.report is not None and self.worker is None
        busy = "Đang tính số liệu: chờ xong"
        for button in (self.xlsx_button, self.pdf_button, self.print_button):
            ui.dialogs.enable(button, ready, busy if self.worker is not None else "Bấm \"Xem số liệu\" trước")
        for button in (self.logbook_xlsx_button, self.logbook_pdf_button, self.refresh_button):
            ui.dialogs.enable(button, self.worker is None, busy)

    # ----- exports
    def _ask_path(self, title: str, name: str, suffix: str) -> Path | None:
        from ui.save_dialog import ask_save_path

        kinds = {"xlsx": "Tệp Excel (*.xlsx)", "pdf": "Tệp PDF (*.pdf)"}
        return ask_save_path(self, title, f"{name}.{suffix}", kinds[suffix], f".{suffix}")

    def _file_stem(self, what: str) -> str:
        """'so-theo-doi-11-2026' for November, 'bao-cao-quy-4-2026' for a quarter (models.file_names)."""
        from models.file_names import period_name

        period = self.report.period if self.report else self.period()
        return period_name(what, period.start, period.end, "x")[:-2]

    def _run(self, label: str, job: Job[T], on_done: Callable[[T], None]) -> None:
        def failed(message: str) -> None:
            ui.dialogs.show_error(self, message)

        run_with_progress(self, label, job, on_done, failed, cancellable=False)

    def choose_export(self, suffix: str) -> None:
        if self.report is None:
            return
        path = self._ask_path("Xuất báo cáo", self._file_stem("bao-cao"), suffix)
        if path is not None:
            self.export_report(path)

    def export_report(self, path: Path) -> None:
        if self.report is None or self.settings is None:
            return
        self._run("Đang xuất báo cáo…", report_job(self.report, self.settings, path), self._exported)

    def _exported(self, path: Path) -> None:
        self.status.setText(f"Đã lưu {path}.")
        self.export_done.emit(str(path))

    def choose_logbook(self, suffix: str) -> None:
        path = self._ask_path("Xuất sổ theo dõi hồ sơ", self._file_stem("so-theo-doi"), suffix)
        if path is not None:
            self.export_logbook(path)

    def export_logbook(self, path: Path) -> None:
        field = self.logbook_field.currentData()
        self._run("Đang xuất sổ theo dõi hồ sơ…", logbook_job(self.context, self.period(), path,
                                                               [field] if field else []),
                  self._logbook_exported)

    def _logbook_exported(self, result: LogbookExport) -> None:
        self.context.publish(result.changes)
        self._exported(result.files[0])

    def open_print_preview(self) -> None:
        """The report's PDF, rendered in a worker, shown in a dialog that saves and prints those bytes."""
        if self.report is None or self.settings is None:
            return
        report = self.report
        job = preview_job(report, self.settings, self.logicalDpiX() * self.devicePixelRatioF())

        def show(result: tuple[bytes, list[QImage]]) -> None:
            from ui.report_print_dialog import ReportPrintDialog

            data, images = result
            self.print_dialog = ReportPrintDialog(self, f"Báo cáo {report.period.label}", data, images,
                                                  self._file_stem("bao-cao") + ".pdf")
            self.print_dialog.show()

        self._run("Đang tạo bản in…", job, show)

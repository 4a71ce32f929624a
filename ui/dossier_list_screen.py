"""The "Hồ sơ" area: filters and search-as-you-type over a lazy dossier table, with the detail beside it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Generic, TypeVar

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

import ui.dialogs
from models.dossier import CHANNELS, STATES
from models.dossier_clock import now_local
from models.errors import UserError
from models.roles import EXPORT_PERSONAL
from models.session import can
from models.text import clean_text
from services.catalog import field_counts
from services.changes import Changes
from services.dossiers import count_dossiers, due_soon_until, find_dossier, list_dossiers
from ui.app_context import AppContext
from ui.dossier_detail import DossierDetail, scrolled
from ui.dossier_table_model import (
    COL_CHANNEL,
    COL_CODE,
    COL_DUE,
    COL_NAME,
    COL_PROCEDURE,
    COL_RECEIVED,
    COL_STATE,
    DossierTableModel,
)
from ui.worker import Worker, run_job

SEARCH_DELAY_MS = 200  # typing pauses shorter than this do not query
DEADLINES = {"": "Mọi thời hạn", "overdue": "Quá hạn", "due_today": "Đến hạn hôm nay",
             "due_this_week": "Đến hạn tuần này"}
_NO_DATE = QDate(2000, 1, 1)  # the date boxes' "not set" value, shown as "—"
_WIDTHS = {COL_CODE: 195, COL_NAME: 150, COL_STATE: 125, COL_DUE: 125, COL_PROCEDURE: 260, COL_RECEIVED: 125,
           COL_CHANNEL: 130}


T = TypeVar("T")
Page = tuple[int, dict, datetime, list]  # generation, filters, moment, the first page of rows
Count = tuple[int, int]                  # generation, matches


class Query(Generic[T]):
    """A read in a worker on its own connection; `interrupt()` (from the GUI thread) stops it early and
    the job then answers None, so a slow search the clerk has typed past never delays the next one."""

    def __init__(self, context: AppContext, read: Callable[[Database], T]):
        self.context = context
        self.read = read
        self.lock = threading.Lock()
        self.connection: sqlite3.Connection | None = None

    def __call__(self, _progress: object, _cancelled: object) -> T | None:
        db = self.context.open_worker_connection()
        with self.lock:
            self.connection = db.conn
        try:
            return self.read(db)
        except sqlite3.OperationalError as error:
            if "interrupt" in str(error):
                return None
            raise
        finally:
            with self.lock:
                self.connection = None
            db.close()

    def interrupt(self) -> None:
        with self.lock:
            if self.connection is not None:
                self.connection.interrupt()


def _date_box() -> QDateEdit:
    box = QDateEdit()
    box.setDisplayFormat("dd/MM/yyyy")
    box.setCalendarPopup(True)
    box.setMinimumDate(_NO_DATE)
    box.setSpecialValueText("—")
    box.setDate(_NO_DATE)
    return ui.dialogs.calendar_opens_on_today(box)


def _day(box: QDateEdit) -> date | None:
    value = box.date()
    return None if value == _NO_DATE else date(value.year(), value.month(), value.day())


def _combo(items: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(min(max(len(label) for label in items.values()), 11))
    combo.view().setMinimumWidth(combo.fontMetrics().horizontalAdvance(max(items.values(), key=len)) + 40)
    for key, label in items.items():
        combo.addItem(label, key)
    return combo


class DossierListScreen(QWidget):
    loaded = Signal()  # a new first page is shown (after a filter or search change)
    counted = Signal(int)  # the number of dossiers matching is known

    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.generation = 0  # bumped by every change of filters; older answers are dropped
        self.page_worker: Worker[Page | None] | None = None
        self.count_worker: Worker[Count | None] | None = None
        self.count_wanted: tuple[int, dict, datetime] | None = None
        self.page_query: Query[Page] | None = None
        self.count_query: Query[Count] | None = None
        self.total: int | None = None
        layout = QVBoxLayout(scrolled(self))
        title = QLabel("Hồ sơ")
        title.setObjectName("areaTitle")
        layout.addWidget(title)
        layout.addLayout(self._build_search())
        layout.addLayout(self._build_filters())

        self.model = DossierTableModel(parent=self, horizon=lambda now: due_soon_until(self.context.db, now))
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(False)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in _WIDTHS.items():
            self.view.setColumnWidth(column, width)
        metrics = self.view.fontMetrics()
        code_width = metrics.horizontalAdvance("000.00.00.H00-000000-0000") + 20
        self.view.setColumnWidth(COL_CODE, max(code_width, _WIDTHS[COL_CODE]))
        # Columns sized to what they hold (a moment, the usual state names); longer text ends in "…" and
        # shows whole in its tooltip.
        moment_width = metrics.horizontalAdvance("00:00 00/00/0000") + 20
        self.view.setColumnWidth(COL_DUE, max(moment_width, _WIDTHS[COL_DUE]))
        self.view.setColumnWidth(COL_RECEIVED, max(moment_width, _WIDTHS[COL_RECEIVED]))
        state_width = max(metrics.horizontalAdvance(label) for label in STATES.values() if len(label) < 24) + 20
        self.view.setColumnWidth(COL_STATE, max(state_width, _WIDTHS[COL_STATE]))
        self.detail = DossierDetail(context)
        self.detail.open_code.connect(self.open_code)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([640, 420])
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self.search_timer.start())
        self.search.returnPressed.connect(self._search_entered)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.view.activated.connect(lambda index: self._row_changed(index, QModelIndex()))
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self._focus_search)
        QShortcut(QKeySequence("Escape"), self.search, activated=self.search.clear)
        context.changed.connect(self._context_changed)
        self._show_first_page()

    # ----- building
    def _build_search(self) -> QHBoxLayout:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Mã hồ sơ, họ tên, số căn cước, điện thoại (không dấu cũng được); "
                                       "quét mã QR giấy hẹn rồi Enter")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setMinimumWidth(110)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.unpaid = QCheckBox("Chưa thu phí")
        self.unpaid.setToolTip("Chỉ hồ sơ của thủ tục có thu phí, lệ phí mà chưa ghi số tiền đã thu")
        self.unpaid.toggled.connect(lambda _on: self.reload())
        self.export_button = QPushButton("Xuất Excel…")
        self.export_button.setToolTip("Ghi đúng các hồ sơ đang lọc ra tệp Excel (có dữ liệu cá nhân: được ghi lại)")
        self.export_button.clicked.connect(self.choose_export)
        if not can(EXPORT_PERSONAL):
            ui.dialogs.enable(self.export_button, False, "Tài khoản này không có quyền xuất dữ liệu cá nhân")
        row = QHBoxLayout()
        row.addWidget(QLabel("Tìm (Ctrl+F):"))
        row.addWidget(self.search, 1)
        row.addWidget(self.unpaid)
        row.addWidget(self.count_label)
        row.addWidget(self.export_button)
        return row

    def _build_filters(self) -> QHBoxLayout:
        self.state = _combo({"": "Mọi trạng thái", **STATES})
        self.field = _combo({"": "Mọi lĩnh vực", **{f: f for f in field_counts(self.context.db) if f}})
        self.channel = _combo({"": "Mọi kênh nộp", **CHANNELS})
        self.deadline = _combo(DEADLINES)
        self.received_from = _date_box()
        self.received_to = _date_box()
        self.clear_button = QPushButton("Bỏ lọc")
        self.clear_button.clicked.connect(self.clear_filters)
        for combo in (self.state, self.field, self.channel, self.deadline):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for box in (self.received_from, self.received_to):
            box.dateChanged.connect(lambda _d: self.reload())
        row = QHBoxLayout()
        for widget in (self.state, self.field, self.channel, self.deadline, QLabel("Nhận từ"),
                       self.received_from, QLabel("đến"), self.received_to, self.clear_button):
            row.addWidget(widget)
        row.addStretch(1)
        return row

    # ----- filters
    def filters(self) -> dict:
        """The keyword arguments of list_dossiers/count_dossiers for what the clerk chose."""
        deadline = self.deadline.currentData()
        return {"state": self.state.currentData() or None, "field": self.field.currentData() or None,
                "channel": self.channel.currentData() or None, "received_from": _day(self.received_from),
                "received_to": _day(self.received_to), "overdue": deadline == "overdue",
                "due_today": deadline == "due_today", "due_this_week": deadline == "due_this_week",
                "search": clean_text(self.search.text()) or None, "unpaid": self.unpaid.isChecked()}

    def set_filter(self, name: str, key: str) -> None:
        """Choose `key` in the filter box `name` ('state', 'field', 'channel' or 'deadline')."""
        combo: QComboBox = getattr(self, name)
        combo.setCurrentIndex(combo.findData(key))

    def clear_filters(self) -> None:
        for combo in (self.state, self.field, self.channel, self.deadline):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for box in (self.received_from, self.received_to):
            box.blockSignals(True)
            box.setDate(_NO_DATE)
            box.blockSignals(False)
        self.unpaid.blockSignals(True)
        self.unpaid.setChecked(False)
        self.unpaid.blockSignals(False)
        self.reload()

    # ----- export
    def choose_export(self) -> None:
        from datetime import date

        from models.file_names import dated_name
        from ui.save_dialog import ask_save_path

        path = ask_save_path(self, "Xuất danh sách hồ sơ", dated_name("danh-sach-ho-so", date.today(), "xlsx"),
                             "Tệp Excel (*.xlsx)", ".xlsx")
        if path is not None:
            self.export_to(path)

    def export_to(self, path) -> None:
        """Exactly the rows the filters give (every page), written in a worker."""
        from services.dossiers import export_list
        from ui.worker import run_with_progress

        context, filters = self.context, self.filters()

        def job(_progress, _cancelled) -> int:
            db = context.open_worker_connection()
            try:
                return export_list(db, path, filters)
            finally:
                db.close()

        def done(count: int) -> None:
            self.last_export = (path, count)
            ui.dialogs.show_info(self, "Đã xuất", f"Đã ghi {count} hồ sơ ra {path}.")

        run_with_progress(self, "Đang xuất danh sách hồ sơ…", job, done,
                          lambda message: ui.dialogs.show_error(self, message), cancellable=False)

    def _loader(self, filters: dict, now: datetime):
        """Further pages on the GUI thread's connection (the current one: a restore reopens it)."""
        def page(offset: int, limit: int) -> list:
            try:
                return list_dossiers(self.context.db, **filters, limit=limit, offset=offset, now=now)
            except UserError as error:  # e.g. nobody signed in, or a role without the list
                self._page_failed(str(error))
                return []

        return page

    # ----- loading
    def _show_first_page(self) -> None:
        """At opening: the newest page straight away (one cheap indexed query), the count in a worker."""
        filters, now = self.filters(), now_local()
        self.model.set_loader(self._loader(filters, now))
        self.model.fetchMore(QModelIndex())
        self._count(self.generation, filters, now)

    def reload(self) -> Worker | None:
        """Filters or search changed: fetch the first page off the GUI thread, then show it."""
        self.search_timer.stop()
        self.generation += 1
        self.count_label.setText("Đang tìm…")
        if self.page_worker is None:
            return self._start_page()
        self.page_query.interrupt()  # its answer would be dropped anyway: the newest filters are asked next
        return None

    def _start_page(self) -> Worker:
        generation, filters, now, context = self.generation, self.filters(), now_local(), self.context
        size = self.model.page_size
        query: Query[Page] = Query(context, lambda db: (generation, filters, now,
                                                        list_dossiers(db, **filters, limit=size, now=now)))
        self.page_query = query
        self.page_worker = run_job(query, self._page_done, self._page_failed)
        return self.page_worker

    def _page_done(self, result: Page | None) -> None:
        self.page_worker = None
        if result is None or result[0] != self.generation:  # interrupted or outdated: ask again
            self._start_page()
            return
        generation, filters, now, rows = result
        current = self.current_code()
        self.model.set_loader(self._loader(filters, now), rows)
        self._select(current)
        self._count(generation, filters, now)
        self.loaded.emit()

    def _page_failed(self, message: str) -> None:
        self.page_worker = None
        self.count_label.setText("Không tìm được")
        self.count_label.setToolTip(message)
        self.detail.say(message)

    def _count(self, generation: int, filters: dict, now: datetime) -> None:
        """Count the matches in a worker (a million rows take tens of ms); one count at a time."""
        self.count_wanted = (generation, filters, now)
        if self.count_worker is not None:
            self.count_query.interrupt()
            return
        self.count_wanted = None
        query: Query[Count] = Query(self.context, lambda db: (generation, count_dossiers(db, **filters, now=now)))
        self.count_query = query
        self.count_worker = run_job(query, self._count_done, lambda _message: self._count_done(None))

    def _count_done(self, result: Count | None) -> None:
        self.count_worker = None
        if self.count_wanted is not None:
            self._count(*self.count_wanted)
            return
        if result is None:
            self.count_label.setText("")
            return
        generation, total = result
        if generation == self.generation:
            self.total = total
            self.count_label.setText(f"{total:,} hồ sơ".replace(",", "."))
            self.counted.emit(total)

    def busy(self) -> bool:
        return self.page_worker is not None or self.count_worker is not None

    # ----- choosing a dossier
    def current_code(self) -> str | None:
        dossier = self.model.dossier(self.view.currentIndex().row())
        return dossier.code if dossier else None

    def _select(self, code: str | None) -> None:
        row = self.model.row_of(code) if code else -1
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        dossier = self.model.dossier(current.row())
        if dossier is not None and (self.detail.dossier is None or self.detail.dossier.code != dossier.code):
            self.detail.show_code(dossier.code)

    def open_code(self, code: str) -> bool:
        """Show dossier `code` in the detail panel (and select its row if it is listed)."""
        if not self.detail.show_code(code):
            return False
        self._select(code)
        return True

    def _search_entered(self) -> None:
        """Enter in the search box: a scanned receipt code opens its dossier at once; else search now."""
        text = clean_text(self.search.text())
        try:
            found = bool(text) and find_dossier(self.context.db, text) is not None
        except UserError as error:
            self.detail.say(str(error))
            return
        if found:
            self.open_code(text)
            self.reload()  # the list shows that dossier too
            return
        self.reload()
        self.view.setFocus()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _context_changed(self, changes: Changes) -> None:
        if changes.catalog_changed:
            current = self.field.currentData()
            self.field.blockSignals(True)
            self.field.clear()
            for key, label in {"": "Mọi lĩnh vực", **{f: f for f in field_counts(self.context.db) if f}}.items():
                self.field.addItem(label, key)
            self.field.setCurrentIndex(max(self.field.findData(current), 0))
            self.field.blockSignals(False)
        if not (changes.dossiers_changed or changes.ratings or changes.settings_changed):
            return
        if changes.restore:  # another database: start again from its first page
            self.reload()
            return
        current = self.current_code()
        self.model.refresh_rows()
        self._select(current)  # the detail re-reads itself when the errand touched its dossier
        self._count(self.generation, self.filters(), now_local())

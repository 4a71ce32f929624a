"""Importing a catalog file: read and compare it in a worker, show every row's outcome, then apply or not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

import ui.dialogs
from models.catalog_plan import (
    ADDED,
    FIELD_LABELS,
    REJECTED,
    RETIRED,
    STATUS_LABELS,
    UPDATED,
    ImportPlan,
    PlanRow,
)
from models.errors import UserError
from services.catalog import CATALOG, apply_import, plan_import
from ui import strings
from ui.app_context import AppContext
from ui.dialogs import enable, guard_confirm
from ui.worker import Worker, on_connection, run_with_progress

COLUMNS = ["Dòng", "Mã", "Tên thủ tục", "Kết quả", "Lý do / thay đổi"]
_STATUS_COLOURS = {ADDED: "#1a7f37", UPDATED: "#0b5cad", REJECTED: "#b42318", RETIRED: "#b54708"}
Index = QModelIndex | QPersistentModelIndex


def start_plan(parent: QWidget, context: AppContext, path: Path, replace: bool,
               on_plan: Callable[[ImportPlan], None],
               on_error: Callable[[str], None] | None = None) -> Worker[ImportPlan]:
    """Read and compare `path` with the catalog in a worker (own connection); nothing is written."""
    job = on_connection(context.data_dir, lambda db: plan_import(db, path, replace=replace))

    def failed(message: str) -> None:
        ui.dialogs.show_error(parent, message)
        if on_error is not None:
            on_error(message)

    return run_with_progress(parent, f"Đang đọc tệp {Path(path).name}…", job, on_plan, failed)


def reason_text(row: PlanRow) -> str:
    if row.reason:
        return row.reason
    if row.status == UPDATED:
        return "Đổi: " + ", ".join(FIELD_LABELS.get(name, name) for name in row.changes)
    if row.status == RETIRED:
        return "Không có trong tệp: sẽ ngừng áp dụng"
    return ""


class PlanModel(QAbstractTableModel):
    """The plan's rows, one per line of the file (and one per procedure retired by a replace)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.rows: list[PlanRow] = []

    def set_rows(self, rows: list[PlanRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return [str(row.row_number or "—"), row.code, row.name, STATUS_LABELS[row.status],
                    reason_text(row)][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3 and row.status in _STATUS_COLOURS:
            return QBrush(QColor(_STATUS_COLOURS[row.status]))
        return None


class ImportDialog(QDialog):
    """The preview of one file; "Ghi vào danh mục" writes every change in one transaction, or nothing."""

    def __init__(self, context: AppContext, path: Path, plan: ImportPlan, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.path = Path(path)
        self.plan = plan
        self.applied_counts: dict[str, int] | None = None
        self.worker: Worker | None = None
        self.setWindowTitle(f"Nhập danh mục từ tệp {self.path.name}")
        self.resize(980, 600)

        self._fit_rows = QTimer(self)  # wrapped names and reasons need taller rows once widths settle
        self._fit_rows.setSingleShot(True)
        self._fit_rows.setInterval(0)
        self._fit_rows.timeout.connect(lambda: self.table.resizeRowsToContents())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = PlanModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setStyleSheet("QTableView::item { padding: 3px; }")
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.sectionResized.connect(lambda *_: self._fit_rows.start())
        for column, width in enumerate([60, 110, 380, 120]):
            self.table.setColumnWidth(column, width)
        self.replace_box = QCheckBox("Thay thế toàn bộ danh mục (thủ tục không có trong tệp sẽ ngừng áp dụng)")
        self.skip_bad = QCheckBox("Bỏ qua dòng lỗi (chỉ ghi các dòng hợp lệ)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.setText("Ghi vào danh mục")
        self.apply_button.setMinimumWidth(self.apply_button.fontMetrics().horizontalAdvance("Ghi vào danh mục") + 32)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(strings.CANCEL)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.replace_box)
        layout.addWidget(self.skip_bad)
        layout.addWidget(buttons)
        guard_confirm(self, self.apply_button, self.table)
        self.replace_box.setChecked(plan.replace)
        self.replace_box.toggled.connect(self._replan)
        self.skip_bad.toggled.connect(self._update_state)
        self.set_plan(plan)

    def set_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.model.set_rows(list(plan.rows))
        self._fit_rows.start()
        self._update_state()

    def _update_state(self) -> None:
        plan = self.plan
        rejected = len(plan.rejected)
        text = f"Kết quả so sánh với danh mục hiện tại – {plan.summary()}."
        if rejected:
            text += (f"\n{rejected} dòng bị từ chối (xem lý do trong bảng): sửa tệp rồi nhập lại, "
                     "hoặc chọn \"Bỏ qua dòng lỗi\".")
        if not plan.changed:
            text += "\nTệp không làm thay đổi gì trong danh mục."
        self.summary.setText(text)
        self.skip_bad.setEnabled(bool(rejected))
        busy = self.worker is not None
        self.replace_box.setEnabled(not busy)
        why = ("Đang kiểm tra tệp: chờ xong" if busy else "Tệp không có thay đổi nào so với danh mục" if not plan.changed
               else "Có dòng lỗi: sửa tệp, hoặc đánh dấu \"Bỏ qua dòng lỗi\"")
        enable(self.apply_button, not busy and bool(plan.changed) and (not rejected or self.skip_bad.isChecked()), why)

    def _replan(self, replace: bool) -> None:
        """The replace option changes which procedures retire, so the file is compared again."""

        def done(plan: ImportPlan) -> None:
            self.worker = None
            self.set_plan(plan)

        def failed(_message: str) -> None:
            self.worker = None
            self.replace_box.blockSignals(True)
            self.replace_box.setChecked(self.plan.replace)
            self.replace_box.blockSignals(False)
            self._update_state()

        self.worker = start_plan(self, self.context, self.path, replace, done, failed)
        self._update_state()

    def apply(self) -> None:
        try:
            self.applied_counts = apply_import(self.context.db, self.plan, skip_bad=self.skip_bad.isChecked())
        except UserError as error:
            ui.dialogs.show_error(self, str(error))
            return
        self.context.publish(CATALOG)
        self.accept()

"""The "Danh mục TTHC" area: the catalog grouped by field, search, edits, import and export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

import ui.dialogs
from models.catalog import Procedure
from models.catalog_plan import ImportPlan
from models.errors import UserError
from models.roles import EDIT_CATALOG
from models.session import can
from services.catalog import (
    CATALOG,
    export_catalog_file,
    list_procedures,
    procedures_without_own_link,
    reactivate_procedure,
    retire_procedure,
    set_essential,
)
from ui.app_context import AppContext
from ui.catalog_model import (
    COL_CODE,
    COL_DEADLINE,
    COL_ESSENTIAL,
    COL_LEVEL,
    COL_LINK,
    COL_NAME,
    FIELD_ROLE,
    CatalogModel,
)
from ui.dialogs import enable
from ui.import_dialog import ImportDialog, start_plan
from ui.procedure_dialog import ProcedureDialog
from ui.worker import Worker

SEARCH_DELAY_MS = 150
_WIDTHS = {COL_CODE: 150, COL_DEADLINE: 170, COL_LEVEL: 110, COL_ESSENTIAL: 80, COL_LINK: 130}


def _documents_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())


class CatalogScreen(QWidget):
    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.import_dialog: ImportDialog | None = None
        self.import_worker: Worker | None = None
        self.collapsed: set[str] = set()  # fields the clerk folded away, kept across refreshes
        self._restoring = False
        layout = QVBoxLayout(self)
        title = QLabel("Danh mục thủ tục hành chính")
        title.setObjectName("areaTitle")
        layout.addWidget(title)
        layout.addWidget(self._build_toolbar())

        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm theo mã hoặc tên thủ tục (gõ có dấu hay không dấu đều được)…")
        self.search.setClearButtonEnabled(True)
        self.show_retired = QCheckBox("Hiện cả thủ tục đã ngưng")
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Tìm:"))
        filters.addWidget(self.search, 1)
        filters.addSpacing(12)
        filters.addWidget(self.show_retired)
        layout.addLayout(filters)

        self.model = CatalogModel(self)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setUniformRowHeights(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setExpandsOnDoubleClick(True)
        self.view.setStyleSheet("QTreeView::item { padding: 4px 2px; }")
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in _WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.view.setColumnWidth(column, width)
        layout.addWidget(self.view, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setStyleSheet("color: #1a7f37;")
        self.notice.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addWidget(self.notice)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self.search_timer.start())
        self.search.returnPressed.connect(self._focus_first_result)
        self.show_retired.toggled.connect(lambda _on: self.refresh())
        self.view.activated.connect(self._activated)
        self.view.collapsed.connect(lambda index: self._remember_fold(index, True))
        self.view.expanded.connect(lambda index: self._remember_fold(index, False))
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        context.changed.connect(lambda changes: self.refresh() if changes.catalog_changed else None)
        self.refresh()

    # ----- building
    def _action(self, text: str, slot, shortcut: str = "", tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip or text} ({shortcut})" if shortcut else (tip or text))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_toolbar(self) -> QToolBar:
        self.add_action = self._action("Thêm", self.add_procedure, "Ctrl+N", "Thêm thủ tục")
        self.edit_action = self._action("Sửa", self.edit_current, "", "Sửa thủ tục đang chọn (Enter hoặc nhấp đúp)")
        self.retire_action = self._action("Ngưng áp dụng", self.toggle_active, "Ctrl+Del")
        self.essential_action = self._action("Đánh dấu thiết yếu", self.toggle_essential, "Ctrl+T")
        self.import_action = self._action("Nhập từ tệp…", self.choose_import_file, "Ctrl+O",
                                          "Nhập danh mục từ tệp Excel (.xlsx) hoặc CSV")
        self.export_xlsx_action = self._action("Xuất Excel…", lambda: self.choose_export_file(".xlsx"),
                                               "Ctrl+E", "Xuất danh mục đang áp dụng ra tệp Excel")
        self.export_csv_action = self._action("Xuất CSV…", lambda: self.choose_export_file(".csv"), "",
                                              "Xuất danh mục đang áp dụng ra tệp CSV")
        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # Only roles that may change the catalog see the edit actions (the data layer refuses the others
        # anyway); everyone may read, search and export it.
        self.may_edit = can(EDIT_CATALOG)
        if self.may_edit:
            for action in (self.add_action, self.edit_action, self.retire_action, self.essential_action):
                toolbar.addAction(action)
            toolbar.addSeparator()
            toolbar.addAction(self.import_action)
        else:
            for action in (self.add_action, self.edit_action, self.retire_action, self.essential_action,
                           self.import_action):
                action.setVisible(False)
                action.setEnabled(False)
        for action in (self.export_xlsx_action, self.export_csv_action):
            toolbar.addAction(action)
        return toolbar

    # ----- showing the catalog
    def refresh(self) -> None:
        """Reload from the database, keeping the selected procedure and the folded fields."""
        self.search_timer.stop()
        current = self.current_procedure()
        show_retired = self.show_retired.isChecked()
        text = self.search.text().strip()
        procedures = list_procedures(self.context.db, active_only=not show_retired, search=text or None)
        self.model.set_procedures(procedures)
        self._restoring = True
        for row, (field, _items) in enumerate(self.model.groups()):
            self.view.setFirstColumnSpanned(row, QModelIndex(), True)
            self.view.setExpanded(self.model.index(row, 0), bool(text) or field not in self.collapsed)
        self._restoring = False
        if current is not None:
            index = self.model.index_of(current.code)
            if index.isValid():
                self.view.setCurrentIndex(index)
        self._update_summary(procedures, text)
        self._update_actions()

    def _update_summary(self, procedures: list[Procedure], text: str) -> None:
        if text:
            found = f"Tìm thấy {len(procedures)} thủ tục khớp \"{text}\"." if procedures else \
                f"Không có thủ tục nào khớp \"{text}\"."
            self.summary.setText(found)
            return
        active = sum(1 for p in procedures if p.active)
        parts = [f"{active} thủ tục đang áp dụng trong {len(self.model.groups())} lĩnh vực"]
        if len(procedures) > active:
            parts.append(f"{len(procedures) - active} đã ngưng")
        missing_link = len(procedures_without_own_link(self.context.db))
        if missing_link:
            parts.append(f"{missing_link} chưa có đường dẫn riêng")
        unknown = sum(1 for p in procedures if p.active and p.deadline_unit is None)
        if unknown:
            parts.append(f"{unknown} chưa rõ thời hạn (bấm Sửa để đặt)")
        self.summary.setText(" · ".join(parts) + ".")

    def _remember_fold(self, index: QModelIndex, folded: bool) -> None:
        if self._restoring:
            return
        field = self._field_of(index)
        if folded:
            self.collapsed.add(field)
        else:
            self.collapsed.discard(field)

    def _field_of(self, index: QModelIndex) -> str:
        return str(self.model.data(index, FIELD_ROLE) or "")

    def current_procedure(self) -> Procedure | None:
        return self.model.procedure(self.view.currentIndex())

    def select_code(self, code: str) -> bool:
        index = self.model.index_of(code)
        if index.isValid():
            self.view.setCurrentIndex(index)
        return index.isValid()

    def _focus_first_result(self) -> None:
        if self.model.rowCount() and self.model.rowCount(self.model.index(0, 0)):
            self.view.setCurrentIndex(self.model.index(0, 0, self.model.index(0, 0)))
        self.view.setFocus()

    def _update_actions(self) -> None:
        procedure = self.current_procedure()
        for action in (self.edit_action, self.retire_action, self.essential_action):
            enable(action, procedure is not None and self.may_edit,
                   "Chọn một thủ tục trong bảng trước" if self.may_edit else "Tài khoản này không có quyền sửa danh mục")
        active = procedure is None or procedure.active
        self.retire_action.setText("Ngưng áp dụng" if active else "Áp dụng lại")
        essential = procedure is not None and procedure.essential
        self.essential_action.setText("Bỏ đánh dấu thiết yếu" if essential else "Đánh dấu thiết yếu")

    def _say(self, text: str) -> None:
        self.notice.setText(text)

    # ----- changes
    def _activated(self, index: QModelIndex) -> None:
        if self.model.procedure(index) is not None:
            self.edit_current()

    def add_procedure(self) -> ProcedureDialog:
        dialog = ProcedureDialog(self.context, None, self)
        dialog.accepted.connect(lambda: self._after_dialog(dialog, "Đã thêm"))
        dialog.open()
        return dialog

    def edit_current(self) -> ProcedureDialog | None:
        procedure = self.current_procedure()
        if procedure is None:
            return None
        dialog = ProcedureDialog(self.context, procedure, self)
        dialog.accepted.connect(lambda: self._after_dialog(dialog, "Đã lưu"))
        dialog.open()
        return dialog

    def _after_dialog(self, dialog: ProcedureDialog, verb: str) -> None:
        if dialog.saved is not None:
            self.select_code(dialog.saved.code)
            self._say(f"{verb} {dialog.saved.code} – {dialog.saved.name}.")

    def _change(self, change, done: str) -> None:
        procedure = self.current_procedure()
        if procedure is None:
            return
        try:
            change(procedure)
        except UserError as error:
            ui.dialogs.show_error(self, str(error))
            return
        self.context.publish(CATALOG)
        self._say(f"{procedure.code} – {procedure.name}: {done}.")

    def toggle_active(self) -> None:
        procedure = self.current_procedure()
        if procedure is None:
            return
        if procedure.active:
            hint = "" if self.show_retired.isChecked() else " (xem lại: bật \"Hiện cả thủ tục đã ngưng\")"
            self._change(lambda p: retire_procedure(self.context.db, p.code), "đã ngưng áp dụng" + hint)
        else:
            self._change(lambda p: reactivate_procedure(self.context.db, p.code), "đã áp dụng lại")

    def toggle_essential(self) -> None:
        procedure = self.current_procedure()
        if procedure is None:
            return
        on = not procedure.essential
        self._change(lambda p: set_essential(self.context.db, p.code, on),
                     "đã đánh dấu thiết yếu" if on else "đã bỏ đánh dấu thiết yếu")

    # ----- import and export
    def choose_import_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Chọn tệp danh mục", str(_documents_dir()), "Danh mục (*.xlsx *.csv);;Tất cả tệp (*)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path, replace: bool = False) -> None:
        """Compare the file in a worker, then open the preview (ImportDialog) with its plan."""

        def show(plan: ImportPlan) -> None:
            self.import_worker = None
            self.import_dialog = ImportDialog(self.context, path, plan, self)
            self.import_dialog.accepted.connect(self._after_import)
            self.import_dialog.open()

        def failed(_message: str) -> None:
            self.import_worker = None

        # Kept until it reports: the worker's signals die with it, and its answer with them.
        self.import_worker = start_plan(self, self.context, path, replace, show, failed)

    def _after_import(self) -> None:
        dialog = self.import_dialog
        if dialog is not None and dialog.applied_counts is not None:
            self._say(f"Đã nhập {dialog.path.name}: {dialog.plan.summary()}.")

    def choose_export_file(self, suffix: str) -> None:
        from datetime import date

        from models.file_names import dated_name
        from ui.save_dialog import ask_save_path

        kind = "Excel (*.xlsx)" if suffix == ".xlsx" else "CSV (*.csv)"
        target = ask_save_path(self, "Xuất danh mục", dated_name("danh-muc-TTHC", date.today(), suffix), kind, suffix)
        if target is not None:
            self.export_to(target)

    def export_to(self, path: Path) -> Path | None:
        try:
            done = export_catalog_file(self.context.db, path)
        except UserError as error:
            ui.dialogs.show_error(self, str(error))
            return None
        self._say(done.message)
        return done.file

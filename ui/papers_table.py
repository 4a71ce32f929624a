"""The reception's papers checklist (the chosen procedure's papers from the catalog: tick, form, count,
add one more) and the block of the authorised person who submits on the applicant's behalf (issue #12)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from models.dossier import PAPER_KINDS, Paper, make_paper
from models.dossier_applicant import Delegate, make_delegate
from models.errors import UserError
from models.text import clean_text

# Only for a procedure with no papers on record in the catalog (issue #12): two generic rows.
DEFAULT_PAPERS = [("Tờ khai (đơn đề nghị) theo mẫu", "ban_chinh", 1), ("Giấy tờ tùy thân (căn cước)", "ban_sao", 1)]
KIND_ROLE = Qt.ItemDataRole.UserRole


class KindDelegate(QStyledItemDelegate):
    """Original or copy, chosen from a list (models.dossier.PAPER_KINDS)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802 - Qt's name
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        combo = QComboBox(parent)
        for key, label in PAPER_KINDS.items():
            combo.addItem(label, key)
        return combo

    def setEditorData(self, editor: QWidget, index) -> None:  # noqa: N802 - Qt's name
        editor.setCurrentIndex(max(editor.findData(index.data(KIND_ROLE)), 0))

    def setModelData(self, editor: QWidget, model, index) -> None:  # noqa: N802 - Qt's name
        model.setData(index, editor.currentData(), KIND_ROLE)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)


class PapersTable(QTableWidget):
    """The papers: a tick for each one the citizen handed in, its name, original/copy and count. The
    chosen procedure's papers come from the catalog unticked; a row added by hand starts ticked."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels(["Tên giấy tờ (đánh dấu: đã nộp)", "Hình thức", "Số lượng"])
        self.setItemDelegateForColumn(1, KindDelegate(self))
        self.verticalHeader().hide()
        self.setTabKeyNavigation(False)  # Tab leaves the table: the clerk edits cells with arrows and F2
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(1, 150)
        self.setColumnWidth(2, 80)
        self.reset_rows()

    def add_row(self, name: str = "", kind: str = "ban_chinh", count: int = 1, ticked: bool = True) -> int:
        row = self.rowCount()
        self.insertRow(row)
        name_item = QTableWidgetItem(name)
        name_item.setFlags(name_item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        name_item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.setItem(row, 0, name_item)
        kind_item = QTableWidgetItem(PAPER_KINDS[kind])
        kind_item.setData(KIND_ROLE, kind)
        self.setItem(row, 1, kind_item)
        count_item = QTableWidgetItem()
        count_item.setData(Qt.ItemDataRole.EditRole, count)
        self.setItem(row, 2, count_item)
        return row

    def remove_current(self) -> None:
        if self.currentRow() >= 0:
            self.removeRow(self.currentRow())

    def reset_rows(self) -> None:
        self.show_papers(())

    def show_papers(self, papers: Sequence[Paper]) -> None:
        """The procedure's papers as a checklist, or the two generic rows when it has none on record."""
        self.setRowCount(0)
        for paper in papers:
            self.add_row(paper.name, paper.kind, paper.count, ticked=False)
        if not papers:
            for name, kind, count in DEFAULT_PAPERS:
                self.add_row(name, kind, count)

    def papers(self) -> list[Paper]:
        """The ticked papers (UserError naming the row for a bad one)."""
        found = []
        for row in range(self.rowCount()):
            item = self.item(row, 0)
            name = item.text() if item else ""
            if not clean_text(name) or item.checkState() != Qt.CheckState.Checked:
                continue
            try:
                found.append(make_paper(name, self.item(row, 1).data(KIND_ROLE) or "ban_chinh",
                                        self.item(row, 2).data(Qt.ItemDataRole.EditRole) or 1))
            except UserError as error:
                raise UserError(f"Giấy tờ dòng {row + 1}: {error}") from None
        return found


class DelegateBox(QGroupBox):
    """Ticked when an authorised person submits on the applicant's behalf: Mẫu 01 prints their block."""

    FIELDS = (("name", "Họ tên"), ("cccd", "Số định danh"), ("address", "Địa chỉ"), ("phone", "Điện thoại"),
              ("email", "Thư điện tử"), ("paper", "Giấy ủy quyền"))

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Người được ủy quyền nộp thay (nếu có)", parent)
        self.setObjectName("delegate")
        self.setCheckable(True)
        self.setChecked(False)
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key, label in self.FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"delegate_{key}")
            self.edits[key] = edit
            form.addRow(label + ":", edit)
        self.edits["paper"].setPlaceholderText("ví dụ: Giấy ủy quyền số 12/UQ ngày 02/02/2026")
        self.toggled.connect(self._show_fields)
        self._show_fields(False)

    def _show_fields(self, on: bool) -> None:
        for edit in self.edits.values():
            edit.setVisible(on)
            label = self.layout().labelForField(edit)
            if label is not None:
                label.setVisible(on)

    def delegate(self) -> Delegate | None:
        if not self.isChecked():
            return None
        text = {key: edit.text() for key, edit in self.edits.items()}
        return make_delegate(name=text["name"], cccd=text["cccd"], address=text["address"], phone=text["phone"],
                             email=text["email"], paper=text["paper"])

    def clear(self) -> None:
        for edit in self.edits.values():
            edit.clear()
        self.setChecked(False)

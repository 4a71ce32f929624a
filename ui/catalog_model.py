"""The catalog as a two-level Qt tree: field rows "Hộ tịch (12)" with their procedures under them."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from models.catalog import Procedure
from models.deadline_text import format_deadline

COL_CODE, COL_NAME, COL_DEADLINE, COL_LEVEL, COL_ESSENTIAL, COL_LINK = range(6)
HEADERS = ["Mã", "Tên thủ tục", "Thời hạn", "Mức độ DVC", "Thiết yếu", "Đường dẫn riêng"]
NO_FIELD = "(Chưa có lĩnh vực)"
PROCEDURE_ROLE = Qt.ItemDataRole.UserRole + 1  # the Procedure of a row (None for a field row)
FIELD_ROLE = Qt.ItemDataRole.UserRole + 2  # the field name of a field row, as stored ('' for none)

_TOP = 0  # internalId of a field row; a procedure row carries its group's number + 1
_MUTED = QBrush(QColor("#7a828a"))
_WARN = QBrush(QColor("#b54708"))
_GROUP_BACKGROUND = QBrush(QColor("#eef2f6"))
Index = QModelIndex | QPersistentModelIndex


def group_procedures(procedures: list[Procedure]) -> list[tuple[str, list[Procedure]]]:
    """(field, procedures) in the order given (list_procedures sorts by field, then name)."""
    groups: dict[str, list[Procedure]] = {}
    for procedure in procedures:
        groups.setdefault(procedure.field, []).append(procedure)
    return list(groups.items())


def deadline_cell(procedure: Procedure) -> str:
    return format_deadline(procedure.deadline_value, procedure.deadline_unit) or "Chưa rõ – cần đặt"


class CatalogModel(QAbstractItemModel):
    """Read-only; `set_procedures()` swaps the whole content inside a model reset."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._groups: list[tuple[str, list[Procedure]]] = []

    # ----- content
    def set_procedures(self, procedures: list[Procedure]) -> None:
        self.beginResetModel()
        self._groups = group_procedures(procedures)
        self.endResetModel()

    def groups(self) -> list[tuple[str, list[Procedure]]]:
        return list(self._groups)

    def field_label(self, field: str, count: int) -> str:
        return f"{field or NO_FIELD} ({count})"

    def procedure(self, index: Index) -> Procedure | None:
        if not index.isValid() or index.internalId() == _TOP:
            return None
        return self._groups[index.internalId() - 1][1][index.row()]

    def index_of(self, code: str) -> QModelIndex:
        """The first-column index of the procedure with `code`, or an invalid index."""
        for group_row, (_field, procedures) in enumerate(self._groups):
            for row, procedure in enumerate(procedures):
                if procedure.code == code:
                    return self.createIndex(row, 0, group_row + 1)
        return QModelIndex()

    # ----- structure
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index | None = None) -> QModelIndex | QObject | None:
        if index is None:  # QObject.parent(), which this name also covers
            return super().parent()
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        return len(HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    # ----- cells
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            return self._field_data(index, role)
        procedure = self.procedure(index)
        return None if procedure is None else self._procedure_data(procedure, index.column(), role)

    def _field_data(self, index: Index, role: int) -> object:
        field, procedures = self._groups[index.row()]
        if role == FIELD_ROLE:
            return field
        if index.column() != 0:
            return _GROUP_BACKGROUND if role == Qt.ItemDataRole.BackgroundRole else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.field_label(field, len(procedures))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return _GROUP_BACKGROUND
        return None

    def _procedure_data(self, procedure: Procedure, column: int, role: int) -> object:
        if role == PROCEDURE_ROLE:
            return procedure
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(procedure, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(procedure, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not procedure.active:
                return _MUTED
            if (column == COL_DEADLINE and procedure.deadline_unit is None) or \
                    (column == COL_LINK and not procedure.own_url):
                return _WARN
        if role == Qt.ItemDataRole.FontRole and not procedure.active:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_ESSENTIAL, COL_LINK):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def _text(procedure: Procedure, column: int) -> str:
        if column == COL_CODE:
            return procedure.code
        if column == COL_NAME:
            return procedure.name if procedure.active else f"{procedure.name} (đã ngưng)"
        if column == COL_DEADLINE:
            return deadline_cell(procedure)
        if column == COL_LEVEL:
            return procedure.online_level_label
        if column == COL_ESSENTIAL:
            return "Có" if procedure.essential else ""
        return "Có" if procedure.own_url else "Chưa có"

    @staticmethod
    def _tooltip(procedure: Procedure, column: int) -> str:
        if column == COL_DEADLINE:
            text = procedure.deadline_text or "(không ghi thời hạn)"
            if procedure.deadline_unit is None:
                return f"{text}\nChưa đọc được thời hạn: bấm Sửa để đặt bằng tay."
            return text + ("\n(Thời hạn do cán bộ đặt)" if procedure.deadline_set_by_clerk else "")
        if column == COL_LINK:
            return procedure.own_url or "Chưa có đường dẫn riêng: mã QR dùng mẫu đường dẫn của đơn vị."
        if column == COL_NAME:
            return procedure.name + ("" if procedure.active else "\n(Đã ngưng áp dụng)")
        return CatalogModel._text(procedure, column)

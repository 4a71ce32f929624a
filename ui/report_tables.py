"""The dashboard's tables: one small read-only Qt model, filled from a Report (fields, due list, QĐ 766)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from models.report import FIELD_COLUMNS, Report, column_value, field_label, format_value, posting_indicators

OVERDUE_COLOUR = QColor("#b42318")
HEADER_WIDTH = 12  # characters per header line


@dataclass(frozen=True)
class Row:
    cells: list[str]
    bold: bool = False
    alert: bool = False  # drawn in red (overdue)
    tooltip: str = ""


class RowsModel(QAbstractTableModel):
    """Rows of text; columns in `numeric` are right-aligned. Small data only (fields, due list)."""

    def __init__(self, headers: list[str], numeric: set[int] | None = None):
        super().__init__()
        self.headers = headers
        self.numeric = numeric or set()
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if index.column() in self.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.bold:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.alert:
            return QBrush(OVERDUE_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or row.cells[index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return textwrap.fill(self.headers[section], HEADER_WIDTH)  # narrow columns, headers on 2–3 lines
        return None


def field_model() -> RowsModel:
    return RowsModel(["Lĩnh vực"] + [title for title, _, _ in FIELD_COLUMNS],
                     set(range(1, len(FIELD_COLUMNS) + 1)))


def field_rows(report: Report) -> list[Row]:
    def cells(tally) -> list[str]:
        return [format_value(column_value(tally, source), kind) for _, source, kind in FIELD_COLUMNS]

    rows = [Row([field_label(name)] + cells(report.by_field[name])) for name in report.field_names()]
    return rows + [Row(["Tổng cộng"] + cells(report.total), bold=True)]


def due_model() -> RowsModel:
    return RowsModel(["Mã hồ sơ", "Người nộp", "Thủ tục", "Lĩnh vực", "Tiếp nhận", "Hạn trả", "Tình trạng"])


def due_rows(report: Report) -> list[Row]:
    return [Row([item.code, item.applicant, f"{item.procedure_name} ({item.procedure_code})",
                 field_label(item.field), f"{item.received_at:%H:%M %d/%m/%Y}", f"{item.due_at:%H:%M %d/%m/%Y}",
                 "Quá hạn" if item.overdue else "Sắp đến hạn"], alert=item.overdue) for item in report.due]


def posting_text(report: Report) -> str:
    """The "niêm yết" line, outside the 766 table: procedures whose posted QR opens their own page."""
    posting = posting_indicators(report)[0]
    return (f"Niêm yết (không thuộc chỉ số 766): {format_value(posting.value, 'share')} thủ tục đang áp dụng có "
            f"đường dẫn riêng trên Cổng DVC quốc gia ({report.procedures_with_link}/{report.procedures_active}).")


def average_model() -> RowsModel:
    return RowsModel(["Mã thủ tục", "Đơn vị tính", "Trung bình", "Số hồ sơ"], {2, 3})


def average_rows(report: Report) -> list[Row]:
    """QĐ 766 2.2: one row per procedure and unit, never one average over different units."""
    return [Row([a.procedure_code, a.unit_label, format_value(a.average, "days"), format_value(a.count, "count")])
            for a in report.averages]


def indicator_model() -> RowsModel:
    return RowsModel(["Tiêu chí", "Chỉ số", "Giá trị", "Điểm tối đa khi", "Cách tính"], {2, 3})


def indicator_rows(report: Report) -> list[Row]:
    rows = []
    for indicator in report.indicators():
        if not indicator.computed:
            value = "Không tính tại xã"
        elif indicator.key == "average_time":
            value = "Xem bảng theo thủ tục" if report.averages else "Chưa có số liệu"
        else:
            value = format_value(indicator.value, "share") if indicator.value is not None else "Chưa có số liệu"
        target = f"≥ {format_value(indicator.target, 'share')}" if indicator.target is not None else ""
        rows.append(Row([indicator.criterion, indicator.name, value, target, indicator.how], tooltip=indicator.how))
    return rows

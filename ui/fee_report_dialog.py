"""Phí, lệ phí đã thu of a period, per field and procedure (not part of the official forms Mẫu 01–07)."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.report_period import Period
from services.dossiers import fee_totals
from ui import strings
from ui.app_context import AppContext

COLUMNS = ["Lĩnh vực / thủ tục", "Hồ sơ có thu", "Đã thu", "Chưa thu", "Số tiền đã thu"]


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def fee_lines(rows: list[dict]) -> list[tuple[str, int, int, int, int, bool]]:
    """(label, dossiers, paid, unpaid, amount, is_subtotal): each field's total, then its procedures; a
    grand total last."""
    lines = []
    for field in dict.fromkeys(r["field"] for r in rows):
        mine = [r for r in rows if r["field"] == field]
        lines.append((field or "(chưa có lĩnh vực)", *(sum(r[k] for r in mine) for k in
                                                       ("dossiers", "paid", "unpaid", "amount")), True))
        lines += [(f"    {r['procedure_code']} – {r['procedure_name']}", r["dossiers"], r["paid"], r["unpaid"],
                   r["amount"], False) for r in mine]
    lines.append(("Tổng cộng", *(sum(r[k] for r in rows) for k in ("dossiers", "paid", "unpaid", "amount")), True))
    return lines


class FeeReportDialog(QDialog):
    def __init__(self, context: AppContext, period: Period, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Phí, lệ phí đã thu")
        self.resize(860, 520)
        title = QLabel(f"Phí, lệ phí đã thu của hồ sơ tiếp nhận từ {period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y} "
                       "(theo lĩnh vực và thủ tục; không thuộc các biểu mẫu báo cáo chính thức).")
        title.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lines = fee_lines(fee_totals(context.db, period.start, period.end))
        bold = QFont(self.font())
        bold.setBold(True)
        self.table.setRowCount(len(self.lines))
        for row, (label, dossiers, paid, unpaid, amount, subtotal) in enumerate(self.lines):
            for column, text in enumerate((label, str(dossiers), str(paid), str(unpaid), money(amount))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if subtotal:
                    item.setFont(bold)
                self.table.setItem(row, column, item)
        for column in range(1, len(COLUMNS)):
            self.table.resizeColumnToContents(column)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(strings.CLOSE)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

"""After a calendar change: dossiers whose due date, timeliness or resolution time would change, applied one by
one or all."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
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

from models.calendar_recheck import TIMELINESS_LABELS, RecheckRow
from models.dossier import state_label
from models.errors import UserError
from services.calendar import apply_corrections, recheck
from services.changes import Changes
from ui import strings
from ui.app_context import AppContext
from ui.dialogs import ask_yes_no, show_error
from ui.worker import Worker, on_connection, run_job

_HEADERS = ["Mã hồ sơ", "Trạng thái", "Hạn trả đã hẹn", "Hạn trả theo lịch mới", "Kết quả đã ghi", "Kết quả theo lịch mới",
            "Thời gian giải quyết"]


def _moment(value) -> str:
    return f"{value:%H:%M %d/%m/%Y}" if value else "—"


class RecheckDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.rows: list[RecheckRow] = []
        self.worker: Worker | None = None
        self.setWindowTitle("Kiểm tra lại hạn trả theo lịch hiện tại")
        self.resize(960, 480)
        layout = QVBoxLayout(self)
        intro = QLabel("Hồ sơ đang giải quyết có hạn trả khác, và hồ sơ đã kết thúc có kết quả trước/đúng/quá hạn "
                       "hoặc thời gian giải quyết (dùng cho báo cáo) khác, nếu tính theo lịch ngày nghỉ hiện tại "
                       "(tiếp nhận từ 01/01 năm trước). Giấy tiếp nhận đã in giữ nguyên ngày hẹn; mỗi lần sửa được "
                       "ghi vào quá trình xử lý của hồ sơ.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.status = QLabel("Đang kiểm tra…")
        layout.addWidget(self.status)
        self.table = QTableWidget(0, len(_HEADERS))
        self.table.setHorizontalHeaderLabels(_HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        layout.addWidget(self.table)
        reason_row = QHBoxLayout()
        reason_row.addWidget(QLabel("Lý do:"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("để trống: lịch ngày nghỉ, ngày làm bù được cập nhật")
        reason_row.addWidget(self.reason, 1)
        layout.addLayout(reason_row)
        buttons = QHBoxLayout()
        self.apply_one_button = QPushButton("Sửa hồ sơ đã chọn")
        self.apply_all_button = QPushButton("Sửa tất cả")
        self.close_button = QPushButton(strings.CLOSE)
        buttons.addWidget(self.apply_one_button)
        buttons.addWidget(self.apply_all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.apply_one_button.clicked.connect(self.apply_selected)
        self.apply_all_button.clicked.connect(self.apply_all)
        self.close_button.clicked.connect(self.close)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> Worker[list[RecheckRow]]:
        """The recheck reads every dossier of the window: off the GUI thread, on its own connection."""
        self.status.setText("Đang kiểm tra…")
        self.worker = run_job(on_connection(self.context.data_dir, recheck), self._shown, self._failed)
        self._update_buttons()
        return self.worker

    def _shown(self, rows: list[RecheckRow]) -> None:
        self.worker = None
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = (row.code, state_label(row.state), _moment(row.stored_due), _moment(row.recomputed_due),
                     TIMELINESS_LABELS.get(row.stored_timeliness or "", "—"),
                     TIMELINESS_LABELS.get(row.recomputed_timeliness or "", "—"), row.resolution_text or "—")
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
        self.status.setText(f"{len(rows)} hồ sơ cần xem lại." if rows else
                            "Không có hồ sơ nào thay đổi theo lịch hiện tại.")
        self._update_buttons()

    def _failed(self, message: str) -> None:
        self.worker = None
        self.status.setText("Chưa kiểm tra được.")
        show_error(self, message)

    def _update_buttons(self) -> None:
        busy = self.worker is not None
        self.apply_one_button.setEnabled(not busy and bool(self.table.selectedIndexes()))
        self.apply_all_button.setEnabled(not busy and bool(self.rows))

    def _apply(self, codes: list[str]) -> list[RecheckRow]:
        try:
            done = apply_corrections(self.context.db, codes, reason=self.reason.text())
        except UserError as error:
            show_error(self, str(error))
            return []
        self.context.publish(Changes.dossiers(row.code for row in done))
        self.refresh()
        return done

    def apply_selected(self) -> list[RecheckRow]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return self._apply([self.rows[row].code for row in rows])

    def apply_all(self, confirm: bool = True) -> list[RecheckRow]:
        if confirm and not ask_yes_no(self, "Sửa tất cả", f"Sửa hạn trả của {len(self.rows)} hồ sơ theo lịch "
                                      "hiện tại? Mỗi hồ sơ được ghi một sự kiện kèm lý do."):
            return []
        return self._apply([row.code for row in self.rows])

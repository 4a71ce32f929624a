"""The dossier list as a lazy Qt table: pages of rows fetched on demand (fetchMore), never all rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from models.dossier import Dossier
from models.dossier_clock import now_local
from models.dossier_moves import urgency

COL_CODE, COL_NAME, COL_STATE, COL_DUE, COL_PROCEDURE, COL_RECEIVED, COL_CHANNEL = range(7)
HEADERS = ["Mã hồ sơ", "Người nộp", "Trạng thái", "Hạn trả", "Thủ tục", "Tiếp nhận", "Kênh nộp"]
DOSSIER_ROLE = Qt.ItemDataRole.UserRole + 1  # the Dossier of a row
PAGE_SIZE = 100  # rows per fetch: a few screenfuls, one cheap indexed query

OVERDUE_BACKGROUND = QBrush(QColor("#fde2e1"))
OVERDUE_TEXT = QBrush(QColor("#a4161a"))
SOON_BACKGROUND = QBrush(QColor("#fff1cc"))
SOON_TEXT = QBrush(QColor("#8a5300"))

# (offset, limit) -> the dossiers of that page, newest first, with the model's current filters.
PageLoader = Callable[[int, int], list[Dossier]]
Index = QModelIndex | QPersistentModelIndex


# now -> until when a running dossier is "sắp đến hạn" (services.dossiers.due_soon_until: the unit's setting).
Horizon = Callable[[datetime], datetime]


def moment_cell(moment: datetime | None) -> str:
    return f"{moment:%H:%M %d/%m/%Y}" if moment else ""


class DossierTableModel(QAbstractTableModel):
    """Holds only the rows fetched so far; `rowCount` grows by `fetchMore`, one page at a time.

    The rows come from a `PageLoader` (a call to db.dossier_queries.list_dossiers with the screen's
    filters): `set_loader` swaps it inside a model reset, optionally with a first page already fetched
    off the GUI thread, so a new search never blocks typing.
    """

    def __init__(self, loader: PageLoader | None = None, parent: QObject | None = None,
                 page_size: int = PAGE_SIZE, clock: Callable[[], datetime] = now_local,
                 horizon: Horizon | None = None):
        super().__init__(parent)
        self._loader = loader
        self._rows: list[Dossier] = []
        self._exhausted = loader is None
        self.page_size = page_size
        self.clock = clock
        self.horizon = horizon or (lambda now: now)  # none given: nothing is shown as due soon
        self._take_time()

    def _take_time(self) -> None:
        self.now = self.clock()
        self.soon_until = self.horizon(self.now)

    def urgency(self, dossier: Dossier) -> str:
        return urgency(dossier.state, dossier.due_at, self.now, self.soon_until)

    # ----- content
    def set_loader(self, loader: PageLoader | None, first_page: list[Dossier] | None = None) -> None:
        """Start over with new filters; `first_page` (fetched elsewhere) saves the first query."""
        self.beginResetModel()
        self._loader = loader
        self._rows = list(first_page or [])
        self._exhausted = loader is None or (first_page is not None and len(first_page) < self.page_size)
        self._take_time()
        self.endResetModel()

    def refresh_rows(self) -> None:
        """Reload the rows fetched so far (after a change), keeping how far the clerk has scrolled."""
        wanted = max(len(self._rows), self.page_size)
        loader = self._loader
        self.set_loader(loader, [])
        self._exhausted = loader is None
        while not self._exhausted and len(self._rows) < wanted:
            self.fetchMore(QModelIndex())

    def dossier(self, row: int) -> Dossier | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, code: str) -> int:
        """The row of the dossier `code` among the rows fetched so far, or -1."""
        return next((row for row, d in enumerate(self._rows) if d.code == code), -1)

    # ----- lazy loading
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802 - Qt's name
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802 - Qt's name
        if parent.isValid() or self._exhausted or self._loader is None:
            return
        page = self._loader(len(self._rows), self.page_size)
        if len(page) < self.page_size:
            self._exhausted = True
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    # ----- structure
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # ----- cells
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        dossier = self._rows[index.row()]
        column = index.column()
        if role == DOSSIER_ROLE:
            return dossier
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(dossier, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(dossier, column)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            level = self.urgency(dossier)
            if level == "overdue":
                return OVERDUE_BACKGROUND if role == Qt.ItemDataRole.BackgroundRole else OVERDUE_TEXT
            if level == "soon":
                return SOON_BACKGROUND if role == Qt.ItemDataRole.BackgroundRole else SOON_TEXT
        return None

    @staticmethod
    def _text(dossier: Dossier, column: int) -> str:
        if column == COL_CODE:
            return dossier.code
        if column == COL_NAME:
            return dossier.applicant.display_name
        if column == COL_PROCEDURE:
            return dossier.procedure_name
        if column == COL_STATE:
            return dossier.state_label
        if column == COL_RECEIVED:
            return moment_cell(dossier.received_at)
        if column == COL_DUE:
            return moment_cell(dossier.due_at)
        return dossier.channel_label

    def _tooltip(self, dossier: Dossier, column: int) -> str:
        level = self.urgency(dossier)
        if column == COL_DUE and level:
            return ("Đã quá hạn trả kết quả" if level == "overdue"
                    else f"Sắp đến hạn (trước {self.soon_until:%H:%M %d/%m/%Y})")
        if column == COL_NAME and dossier.applicant.organisation and dossier.applicant.name:
            return f"{dossier.applicant.organisation}\nNgười đại diện: {dossier.applicant.name}"
        if column == COL_PROCEDURE:
            return f"{dossier.procedure_code} – {dossier.procedure_name}"
        return self._text(dossier, column)

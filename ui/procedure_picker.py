"""Picking a procedure by typing part of its name or code (accents and case ignored), arrows and Enter."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.catalog import Procedure
from models.text import fold

VISIBLE_ROWS = 6
PROCEDURE_ROLE = Qt.ItemDataRole.UserRole + 1

# The two interlinked groups (liên thông, shared/domain.md): each member is known by its national
# codes or, for procedures whose code the sample catalog lacks (BHYT, mai táng), by words of its name.
LINKED_GROUPS: tuple[tuple[tuple[frozenset[str], tuple[str, ...]], ...], ...] = (
    ((frozenset({"1.001193"}), ()),  # Đăng ký khai sinh
     (frozenset({"1.004222"}), ()),  # Đăng ký thường trú
     (frozenset(), ("bao hiem y te", "bhyt"))),  # Cấp thẻ BHYT cho trẻ dưới 6 tuổi
    ((frozenset({"1.000656"}), ()),  # Đăng ký khai tử
     (frozenset({"1.003197"}), ()),  # Xóa đăng ký thường trú
     (frozenset(), ("mai tang", "tu tuat"))),  # Trợ cấp mai táng, tử tuất
)


def _is_member(procedure: Procedure, member: tuple[frozenset[str], tuple[str, ...]]) -> bool:
    codes, words = member
    if procedure.code in codes:
        return True
    name = fold(procedure.name)
    return any(word in name for word in words) and not name.startswith("lien thong")


def linked_offers(procedure: Procedure, procedures: list[Procedure]) -> list[Procedure]:
    """The other active procedures of the liên thông group `procedure` belongs to (none if it is in none)."""
    for group in LINKED_GROUPS:
        if any(_is_member(procedure, member) for member in group):
            return [other for other in procedures if other.active and other.code != procedure.code
                    and any(_is_member(other, member) for member in group)]
    return []


def rank(procedures: list[Procedure], text: str) -> list[Procedure]:
    """Procedures whose folded code or name holds every typed word; essential ones first, then those
    whose name has the words earlier, then shorter names."""
    words = fold(text).split()
    found = []
    for procedure in procedures:
        if not procedure.active:
            continue
        name, code = fold(procedure.name), procedure.code.lower()
        if all(word in name or word in code for word in words):
            position = name.find(" ".join(words)) if words else 0
            code_hit = any(code.startswith(word) for word in words)
            found.append(((not procedure.essential, not code_hit, position if position >= 0 else 999,
                           len(name), name), procedure))
    found.sort(key=lambda pair: pair[0])
    return [procedure for _key, procedure in found]


class ProcedurePicker(QWidget):
    """A search line over the catalog with a short result list under it; Enter picks the highlighted one."""

    picked = Signal(object)  # the Procedure chosen, or None when the clerk starts typing again

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.procedures: list[Procedure] = []
        self.procedure: Procedure | None = None
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Gõ tên hoặc mã thủ tục (không dấu cũng được), ↑↓ để chọn, Enter để lấy")
        self.edit.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the clerk keeps typing; arrows come from the line
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(True)
        self.list.setMinimumHeight(self.list.fontMetrics().height() * VISIBLE_ROWS + 24)  # grows with its column
        self.list.itemClicked.connect(lambda item: self.pick(item.data(PROCEDURE_ROLE)))
        self.empty = QLabel()
        self.empty.setStyleSheet("color: #a4161a;")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        self.edit.textEdited.connect(self._typed)
        self.edit.installEventFilter(self)

    def set_procedures(self, procedures: list[Procedure]) -> None:
        self.procedures = [p for p in procedures if p.active]
        if self.procedure is not None and self.procedure.code not in {p.code for p in self.procedures}:
            self.clear()
        elif self.procedure is None:
            self._fill(self.edit.text())

    def clear(self) -> None:
        self.edit.clear()
        self.procedure = None
        self._fill("")
        self.picked.emit(None)

    def _typed(self, text: str) -> None:
        if self.procedure is not None:
            self.procedure = None
            self.picked.emit(None)
        self._fill(text)

    def _fill(self, text: str) -> None:
        self.list.clear()
        for procedure in rank(self.procedures, text):
            mark = "★ " if procedure.essential else ""
            item = QListWidgetItem(f"{mark}{procedure.code} – {procedure.name}")
            item.setToolTip(f"{procedure.name}\n{procedure.field} · {procedure.deadline_text}")
            item.setData(PROCEDURE_ROLE, procedure)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        nothing = bool(text.strip()) and self.list.count() == 0
        self.empty.setText(f"Không có thủ tục nào khớp \"{text.strip()}\"." if nothing else "")
        self.empty.setVisible(nothing)
        self.list.setVisible(not nothing)

    def results(self) -> list[Procedure]:
        return [self.list.item(row).data(PROCEDURE_ROLE) for row in range(self.list.count())]

    def pick(self, procedure: Procedure | None = None) -> Procedure | None:
        """Take `procedure` (default: the highlighted result) and show it in the line."""
        if procedure is None:
            item = self.list.currentItem()
            procedure = item.data(PROCEDURE_ROLE) if item is not None else None
        if procedure is None:
            return None
        self.procedure = procedure
        self.edit.setText(f"{procedure.code} – {procedure.name}")
        self.edit.setCursorPosition(0)
        self.edit.setToolTip(procedure.name)
        self.list.hide()
        self.picked.emit(procedure)
        return procedure

    def select_code(self, code: str) -> Procedure | None:
        found = next((p for p in self.procedures if p.code == code), None)
        return self.pick(found) if found else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            moves: dict[int, int] = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: VISIBLE_ROWS,
                     Qt.Key.Key_PageUp: -VISIBLE_ROWS}
            if key in moves and self.list.count():
                if self.procedure is not None:  # arrows on a picked line open the list again
                    self.procedure = None
                    self._fill("")
                    self.picked.emit(None)
                self.list.show()
                row = min(max(self.list.currentRow() + moves[key], 0), self.list.count() - 1)
                self.list.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.procedure is not None or self.pick() is not None:
                    self.focusNextChild()
                return True
        return super().eventFilter(watched, event)

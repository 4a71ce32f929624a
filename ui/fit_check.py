"""Finding clipped widgets: each visible control's geometry against its size hint (issue #14).

Used by the screen-size tests and scripts/screenshots.py; Qt only, no data.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

SLACK = 1  # px of rounding tolerated


def _inside_scrolling_view(widget: QWidget, top: QWidget) -> bool:
    """Cells and editors inside a table or list scroll with it: not checked one by one."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea) and not parent.property("fitCheckInside"):
            return parent.widget() is None if hasattr(parent, "widget") else True
        parent = parent.parentWidget()
    return False


def clipped_widgets(top: QWidget) -> list[str]:
    """'QPushButton "Lưu" 80x30 < hint 95x30' for every visible control smaller than it needs."""
    found = []
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top) or _inside_scrolling_view(widget, top):
            continue
        size = widget.size()
        if isinstance(widget, QLabel):
            if widget.wordWrap():
                need_w, need_h = widget.minimumSizeHint().width(), widget.heightForWidth(size.width())
            elif widget.property("elided"):
                continue
            else:
                hint = widget.sizeHint()
                need_w, need_h = hint.width(), hint.height()
            if not widget.text():
                continue
        elif isinstance(widget, (QAbstractButton, QComboBox)):
            hint = widget.sizeHint() if isinstance(widget, QAbstractButton) else widget.minimumSizeHint()
            need_w, need_h = hint.width(), hint.height()
        elif isinstance(widget, QLineEdit):
            if isinstance(widget.parentWidget(), QAbstractSpinBox):  # the spin box is checked as a whole
                continue
            hint = widget.minimumSizeHint()
            need_w, need_h = hint.width(), hint.height()
        else:
            continue
        if size.width() + SLACK < need_w or size.height() + SLACK < need_h:
            text = getattr(widget, "text", lambda: "")() or getattr(widget, "currentText", lambda: "")()
            found.append(f'{type(widget).__name__} "{str(text)[:40]}" {size.width()}x{size.height()} '
                         f"< {need_w}x{need_h}")
    return found

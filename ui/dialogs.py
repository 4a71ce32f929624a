"""Message boxes with Vietnamese buttons (PySide6 ships no Vietnamese translation of Qt's own)."""

from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QDateEdit, QDialog, QMessageBox, QPushButton, QWidget

from ui import strings


def show_error(parent: QWidget | None, message: str, title: str = strings.ERROR_TITLE) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText(strings.CLOSE)
    box.exec()


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText(strings.CLOSE)
    box.exec()


def ask_yes_no(parent: QWidget | None, title: str, question: str) -> bool:
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, title, question, buttons, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(strings.YES)
    box.button(QMessageBox.StandardButton.No).setText(strings.NO)
    box.setDefaultButton(QMessageBox.StandardButton.No)  # Enter or Space never says yes to a data change
    return box.exec() == QMessageBox.StandardButton.Yes


class _ConfirmGuard(QObject):
    """Enter and Space never confirm a data-changing dialog by accident: only Ctrl+Enter or a click does.

    A QDialogButtonBox makes its accept button the default when shown, and a QDialog clicks the default
    button on Enter from any line edit; this filter (on the dialog, so it sees key presses its children
    leave unhandled) swallows a bare Enter, and turns Ctrl+Enter into a click on `confirm`.
    """

    def __init__(self, dialog: QDialog, confirm: QAbstractButton | None):
        super().__init__(dialog)
        self.confirm = confirm

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show and watched is self.parent():
            _no_default_buttons(watched)  # type: ignore[arg-type]
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                if self.confirm is not None and self.confirm.isEnabled() and self.confirm.isVisible():
                    self.confirm.click()
            return True  # a bare Enter left over by a child does nothing
        return False


def _no_default_buttons(dialog: QWidget) -> None:
    for button in dialog.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)


def guard_confirm(dialog: QDialog, confirm: QAbstractButton | None, focus: QWidget | None) -> None:
    """Open `dialog` with the cursor in `focus` (the note or first box), never on the button; confirm only
    with a click on `confirm` or Ctrl+Enter (issue #14: a space typed in the note once moved a dossier)."""
    _no_default_buttons(dialog)
    guard = _ConfirmGuard(dialog, confirm)
    dialog.installEventFilter(guard)
    if focus is not None:
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
    if confirm is None:  # a dialog of separate action buttons: Enter simply does nothing
        return
    tip = confirm.toolTip()
    confirm.setToolTip(f"{tip}\n(Ctrl+Enter)" if tip else "Bấm nút hoặc Ctrl+Enter")
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        QShortcut(QKeySequence(keys), dialog, activated=lambda: confirm.click() if confirm.isEnabled() else None)


class _OpenOnToday(QObject):
    """When a date box holds no date (its minimum, shown as "—"), its calendar opens on today's month."""

    def __init__(self, box: QDateEdit):
        super().__init__(box)
        self.box = box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show and self.box.date() <= self.box.minimumDate():
            today = QDate.currentDate()
            watched.setCurrentPage(today.year(), today.month())
        return False


def calendar_opens_on_today(box: QDateEdit) -> QDateEdit:
    """Never January 2000: a date box opens its calendar on its date, or on today when it has none."""
    box.setCalendarPopup(True)
    calendar = box.calendarWidget()
    calendar.installEventFilter(_OpenOnToday(box))
    if box.date() <= box.minimumDate():
        today = QDate.currentDate()
        calendar.setCurrentPage(today.year(), today.month())
    return box


def enable(widget: QWidget | QAction, enabled: bool, why_not: str) -> None:
    """Enable or disable with a reason: a disabled button's tooltip says why (issue #14); when enabled
    again it gets back the tooltip it had."""
    if widget.property("enabledTip") is None:
        widget.setProperty("enabledTip", widget.toolTip() if widget.toolTip() != why_not else "")
    widget.setEnabled(enabled)
    widget.setToolTip(widget.property("enabledTip") if enabled else why_not)

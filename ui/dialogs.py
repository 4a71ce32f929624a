"""Message boxes with Vietnamese buttons (PySide6 ships no Vietnamese translation of Qt's own)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QDialog, QMessageBox, QPushButton, QWidget

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

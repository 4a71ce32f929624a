"""Message boxes with Vietnamese buttons (PySide6 ships no Vietnamese translation of Qt's own)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

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

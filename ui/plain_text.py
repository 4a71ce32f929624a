"""User text is shown as text: a QLabel never renders the HTML a name or note may carry.

Qt's labels (message boxes' too) guess "rich text" from what they show (Qt::mightBeRichText), so an
applicant named `<img src=...>` or `<a href=...>` would be rendered, linked or fetched. An application-wide
style makes every label plain text when it is first polished, unless the code chose RichText on purpose
(those labels escape what users typed with html.escape). One place for the rule instead of one call per
label in every screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QProxyStyle


class PlainTextStyle(QProxyStyle):
    """The application's style, plus one rule at each widget's polish (once per widget, before it is
    painted): a QLabel still on Qt.AutoText becomes Qt.PlainText. Cheaper than an event filter, which
    would see every event of the application."""

    def polish(self, target):  # noqa: ANN001, ANN201 - Qt's overloads: QWidget, QPalette, QApplication
        if isinstance(target, QLabel) and target.textFormat() == Qt.TextFormat.AutoText:
            target.setTextFormat(Qt.TextFormat.PlainText)
        return super().polish(target)


def install_plain_text_labels(app: QApplication) -> None:
    """Once per application, before its style sheet is set (create_application calls it)."""
    if not isinstance(app.style(), PlainTextStyle):
        app.setStyle(PlainTextStyle(app.style().name()))


def rich_label(html: str) -> QLabel:
    """A label whose markup is MotCua's own; every user text inside must be html.escape()d."""
    label = QLabel(html)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label

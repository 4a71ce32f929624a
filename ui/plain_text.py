"""User text is shown as text: a QLabel never renders the HTML a name or note may carry.

Qt's labels (message boxes' too) guess "rich text" from what they show (Qt::mightBeRichText), so an
applicant named `<img src=...>` or `<a href=...>` would be rendered, linked or fetched. An application-wide
filter makes every label plain text when it is first shown, unless the code chose RichText on purpose
(those labels escape what users typed with html.escape). One place for the rule instead of one call per
label in every screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel


class PlainTextLabels(QObject):
    """Sets Qt.PlainText on every QLabel still on Qt.AutoText, at its first polish (before painting)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Polish and isinstance(watched, QLabel) \
                and watched.textFormat() == Qt.TextFormat.AutoText:
            watched.setTextFormat(Qt.TextFormat.PlainText)
        return False


def install_plain_text_labels(app: QApplication) -> None:
    """Once per application (create_application calls it)."""
    if getattr(app, "_motcua_plain_labels", None) is None:
        labels = PlainTextLabels(app)
        app.installEventFilter(labels)
        app._motcua_plain_labels = labels  # kept alive with the application


def rich_label(html: str) -> QLabel:
    """A label whose markup is MotCua's own; every user text inside must be html.escape()d."""
    label = QLabel(html)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label

"""Widget-test fixtures: an AppContext on a fresh data folder, closed after the test."""

from __future__ import annotations

import pytest


@pytest.fixture
def context(data_dir, qapp):
    from ui.app import create_application, open_context

    create_application()
    ctx = open_context(data_dir)
    yield ctx
    ctx.db.close()


@pytest.fixture
def errors(monkeypatch):
    """Collect messages that would pop up in a blocking error box."""
    shown: list[str] = []
    import ui.dialogs

    def capture(parent, message, title=""):
        shown.append(message)

    monkeypatch.setattr(ui.dialogs, "show_error", capture)
    for module in ("ui.settings_dialog",):
        monkeypatch.setattr(f"{module}.show_error", capture)
    return shown


@pytest.fixture
def type_text(qtbot):
    """Type text key by key, Vietnamese included.

    qtbot.keyClicks maps characters through QTest's ASCII table and aborts on 'ư' or 'đ'; a clerk's
    keyboard (Unikey/IME) delivers composed characters as key events carrying text, which is what this
    sends.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    def type_into(widget, text: str) -> None:
        for char in text:
            if char.isascii():
                qtbot.keyClicks(widget, char)
                continue
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))

    return type_into

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

"""Every screen fits a 1366×768 PC (about 1366×728 usable): no control smaller than its size hint."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from db.dossier_store import move_dossier, receive_dossier
from models.dossier_applicant import make_applicant
from ui.fit_check import clipped_widgets
from ui.main_window import MainWindow
from ui.strings import AREAS

USABLE = (1366, 728)


@pytest.fixture
def window(qtbot, context):
    for index in range(3):
        made = receive_dossier(context.db, procedure_code="2.001019",
                               applicant=make_applicant(name=f"Nguyễn Thị Phương Thảo Hoàng Long {index}",
                                                        cccd="001203004567", phone="0912345678"))
        move_dossier(context.db, made.code, "dang_xu_ly")
    widget = MainWindow(context)
    qtbot.addWidget(widget)
    widget.resize(*USABLE)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def sideways_scrolling(window) -> list[str]:
    """Scroll areas whose page is wider than their view: a screen a clerk would have to scroll sideways."""
    from PySide6.QtWidgets import QScrollArea

    return [f"{type(area.widget()).__name__} {area.widget().width()} > {area.viewport().width()}"
            for area in window.findChildren(QScrollArea)
            if area.isVisible() and area.widget() is not None and area.widget().width() > area.viewport().width()]


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(50)


@pytest.mark.parametrize("area", [key for key, _label, _shortcut in AREAS])
def test_each_screen_fits_1366x728_with_nothing_clipped(qtbot, window, area):
    screen = window.show_area(area)
    if area == "dossiers":
        qtbot.waitUntil(lambda: not screen.busy())
        screen.open_code(screen.model.dossier(0).code)
    settle(qtbot)
    assert (window.width(), window.height()) == USABLE  # the window did not have to grow
    holder = window.stack.parentWidget().parentWidget()  # the scroll area around the screens
    assert window.stack.width() <= holder.viewport().width()  # nothing pushed off to the right
    assert window.stack.height() <= holder.viewport().height()  # nor below: no scrolling at 1366×728
    assert sideways_scrolling(window) == []  # no screen inside scrolls sideways either
    assert clipped_widgets(window) == []


def test_the_id_and_phone_boxes_show_every_digit(qtbot, window):
    screen = window.show_area("reception")
    settle(qtbot)
    for box, sample in ((screen.applicant.cccd, "001203004567"), (screen.applicant.phone, "0912 345 678")):
        assert box.width() >= box.fontMetrics().horizontalAdvance(sample) + 8, sample


def test_the_dialogs_that_change_data_fit_and_clip_nothing(qtbot, window, context):
    from db.dossier_queries import list_dossiers
    from ui.accounts_dialog import AccountsDialog
    from ui.backup_dialog import BackupDialog
    from ui.dossier_move_dialog import ExtendDialog, MoveDialog
    from ui.settings_dialog import SettingsDialog

    dossier = list_dossiers(context.db, limit=1)[0]
    for dialog in (MoveDialog(context, dossier, "cho_bo_sung", window), ExtendDialog(context, dossier, window),
                   SettingsDialog(context, window), BackupDialog(context, window), AccountsDialog(context, window)):
        dialog.show()
        settle(qtbot)
        assert dialog.width() <= USABLE[0] and dialog.height() <= USABLE[1], type(dialog).__name__
        assert clipped_widgets(dialog) == [], type(dialog).__name__
        dialog.close()


def disabled_without_reason(top) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton

    return [button.text() for button in top.findChildren(QAbstractButton)
            if button.isVisibleTo(top) and not button.isEnabled() and not button.toolTip().strip()]


@pytest.mark.parametrize("area", [key for key, _label, _shortcut in AREAS])
def test_every_disabled_button_says_why(qtbot, window, area):
    screen = window.show_area(area)
    if area == "dossiers":
        qtbot.waitUntil(lambda: not screen.busy())
    settle(qtbot)
    assert disabled_without_reason(window) == []


def test_every_disabled_button_of_the_data_dialogs_says_why(qtbot, window, context):
    from ui.accounts_dialog import AccountsDialog
    from ui.backup_dialog import BackupDialog

    for dialog in (BackupDialog(context, window), AccountsDialog(context, window)):
        dialog.show()
        settle(qtbot)
        assert disabled_without_reason(dialog) == [], type(dialog).__name__
        dialog.close()


@pytest.mark.parametrize("area", [key for key, _label, _shortcut in AREAS])
def test_each_screen_fits_a_1920x1040_screen_at_150_percent(qtbot, window, area):
    """1920×1040 at QT_SCALE_FACTOR 1.5 leaves 1280×693 logical pixels: still no scrolling, nothing clipped."""
    window.resize(1280, 693)
    screen = window.show_area(area)
    if area == "dossiers":
        qtbot.waitUntil(lambda: not screen.busy())
    settle(qtbot)
    holder = window.stack.parentWidget().parentWidget()
    assert window.stack.width() <= holder.viewport().width()
    assert window.stack.height() <= holder.viewport().height()
    assert sideways_scrolling(window) == []
    assert clipped_widgets(window) == []

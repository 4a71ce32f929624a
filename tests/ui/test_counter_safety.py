"""Safety at the counter (issue #14): the move dialog never confirms on a stray key."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from db.dossier_queries import get_dossier
from db.dossier_store import receive_dossier
from models.dossier_applicant import make_applicant
from ui.dossier_move_dialog import MoveDialog


@pytest.fixture
def dossier(context):
    return receive_dossier(context.db, procedure_code="2.001019", applicant=make_applicant(name="Nguyễn Văn An"))


def open_dialog(qtbot, context, dossier, target="dang_xu_ly") -> MoveDialog:
    dialog = MoveDialog(context, dossier, target)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.note)
    return dialog


def test_the_move_dialog_opens_in_the_note_and_space_or_enter_never_move(qtbot, context, dossier):
    dialog = open_dialog(qtbot, context, dossier)
    assert not dialog.ok_button.isDefault() and not dialog.ok_button.autoDefault()
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
        qtbot.keyClick(QApplication.focusWidget(), key)
    qtbot.keyClicks(dialog.note, "da nhan du giay to")
    assert dialog.isVisible() and dialog.moved is None
    assert get_dossier(context.db, dossier.code).state == "tiep_nhan"
    assert "da nhan du giay to" in dialog.note.toPlainText()  # the typing stayed in the note


def test_enter_from_a_line_box_of_a_guarded_dialog_does_not_confirm(qtbot, context, dossier):
    from ui.dossier_move_dialog import ExtendDialog

    dialog = ExtendDialog(context, dossier)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.days, Qt.Key.Key_Return)  # a spin box leaves Enter to the dialog
    assert dialog.isVisible() and dialog.extended is None


def test_ctrl_enter_or_a_click_confirms(qtbot, context, dossier):
    dialog = open_dialog(qtbot, context, dossier)
    qtbot.keyClicks(dialog.note, "chuyen xu ly")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.moved is not None and get_dossier(context.db, dossier.code).state == "dang_xu_ly"
    moved = get_dossier(context.db, dossier.code)
    second = open_dialog(qtbot, context, moved, "co_ket_qua")
    qtbot.mouseClick(second.ok_button, Qt.MouseButton.LeftButton)
    assert get_dossier(context.db, dossier.code).state == "co_ket_qua"

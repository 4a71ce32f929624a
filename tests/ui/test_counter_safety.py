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


def test_undo_from_the_detail_makes_an_event_and_the_timeline_says_so(qtbot, context, dossier):
    from db.dossier_store import move_dossier
    from db.events import events_for
    from models.dossier_undo import UNDO_ACTION, standing_events
    from models.handover import handovers
    from ui.dossier_detail import DossierDetail
    from ui.dossier_move_dialog import UndoDialog

    move_dossier(context.db, dossier.code, "dang_xu_ly")
    detail = DossierDetail(context)
    qtbot.addWidget(detail)
    detail.show()
    assert detail.show_code(dossier.code)
    assert detail.undo_button.isVisible() and "ngày" in detail.undo_button.toolTip()
    detail.undo_button.click()
    dialog = detail.findChild(UndoDialog)
    qtbot.keyClicks(dialog.reason, "bam nham")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert get_dossier(context.db, dossier.code).state == "tiep_nhan"
    assert [e["action"] for e in events_for(context.db, "dossier", dossier.uuid)][-1] == UNDO_ACTION
    whats = [what for _at, _actor, what, _note in detail.timeline_rows]
    assert any("(đã hoàn tác)" in w for w in whats) and any(w.startswith("Hoàn tác chuyển trạng thái") for w in whats)
    assert not detail.undo_button.isVisible()  # an undo is not undone
    events = get_dossier(context.db, dossier.code).events
    assert [h.to_state for h in handovers(events)] == ["dang_xu_ly"]
    assert handovers(standing_events(events)) == []  # the control sheet (printing/forms.control_rows) follows


def test_reception_on_a_sunday_shows_when_the_clock_starts(qtbot, context):
    from datetime import datetime

    from ui.reception_screen import ReceptionScreen

    screen = ReceptionScreen(context)
    qtbot.addWidget(screen)
    screen.picker.pick(screen.procedures[0])
    screen.update_due_preview(datetime(2026, 12, 6, 10, 0))  # Sunday
    assert "ngày nghỉ" in screen.due_label.text()
    assert "tính từ 07:30 Thứ Hai, 07/12/2026" in screen.due_label.text()
    screen.update_due_preview(datetime(2026, 12, 7, 10, 0))  # Monday in office hours: nothing to say
    assert "tính từ" not in screen.due_label.text()

"""Typed change notices: one broadcast per errand, screens re-read what they show; after a restore or a
calendar change every screen shows the new data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QDate

import ui.dialogs
from db.dossier_store import receive_dossier
from db.settings_store import update_settings
from models.catalog import Procedure
from models.dossier_applicant import make_applicant
from models.dossier_clock import now_local
from services.backup import make_backup
from services.calendar import load_calendar
from services.catalog import CATALOG, save_procedure
from services.changes import Changes
from ui.backup_dialog import BackupDialog
from ui.dossier_list_screen import DossierListScreen
from ui.dossier_move_dialog import MoveDialog
from ui.reception_screen import ReceptionScreen
from ui.settings_dialog import CalendarOverridesTab

TIMEOUT = 20000
NEW_CODE = "9.999001"


def test_changes_say_what_screens_ask():
    assert Changes.dossiers(["A"]).touches_dossier("A") and not Changes.dossiers(["A"]).touches_dossier("B")
    assert not Changes(catalog=True).dossiers_changed and Changes(calendar=True).dossiers_changed
    everything = Changes.everything()
    assert everything.catalog_changed and everything.settings_changed and everything.dossiers_changed
    assert (Changes(catalog=True) | Changes.dossiers(["X"])) == Changes(catalog=True, dossier_codes=frozenset({"X"}))
    assert not Changes() and Changes(sync=True)


def test_one_receive_is_one_broadcast_naming_the_dossier(qtbot, context):
    heard: list[Changes] = []
    context.changed.connect(heard.append)
    screen = ReceptionScreen(context)
    qtbot.addWidget(screen)
    screen.picker.select_code("1.001193")
    screen.applicant.name.setText("Đỗ Văn Nam")
    saved = screen.save()
    assert saved is not None
    assert heard == [Changes.dossiers([saved.code])]


@pytest.fixture
def answers(monkeypatch):
    monkeypatch.setattr(ui.dialogs, "ask_yes_no", lambda *a: True)
    monkeypatch.setattr(ui.dialogs, "show_info", lambda *a: None)
    monkeypatch.setattr(ui.dialogs, "show_error", lambda *a, **k: pytest.fail(f"error box: {a}"))


def test_every_screen_shows_the_restored_data(qtbot, context, answers):
    update_settings(context.db, {"unit_code": "000.17.22.H56", "unit_name": "UBND xã Hương Mai"})
    backup = make_backup(context.data_dir).backup.path
    reception, dossiers = ReceptionScreen(context), DossierListScreen(context)
    qtbot.addWidget(reception)
    qtbot.addWidget(dossiers)
    # After the backup: a new procedure and a new dossier, each announced as its errand does.
    save_procedure(context.db, Procedure(code=NEW_CODE, name="Thủ tục thêm sau khi sao lưu", field="Hộ tịch"))
    context.publish(CATALOG)
    made = receive_dossier(context.db, procedure_code="1.001193", applicant=make_applicant(name="Phan Văn An"))
    with qtbot.waitSignal(dossiers.counted, timeout=TIMEOUT):
        context.publish(Changes.dossiers([made.code]))
    assert NEW_CODE in {p.code for p in reception.procedures}
    assert dossiers.total == 1
    dialog = BackupDialog(context)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dossiers.counted, timeout=TIMEOUT):
        assert dialog.restore(backup, "bản thử")
    assert NEW_CODE not in {p.code for p in reception.procedures}  # the reception re-read the catalog
    assert dossiers.total == 0                                     # the list re-read the dossiers
    assert reception.context.db is context.db                      # and both use the reopened connection


def test_a_calendar_change_moves_the_due_date_shown_at_reception(qtbot, context):
    """The unit marks the next working day off in the settings; the reception's preview (at the real clock,
    as the clerk sees it) moves at once, without anyone asking the reception to re-read."""
    reception = ReceptionScreen(context)
    qtbot.addWidget(reception)
    reception.picker.select_code("2.001019")  # 02 working days
    before = reception.shown_dues["2.001019"]
    calendar = load_calendar(context.db)
    day = calendar.next_working_day(now_local().date() + timedelta(days=1))
    tab = CalendarOverridesTab(context)
    qtbot.addWidget(tab)
    tab.day.setDate(QDate(day.year, day.month, day.day))
    tab.kind.setCurrentIndex(tab.kind.findData("off"))
    tab.add()
    after = reception.shown_dues["2.001019"]
    assert before is not None and after is not None and after > before


def test_one_move_reads_the_dossier_once(qtbot, context, monkeypatch):
    made = receive_dossier(context.db, procedure_code="1.001193", applicant=make_applicant(name="Vũ Thị Lan"))
    screen = DossierListScreen(context)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: not screen.busy(), timeout=TIMEOUT)
    assert screen.open_code(made.code)
    import ui.dossier_detail

    reads: list[str] = []
    real = ui.dossier_detail.get_dossier
    monkeypatch.setattr(ui.dossier_detail, "get_dossier", lambda db, code, **kw: reads.append(code) or real(db, code, **kw))
    heard: list[Changes] = []
    context.changed.connect(heard.append)
    screen.detail.move_buttons["dang_xu_ly"].click()
    dialog = screen.detail.findChild(MoveDialog)
    dialog.buttons.accepted.emit()
    assert heard == [Changes.dossiers([made.code])]
    assert reads == [made.code]                     # the detail re-read it once, from the notice
    assert screen.detail.state_label.text().startswith("Đang xử lý")

"""The settings dialog: typed values are saved; wrong ones are refused with a message and nothing saved."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt

from db.calendar_store import list_overrides
from db.device import station_number
from db.settings_store import load_settings
from ui.settings_dialog import SettingsDialog


def _retype(qtbot, type_text, line_edit, text):
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Delete)
    type_text(line_edit, text)


def test_clerk_types_unit_settings_and_saves(qtbot, context, errors, type_text):
    dialog = SettingsDialog(context, first_run=True)
    qtbot.addWidget(dialog)
    assert dialog.cancel_button.text() == "Bỏ qua"
    _retype(qtbot, type_text, dialog.unit_name, "UBND xã Hương Mai")
    _retype(qtbot, type_text, dialog.unit_code, "000.17.22.H56")
    _retype(qtbot, type_text, dialog.province, "Bắc Ninh")
    dialog.station.setValue(4)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert errors == []
    saved = load_settings(context.db)
    assert (saved.unit_name, saved.unit_code, saved.province) == ("UBND xã Hương Mai", "000.17.22.H56", "Bắc Ninh")
    assert station_number(context.db) == 4


def test_wrong_value_is_refused_and_nothing_saved(qtbot, context, errors, type_text):
    before = load_settings(context.db)
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    _retype(qtbot, type_text, dialog.qr_template, "dichvucong.gov.vn")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(errors) == 1 and "http" in errors[0]
    assert load_settings(context.db) == before
    assert dialog.isVisible() or dialog.result() == 0


def test_calendar_tab_adds_and_removes_a_make_up_saturday(qtbot, context, errors, type_text):
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    tab = dialog.calendar_tab
    tab.day.setDate(QDate(2026, 12, 26))
    tab.kind.setCurrentIndex(tab.kind.findData("work"))
    type_text(tab.note, "làm bù")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert list_overrides(context.db) == [{"day": "2026-12-26", "kind": "work", "note": "làm bù"}]
    assert tab.table.item(0, 0).text() == "26/12/2026"
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert list_overrides(context.db) == []
    assert tab.table.rowCount() == 0

"""The calendar year tab (sources, "dự kiến", one-click decision) and the recheck dialog, driven offscreen."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt

from db.dossier_queries import find_dossier
from db.dossier_store import receive_dossier
from db.events import events_for
from models.calendar import ESTIMATED, UNIT, UNVERIFIED
from models.dossier_applicant import make_applicant
from models.dossier_timeline import event_text
from ui.settings_dialog import SettingsDialog

SHOTS = Path("/tmp/motcua-shots")
TIMEOUT = 10_000


def _row_of(tab, day: date) -> int:
    return next(i for i, d in enumerate(tab.days) if d.day == day)


def test_the_year_tab_shows_sources_and_decides_the_unverified_day(qtbot, context, errors):
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 640)
    dialog.tabs.setCurrentWidget(dialog.year_tab)
    tab = dialog.year_tab
    tab.year.setValue(2026)
    assert "12729/VPCP-KGVX" in tab.table.item(_row_of(tab, date(2026, 1, 2)), 3).text()
    assert tab.table.item(_row_of(tab, date(2026, 1, 10)), 1).text() == "Làm bù"
    row = _row_of(tab, date(2026, 11, 24))
    assert tab.table.item(row, 3).text().startswith("Chưa xác minh")
    assert not tab.confirm_button.isEnabled()
    tab.table.selectRow(row)
    assert tab.confirm_button.isEnabled() and tab.remove_button.isEnabled()
    dialog.show()
    qtbot.waitExposed(dialog)
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "calendar-year.png"))
    with qtbot.waitSignal(context.changed, timeout=TIMEOUT):
        qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert errors == []
    decided = tab.days[_row_of(tab, date(2026, 11, 24))]
    assert decided.status == UNIT and decided.kind == "work"
    assert events_for(context.db, "calendar", "2026-11-24")[-1]["payload"]["decision"] == "remove"
    assert UNVERIFIED not in {d.status for d in tab.days}
    assert "Kiểm tra lại hạn trả" in tab.summary.text()  # a decision does not move due dates by itself
    tab.year.setValue(2027)
    assert tab.days and {d.status for d in tab.days} == {ESTIMATED}
    assert "DỰ KIẾN" in tab.summary.text()
    assert tab.table.item(0, 3).text().startswith("Dự kiến")


def test_the_recheck_dialog_applies_one_then_all(qtbot, context, errors, monkeypatch):
    applicant = make_applicant(name="Lê Văn Tâm", today=date(2025, 1, 1))
    now = datetime(2026, 3, 20, 9, 0)
    with monkeypatch.context() as old:
        old.setattr("db.calendar_files.decided_years", lambda folder=None: {})  # the package's calendar
        made = [receive_dossier(context.db, procedure_code="1.004194", applicant=applicant,
                                received_at=datetime(2025, 12, 31, 10 + n, 0), now=now) for n in range(2)]
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    recheck = dialog.year_tab.open_recheck()
    qtbot.addWidget(recheck)
    qtbot.waitUntil(lambda: recheck.worker is None, timeout=TIMEOUT)
    assert [row.code for row in recheck.rows] == [d.code for d in made]
    assert recheck.table.item(0, 3).text() == "10:00 07/01/2026"
    recheck.resize(1100, 420)
    recheck.show()
    qtbot.waitExposed(recheck)
    recheck.grab().save(str(SHOTS / "recheck.png"))
    recheck.table.selectRow(0)
    recheck.reason.setText("Bổ sung lịch nghỉ Tết Dương lịch 2026")
    assert [row.code for row in recheck.apply_selected()] == [made[0].code]
    qtbot.waitUntil(lambda: recheck.worker is None and len(recheck.rows) == 1, timeout=TIMEOUT)
    assert find_dossier(context.db, made[0].code).due_at == datetime(2026, 1, 7, 10, 0)
    assert [row.code for row in recheck.apply_all(confirm=False)] == [made[1].code]
    qtbot.waitUntil(lambda: recheck.worker is None and not recheck.rows, timeout=TIMEOUT)
    assert errors == [] and "Không có hồ sơ nào" in recheck.status.text()
    event = events_for(context.db, "dossier", made[0].uuid)[-1]
    what, note = event_text(event)
    assert what == "Tính lại hạn theo lịch mới: 10:00 06/01/2026 → 10:00 07/01/2026"
    assert note == "Bổ sung lịch nghỉ Tết Dương lịch 2026"


def test_reception_preview_marks_a_due_date_counted_over_an_estimated_day(qtbot, context):
    from ui.reception_screen import ReceptionScreen

    screen = ReceptionScreen(context)
    qtbot.addWidget(screen)
    screen.picker.select_code("1.004884")  # 05 ngày làm việc
    screen.update_due_preview(datetime(2027, 2, 1, 10, 0))  # across Tết 2027: the package's estimate
    assert "(dự kiến)" in screen.due_label.text()
    screen.update_due_preview(datetime(2026, 3, 2, 10, 0))  # decided days only
    assert "Hạn trả" in screen.due_label.text() and "dự kiến" not in screen.due_label.text()

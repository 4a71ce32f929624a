"""One rule, one place: what a move does, whether a dossier can be extended, when it is due soon, what a
date-only due date means, and the on-time alert come from models/ or the unit's settings."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from models.dossier import FINAL_STATES, MOVES
from models.dossier_clock import parse_due_text
from models.dossier_moves import can_extend, move_effect, urgency
from models.errors import UserError
from models.report_chart import on_time_bars
from models.settings import UnitSettings

T = datetime(2026, 3, 2, 9, 0)
DUE = datetime(2026, 3, 4, 9, 0)


def test_a_result_stores_its_moment_and_timeliness():
    effect = move_effect(current_state="dang_xu_ly", target="co_ket_qua", moment=T, due_at=DUE,
                         supplement_count=0, extension_count=0)
    assert effect["state"] == "co_ket_qua" and effect["finished_at"] == T.isoformat(timespec="seconds")
    assert effect["timeliness"] == "truoc_han"
    late = move_effect(current_state="dang_xu_ly", target="co_ket_qua", moment=T, due_at=DUE,
                       supplement_count=0, extension_count=1)
    assert late["timeliness"] != "truoc_han"  # an extension is the unit's delay (domain.md)


def test_waiting_pauses_the_clock_and_counts_the_supplement_request():
    effect = move_effect(current_state="dang_xu_ly", target="cho_bo_sung", moment=T, due_at=DUE,
                         supplement_count=1, extension_count=0)
    assert effect["paused_at"] == T.isoformat(timespec="seconds") and effect["supplement_count"] == 2
    resumed = move_effect(current_state="cho_bo_sung", target="dang_xu_ly", moment=T, due_at=DUE,
                          supplement_count=2, extension_count=0)
    assert resumed["paused_at"] is None and "supplement_count" not in resumed


@pytest.mark.parametrize("state", sorted(MOVES))
def test_final_states_are_closed_and_only_running_dossiers_extend(state):
    effect = move_effect(current_state="dang_xu_ly", target=state, moment=T, due_at=DUE, supplement_count=0,
                         extension_count=0)
    assert ("closed_at" in effect) == (state in FINAL_STATES)
    assert can_extend(state) == (state not in FINAL_STATES and state != "co_ket_qua")


def test_due_soon_is_before_the_horizon_and_only_while_the_clock_runs():
    now = datetime(2026, 3, 2, 8, 0)
    assert urgency("dang_xu_ly", DUE, now, soon_until=datetime(2026, 3, 5)) == "soon"
    assert urgency("dang_xu_ly", DUE, now, soon_until=datetime(2026, 3, 3)) == ""
    assert urgency("dang_xu_ly", DUE, datetime(2026, 3, 5), soon_until=datetime(2026, 3, 9)) == "overdue"
    assert urgency("da_tra", DUE, datetime(2026, 3, 5), soon_until=datetime(2026, 3, 9)) == ""


def test_a_date_alone_is_due_at_the_close_of_day_everywhere():
    close = UnitSettings(afternoon_end="16:30").close_of_day
    assert close == time(16, 30)
    assert parse_due_text("20/03/2026", close) == datetime(2026, 3, 20, 16, 30)
    assert parse_due_text("2026-03-20", close) == datetime(2026, 3, 20, 16, 30)
    assert parse_due_text("20/03/2026 09:15", close) == datetime(2026, 3, 20, 9, 15)
    assert parse_due_text("2026-03-20T09:15", close) == datetime(2026, 3, 20, 9, 15)
    assert parse_due_text("  ", close) is None
    with pytest.raises(UserError):
        parse_due_text("mai", close)


def test_the_due_soon_days_and_the_alert_are_unit_settings():
    settings = UnitSettings.from_dict({"due_soon_working_days": "3", "on_time_alert_percent": 80})
    assert settings.due_soon_working_days == 3 and settings.on_time_alert == 0.8
    with pytest.raises(UserError):
        UnitSettings.from_dict({"due_soon_working_days": 40})
    with pytest.raises(UserError):
        UnitSettings.from_dict({"on_time_alert_percent": "nhiều"})


def test_the_alert_threshold_decides_the_red_bars():
    from models.report import Report
    from models.report_period import Period
    from models.report_rules import Tally

    total = Tally(received=10, resolved=10, early=8, on_time=0, late=2, timely=8)  # QĐ 766: 8 of 10 timely
    report = Report(period=Period(T.date(), T.date()), moment=T, generated_at=T, total=total, by_field={},
                    received_by_month={}, resolved_by_month={})
    [bar] = on_time_bars(report, 0.9)
    assert bar.warn  # 80% < 90%
    [bar] = on_time_bars(report, 0.75)
    assert not bar.warn


def test_the_command_line_sets_the_same_settings(cli, data_dir):
    import json

    done = cli("--data-dir", str(data_dir), "settings", "set", "--due-soon-days", "3", "--on-time-alert", "85")
    assert done.returncode == 0, done.stderr
    shown = json.loads(cli("--data-dir", str(data_dir), "--json", "settings", "show").stdout)
    assert shown["due_soon_working_days"] == 3 and shown["on_time_alert_percent"] == 85
    bad = cli("--data-dir", str(data_dir), "settings", "set", "--due-soon-days", "nhiều")
    assert bad.returncode == 2 and "không phải là một số nguyên" in bad.stderr

"""The report's figures on dossiers around Tết 2026, against answers counted by hand (report_scenario)."""

from __future__ import annotations

import json

import pytest
from report_scenario import FEBRUARY, FEBRUARY_END, FIELD, NOW, QUARTER, expected

from db.dossier_queries import find_dossier
from db.report_queries import build_report
from models.report_period import Period

FIGURES = ("received", "resolved", "early", "on_time", "late", "in_progress", "overdue", "refused", "withdrawn",
           "stopped", "digitised", "online_share", "digitised_share", "on_time_share", "satisfaction_rate",
           "satisfied_share", "ratings")


def same(actual: dict, wanted: dict) -> None:
    for key in FIGURES:
        if isinstance(wanted[key], float):
            assert actual[key] == pytest.approx(wanted[key]), key
        else:
            assert actual[key] == wanted[key], key


def test_the_hand_counted_due_moments_are_the_layers(db, scenario) -> None:
    for case in scenario:
        dossier = find_dossier(db, case.code)
        assert dossier.due_at == case.due, case.key
        assert dossier.finished_at == case.finished, case.key
        if case.verdict and case.key != "E":
            assert dossier.timeliness == case.verdict, case.key
    # E was ready before its due moment (stored as early); QĐ 766 makes two supplement requests late.
    e = next(c for c in scenario if c.key == "E")
    assert find_dossier(db, e.code).timeliness == "truoc_han" and find_dossier(db, e.code).supplement_count == 2


def test_february_the_oracle_itself(scenario) -> None:
    """The counting in report_scenario.expected, checked once against numbers read off the cases."""
    wanted = expected(scenario, *FEBRUARY, FEBRUARY_END)
    assert wanted["received"] == 14 and wanted["resolved"] == 9  # I from January counts as resolved, J not
    assert (wanted["early"], wanted["on_time"], wanted["late"]) == (2, 4, 3)  # A D | B I N O | C E P
    assert (wanted["refused"], wanted["withdrawn"], wanted["stopped"]) == (1, 1, 1)
    assert (wanted["in_progress"], wanted["overdue"]) == (3, 2)  # J K L; J and K (L is paused)
    assert wanted["online_share"] == pytest.approx(6 / 14)  # A C E K N O
    assert wanted["digitised_share"] == pytest.approx(2 / 9)  # A N
    assert wanted["ratings"] == {"hai_long": 2, "binh_thuong": 1, "khong_hai_long": 2}
    assert wanted["satisfaction_rate"] == pytest.approx(1 - 3 / 9 - 2 / 9)
    assert wanted["satisfied_share"] == pytest.approx(2 / 5)


def test_february_totals_and_fields(db, scenario) -> None:
    report = build_report(db, Period(*FEBRUARY, "month"), now=NOW)
    assert report.moment == FEBRUARY_END
    data = report.to_dict()
    same(data, expected(scenario, *FEBRUARY, FEBRUARY_END))
    assert set(data["by_field"]) == set(FIELD.values())
    for name in data["by_field"]:
        same(data["by_field"][name], expected(scenario, *FEBRUARY, FEBRUARY_END, field=name))
    assert data["by_month"] == [{"month": "2026-02", "received": 14, "resolved": 9}]


def test_quarter_so_far_uses_now_and_lists_what_is_due(db, scenario) -> None:
    report = build_report(db, Period(*QUARTER, "quarter"), now=NOW)
    assert report.moment == NOW
    data = report.to_dict()
    same(data, expected(scenario, *QUARTER, NOW))
    assert data["by_month"] == [{"month": "2026-01", "received": 1, "resolved": 0},
                                {"month": "2026-02", "received": 14, "resolved": 9},
                                {"month": "2026-03", "received": 1, "resolved": 1}]
    codes = {case.key: case.code for case in scenario}
    # K overdue, M due Mon 23/03 08:00, before Tue 24/03 10:00; L is waiting for the citizen: not listed.
    assert [(item["code"], item["overdue"]) for item in data["due_list"]] == [(codes["K"], True), (codes["M"], False)]
    assert (data["overdue_now"], data["due_soon"], data["due_soon_until"]) == (1, 1, "2026-03-24T10:00:00")


def test_the_command_line_prints_the_same_figures(db, scenario, data_dir, cli) -> None:
    result = cli("--data-dir", str(data_dir), "--json", "report", "--from", "2026-02-01", "--to", "2026-02-28",
                 "--at", NOW.isoformat())
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    same(printed, expected(scenario, *FEBRUARY, FEBRUARY_END))
    for name, figures in printed["by_field"].items():
        same(figures, expected(scenario, *FEBRUARY, FEBRUARY_END, field=name))
    screen = build_report(db, Period(*FEBRUARY), now=NOW).to_dict()
    assert {k: v for k, v in printed.items() if k != "generated_at"} == \
        {k: v for k, v in screen.items() if k != "generated_at"}
    for key in ("received", "resolved", "on_time", "early", "late", "in_progress", "overdue", "online_share",
                "digitised_share", "satisfaction_rate", "by_field"):
        assert key in printed
    assert 0 <= printed["online_share"] <= 1 and 0 <= printed["satisfaction_rate"] <= 1

"""The report's figures on dossiers around Tết 2026, against answers counted by hand (report_scenario)."""

from __future__ import annotations

import json

import pytest
from report_scenario import FEBRUARY, FEBRUARY_END, FIELD, NOW, QUARTER, expected

from db.dossier_queries import find_dossier
from db.report_queries import build_report
from models.report_period import Period

FIGURES = ("carried_over", "received", "received_by_channel", "resolved", "early", "on_time", "late", "in_progress",
           "in_progress_within_time", "overdue", "refused", "withdrawn", "stopped", "ended_without_result", "timely",
           "digitised", "online_share", "electronic_result_share", "digitised_share", "on_time_share",
           "resolved_on_time_share", "satisfaction_rate", "satisfied_share", "ratings", "balance_holds")


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
    """The counting in report_scenario.expected, checked once against February counted by hand.

    Period 01–28/02/2026, judged at 01/03 00:00. 16 dossiers A–P (M is March's), every procedure with a
    paper result (the catalog default).
    - Carried over 1: I (received 29/01, open on 01/02). Received 14: trực tiếp 7 (B D F H J L P), trực
      tuyến 6 (A C E K N O, C "có hỗ trợ"), bưu chính 1 (G). Population 1 + 14 = 15.
    - Resolved 9: early 2 (A D), on time 4 (B I N O), late 3 (C; E two supplement requests; P extended).
    - Ended without a result 3: withdrawn F (04/02, due 06/02), refused G (04/02, due 09/02), stopped H
      (10/02, due 23/02): all before their due moment.
    - In progress at 01/03: 3: J (due 25/02) and K (due 27/02) overdue; L waiting since 26/02, due 02/03:
      within time, judged at the request.
    - Balance: 1 + 14 = 9 + 3 + 3.
    - 2.1 timely: A D B I N O + F G H + L = 10 of 15 → 2/3 (late C E P J K = 5/15).
    - 3.3 online: online with the result also electronic (its scan attached): A C N = 3 of 14 received
      (E K O have no electronic result).
    - 4.1 electronic result: A C N = 3 of 9 resolved. 4.2 digitised (papers and result): A N = 2 of 15.
    - Ratings in February: hài lòng A N, bình thường B, không hài lòng C G → 5.4: 1 − 5/15 − 2/15 = 8/15.
    - The unit's own view: (early + on time) / resolved = 6/9.
    """
    wanted = expected(scenario, *FEBRUARY, FEBRUARY_END)
    assert (wanted["carried_over"], wanted["received"]) == (1, 14)
    assert wanted["received_by_channel"] == {"truc_tiep": 7, "truc_tuyen": 6, "buu_chinh": 1}
    assert wanted["resolved"] == 9 and (wanted["early"], wanted["on_time"], wanted["late"]) == (2, 4, 3)
    assert (wanted["refused"], wanted["withdrawn"], wanted["stopped"]) == (1, 1, 1)
    assert (wanted["in_progress"], wanted["overdue"], wanted["in_progress_within_time"]) == (3, 2, 1)
    assert wanted["carried_over"] + wanted["received"] == wanted["resolved"] + 3 + wanted["in_progress"]
    assert wanted["timely"] == 10 and wanted["on_time_share"] == pytest.approx(10 / 15)
    assert wanted["online_share"] == pytest.approx(3 / 14)
    assert wanted["electronic_result_share"] == pytest.approx(3 / 9)
    assert wanted["digitised_share"] == pytest.approx(2 / 15)
    assert wanted["ratings"] == {"hai_long": 2, "binh_thuong": 1, "khong_hai_long": 2}
    assert wanted["satisfaction_rate"] == pytest.approx(8 / 15)
    assert wanted["resolved_on_time_share"] == pytest.approx(6 / 9)
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
                "digitised_share", "satisfaction_rate", "by_field", "carried_over", "refused", "withdrawn",
                "stopped", "received_by_channel", "on_time_share", "avg_resolution_by_procedure", "methodology"):
        assert key in printed
    assert set(printed["received_by_channel"]) == {"truc_tiep", "truc_tuyen", "buu_chinh"}
    assert set(printed["avg_resolution_by_procedure"][0]) >= {"procedure_code", "unit", "average", "count"}
    for figures in [printed, *printed["by_field"].values()]:  # the balance, for the unit and every field
        assert figures["carried_over"] + figures["received"] == figures["resolved"] + figures["refused"] + \
            figures["withdrawn"] + figures["stopped"] + figures["in_progress"]
    assert 0 <= printed["online_share"] <= 1 and 0 <= printed["satisfaction_rate"] <= 1


def test_february_average_resolution_per_procedure(db, scenario) -> None:
    """QĐ 766 2.2, counted by hand in office hours (07:30–11:30, 13:30–17:00, 7.5 h a working day), the
    waits for the citizen subtracted, each procedure in its own unit:
    - 1.004873 (03 ngày làm việc): A 13/02 10:00 → 24/02 09:00 = 5 + 7.5 + 1.5 = 14 h = 1.8667 days; N
      received Saturday 21/02 20:00, counted from Mon 23/02 07:30 → 26/02 07:30 = 3 days. Average 2.4333.
    - 1.004884 (05 ngày làm việc): D 02/02 08:00 → 10/02 16:00 = 7 + 5 × 7.5 + 6.5 = 51 h, minus the
      15 h waited = 36 h = 4.8 days; I 29/01 08:00 → 05/02 08:00 = 7 + 7.5 + 22.5 + 0.5 = 37.5 h = 5 days.
      Average 4.9.
    - 2.001019 (02 ngày làm việc): B 12/02 08:00 → 23/02 07:45 = 14.75 h = 1.9667; C 13/02 10:30 → 24/02
      11:00 = 4.5 + 7.5 + 3.5 = 15.5 h = 2.0667. Average 2.0167.
    - 1.004222 (07 ngày làm việc): E 02/02 09:00 → 05/02 10:00 = 6 + 7.5 + 7.5 + 2.5 = 23.5 h minus its
      waits 4 h and 2 h = 17.5 h = 2.3333 days.
    - 1.004194 (03 ngày làm việc): P 09/02 08:00 → 13/02 10:00 = 7 + 22.5 + 2.5 = 32 h = 4.2667 days
      (the extension does not change the time used).
    - 2.000815 ("Trong ngày", in working hours): O received during Tết, counted from Mon 23/02 07:30 →
      16:00 = 4 + 2.5 = 6.5 h.
    """
    report = build_report(db, Period(*FEBRUARY, "month"), now=NOW)
    got = {(a["procedure_code"], a["unit"]): (a["average"], a["count"])
           for a in report.to_dict()["avg_resolution_by_procedure"]}
    assert got == {("1.004873", "working_days"): (2.43, 2), ("1.004884", "working_days"): (4.9, 2),
                   ("2.001019", "working_days"): (2.02, 2), ("1.004222", "working_days"): (2.33, 1),
                   ("1.004194", "working_days"): (4.27, 1), ("2.000815", "same_day"): (6.5, 1)}
    data = report.to_dict()
    assert data["methodology"]["name"] == "QĐ 766/QĐ-TTg" and data["methodology"]["version"]
    assert [item["key"] for item in data["posting"]] == ["posting"]  # "niêm yết", not under the 766 heading
    assert "posting" not in [item["key"] for item in data["indicators"]]

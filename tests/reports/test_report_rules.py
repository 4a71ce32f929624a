"""The rules of models/report_rules.py, periods, and the SQL of db/report_queries.py against those rules."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest

from db.attachments import attach_file
from db.dossier_store import receive_dossier
from db.report_queries import build_report, period_counts
from models import report_rules as rules
from models.dossier import CHANNELS
from models.dossier_applicant import make_applicant
from models.errors import UserError
from models.report_chart import month_chart, nice_ticks
from models.report_period import Period, preset

NOW = datetime(2026, 4, 20, 12, 0)
APPLICANT = make_applicant(name="Lê Văn Bình", today=date(2026, 1, 1))


def test_result_class_follows_domain_and_766() -> None:
    due = datetime(2026, 2, 24, 10, 0)
    assert rules.result_class("truoc_han", 0) == "truoc_han"
    assert rules.result_class("dung_han", 1) == "dung_han"  # one supplement request is allowed
    assert rules.result_class("truoc_han", 2) == "qua_han"  # more than one is late (QĐ 766)
    assert rules.result_class(None, 0, datetime(2026, 2, 23, 16, 0), due) == "truoc_han"
    assert rules.result_class(None, 0, due, due) == "dung_han"
    assert rules.result_class(None, 0, due + timedelta(minutes=1), due) == "qua_han"


def test_online_digitised_and_ratings() -> None:
    assert [c for c in CHANNELS if rules.is_online(c)] == ["truc_tuyen", "ho_tro_truc_tuyen"]
    assert rules.is_digitised(True, True) and not rules.is_digitised(True, False)
    assert not rules.is_digitised(False, True)
    assert rules.check_rating("Hài lòng") == "hai_long" and rules.check_rating("khong hai long") == "khong_hai_long"
    with pytest.raises(UserError, match="Mức đánh giá không hợp lệ"):
        rules.check_rating("tốt")


def test_shares_and_satisfaction() -> None:
    """Each 766 figure over its own denominator (shared/domain.md, "The 766 index")."""
    t = rules.Tally(carried_over=2, received=10, received_online=4, online_counted=3, resolved=8, early=2,
                    on_time=4, late=2, refused=1, withdrawn=1, stopped=0, in_progress=2, overdue=1, timely=9,
                    resolved_paper=8, electronic_results=2, digitised=6, rated_hai_long=3, rated_binh_thuong=1,
                    rated_khong_hai_long=1)
    assert rules.population(t) == 12 and rules.balance_holds(t)  # 2 + 10 = 8 + 2 + 2
    assert rules.on_time_share(t) == pytest.approx(9 / 12) and rules.late_share(t) == pytest.approx(3 / 12)
    assert rules.online_share(t) == 0.3 and rules.online_channel_share(t) == 0.4
    assert rules.electronic_result_share(t) == 0.25 and rules.digitised_share(t) == pytest.approx(6 / 12)
    assert rules.satisfaction_rate(t) == pytest.approx(1 - 3 / 12 - 1 / 12)
    assert rules.resolved_on_time_share(t) == 0.75  # the unit's own view: over resolved only
    assert rules.satisfied_share(t) == pytest.approx(3 / 5)
    assert rules.received_by_channel(rules.Tally(received_direct=1, received_online=2, received_post=3)) == \
        {"truc_tiep": 1, "truc_tuyen": 2, "buu_chinh": 3}
    assert not rules.balance_holds(rules.Tally(received=1))
    empty = rules.Tally()
    assert rules.on_time_share(empty) is None and rules.satisfaction_rate(empty) is None
    assert rules.satisfied_share(empty) is None and rules.online_share(empty) is None
    worst = rules.Tally(received=2, resolved=2, late=2, rated_khong_hai_long=2)
    assert rules.satisfaction_rate(worst) == 0.0  # never below zero


def test_per_dossier_766_rules() -> None:
    due = datetime(2026, 3, 10, 10, 0)
    assert rules.counts_online("truc_tuyen", paper_result=False, electronic_result=False)
    assert not rules.counts_online("truc_tuyen", paper_result=True, electronic_result=False)
    assert rules.counts_online("ho_tro_truc_tuyen", paper_result=True, electronic_result=True)
    assert not rules.counts_online("buu_chinh", paper_result=False, electronic_result=True)
    assert rules.is_digitised(True, False, paper_result=False) and not rules.is_digitised(True, False)
    assert rules.timely_ended(due, due, 1, False) and not rules.timely_ended(due, due, 2, False)
    assert not rules.timely_ended(due + timedelta(minutes=1), due, 0, False)
    assert not rules.timely_ended(due, due, 0, True)  # an extension is late
    assert rules.timely_open(due, due, 0, False) and not rules.timely_open(due + timedelta(hours=1), due, 0, False)
    # Waiting for the citizen: judged at the request, however late the period ends.
    assert rules.timely_open(due + timedelta(days=9), due, 1, False, paused_at=due - timedelta(hours=1))


def test_presets_and_labels() -> None:
    today = date(2026, 5, 17)
    assert preset("month", today) == Period(date(2026, 5, 1), date(2026, 5, 31), "month")
    assert preset("quarter", today) == Period(date(2026, 4, 1), date(2026, 6, 30), "quarter")
    assert preset("half_year", date(2026, 8, 1)) == Period(date(2026, 7, 1), date(2026, 12, 31), "half_year")
    assert preset("year", today) == Period(date(2026, 1, 1), date(2026, 12, 31), "year")
    assert preset("quarter", today).label == "Quý II/2026"
    assert preset("half_year", today).label == "6 tháng đầu năm 2026"
    assert preset("month", date(2024, 2, 10)).end == date(2024, 2, 29)
    custom = Period(date(2026, 1, 15), date(2026, 3, 2))
    assert custom.title == "Từ 15/01/2026 đến 02/03/2026"
    assert custom.months() == ["2026-01", "2026-02", "2026-03"]
    assert custom.month_slices()[0] == ("2026-01", datetime(2026, 1, 15), datetime(2026, 2, 1))
    assert custom.month_slices()[-1] == ("2026-03", datetime(2026, 3, 1), datetime(2026, 3, 3))
    assert custom.moment(datetime(2026, 2, 1)) == datetime(2026, 2, 1)
    assert custom.moment(NOW) == datetime(2026, 3, 3)
    with pytest.raises(UserError, match="trước ngày đầu kỳ"):
        Period(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(UserError, match="Kỳ báo cáo không hợp lệ"):
        preset("week", today)


def test_chart_ticks() -> None:
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(16_500)[-1] >= 16_500 and len(nice_ticks(16_500)) <= 7


def _dossier(db, received: datetime, channel: str = "truc_tiep"):
    return receive_dossier(db, procedure_code="1.004884", applicant=APPLICANT, channel=channel,
                           received_at=received, now=NOW)


def test_sql_classifies_exactly_as_result_class(db) -> None:
    """Every combination of stored verdict, supplement count and finish against due, through the SQL."""
    due = datetime(2026, 3, 10, 10, 0)
    finishes = [due - timedelta(days=1), due - timedelta(hours=1), due, due + timedelta(hours=1),
                due + timedelta(days=1)]
    combos = list(itertools.product([None, "truoc_han", "dung_han", "qua_han"], [0, 1, 2], finishes))
    wanted = {"truoc_han": 0, "dung_han": 0, "qua_han": 0}
    for stored, supplements, finished in combos:
        dossier = _dossier(db, datetime(2026, 3, 2, 8, 0))
        db.execute("UPDATE dossiers SET state = 'co_ket_qua', finished_at = ?, due_at = ?, timeliness = ?, "
                   "supplement_count = ? WHERE id = ?", [finished.isoformat(), due.isoformat(), stored,
                                                        supplements, dossier.id])
        wanted[rules.result_class(stored, supplements, finished, due)] += 1
    db.conn.commit()
    groups, _, resolved_by_month = period_counts(db, Period(date(2026, 3, 1), date(2026, 3, 31)), NOW)
    t = groups["Hộ tịch"]
    assert (t.early, t.on_time, t.late) == (wanted["truoc_han"], wanted["dung_han"], wanted["qua_han"])
    assert t.resolved == len(combos) == resolved_by_month["2026-03"]


def test_sql_counts_online_as_is_online(db) -> None:
    for index, channel in enumerate(CHANNELS):
        for _ in range(index + 1):
            _dossier(db, datetime(2026, 3, 2, 8, 0), channel)
    t = build_report(db, Period(date(2026, 3, 1), date(2026, 3, 31)), now=NOW).total
    assert t.received == sum(range(1, len(CHANNELS) + 1))
    assert t.received_online == sum(i + 1 for i, c in enumerate(CHANNELS) if rules.is_online(c))


def test_digitised_kept_by_triggers_whoever_writes(db, data_dir, tmp_path) -> None:
    """report_attached follows attachments and finished_at, also when rows are written directly (sync)."""
    made = []
    for kinds in [(), ("ho_so",), ("ket_qua",), ("ho_so", "ket_qua"), ("ho_so", "ho_so", "ket_qua")]:
        dossier = _dossier(db, datetime(2026, 3, 2, 8, 0))
        for number, kind in enumerate(kinds):
            path = tmp_path / f"{dossier.id}-{number}.pdf"
            path.write_bytes(b"%PDF-1.4 " + path.name.encode())
            attach_file(db, data_dir, dossier.code, path, kind=kind, now=NOW)
        made.append((dossier, kinds))
    db.execute("UPDATE dossiers SET state = 'co_ket_qua', finished_at = '2026-03-05T10:00:00', "
               "timeliness = 'truoc_han'")  # as sync's projection writes a finished dossier
    db.conn.commit()
    march = Period(date(2026, 3, 1), date(2026, 3, 31))

    def totals():
        t = build_report(db, march, now=NOW).total
        return t.inputs_digitised, t.results_digitised, t.digitised

    wanted = [sum("ho_so" in k for _, k in made), sum("ket_qua" in k for _, k in made),
              sum(rules.is_digitised("ho_so" in k, "ket_qua" in k) for _, k in made)]
    assert totals() == tuple(wanted) == (3, 3, 2)
    last = made[-1][0]
    db.execute("DELETE FROM dossier_attachments WHERE dossier_id = ? AND kind = 'ket_qua'", [last.id])
    assert totals() == (3, 2, 1)
    db.execute("UPDATE dossier_attachments SET kind = 'ket_qua' WHERE dossier_id = ?", [made[1][0].id])
    assert totals() == (2, 3, 1)
    db.execute("UPDATE dossiers SET finished_at = '2026-04-02T10:00:00' WHERE id = ?", [made[3][0].id])
    # Resolved in April: out of March's resolved counts, but still one of March's dossiers (received then,
    # in progress at its end), so QĐ 766 4.2 still counts it digitised.
    assert totals() == (1, 2, 1)
    # A procedure without a paper result needs only its input papers digitised (models.report_rules).
    db.execute("UPDATE dossiers SET paper_result = 0 WHERE id = ?", [made[1][0].id])
    assert totals() == (1, 2, 1)  # made[1] now holds only the result: still not digitised
    db.execute("UPDATE dossiers SET paper_result = 0 WHERE id = ?", [last.id])
    assert totals() == (1, 2, 2)  # the last holds its input papers only: enough without a paper result
    db.conn.rollback()


def test_fields_without_anything_are_left_out(db) -> None:
    _dossier(db, datetime(2026, 1, 5, 8, 0))
    report = build_report(db, Period(date(2026, 3, 1), date(2026, 3, 31)), now=datetime(2026, 1, 6, 8, 0))
    assert report.total.received == 0 and report.total.in_progress == 1  # received before, still open
    assert list(report.by_field) == ["Hộ tịch"]
    chart = month_chart(report)
    assert chart.labels == ["T3"] and chart.series == ([0], [0])


def test_migration_0007_fills_the_resolution_time_of_older_results(db) -> None:
    """Rows finished before 0007 get the same resolution time the dossier layer stores with a result,
    the waits for the citizen subtracted (the pause spans come from the 'move' events)."""
    from db.dossier_store import move_dossier
    from db.migrations import _backfill_resolution

    dossier = _dossier(db, datetime(2026, 3, 2, 8, 0))  # 1.004884: 05 ngày làm việc
    for state, moment in (("dang_xu_ly", datetime(2026, 3, 2, 9, 0)), ("cho_bo_sung", datetime(2026, 3, 3, 8, 0)),
                          ("dang_xu_ly", datetime(2026, 3, 3, 14, 0)), ("co_ket_qua", datetime(2026, 3, 5, 8, 0))):
        move_dossier(db, dossier.code, state, at=moment, now=NOW,
                     note="Bổ sung giấy tờ" if state == "cho_bo_sung" else "")
    stored = db.execute("SELECT resolution FROM dossiers WHERE id = ?", [dossier.id]).fetchone()[0]
    # 02/03 08:00 → 05/03 08:00 = 7 + 7.5 + 7.5 + 0.5 = 22.5 h, minus 03/03 08:00–14:00 (3.5 + 0.5 = 4 h).
    assert stored == pytest.approx(18.5 / 7.5, abs=1e-4)
    with db.atomic():
        db.execute("UPDATE dossiers SET resolution = NULL")
        _backfill_resolution(db)
    assert db.execute("SELECT resolution FROM dossiers WHERE id = ?", [dossier.id]).fetchone()[0] == stored


def test_sql_judges_ended_and_open_dossiers_exactly_as_the_766_rules(db) -> None:
    """Every combination of supplement requests, extension, due moment and (for open ones) a pause, through
    the SQL, against report_rules.timely_ended / timely_open: the 2.1 numerator beyond resolved ones."""
    moment = datetime(2026, 4, 1, 0, 0)  # March's end
    wanted = 0
    for supplements, extensions, due, end, paused in itertools.product(
            [0, 1, 2], [0, 1], [datetime(2026, 3, 20, 10), datetime(2026, 4, 3, 10)],
            [datetime(2026, 3, 18, 9), datetime(2026, 3, 25, 9), None], [None, datetime(2026, 3, 19, 9)]):
        if end is not None and paused is not None:
            continue  # an ended dossier is not waiting
        dossier = _dossier(db, datetime(2026, 3, 2, 8, 0))
        state = "tu_choi" if end else ("cho_bo_sung" if paused else "dang_xu_ly")
        db.execute("UPDATE dossiers SET state = ?, closed_at = ?, due_at = ?, supplement_count = ?, "
                   "extension_count = ?, paused_at = ? WHERE id = ?",
                   [state, end and end.isoformat(), due.isoformat(), supplements, extensions,
                    paused and paused.isoformat(), dossier.id])
        if end is not None:
            wanted += rules.timely_ended(end, due, supplements, extensions > 0)
        else:
            wanted += rules.timely_open(moment, due, supplements, extensions > 0, paused)
    db.conn.commit()
    t = build_report(db, Period(date(2026, 3, 1), date(2026, 3, 31)), now=NOW).total
    assert t.timely == wanted and 0 < wanted < rules.population(t)
    assert rules.balance_holds(t)

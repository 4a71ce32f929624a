"""The SQL behind the reports: a period's counts aggregated in SQLite on covering indexes, never row by row."""

# Each query mirrors a rule of models/report_rules.py (named beside it); tests/reports/test_report_rules.py
# checks the SQL against those functions on every combination. Indexes (db/migrations.py, 0004): received
# in a period reads dossiers_report_received; resolved in a period, dossiers_report_finished; ended
# without a result, or still open, dossiers_report_unfinished (partial: finished_at IS NULL, which every
# query on it states). A finished dossier (co_ket_qua reached) stays resolved: co_ket_qua → da_tra only.

from __future__ import annotations

import sqlite3
from datetime import datetime

from sqlite_utils import Database

from db.calendar_store import due_soon_until
from db.rows import column, named, scalar
from models.dossier import CHANNELS, CLOCK_RUNNING_STATES, ONLINE_CHANNELS, PAUSING_STATES, iso
from models.dossier_clock import local_naive, now_local
from models.logbook import LogbookLine
from models.report import DueItem, Report
from models.report_period import Period
from models.report_rules import (
    ENDED_WITHOUT_RESULT,
    MAX_SUPPLEMENTS_ON_TIME,
    RESOLUTION_UNITS,
    ProcedureAverage,
    Tally,
)
from models.roles import EXPORT_PERSONAL, VIEW_REPORTS
from models.session import require


def _in(values) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


# Literally the partial index dossiers_running_due's condition, so that index is used.
_RUNNING = f"state IN {_in(CLOCK_RUNNING_STATES)}"
# models.report_rules.result_class, for a row with finished_at.
_CLASS = (f"CASE WHEN supplement_count > {MAX_SUPPLEMENTS_ON_TIME} THEN 'qua_han' "
          "WHEN timeliness IS NOT NULL THEN timeliness WHEN finished_at > due_at THEN 'qua_han' "
          "WHEN substr(finished_at, 1, 10) < substr(due_at, 1, 10) THEN 'truoc_han' ELSE 'dung_han' END")
# The fields present, one index seek each (a loose index scan): every other query runs per field, so
# SQLite reads each index range in order and never sorts for a GROUP BY.
FIELDS_SQL = """
WITH RECURSIVE f(name) AS (
    SELECT min(field) FROM dossiers INDEXED BY dossiers_report_received
    UNION ALL
    SELECT (SELECT min(field) FROM dossiers INDEXED BY dossiers_report_received WHERE field > f.name)
    FROM f WHERE f.name IS NOT NULL)
SELECT name FROM f WHERE name IS NOT NULL"""

_ONLINE = f"channel IN {_in(ONLINE_CHANNELS)}"
# Per field, channel and month (:start/:end are the month cut to the period; :first is the period's first
# moment): a plain count of one index range, and for online channels the dossiers without a paper result
# (report_rules.counts_online), so no per-row test of the channel is evaluated.
RECEIVED_SQL = """
SELECT count(*) AS received, sum(paper_result = 0) AS no_paper FROM dossiers INDEXED BY dossiers_report_received
WHERE field = :field AND channel = :channel AND received_at >= :start AND received_at < :end"""

# report_rules.result_class in two steps: the stored verdicts counted plainly, then the few rows the
# exceptions index holds (no stored verdict, more than one supplement request, no paper result) correct
# them: (stored early or on time) − (early or on time by result_class), and the resolved without a paper.
RESOLVED_SQL = """
SELECT count(*) AS resolved, sum(timeliness = 'truoc_han') AS early, sum(timeliness = 'dung_han') AS on_time,
       sum(received_at < :first) AS carried
FROM dossiers INDEXED BY dossiers_report_finished
WHERE field = :field AND finished_at >= :start AND finished_at < :end"""
EXCEPTIONS_SQL = f"""
SELECT sum(timeliness IS 'truoc_han') - sum(cls = 'truoc_han') AS wrong_early,
       sum(timeliness IS 'dung_han') - sum(cls = 'dung_han') AS wrong_on_time, sum(paper_result = 0) AS no_paper
FROM (SELECT timeliness, paper_result, {_CLASS} AS cls FROM dossiers INDEXED BY dossiers_report_exceptions
      WHERE field = :field AND finished_at >= :start AND finished_at < :end
      AND (timeliness IS NULL OR supplement_count > {MAX_SUPPLEMENTS_ON_TIME} OR paper_result = 0))"""

# Per field over the period: attachments (report_attached's bits: 1 input papers, 2 result, kept by
# triggers, db/migrations.py 0004) of dossiers resolved in the period; 4.1 needs the procedure's
# paper_result, read from the dossier row of each (few: only dossiers with attachments).
DIGITISED_SQL = """
SELECT sum(ra.bits & 1 = 1) AS inputs, sum(ra.bits & 2 = 2) AS results,
       sum(ra.bits & 2 = 2 AND d.paper_result = 1) AS electronic
FROM report_attached ra INDEXED BY report_attached_finished JOIN dossiers d ON d.id = ra.dossier_id
WHERE ra.field = :field AND ra.finished_at >= :start AND ra.finished_at < :end"""

# The population (carried over or received, before the report moment): report_rules.is_digitised, and the
# online dossiers with a paper result whose result is electronic (report_rules.counts_online). Reads the
# dossiers with attachments only.
_IN_POPULATION = ("d.received_at < :moment AND (d.received_at >= :first OR coalesce(d.finished_at, d.closed_at) "
                  "IS NULL OR coalesce(d.finished_at, d.closed_at) >= :first)")
ATTACHED_POPULATION_SQL = f"""
SELECT d.field AS field, sum(ra.bits & 1 = 1 AND (d.paper_result = 0 OR ra.bits & 2 = 2)) AS digitised,
       sum(ra.bits & 2 = 2 AND d.paper_result = 1 AND {_ONLINE.replace("channel", "d.channel")}
           AND d.received_at >= :first AND d.received_at < :end) AS online_electronic
FROM report_attached ra CROSS JOIN dossiers d ON d.id = ra.dossier_id           -- CROSS: attachments first
WHERE ra.bits > 0 AND {_IN_POPULATION} GROUP BY d.field"""

RATINGS_SQL = """
SELECT sum(rating = 'hai_long') AS hai_long, sum(rating = 'binh_thuong') AS binh_thuong,
       sum(rating = 'khong_hai_long') AS khong_hai_long
FROM ratings INDEXED BY ratings_at WHERE field = :field AND at >= :start AND at < :end"""

# QĐ 766 "within time" for a dossier without a result (report_rules.timely_ended / timely_open).
_TIMELY = f"supplement_count <= {MAX_SUPPLEMENTS_ON_TIME} AND extension_count = 0"
# Dossiers ended without a result are a few per cent: one range of the partial index for all fields.
ENDED_SQL = f"""
SELECT field, state, count(*) AS ended, sum({_TIMELY} AND closed_at <= due_at) AS timely,
       sum(received_at < :first) AS carried
FROM dossiers INDEXED BY dossiers_report_unfinished
WHERE finished_at IS NULL AND closed_at >= :start AND closed_at < :end GROUP BY field, state"""

# In progress at :moment: received before it and neither resolved nor ended before it. Three index
# ranges (open now; ended at or after the moment; resolved at or after it, per field) rather than an OR.
# A dossier waiting for the citizen is judged at the request (paused_at), the others at the moment.
_PAUSED = f"state IN {_in(PAUSING_STATES)}"
OPEN_SQL = (f"""
SELECT field, count(*) AS open, sum(due_at < :moment AND {_RUNNING}) AS overdue,
       sum({_TIMELY} AND CASE WHEN {_PAUSED} AND paused_at < :moment THEN paused_at <= due_at
                              ELSE due_at >= :moment END) AS timely,
       sum(received_at < :first) AS carried
FROM dossiers INDEXED BY dossiers_report_unfinished
WHERE finished_at IS NULL AND closed_at IS NULL AND received_at < :moment GROUP BY field""", f"""
SELECT field, count(*) AS open, sum(due_at < :moment) AS overdue, sum({_TIMELY} AND due_at >= :moment) AS timely,
       sum(received_at < :first) AS carried
FROM dossiers INDEXED BY dossiers_report_unfinished
WHERE finished_at IS NULL AND closed_at >= :moment AND received_at < :moment GROUP BY field""")
OPEN_RESOLVED_LATER_SQL = f"""
SELECT count(*) AS open, sum(due_at < :moment) AS overdue, sum({_TIMELY} AND due_at >= :moment) AS timely,
       sum(received_at < :first) AS carried
FROM dossiers INDEXED BY dossiers_report_finished
WHERE field = :field AND finished_at >= :moment AND received_at < :moment"""

# 2.2 per procedure and unit (report_rules.resolution_time, stored with the result): the pairs present by a
# loose index scan, then one index range each.
AVERAGE_SQL = """
SELECT count(*) AS resolved, sum(resolution) AS total FROM dossiers INDEXED BY dossiers_report_resolution
WHERE resolution IS NOT NULL AND procedure_code = :code AND deadline_unit IS :unit AND finished_at >= :start
AND finished_at < :end"""
NEXT_UNIT_SQL = """
SELECT procedure_code, deadline_unit FROM dossiers INDEXED BY dossiers_report_resolution
WHERE resolution IS NOT NULL AND procedure_code = :code AND deadline_unit > :unit ORDER BY deadline_unit LIMIT 1"""
NEXT_CODE_SQL = """
SELECT procedure_code, deadline_unit FROM dossiers INDEXED BY dossiers_report_resolution
WHERE resolution IS NOT NULL AND procedure_code > :code ORDER BY procedure_code, deadline_unit LIMIT 1"""
FIRST_PAIR_SQL = """
SELECT procedure_code, deadline_unit FROM dossiers INDEXED BY dossiers_report_resolution
WHERE resolution IS NOT NULL ORDER BY procedure_code, deadline_unit LIMIT 1"""

_DUE_COLUMNS = "code, procedure_code, procedure_name, field, organisation, applicant_name, state, received_at, due_at"
DUE_LIST_LIMIT = 500


def fields_present(db: Database) -> list[str]:
    return column(db, FIELDS_SQL)


def _add_open(t: Tally, row: sqlite3.Row) -> None:
    """A row of OPEN_SQL or OPEN_RESOLVED_LATER_SQL."""
    t.in_progress += row["open"]
    t.overdue += row["overdue"] or 0
    t.timely += row["timely"] or 0
    t.carried_over += row["carried"] or 0


def period_counts(db: Database, period: Period, moment: datetime) -> tuple[dict[str, Tally], dict, dict]:
    """Per-field tallies, received per month and resolved per month, for `period`, in progress at `moment`.

    Fields with nothing to count are left out."""
    groups: dict[str, Tally] = {}
    received_by_month: dict[str, int] = {}
    resolved_by_month: dict[str, int] = {}
    first = iso(period.begins)
    whole = {"start": first, "end": iso(period.ends), "first": first}
    at = {"moment": iso(moment), "first": first}
    slices = [(month, iso(start), iso(after)) for month, start, after in period.month_slices()]
    for field in fields_present(db):
        t = Tally()
        for month, start, after in slices:
            bounds = {"field": field, "start": start, "end": after, "first": first}
            for channel in CHANNELS:
                row = named(db, RECEIVED_SQL, {**bounds, "channel": channel}).fetchone()
                count, no_paper = row["received"], row["no_paper"]
                t.received += count
                received_by_month[month] = received_by_month.get(month, 0) + count
                if channel in ONLINE_CHANNELS:
                    t.received_online += count
                    t.online_counted += no_paper or 0
                elif channel == "buu_chinh":
                    t.received_post += count
                else:
                    t.received_direct += count
            stored = named(db, RESOLVED_SQL, bounds).fetchone()
            wrong = named(db, EXCEPTIONS_SQL, bounds).fetchone()
            resolved = stored["resolved"]
            early = (stored["early"] or 0) - (wrong["wrong_early"] or 0)
            on_time = (stored["on_time"] or 0) - (wrong["wrong_on_time"] or 0)
            t.resolved += resolved
            t.early += early
            t.on_time += on_time
            t.late += resolved - early - on_time
            t.carried_over += stored["carried"] or 0
            t.resolved_paper += resolved - (wrong["no_paper"] or 0)
            resolved_by_month[month] = resolved_by_month.get(month, 0) + resolved
        t.timely += t.early + t.on_time
        digitised = named(db, DIGITISED_SQL, {"field": field, **whole}).fetchone()
        t.inputs_digitised, t.results_digitised = digitised["inputs"] or 0, digitised["results"] or 0
        t.electronic_results = digitised["electronic"] or 0
        ratings = named(db, RATINGS_SQL, {"field": field, **whole}).fetchone()
        t.rated_hai_long = ratings["hai_long"] or 0
        t.rated_binh_thuong = ratings["binh_thuong"] or 0
        t.rated_khong_hai_long = ratings["khong_hai_long"] or 0
        _add_open(t, named(db, OPEN_RESOLVED_LATER_SQL, {"field": field, **at}).fetchone())
        groups[field] = t
    for row in named(db, ENDED_SQL, whole).fetchall():
        if row["state"] in ENDED_WITHOUT_RESULT:
            t = groups.setdefault(row["field"], Tally())
            name = ENDED_WITHOUT_RESULT[row["state"]]
            setattr(t, name, getattr(t, name) + row["ended"])
            t.timely += row["timely"] or 0
            t.carried_over += row["carried"] or 0
    for sql in OPEN_SQL:
        for row in named(db, sql, at).fetchall():
            _add_open(groups.setdefault(row["field"], Tally()), row)
    for row in named(db, ATTACHED_POPULATION_SQL, {**whole, **at}).fetchall():
        t = groups.setdefault(row["field"], Tally())
        t.digitised += row["digitised"] or 0
        t.online_counted += row["online_electronic"] or 0
    empty = Tally()
    return ({name: t for name, t in groups.items() if t != empty}, received_by_month, resolved_by_month)


def procedure_averages(db: Database, period: Period) -> list[ProcedureAverage]:
    """QĐ 766 2.2: per procedure and per its unit, the average resolution time of the dossiers resolved in
    the period (never one average over procedures with different units)."""
    bounds = {"start": iso(period.begins), "end": iso(period.ends)}
    averages = []
    pair = named(db, FIRST_PAIR_SQL).fetchone()
    while pair is not None:
        code, unit = pair["procedure_code"], pair["deadline_unit"]
        found = named(db, AVERAGE_SQL, {"code": code, "unit": unit, **bounds}).fetchone()
        if found["resolved"] and unit in RESOLUTION_UNITS:
            averages.append(ProcedureAverage(code, unit, found["total"] or 0.0, found["resolved"]))
        pair = (named(db, NEXT_UNIT_SQL, {"code": code, "unit": unit or ""}).fetchone()
                or named(db, NEXT_CODE_SQL, {"code": code}).fetchone())
    return averages


def due_list(db: Database, now: datetime, until: datetime, limit: int = DUE_LIST_LIMIT) -> tuple[list[DueItem], int, int]:
    """Running dossiers due before `until` (overdue first, by due moment), and how many are overdue at
    `now` and due between `now` and `until` (the counts are exact even when the list is cut)."""
    rows = db.query(f"SELECT {_DUE_COLUMNS} FROM dossiers WHERE {_RUNNING} AND due_at < ? "
                    "ORDER BY due_at, code LIMIT ?", [iso(until), limit])
    items = [DueItem(code=r["code"], procedure_code=r["procedure_code"], procedure_name=r["procedure_name"],
                     field=r["field"], applicant=r["organisation"] or r["applicant_name"], state=r["state"],
                     received_at=datetime.fromisoformat(r["received_at"]), due_at=datetime.fromisoformat(r["due_at"]),
                     overdue=r["due_at"] < iso(now)) for r in rows]
    overdue, soon = db.execute(f"SELECT count(*) FILTER (WHERE due_at < :now), count(*) FILTER (WHERE due_at >= :now) "
                               f"FROM dossiers WHERE {_RUNNING} AND due_at < :until",
                               {"now": iso(now), "until": iso(until)}).fetchone()
    return items, overdue or 0, soon or 0


def catalog_counts(db: Database) -> tuple[int, int]:
    """Active procedures, and those with their own link (the posting indicator)."""
    active, with_link = db.execute("SELECT count(*), count(*) FILTER (WHERE own_url != '') FROM procedures "
                                   "WHERE active = 1").fetchone()
    return active, with_link


# Any dossier received before a moment whose procedure is one of the bundled sample catalog's: a probe of
# dossiers_procedure per sample procedure (CROSS JOIN keeps that order; a scan of the dossiers would not
# stop when there is none).
SAMPLE_DOSSIERS_SQL = ("SELECT EXISTS (SELECT 1 FROM procedures p CROSS JOIN dossiers d WHERE p.sample = 1 "
                       "AND d.procedure_code = p.code AND d.received_at < ?)")


def has_sample_dossiers(db: Database, before: datetime) -> bool:
    return bool(scalar(db, SAMPLE_DOSSIERS_SQL, [iso(before)]))


def build_report(db: Database, period: Period, now: datetime | None = None, *,
                 due_limit: int = DUE_LIST_LIMIT) -> Report:
    """The period's report: what the dashboard shows and every export prints (figures: VIEW_REPORTS)."""
    require(VIEW_REPORTS, "xem báo cáo")
    now = local_naive(now) if now else now_local()
    moment = period.moment(now)
    groups, received_by_month, resolved_by_month = period_counts(db, period, moment)
    total = Tally()
    for tally in groups.values():
        total.add(tally)
    until = due_soon_until(db, now)
    items, overdue_now, due_soon = due_list(db, now, until, due_limit)
    active, with_link = catalog_counts(db)
    return Report(period=period, moment=moment, generated_at=now, total=total, by_field=groups,
                  received_by_month=received_by_month, resolved_by_month=resolved_by_month, due=items,
                  overdue_now=overdue_now, due_soon=due_soon, due_soon_until=until,
                  procedures_active=active, procedures_with_link=with_link,
                  averages=procedure_averages(db, period), sample=has_sample_dossiers(db, period.ends))


_LOGBOOK_COLUMNS = ("code, procedure_code, procedure_name, field, sets, organisation, applicant_name, address, phone, "
                    "state, received_at, due_at, finished_at, returned_at, timeliness, supplement_count, logbook, "
                    "deciding_agency, first_due_at, result_delivery, "
                    "coalesce((SELECT sample FROM procedures p WHERE p.code = dossiers.procedure_code), 0) AS sample")


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def logbook_lines(db: Database, period: Period) -> list[LogbookLine]:
    """One line per dossier received in the period, in order of receipt (the logbook is a register).

    It names applicants with their addresses and phones: EXPORT_PERSONAL (the export is recorded, see
    db.report_exports)."""
    require(EXPORT_PERSONAL, "xuất sổ theo dõi hồ sơ (có dữ liệu cá nhân)")
    rows = db.query(f"SELECT {_LOGBOOK_COLUMNS} FROM dossiers WHERE received_at >= ? AND received_at < ? "
                    "ORDER BY received_at, code", [iso(period.begins), iso(period.ends)])
    return [LogbookLine(number=n, code=r["code"], procedure_code=r["procedure_code"],
                        procedure_name=r["procedure_name"], field=r["field"], sets=r["sets"],
                        applicant=r["organisation"] or r["applicant_name"], address=r["address"], phone=r["phone"],
                        state=r["state"], received_at=datetime.fromisoformat(r["received_at"]),
                        due_at=datetime.fromisoformat(r["due_at"]), finished_at=_moment(r["finished_at"]),
                        returned_at=_moment(r["returned_at"]), timeliness=r["timeliness"],
                        supplement_count=r["supplement_count"], logbook=r["logbook"],
                        deciding_agency=r["deciding_agency"], first_due_at=_moment(r["first_due_at"]),
                        result_delivery=r["result_delivery"], sample=bool(r["sample"]))
            for n, r in enumerate(rows, start=1)]

"""The SQL behind the reports: a period's counts aggregated in SQLite on covering indexes, never row by row."""

# Each query mirrors a rule of models/report_rules.py (named beside it); tests/reports/test_report_rules.py
# checks the SQL against those functions on every combination. Indexes (db/migrations.py, 0004): received
# in a period reads dossiers_report_received; resolved in a period, dossiers_report_finished; ended
# without a result, or still open, dossiers_report_unfinished (partial: finished_at IS NULL, which every
# query on it states). A finished dossier (co_ket_qua reached) stays resolved: co_ket_qua → da_tra only.

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from db.calendar_store import due_soon_until
from models.dossier import CLOCK_RUNNING_STATES, ONLINE_CHANNELS, iso
from models.dossier_clock import local_naive, now_local
from models.logbook import LogbookLine
from models.report import DueItem, Report
from models.report_period import Period
from models.report_rules import ENDED_WITHOUT_RESULT, MAX_SUPPLEMENTS_ON_TIME, Tally
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

# Per field and month (:start/:end are the month cut to the period).
RECEIVED_SQL = f"""
SELECT count(*), sum(channel IN {_in(ONLINE_CHANNELS)})                           -- report_rules.is_online
FROM dossiers INDEXED BY dossiers_report_received
WHERE field = :field AND received_at >= :start AND received_at < :end"""

RESOLVED_SQL = f"""
SELECT count(*), sum(cls = 'truoc_han'), sum(cls = 'dung_han'), sum(cls = 'qua_han'), sum(days)
FROM (SELECT {_CLASS} AS cls, julianday(finished_at) - julianday(received_at) AS days
      FROM dossiers INDEXED BY dossiers_report_finished
      WHERE field = :field AND finished_at >= :start AND finished_at < :end)"""

# Per field over the period. models.report_rules.is_digitised over resolved dossiers: report_attached's
# bits (1 input papers, 2 result), kept by triggers (db/migrations.py, 0004).
DIGITISED_SQL = """
SELECT sum(bits & 1 = 1), sum(bits & 2 = 2), sum(bits = 3) FROM report_attached INDEXED BY report_attached_finished
WHERE field = :field AND finished_at >= :start AND finished_at < :end"""

RATINGS_SQL = """
SELECT sum(rating = 'hai_long'), sum(rating = 'binh_thuong'), sum(rating = 'khong_hai_long')
FROM ratings INDEXED BY ratings_at WHERE field = :field AND at >= :start AND at < :end"""

# Dossiers ended without a result are a few per cent: one range of the partial index for all fields.
ENDED_SQL = """
SELECT field, state, count(*) FROM dossiers INDEXED BY dossiers_report_unfinished
WHERE finished_at IS NULL AND closed_at >= :start AND closed_at < :end GROUP BY field, state"""

# In progress at :moment: received before it and neither resolved nor ended before it. Three index
# ranges (open now; ended at or after the moment; resolved at or after it, per field) rather than an OR.
OPEN_SQL = (f"""
SELECT field, count(*), sum(due_at < :moment AND {_RUNNING}) FROM dossiers INDEXED BY dossiers_report_unfinished
WHERE finished_at IS NULL AND closed_at IS NULL AND received_at < :moment GROUP BY field""", """
SELECT field, count(*), sum(due_at < :moment) FROM dossiers INDEXED BY dossiers_report_unfinished
WHERE finished_at IS NULL AND closed_at >= :moment AND received_at < :moment GROUP BY field""")
OPEN_RESOLVED_LATER_SQL = """
SELECT count(*), sum(due_at < :moment) FROM dossiers INDEXED BY dossiers_report_finished
WHERE field = :field AND finished_at >= :moment AND received_at < :moment"""

_DUE_COLUMNS = "code, procedure_code, procedure_name, field, organisation, applicant_name, state, received_at, due_at"
DUE_LIST_LIMIT = 500


def fields_present(db: Database) -> list[str]:
    return [row[0] for row in db.execute(FIELDS_SQL).fetchall()]


def period_counts(db: Database, period: Period, moment: datetime) -> tuple[dict[str, Tally], dict, dict]:
    """Per-field tallies, received per month and resolved per month, for `period`, in progress at `moment`.

    Fields with nothing to count are left out."""
    groups: dict[str, Tally] = {}
    received_by_month: dict[str, int] = {}
    resolved_by_month: dict[str, int] = {}
    whole = {"start": iso(period.begins), "end": iso(period.ends)}
    at = {"moment": iso(moment)}
    slices = [(month, iso(first), iso(after)) for month, first, after in period.month_slices()]
    for field in fields_present(db):
        t = Tally()
        for month, first, after in slices:
            bounds = {"field": field, "start": first, "end": after}
            count, online = db.execute(RECEIVED_SQL, bounds).fetchone()
            t.received += count
            t.received_online += online or 0
            received_by_month[month] = received_by_month.get(month, 0) + count
            resolved, early, on_time, late, days = db.execute(RESOLVED_SQL, bounds).fetchone()
            t.resolved += resolved
            t.early += early or 0
            t.on_time += on_time or 0
            t.late += late or 0
            t.resolution_days += days or 0.0
            resolved_by_month[month] = resolved_by_month.get(month, 0) + resolved
        inputs, results, both = db.execute(DIGITISED_SQL, {"field": field, **whole}).fetchone()
        t.inputs_digitised, t.results_digitised, t.digitised = inputs or 0, results or 0, both or 0
        good, neutral, bad = db.execute(RATINGS_SQL, {"field": field, **whole}).fetchone()
        t.rated_hai_long, t.rated_binh_thuong, t.rated_khong_hai_long = good or 0, neutral or 0, bad or 0
        later, overdue = db.execute(OPEN_RESOLVED_LATER_SQL, {"field": field, **at}).fetchone()
        t.in_progress, t.overdue = later, overdue or 0
        groups[field] = t
    for field, state, count in db.execute(ENDED_SQL, whole).fetchall():
        if state in ENDED_WITHOUT_RESULT:
            t = groups.setdefault(field, Tally())
            name = ENDED_WITHOUT_RESULT[state]
            setattr(t, name, getattr(t, name) + count)
    for sql in OPEN_SQL:
        for field, count, overdue in db.execute(sql, at).fetchall():
            t = groups.setdefault(field, Tally())
            t.in_progress += count
            t.overdue += overdue or 0
    empty = Tally()
    return ({name: t for name, t in groups.items() if t != empty}, received_by_month, resolved_by_month)


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
                  procedures_active=active, procedures_with_link=with_link)


_LOGBOOK_COLUMNS = ("code, procedure_code, procedure_name, field, sets, organisation, applicant_name, address, phone, "
                    "state, received_at, due_at, finished_at, returned_at, timeliness, supplement_count, logbook, "
                    "deciding_agency, first_due_at, result_delivery")


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
                        result_delivery=r["result_delivery"])
            for n, r in enumerate(rows, start=1)]

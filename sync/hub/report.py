"""The province's figures from the events the hub holds: per unit and for the province, as the desktop counts.

The dossier rows come from the desktop's fold (sync/hub/facts.py); what each count takes is Tally's
definition in models/report_rules.py, and the conditions below copy db/report_queries.py's SQL one for one
(named beside each); the shares are report_rules.figures, the same functions the desktop prints.
tests/sync/test_hub_report.py checks the hub's figures against the desktop report of the same dossiers.
"""

from __future__ import annotations

from datetime import date, datetime

from models.dossier import ONLINE_CHANNELS, PAUSING_STATES, iso
from models.dossier_clock import now_local
from models.errors import UserError
from models.report_period import Period
from models.report_rules import (
    ENDED_WITHOUT_RESULT,
    MAX_SUPPLEMENTS_ON_TIME,
    RESOLUTION_UNITS,
    ProcedureAverage,
    Tally,
    figures,
)
from sync.hub.facts import seconds
from sync.hub.store import HubStore


def _in(values) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


# Each condition with its arguments in order, as (SQL, names of the moments it takes): F the period's first
# moment, E the moment after its last day, M the report moment.
_RECEIVED = ("received_s >= ? AND received_s < ?", "FE")                       # RECEIVED_SQL
_RESOLVED = ("finished_s >= ? AND finished_s < ?", "FE")                       # RESOLVED_SQL, DIGITISED_SQL
_ENDED = ("finished_s IS NULL AND closed_s >= ? AND closed_s < ? AND state IN "  # ENDED_SQL
          f"{_in(ENDED_WITHOUT_RESULT)}", "FE")
# OPEN_SQL and OPEN_RESOLVED_LATER_SQL: received before the moment, neither resolved nor ended before it.
_OPEN_NOW = ("finished_s IS NULL AND closed_s IS NULL AND received_s < ?", "M")
_OPEN_LATER = ("((finished_s IS NULL AND closed_s >= ?) OR finished_s >= ?) AND received_s < ?", "MMM")
_OPEN = (f"(({_OPEN_NOW[0]}) OR ({_OPEN_LATER[0]}))", _OPEN_NOW[1] + _OPEN_LATER[1])
_CARRIED = ("received_s < ?", "F")
# ATTACHED_POPULATION_SQL's population: carried over or received, before the report moment.
_POPULATION = ("received_s < ? AND (received_s >= ? OR coalesce(finished_s, closed_s) IS NULL "
               "OR coalesce(finished_s, closed_s) >= ?)", "MFF")
# report_rules.timely_open for a dossier open at M (OPEN_SQL's _TIMELY and its pause case).
_MAY_BE_TIMELY = f"supplements <= {MAX_SUPPLEMENTS_ON_TIME} AND extensions = 0"
_TIMELY_NOW = (f"{_MAY_BE_TIMELY} AND CASE WHEN state IN {_in(PAUSING_STATES)} AND paused_s < ? "
               "THEN paused_s <= due_s ELSE due_s >= ? END", "MM")
_TIMELY_LATER = (f"{_MAY_BE_TIMELY} AND due_s >= ?", "M")
# Overdue: due passed at the moment; a dossier still open now must have its clock running.
_OVERDUE = ("due_s < ? AND (finished_s IS NOT NULL OR closed_s IS NOT NULL OR running = 1)", "M")
_ONLINE = f"channel IN {_in(ONLINE_CHANNELS)}"


def _all(*parts: tuple[str, str] | str) -> tuple[str, str]:
    """Conditions joined by AND, their arguments in order."""
    sql = " AND ".join(f"({p[0]})" if isinstance(p, tuple) else f"({p})" for p in parts)
    return sql, "".join(p[1] for p in parts if isinstance(p, tuple))


def _any(*parts: tuple[str, str]) -> tuple[str, str]:
    return " OR ".join(f"({p[0]})" for p in parts), "".join(p[1] for p in parts)


# (Tally attribute, aggregate, condition)
_FIGURES: tuple[tuple[str, str, tuple[str, str]], ...] = (
    ("carried_over", "count(*)", _all(_CARRIED, _any(_RESOLVED, _ENDED, _OPEN))),
    ("received", "count(*)", _RECEIVED),
    ("received_direct", "count(*)", _all(_RECEIVED, f"NOT {_ONLINE} AND channel != 'buu_chinh'")),
    ("received_online", "count(*)", _all(_RECEIVED, _ONLINE)),
    ("received_post", "count(*)", _all(_RECEIVED, "channel = 'buu_chinh'")),
    ("online_counted", "count(*)", _all(_RECEIVED, "counted_online = 1")),
    ("resolved", "count(*)", _RESOLVED),
    ("early", "count(*)", _all(_RESOLVED, "cls = 'truoc_han'")),
    ("on_time", "count(*)", _all(_RESOLVED, "cls = 'dung_han'")),
    ("late", "count(*)", _all(_RESOLVED, "cls = 'qua_han'")),
    ("refused", "count(*)", _all(_ENDED, "state = 'tu_choi'")),
    ("withdrawn", "count(*)", _all(_ENDED, "state = 'rut_ho_so'")),
    ("stopped", "count(*)", _all(_ENDED, "state = 'dung_giai_quyet'")),
    ("in_progress", "count(*)", _OPEN),
    ("overdue", "count(*)", _all(_OPEN, _OVERDUE)),
    ("timely", "count(*)", _any(_all(_RESOLVED, "cls IN ('truoc_han', 'dung_han')"), _all(_ENDED, "ended_timely = 1"),
                                _all(_OPEN_NOW, _TIMELY_NOW), _all(_OPEN_LATER, _TIMELY_LATER))),
    ("resolved_paper", "count(*)", _all(_RESOLVED, "paper_result = 1")),
    ("electronic_results", "count(*)", _all(_RESOLVED, "paper_result = 1 AND bits & 2 = 2")),
    ("inputs_digitised", "count(*)", _all(_RESOLVED, "bits & 1 = 1")),
    ("results_digitised", "count(*)", _all(_RESOLVED, "bits & 2 = 2")),
    ("digitised", "count(*)", _all(_POPULATION, "digitised = 1")),
)
FIGURES_SQL = ("SELECT unit_code, field, " + ",\n  ".join(f"{agg} FILTER (WHERE {cond[0]})" for _, agg, cond in _FIGURES)
               + "\nFROM dossier_facts WHERE {where} GROUP BY unit_code, field")
# RATINGS_SQL: ratings recorded in the period, under the field the rating names.
RATINGS_SQL = """
SELECT unit_code, rating_field, count(*) FILTER (WHERE rating = 'hai_long'),
  count(*) FILTER (WHERE rating = 'binh_thuong'), count(*) FILTER (WHERE rating = 'khong_hai_long')
FROM dossier_facts WHERE rating IS NOT NULL AND rated_s >= ? AND rated_s < ? AND {where}
GROUP BY unit_code, rating_field"""
# AVERAGE_SQL (QĐ 766 2.2): per unit, procedure and its own time unit, over the dossiers resolved in the period.
AVERAGES_SQL = f"""
SELECT unit_code, procedure_code, deadline_unit, count(*), sum(resolution) FROM dossier_facts
WHERE resolution IS NOT NULL AND {_RESOLVED[0]} AND {{where}}
GROUP BY unit_code, procedure_code, deadline_unit ORDER BY unit_code, procedure_code, deadline_unit"""


def _params(period: Period, moment: datetime) -> list[int | None]:
    values = {"F": seconds(period.begins), "E": seconds(period.ends), "M": seconds(moment)}
    return [values[name] for _, _, cond in _FIGURES for name in cond[1]]


def _period(first: str, last: str) -> Period:
    try:
        return Period(date.fromisoformat(first), date.fromisoformat(last))
    except ValueError:
        raise UserError("Ngày đầu và cuối kỳ phải có dạng YYYY-MM-DD.") from None


def tallies(store: HubStore, period: Period, moment: datetime, unit_code: str | None = None
            ) -> dict[str, dict[str, Tally]]:
    """unit_code -> field -> Tally over the period, in progress and overdue at `moment`."""
    where, extra = ("unit_code = ?", [unit_code]) if unit_code else ("1 = 1", [])
    result: dict[str, dict[str, Tally]] = {}
    for unit, field, *values in store.read_rows(FIGURES_SQL.format(where=where), [*_params(period, moment), *extra]):
        tally = result.setdefault(unit, {}).setdefault(field, Tally())
        for (name, _, _), value in zip(_FIGURES, values, strict=True):
            setattr(tally, name, int(value or 0))
    for unit, field, good, neutral, bad in store.read_rows(RATINGS_SQL.format(where=where),
                                                           [seconds(period.begins), seconds(period.ends), *extra]):
        tally = result.setdefault(unit, {}).setdefault(field or "", Tally())
        tally.rated_hai_long, tally.rated_binh_thuong, tally.rated_khong_hai_long = int(good), int(neutral), int(bad)
    return result


def averages(store: HubStore, period: Period, unit_code: str | None = None) -> dict[str, list[ProcedureAverage]]:
    """unit_code -> QĐ 766 2.2 per procedure in its own time unit (db.report_queries.procedure_averages)."""
    where, extra = ("unit_code = ?", [unit_code]) if unit_code else ("1 = 1", [])
    result: dict[str, list[ProcedureAverage]] = {}
    for unit, code, time_unit, count, total in store.read_rows(
            AVERAGES_SQL.format(where=where), [seconds(period.begins), seconds(period.ends), *extra]):
        if count and time_unit in RESOLUTION_UNITS:
            result.setdefault(unit, []).append(ProcedureAverage(code, time_unit, float(total or 0.0), int(count)))
    return result


def hub_report(store: HubStore, first: str, last: str, unit_code: str | None = None, *,
               now: datetime | None = None, refresh: bool = True) -> dict:
    """Figures per unit (by field too) and for the province (or one unit), as report_rules.figures names them."""
    period = _period(first, last)
    if refresh:
        store.refresh_facts()
    moment = period.moment(now or now_local())
    by_unit = tallies(store, period, moment, unit_code)
    empty = Tally()
    province = Tally()
    units = {}
    for unit in sorted(by_unit):
        total = Tally()
        fields = {name: t for name, t in by_unit[unit].items() if t != empty}
        for tally in fields.values():
            total.add(tally)
        province.add(total)
        units[unit] = {**figures(total), "by_field": {name: figures(fields[name]) for name in sorted(fields)}}
    per_procedure = averages(store, period, unit_code)
    return {"period": period.to_dict(), "moment": iso(moment), "unit_code": unit_code,
            "province": figures(province), "units": units,
            "averages": {unit: [a.to_dict() for a in per_procedure[unit]] for unit in sorted(per_procedure)}}


def report_text(data: dict) -> str:
    """A short Vietnamese summary for the terminal (--json gives every figure)."""
    def line(name: str, f: dict) -> str:
        share = f["on_time_share"]
        return (f"{name}: tiếp nhận {f['received']}, đã giải quyết {f['resolved']} (trước/đúng hạn "
                f"{'—' if share is None else f'{share * 100:.1f}%'}), đang giải quyết {f['in_progress']}, "
                f"quá hạn {f['overdue']}")
    lines = [line("Toàn tỉnh" if not data["unit_code"] else f"Đơn vị {data['unit_code']}", data["province"])]
    lines += [line(f"  {unit}", figures_) for unit, figures_ in data["units"].items()]
    return "\n".join(lines)

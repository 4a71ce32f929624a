"""The province's figures from the events the hub holds: per unit and for the province, as the desktop counts.

The dossier rows come from the desktop's fold (sync/hub/facts.py); what each count takes is Tally's
definition in models/report_rules.py, and the conditions below copy db/report_queries.py's SQL one for one
(named beside each); the shares are report_rules.figures, the same functions the desktop prints.
tests/sync/test_hub_report.py checks the hub's figures against the desktop report of the same dossiers.
"""

from __future__ import annotations

from datetime import date, datetime

from models.dossier import iso
from models.dossier_clock import now_local
from models.errors import UserError
from models.report_period import Period
from models.report_rules import ENDED_WITHOUT_RESULT, Tally, figures
from sync.hub.facts import seconds
from sync.hub.store import HubStore

_IN = "{col} >= ? AND {col} < ?"
# (Tally attribute, SQL expression): the arguments are supplied in _params' order.
_RECEIVED = _IN.format(col="received_s")            # RECEIVED_SQL
_RESOLVED = _IN.format(col="finished_s")            # RESOLVED_SQL, DIGITISED_SQL (resolved in the period)
_ENDED = "finished_s IS NULL AND " + _IN.format(col="closed_s")  # ENDED_SQL
# OPEN_SQL and OPEN_RESOLVED_LATER_SQL: received before the moment, neither resolved nor ended before it.
_OPEN = "received_s < ? AND ((finished_s IS NULL AND (closed_s IS NULL OR closed_s >= ?)) OR finished_s >= ?)"
# Overdue: due passed at the moment; a dossier still open now must have its clock running (_RUNNING).
_OVERDUE = f"{_OPEN} AND due_s < ? AND (finished_s IS NOT NULL OR closed_s IS NOT NULL OR running = 1)"

FIGURES_SQL = f"""
SELECT unit_code, field,
  count(*) FILTER (WHERE {_RECEIVED}),
  sum(online) FILTER (WHERE {_RECEIVED}),
  count(*) FILTER (WHERE {_RESOLVED}),
  count(*) FILTER (WHERE {_RESOLVED} AND cls = 'truoc_han'),
  count(*) FILTER (WHERE {_RESOLVED} AND cls = 'dung_han'),
  count(*) FILTER (WHERE {_RESOLVED} AND cls = 'qua_han'),
  sum(days) FILTER (WHERE {_RESOLVED}),
  sum(bits & 1) FILTER (WHERE {_RESOLVED}),
  sum((bits & 2) / 2) FILTER (WHERE {_RESOLVED}),
  sum(digitised) FILTER (WHERE {_RESOLVED}),
  count(*) FILTER (WHERE {_ENDED} AND state = 'tu_choi'),
  count(*) FILTER (WHERE {_ENDED} AND state = 'rut_ho_so'),
  count(*) FILTER (WHERE {_ENDED} AND state = 'dung_giai_quyet'),
  count(*) FILTER (WHERE {_OPEN}),
  count(*) FILTER (WHERE {_OVERDUE})
FROM dossier_facts WHERE {{where}} GROUP BY unit_code, field"""
_FIGURE_NAMES = ("received", "received_online", "resolved", "early", "on_time", "late", "resolution_days",
                 "inputs_digitised", "results_digitised", "digitised", "refused", "withdrawn", "stopped",
                 "in_progress", "overdue")
# RATINGS_SQL: ratings recorded in the period, under the field the rating names.
RATINGS_SQL = """
SELECT unit_code, rating_field, count(*) FILTER (WHERE rating = 'hai_long'),
  count(*) FILTER (WHERE rating = 'binh_thuong'), count(*) FILTER (WHERE rating = 'khong_hai_long')
FROM dossier_facts WHERE rating IS NOT NULL AND rated_s >= ? AND rated_s < ? AND {where}
GROUP BY unit_code, rating_field"""
assert set(ENDED_WITHOUT_RESULT.values()) <= set(_FIGURE_NAMES)  # the three ended states counted above


def _params(period: Period, moment: datetime) -> list[int | None]:
    begins, ends, at = seconds(period.begins), seconds(period.ends), seconds(moment)
    window = [begins, ends]
    open_ = [at, at, at]
    return [*window, *window, *window, *window, *window, *window, *window, *window, *window, *window,
            *window, *window, *window, *open_, *open_, at]


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
        for name, value in zip(_FIGURE_NAMES, values, strict=True):
            setattr(tally, name, (float(value or 0) if name == "resolution_days" else int(value or 0)))
    for unit, field, good, neutral, bad in store.read_rows(RATINGS_SQL.format(where=where),
                                                           [seconds(period.begins), seconds(period.ends), *extra]):
        tally = result.setdefault(unit, {}).setdefault(field or "", Tally())
        tally.rated_hai_long, tally.rated_binh_thuong, tally.rated_khong_hai_long = int(good), int(neutral), int(bad)
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
    return {"period": period.to_dict(), "moment": iso(moment), "unit_code": unit_code,
            "province": figures(province), "units": units}


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

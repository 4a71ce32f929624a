"""What the figures a commune is judged by mean: one documented rule per figure (shared/domain.md, QĐ 766).

The definitions are the national portal's ("Mô tả công thức tính chỉ số 766", known through public
transcriptions: shared/domain.md, "The 766 index"), so a unit's own figures match what the province sees.
"""

# The dashboard, the command line and the exports read their figures from these functions only, so they
# cannot disagree. db/report_queries.py counts in SQL exactly what `Tally` holds (its docstring says which
# dossiers each count takes); the per-dossier rules below (result_class, is_online, is_digitised,
# timely_*) are what that SQL mirrors, and tests/reports/ check the two against each other.
# Shares are fractions 0–1, None when there is nothing to divide by.

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from models.calendar import WorkCalendar
from models.dossier import ONLINE_CHANNELS, PAUSING_STATES
from models.dossier_clock import local_naive, timeliness
from models.errors import UserError
from models.settings import DEFAULT_DUE_SOON_WORKING_DAYS
from models.text import clean_text, fold

# --- per-dossier rules --------------------------------------------------------------------------------

ENDED_WITHOUT_RESULT = {"tu_choi": "refused", "rut_ho_so": "withdrawn", "dung_giai_quyet": "stopped"}
# QĐ 766 as described in shared/domain.md ("The 766 index"): more than one supplement request makes
# the dossier late even if its result came before the due moment.
MAX_SUPPLEMENTS_ON_TIME = 1
# The dashboard lists dossiers overdue or due within this many working days (from now).
DUE_SOON_WORKING_DAYS = DEFAULT_DUE_SOON_WORKING_DAYS  # the default; a unit setting (models.settings)


def result_class(stored: str | None, supplement_count: int, finished_at: datetime | None = None,
                 due_at: datetime | None = None) -> str:
    """'truoc_han', 'dung_han' or 'qua_han' for a resolved dossier.

    The verdict the dossier layer stored when the result was ready (models.dossier_clock.timeliness,
    shared/domain.md "Early / on time / late": before the due day early, on the due day at or before
    the due moment on time, later late; an extension, Mẫu 04, still counts as late). The due moment
    already excludes the time the dossier waited for the citizen's supplements (Nghị định 61/2018,
    Điều 18 as practised: db.dossier_store moves it by the waited working time, or restarts the full
    time by the unit's rule). On top, QĐ 766: more than MAX_SUPPLEMENTS_ON_TIME requests make it late.
    A row without a stored verdict (never written by MotCua) is judged from finished_at and due_at.
    """
    if supplement_count > MAX_SUPPLEMENTS_ON_TIME:
        return "qua_han"
    if stored is None and finished_at is not None and due_at is not None:
        return timeliness(finished_at, due_at)
    return stored or "qua_han"


def is_online(channel: str) -> bool:
    """Trực tuyến, and trực tuyến có hỗ trợ (the clerk submits online for the citizen), count as online
    (shared/domain.md "Dossiers"; QĐ 766 "dịch vụ công trực tuyến"); counter and post do not."""
    return channel in ONLINE_CHANNELS


def counts_online(channel: str, paper_result: bool, electronic_result: bool) -> bool:
    """QĐ 766 3.3: submitted online and, for a procedure whose result is a paper, the result also given
    electronically (shared/domain.md). MotCua knows a result is electronic when its scan is attached."""
    return is_online(channel) and (not paper_result or electronic_result)


def is_digitised(has_inputs: bool, has_result: bool, paper_result: bool = True) -> bool:
    """QĐ 766 4.2: the input papers are digitised and, where the result is a paper, the result is
    electronic too (its scan attached); for a procedure without a paper result the inputs are enough."""
    return has_inputs and (has_result or not paper_result)


def timely_ended(closed_at: datetime, due_at: datetime, supplement_count: int, extended: bool) -> bool:
    """QĐ 766 2.1 for a dossier ended without a result (refused, withdrawn, stopped): the end of its
    processing is the stop, judged against the due moment; more than one supplement request, or an
    extension (Mẫu 04), makes it late (shared/domain.md)."""
    return supplement_count <= MAX_SUPPLEMENTS_ON_TIME and not extended and closed_at <= due_at


def timely_open(moment: datetime, due_at: datetime, supplement_count: int, extended: bool,
                paused_at: datetime | None = None) -> bool:
    """QĐ 766 2.1 for a dossier still open at the period's end (`moment`): within time if its due
    moment has not passed; one waiting for the citizen is judged at the request (paused_at), the waited
    time being out of its clock; more than one supplement request or an extension makes it late."""
    if supplement_count > MAX_SUPPLEMENTS_ON_TIME or extended:
        return False
    return (paused_at if paused_at is not None else moment) <= due_at


# --- 2.2 average resolution time, in the procedure's own unit ----------------------------------------

# The unit each processing-time kind is averaged in (models.calendar.DEADLINE_UNITS). "Trong ngày" is
# counted in working hours: its limit is the close of a working day, so hours say how much of it was used.
RESOLUTION_UNITS = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc", "same_day": "giờ làm việc",
                    "calendar_days": "ngày"}


def pauses_of(events: Iterable[dict]) -> list[tuple[datetime, datetime]]:
    """The (paused, resumed) spans of a dossier's clock from its 'move' events, in order."""
    spans, since = [], None
    for event in events:
        if event.get("action") != "move":
            continue
        payload = event["payload"]
        moment = local_naive(datetime.fromisoformat(event["at"]))
        if payload.get("to") in PAUSING_STATES and since is None:
            since = moment
        elif payload.get("from") in PAUSING_STATES and payload.get("to") not in PAUSING_STATES and since:
            spans.append((since, moment))
            since = None
    return spans


def resolution_time(calendar: WorkCalendar, unit: str | None, received: datetime, finished: datetime,
                    pauses: Iterable[tuple[datetime, datetime]] = ()) -> float | None:
    """QĐ 766 2.2: the time from receipt to result in the procedure's own unit (RESOLUTION_UNITS), the
    time spent waiting for the citizen (supplements, fees) subtracted; None when the unit is unknown.
    Stored with the result (dossiers.resolution) so a year's average is one index range."""
    if unit not in RESOLUTION_UNITS:
        return None
    start = calendar.start_of_count(received)
    if unit == "calendar_days":
        used = (finished - start) - sum(((end - begin) for begin, end in pauses), timedelta(0))
        return round(max(used.total_seconds(), 0) / 86400, 4)
    worked = calendar.working_time_between(start, finished) - sum(
        (calendar.working_time_between(begin, end) for begin, end in pauses), timedelta(0))
    hours = max(worked.total_seconds(), 0) / 3600
    return round(hours / calendar.hours_per_day if unit == "working_days" else hours, 4)


@dataclass(frozen=True)
class ProcedureAverage:
    """One procedure's average resolution time over its dossiers resolved in the period (2.2)."""

    procedure_code: str
    unit: str  # a key of RESOLUTION_UNITS
    total: float
    count: int

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def unit_label(self) -> str:
        return RESOLUTION_UNITS.get(self.unit, self.unit)

    def to_dict(self) -> dict:
        return {"procedure_code": self.procedure_code, "unit": self.unit, "unit_label": self.unit_label,
                "average": None if self.average is None else round(self.average, 2), "count": self.count}


# --- satisfaction ratings -----------------------------------------------------------------------------

RATINGS = {"hai_long": "Hài lòng", "binh_thuong": "Bình thường", "khong_hai_long": "Không hài lòng"}
MAX_RATING_COMMENT = 1000


def check_rating(value: str) -> str:
    """'hai_long', 'Hài lòng' or 'hai long' -> 'hai_long'."""
    key = fold(value).replace(" ", "_")
    if key not in RATINGS:
        raise UserError(f"Mức đánh giá không hợp lệ: '{clean_text(value)}' (chọn: {', '.join(RATINGS)}).")
    return key


# --- the counts of one group (a field, or the total) --------------------------------------------------

METHODOLOGY = {"name": "QĐ 766/QĐ-TTg", "version": "2026.12",
               "text": "Cách tính của Cổng Dịch vụ công quốc gia (Mô tả công thức tính chỉ số 766), theo "
                       "shared/domain.md mục \"The 766 index\"."}


@dataclass
class Tally:
    """Counts of one group (a field, or the total) over a period [first day 00:00, day after the last).

    The report moment is the end of the period, or now while the period is not over
    (models.report_period.Period.moment). The dossiers "received or processed in the period" (QĐ 766's
    denominator, `population`) are those carried over plus those received; each of them is, at the
    report moment, exactly one of resolved, ended without a result, or in progress (`balance_holds`).

    - carried_over: received before the period and neither resolved nor ended before it started.
    - received: received_at in the period, whatever happened next; split by channel: received_direct
      (trực tiếp), received_online (trực tuyến and trực tuyến có hỗ trợ, is_online), received_post
      (bưu chính); online_counted: the online ones QĐ 766 counts (counts_online).
    - resolved (đã giải quyết): the result was ready (co_ket_qua reached, finished_at) in the period;
      early / on_time / late split it (result_class).
    - refused (tu_choi), withdrawn (rut_ho_so), stopped (dung_giai_quyet): ended without a result in the
      period (closed_at).
    - in_progress: received before the report moment and not resolved or ended then; paused dossiers
      count. overdue: those whose due moment passed with the clock running (a paused dossier is never
      overdue: models.dossier.Dossier.is_overdue). For a past moment the present due moment is used.
    - timely: of the population, those processed on time or still within time (QĐ 766 2.1): resolved
      early or on time, ended by their due moment (timely_ended), open and within time (timely_open).
    - resolved_paper: resolved dossiers of procedures whose result is a paper; electronic_results: of
      those, the ones with the result's scan attached (QĐ 766 4.1).
    - inputs_digitised / results_digitised: resolved with input papers / the result attached.
    - digitised: of the population, those is_digitised (QĐ 766 4.2).
    - rated_*: ratings recorded in the period (a rating is given when the result is returned).
    """

    carried_over: int = 0
    received: int = 0
    received_direct: int = 0
    received_online: int = 0
    received_post: int = 0
    online_counted: int = 0
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    refused: int = 0
    withdrawn: int = 0
    stopped: int = 0
    in_progress: int = 0
    overdue: int = 0
    timely: int = 0
    resolved_paper: int = 0
    electronic_results: int = 0
    inputs_digitised: int = 0
    results_digitised: int = 0
    digitised: int = 0
    rated_hai_long: int = 0
    rated_binh_thuong: int = 0
    rated_khong_hai_long: int = 0

    def add(self, other: Tally) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    @property
    def ratings(self) -> int:
        return self.rated_hai_long + self.rated_binh_thuong + self.rated_khong_hai_long


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


# --- the balance (provincial reports; shared/domain.md, "The 766 index", last point) -------------------


def population(t: Tally) -> int:
    """Dossiers received or processed in the period: carried over + received (QĐ 766 2.1's denominator)."""
    return t.carried_over + t.received


def ended_without_result(t: Tally) -> int:
    """Refused + withdrawn + stopped in the period."""
    return t.refused + t.withdrawn + t.stopped


def in_progress_within_time(t: Tally) -> int:
    """In progress at the report moment and not overdue (paused dossiers included)."""
    return t.in_progress - t.overdue


def balance_holds(t: Tally) -> bool:
    """carried over + received = resolved + ended without a result + in progress."""
    return population(t) == t.resolved + ended_without_result(t) + t.in_progress


def received_by_channel(t: Tally) -> dict[str, int]:
    """Received split by channel as provincial reports do (1 trực tiếp, 2 trực tuyến, 3 bưu chính);
    trực tuyến có hỗ trợ counts as online (shared/domain.md, "Dossiers")."""
    return {"truc_tiep": t.received_direct, "truc_tuyen": t.received_online, "buu_chinh": t.received_post}


# --- the QĐ 766 figures --------------------------------------------------------------------------------


def on_time_share(t: Tally) -> float | None:
    """QĐ 766 2.1: dossiers processed on time or still within time / all dossiers received or processed
    in the period (refused, withdrawn and in-progress ones in the denominator; shared/domain.md)."""
    return _share(t.timely, population(t))


def late_share(t: Tally) -> float | None:
    """The complement of on_time_share, over the same dossiers: the "share resolved late" of 5.4."""
    share = on_time_share(t)
    return None if share is None else 1.0 - share


def online_share(t: Tally) -> float | None:
    """QĐ 766 3.3: dossiers submitted online (for procedures whose result is a paper, only those whose
    result was also given electronically: counts_online) / dossiers received; full score at 50%."""
    return _share(t.online_counted, t.received)


def online_channel_share(t: Tally) -> float | None:
    """The plain share of dossiers received online, without the electronic-result condition."""
    return _share(t.received_online, t.received)


def electronic_result_share(t: Tally) -> float | None:
    """QĐ 766 4.1: resolved dossiers with an electronic result (the result's scan attached) / resolved
    dossiers of procedures that issue a paper."""
    return _share(t.electronic_results, t.resolved_paper)


def digitised_share(t: Tally) -> float | None:
    """QĐ 766 4.2: dossiers whose input papers were digitised and, where the result is a paper, whose
    result is electronic (is_digitised) / all dossiers received or processed in the period; full score
    at 80%."""
    return _share(t.digitised, population(t))


def unsatisfied_share(t: Tally) -> float | None:
    """"Không hài lòng" ratings in the period / dossiers received or processed in the period. Complaints
    (phản ánh, kiến nghị) are handled outside MotCua, so only ratings count."""
    return _share(t.rated_khong_hai_long, population(t))


def satisfaction_rate(t: Tally) -> float | None:
    """QĐ 766 5.4: 100% − (share late + share with a complaint or a "không hài lòng" rating), never
    below 0 (full score at 90%); both shares over the dossiers received or processed in the period."""
    late, unsatisfied = late_share(t), unsatisfied_share(t)
    if late is None or unsatisfied is None:
        return None
    return max(0.0, 1.0 - late - unsatisfied)


# --- the unit's own views (not the 766 figures) ----------------------------------------------------------


def resolved_on_time_share(t: Tally) -> float | None:
    """THE UNIT'S OWN VIEW, not QĐ 766: (early + on time) / resolved dossiers only."""
    return _share(t.early + t.on_time, t.resolved)


def satisfied_share(t: Tally) -> float | None:
    """The plain share: "hài lòng" ratings / all ratings recorded in the period."""
    return _share(t.rated_hai_long, t.ratings)


def figures(t: Tally) -> dict:
    """Every figure of one group, under the names the command line prints (shares as fractions)."""
    return {
        "carried_over": t.carried_over, "received": t.received, "received_by_channel": received_by_channel(t),
        "received_online": t.received_online, "resolved": t.resolved, "early": t.early, "on_time": t.on_time,
        "late": t.late, "refused": t.refused, "withdrawn": t.withdrawn, "stopped": t.stopped,
        "ended_without_result": ended_without_result(t), "in_progress": t.in_progress,
        "in_progress_within_time": in_progress_within_time(t), "overdue": t.overdue,
        "timely": t.timely, "digitised": t.digitised, "inputs_digitised": t.inputs_digitised,
        "results_digitised": t.results_digitised, "electronic_results": t.electronic_results,
        "ratings": {key: getattr(t, f"rated_{key}") for key in RATINGS},
        "on_time_share": on_time_share(t), "late_share": late_share(t), "online_share": online_share(t),
        "online_channel_share": online_channel_share(t), "electronic_result_share": electronic_result_share(t),
        "digitised_share": digitised_share(t), "satisfaction_rate": satisfaction_rate(t),
        "unsatisfied_share": unsatisfied_share(t), "resolved_on_time_share": resolved_on_time_share(t),
        "satisfied_share": satisfied_share(t), "balance_holds": balance_holds(t),
    }

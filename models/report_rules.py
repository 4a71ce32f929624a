"""What the figures a commune is judged by mean: one documented rule per figure (shared/domain.md, QĐ 766)."""

# The dashboard, the command line and the exports read their figures from these functions only, so they
# cannot disagree. db/report_queries.py counts in SQL exactly what `Tally` holds (its docstring says which
# dossiers each count takes); the per-dossier rules below (result_class, is_online, is_digitised) are
# what that SQL mirrors, and tests/reports/test_report_rules.py checks the two against each other.
# Shares are fractions 0–1, None when there is nothing to divide by.

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from models.dossier import ONLINE_CHANNELS
from models.dossier_clock import timeliness
from models.errors import UserError
from models.settings import DEFAULT_DUE_SOON_WORKING_DAYS
from models.text import clean_text, fold

# --- per-dossier rules --------------------------------------------------------------------------------

RESOLVED_STATES = ("co_ket_qua", "da_tra")  # a result exists (co_ket_qua reached)
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


def is_digitised(has_inputs: bool, has_result: bool) -> bool:
    """Digitised (số hóa) = the input papers AND the result are attached (QĐ 766 as described in
    shared/domain.md: "input papers and result attached"); one of the two is not enough."""
    return has_inputs and has_result


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


@dataclass
class Tally:
    """Counts of one group (a field, or the total) over a period [first day 00:00, day after the last).

    - received: received_at in the period, whatever happened next (withdrawn and refused included).
    - resolved (đã giải quyết): the result was ready (co_ket_qua reached, finished_at) in the period,
      wherever the dossier was received: a report counts the work the unit finished in its period, as
      one-stop reports do ("đã giải quyết trong kỳ"); early / on_time / late split it (result_class).
    - refused (tu_choi), withdrawn (rut_ho_so), stopped (dung_giai_quyet): ended without a result,
      counted in the period they ended (closed_at); neither resolved nor in progress, and out of the
      on-time, late and digitised shares (there is no result to be timely or to digitise).
    - in_progress (đang giải quyết): received before the report moment and not resolved or ended then;
      paused dossiers (chờ bổ sung, chờ nghĩa vụ tài chính) count. The report moment is the end of the
      period, or now while the period is not over (models.report_period.Period.moment).
    - overdue: in progress at the report moment, due moment passed, clock running (a paused dossier is
      never overdue: models.dossier.Dossier.is_overdue). For a past moment the dossier's present due
      moment is used; a pause that ended later has already moved it past that moment.
    - *_digitised: resolved in the period with input papers / the result / both attached (is_digitised).
    - rated_*: ratings recorded in the period (a rating is given when the result is returned).
    """

    received: int = 0
    received_online: int = 0
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    resolution_days: float = 0.0  # sum over resolved dossiers of calendar days from receipt to result
    refused: int = 0
    withdrawn: int = 0
    stopped: int = 0
    in_progress: int = 0
    overdue: int = 0
    inputs_digitised: int = 0  # resolved with at least one 'ho_so' attachment
    results_digitised: int = 0  # resolved with at least one 'ket_qua' attachment
    digitised: int = 0  # resolved with both (is_digitised)
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


def on_time_share(t: Tally) -> float | None:
    """(early + on time) / resolved: QĐ 766 "tiến độ giải quyết", result date ≤ due date."""
    return _share(t.early + t.on_time, t.resolved)


def late_share(t: Tally) -> float | None:
    """late / resolved (the complement of on_time_share)."""
    return _share(t.late, t.resolved)


def online_share(t: Tally) -> float | None:
    """received online (is_online) / received, in the period (QĐ 766: full score at ≥ 50%)."""
    return _share(t.received_online, t.received)


def digitised_share(t: Tally) -> float | None:
    """resolved with inputs and result attached / resolved (QĐ 766 "số hóa": full score at ≥ 80%).
    Counted over resolved dossiers: only a dossier with a result can have its result attached."""
    return _share(t.digitised, t.resolved)


def result_digitised_share(t: Tally) -> float | None:
    """resolved with the result attached / resolved: the nearest local figure to "electronic result"."""
    return _share(t.results_digitised, t.resolved)


def unsatisfied_share(t: Tally) -> float | None:
    """"không hài lòng" ratings / resolved: the share of dossiers with a "not satisfied" rating."""
    return _share(t.rated_khong_hai_long, t.resolved)


def satisfaction_rate(t: Tally) -> float | None:
    """QĐ 766 "mức độ hài lòng" as shared/domain.md describes it: 100% − (share late + share with a
    complaint or a "not satisfied" rating), both over resolved dossiers, never below 0 (full score
    at ≥ 90%). Complaints (phản ánh, kiến nghị) are handled outside MotCua, so only ratings count.
    None when nothing was resolved. Not the same as satisfied_share."""
    late, unsatisfied = late_share(t), unsatisfied_share(t)
    if late is None or unsatisfied is None:
        return None
    return max(0.0, 1.0 - late - unsatisfied)


def satisfied_share(t: Tally) -> float | None:
    """The plain share: "hài lòng" ratings / all ratings recorded in the period."""
    return _share(t.rated_hai_long, t.ratings)


def average_days(t: Tally) -> float | None:
    """Average calendar days from receipt to result over resolved dossiers (QĐ 766 lists an average
    resolution time; calendar days because working time per dossier would need the calendar)."""
    return _share(t.resolution_days, t.resolved)


def figures(t: Tally) -> dict:
    """Every figure of one group, under the names the command line prints (shares as fractions)."""
    return {
        "received": t.received, "received_online": t.received_online, "resolved": t.resolved,
        "early": t.early, "on_time": t.on_time, "late": t.late, "in_progress": t.in_progress,
        "overdue": t.overdue, "refused": t.refused, "withdrawn": t.withdrawn, "stopped": t.stopped,
        "digitised": t.digitised, "inputs_digitised": t.inputs_digitised,
        "results_digitised": t.results_digitised,
        "ratings": {key: getattr(t, f"rated_{key}") for key in RATINGS},
        "on_time_share": on_time_share(t), "late_share": late_share(t), "online_share": online_share(t),
        "digitised_share": digitised_share(t), "result_digitised_share": result_digitised_share(t),
        "satisfaction_rate": satisfaction_rate(t), "satisfied_share": satisfied_share(t),
        "unsatisfied_share": unsatisfied_share(t), "average_days": average_days(t),
    }

"""What a calendar change does to dossiers already received: their due date and timeliness counted again.

A due date is a promise printed on the citizen's receipt (shared/domain.md, "Time"): a corrected calendar
never rewrites it silently. These rules only compute what the date and the verdict would be; the unit
decides, per dossier or in bulk, and each correction is an event (db/dossier_recalendar.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from models.calendar import WorkCalendar
from models.dossier import PAUSING_STATES, Dossier, iso
from models.dossier_clock import extended_due, local_naive, resume_due, timeliness
from models.report_rules import RESOLUTION_UNITS, pauses_of, resolution_time

RECALENDAR_ACTION = "recalendar"  # the dossier event of a correction (sync/fold_dossier.py folds it)
TIMELINESS_LABELS = {"truoc_han": "trước hạn", "dung_han": "đúng hạn", "qua_han": "quá hạn"}


@dataclass(frozen=True)
class RecheckRow:
    """One dossier whose due date (open) or timeliness (closed) the current calendar would change."""

    code: str
    state: str
    received_at: datetime
    stored_due: datetime
    recomputed_due: datetime
    stored_timeliness: str | None
    recomputed_timeliness: str | None
    # QĐ 766 2.2: a result's time from receipt in the procedure's unit (models.report_rules.resolution_time)
    stored_resolution: float | None = None
    recomputed_resolution: float | None = None
    deadline_unit: str | None = None

    @property
    def resolution_text(self) -> str:
        """'7 → 6 ngày làm việc' when the recount changes the resolution time, else ''."""
        if self.stored_resolution == self.recomputed_resolution:
            return ""
        unit = RESOLUTION_UNITS.get(self.deadline_unit or "", "")
        return f"{_number(self.stored_resolution)} → {_number(self.recomputed_resolution)} {unit}".rstrip()

    def to_dict(self) -> dict:
        return {"code": self.code, "state": self.state, "received_at": iso(self.received_at),
                "stored_due": iso(self.stored_due), "recomputed_due": iso(self.recomputed_due),
                "stored_timeliness": self.stored_timeliness, "recomputed_timeliness": self.recomputed_timeliness,
                "stored_resolution": self.stored_resolution, "recomputed_resolution": self.recomputed_resolution}


def _number(value: float | None) -> str:
    """A resolution time as Vietnamese writes it: '6', '2,5'; '—' when there is none."""
    return "—" if value is None else f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _event_moment(event: dict) -> datetime:
    return local_naive(datetime.fromisoformat(event["at"]))


def recompute_due(calendar: WorkCalendar, dossier: Dossier, events: Iterable[dict]) -> datetime | None:
    """The due moment the dossier would have on `calendar`: its time from receipt, then every pause
    (moved by the working time waited, or restarted, as its event says) and extension replayed in order.

    A due date the clerk typed, or one counted with the catalog's longer time for a case that needs
    verification (not kept on the dossier), stays as given at receipt (only the pauses and extensions
    after it are recounted).
    None when it cannot be recounted: no processing time, or pauses and extensions without their events
    (a dossier imported from an older system), which the unit then checks by hand.
    """
    events = [e for e in events if e["action"] in ("receive", "move", "extend")]
    if not events and (dossier.supplement_count or dossier.extension_count or dossier.paused_at):
        return None
    if dossier.due_source == "law" and not dossier.needs_verification:
        due = calendar.due_at(dossier.received_at, dossier.deadline_value, dossier.deadline_unit)
    else:
        receive = next((e for e in events if e["action"] == "receive"), None)
        due = datetime.fromisoformat(receive["payload"]["due_at"]) if receive else dossier.due_at
    if due is None:
        return None
    paused_at: datetime | None = None
    for event in events:
        payload, moment = event["payload"], _event_moment(event)
        if event["action"] == "move":
            if payload.get("to") in PAUSING_STATES:
                paused_at = moment
            elif "due_before" in payload and paused_at is not None:
                due = resume_due(calendar, due_at=due, paused_at=paused_at, resumed_at=moment,
                                 restart_value=dossier.deadline_value,
                                 restart_unit=dossier.deadline_unit if dossier.due_source == "law" else None,
                                 restart=payload.get("due_rule") == "restart").due_at
                paused_at = None
        elif event["action"] == "extend":
            due = extended_due(calendar, due, hours=payload.get("hours"), days=payload.get("days"))
    return due


def verdict(dossier: Dossier, due: datetime) -> str | None:
    """The timeliness of a closed dossier against `due`: the stored rule for a result (an extension
    still counts late), and for one ended without a result, whether it ended by the due moment."""
    if dossier.finished_at is not None:
        return timeliness(dossier.finished_at, due, extended=dossier.extension_count > 0)
    if dossier.closed_at is not None:
        return "qua_han" if dossier.extension_count or dossier.closed_at > due else "dung_han"
    return None


def recheck_row(calendar: WorkCalendar, dossier: Dossier, events: Iterable[dict],
                stored_resolution: float | None = None) -> RecheckRow | None:
    """A row when the calendar would change an open dossier's due date, or a closed one's timeliness or
    (with a result) its resolution time, which the portal's averages count (`stored_resolution`: the
    dossier's stored value). `events`: all of the dossier's, whose pauses and extensions are replayed."""
    events = list(events)
    recounted = recompute_due(calendar, dossier, events)
    due = dossier.due_at if recounted is None else recounted  # not recountable: the date stays as given
    resolution = stored_resolution
    if dossier.finished_at is not None:
        resolution = resolution_time(calendar, dossier.deadline_unit, dossier.received_at, dossier.finished_at,
                                     pauses_of(events))
    closed = dossier.finished_at is not None or dossier.closed_at is not None
    stored = dossier.timeliness if dossier.finished_at is not None else verdict(dossier, dossier.due_at)
    new = verdict(dossier, due)
    if not closed and due == dossier.due_at:
        return None
    if closed and stored == new and resolution == stored_resolution:
        return None
    return RecheckRow(dossier.code, dossier.state, dossier.received_at, dossier.due_at, due, stored, new,
                      stored_resolution, resolution, dossier.deadline_unit)

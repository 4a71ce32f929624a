"""A dossier's facts for the province report, folded from its events with the desktop's own rules.

The row a PC holds is sync.fold_dossier.fold_dossier over the dossier's events, so the hub folds the same
way; what each figure takes from a dossier comes from models/report_rules.py (result_class, is_online,
is_digitised), the functions the desktop report's SQL mirrors. Only the per-period conditions live in
sync/hub/report.py, next to the desktop SQL they copy.
"""

from __future__ import annotations

import json
from datetime import datetime

from models.canonical import event_order
from models.dossier import CLOCK_RUNNING_STATES
from models.report_rules import is_digitised, is_online, result_class
from sync.fold_dossier import fold_dossier
from sync.wire import HASHED_FIELDS

FACT_COLUMNS = ("uuid", "unit_code", "field", "state", "channel", "received_s", "due_s", "finished_s",
                "closed_s", "cls", "days", "online", "running", "bits", "digitised", "rating", "rated_s",
                "rating_field")
_EPOCH = datetime(1970, 1, 1)
_EVENT_FIELDS = ("unit_code", *HASHED_FIELDS, "prev_hash", "hash")


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def seconds(moment: datetime | str | None) -> int | None:
    """A naive local moment (or its ISO text) as whole seconds since 1970-01-01 00:00 local: the order of the
    desktop's text comparisons of ISO moments, as integers."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return int((moment.replace(tzinfo=None) - _EPOCH).total_seconds() // 1)


def fact_row(unit_code: str, events: list[dict]) -> tuple | None:
    """The facts of one dossier from all its dossier and rating events; None before its 'receive'."""
    events = sorted(events, key=event_order)
    folded = fold_dossier([e for e in events if e["entity"] == "dossier"])
    values = folded.values
    if values is None or not values.get("received_at"):
        return None
    finished, received, due = _moment(values["finished_at"]), _moment(values["received_at"]), _moment(values["due_at"])
    cls = result_class(values["timeliness"], values["supplement_count"] or 0, finished, due) if finished else None
    days = (finished - received).total_seconds() / 86400 if finished and received else None
    kinds = {a.get("kind") or "ho_so" for a in folded.attachments}
    bits = (1 if "ho_so" in kinds else 0) | (2 if "ket_qua" in kinds else 0)
    ratings = [e for e in events if e["entity"] == "rating" and e["action"] == "set"]
    rating = ratings[-1]["payload"] if ratings else {}  # the last rating wins (db.ratings.apply_rating_events)
    return (values["uuid"], unit_code, values["field"] or "", values["state"], values["channel"] or "",
            seconds(received), seconds(due), seconds(finished), seconds(values["closed_at"]), cls, days,
            int(is_online(values["channel"] or "")), int(values["state"] in CLOCK_RUNNING_STATES), bits,
            int(is_digitised(bool(bits & 1), bool(bits & 2))), rating.get("rating"), seconds(rating.get("at")),
            rating.get("field", "") if rating else None)


def facts_of(rows: list[tuple]) -> list[tuple]:
    """Rows (unit_code, *event columns) of several dossiers -> one fact row per dossier received."""
    by_dossier: dict[str, list[dict]] = {}
    units: dict[str, str] = {}
    for row in rows:
        event = dict(zip(_EVENT_FIELDS, row, strict=True))
        event["payload"] = json.loads(event["payload"])
        by_dossier.setdefault(event["entity_id"], []).append(event)
        units[event["entity_id"]] = event["unit_code"]
    result = []
    for uuid, events in by_dossier.items():
        fact = fact_row(units[uuid], events)
        if fact is not None:
            result.append(fact)
    return result

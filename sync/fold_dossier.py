"""A dossier's row rebuilt from its events alone: the deterministic fold every PC runs (sync/README.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.dossier import MOVES, PAUSING_STATES, state_label
from models.dossier_clock import local_naive
from models.dossier_moves import can_extend, move_effect
from sync.conflicts import Conflict

# Columns a 'receive' event carries as they were written (db.dossier_store.receive_dossier).
RECEIVED_COLUMNS = (
    "uuid", "code", "group_id", "code_day", "station", "day_seq", "procedure_code", "procedure_name", "field",
    "deadline_text", "deadline_value", "deadline_unit", "channel", "state", "applicant_name", "organisation",
    "cccd", "dob", "sex", "phone", "address", "email", "sets", "note", "logbook", "received_at", "due_at",
    "due_source", "state_changed_at", "delegate", "result_delivery", "needs_verification", "deciding_agency",
    "cooperating_agency", "first_due_at")
# What a 'receive' event written before migration 0008a lacks (issue #12): the row's defaults, and the
# appointment first given is the event's own due moment.
RECEIVED_DEFAULTS = {"delegate": "", "result_delivery": "", "needs_verification": 0, "deciding_agency": "",
                     "cooperating_agency": ""}
# Columns the later events change; together with RECEIVED_COLUMNS, every column the fold owns.
DERIVED_COLUMNS = ("paused_at", "supplement_count", "extension_count", "finished_at", "timeliness",
                   "returned_at", "closed_at")
FOLDED_COLUMNS = RECEIVED_COLUMNS + DERIVED_COLUMNS


@dataclass
class FoldedDossier:
    values: dict | None = None                      # None: no 'receive' event (yet)
    papers: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # actions this version does not know


def _who(event: dict) -> str:
    return f"{event['actor']} (máy {event['device_id'][:8]})"


def _moment(event: dict) -> datetime:
    return local_naive(datetime.fromisoformat(event["at"]))


def fold_dossier(events: list[dict]) -> FoldedDossier:
    """Apply a dossier's events in the sorted order (at, device_id, seq); see _move for the rule."""
    folded = FoldedDossier()
    for event in events:
        action, payload = event["action"], event["payload"]
        if action == "receive":
            _receive(folded, event)
        elif folded.values is None:
            folded.conflicts.append(Conflict(event["uuid"], "orphan", "skipped",
                                             f"{_who(event)} ghi '{action}' trước khi hồ sơ được tiếp nhận: "
                                             "chưa áp dụng."))
        elif action == "move":
            _move(folded, folded.values, event)
        elif action == "extend":
            _extend(folded, folded.values, event)
        elif action == "attach":
            record = {k: payload.get(k) for k in ("uuid", "sha256", "ext", "size", "display_name", "kind",
                                                  "added_at")}
            if all(a["uuid"] != record["uuid"] for a in folded.attachments):
                folded.attachments.append(record)
        else:
            folded.ignored.append(event["uuid"])
    return folded


def _receive(folded: FoldedDossier, event: dict) -> None:
    if folded.values is not None:
        folded.conflicts.append(Conflict(event["uuid"], "duplicate_receive", "skipped",
                                         f"{_who(event)} tiếp nhận lại hồ sơ đã có: bỏ qua lần sau."))
        return
    payload = event["payload"]
    folded.values = {name: payload.get(name, RECEIVED_DEFAULTS.get(name)) for name in RECEIVED_COLUMNS}
    folded.values["first_due_at"] = folded.values["first_due_at"] or payload.get("due_at")
    folded.values.update(paused_at=None, supplement_count=0, extension_count=0, finished_at=None,
                         timeliness=None, returned_at=None, closed_at=None)
    folded.papers = [dict(p) for p in payload.get("papers", [])]


def _move(folded: FoldedDossier, values: dict, event: dict) -> None:
    """The rule: a move not allowed from the state reached at this point of the sorted order is not
    applied (conflict 'skipped'); an allowed move whose author saw another state is applied and flagged
    (conflict 'applied'), so two PCs that changed one dossier apart always leave a trace."""
    payload = event["payload"]
    current, target, seen = values["state"], payload.get("to"), payload.get("from")
    if target not in MOVES.get(current, ()):
        folded.conflicts.append(Conflict(
            event["uuid"], "state_move", "skipped",
            f"Xung đột: {_who(event)} chuyển hồ sơ từ '{state_label(seen)}' sang '{state_label(target)}', "
            f"nhưng hồ sơ đã ở '{state_label(current)}' do máy khác thay đổi: không áp dụng."))
        return
    if seen != current:
        folded.conflicts.append(Conflict(
            event["uuid"], "state_move", "applied",
            f"Xung đột: {_who(event)} chuyển hồ sơ từ '{state_label(seen)}' sang '{state_label(target)}' "
            f"khi chưa biết hồ sơ đã ở '{state_label(current)}': vẫn áp dụng vì bước chuyển hợp lệ."))
    if current in PAUSING_STATES and target not in PAUSING_STATES and "due_before" in payload:
        _new_due(folded, values, event, "Hạn trả khi tiếp tục xử lý")  # resumed: moved by the time waited
    values.update(move_effect(current_state=current, target=target, moment=_moment(event),
                              due_at=datetime.fromisoformat(values["due_at"]),
                              supplement_count=values["supplement_count"],
                              extension_count=values["extension_count"]))


def _extend(folded: FoldedDossier, values: dict, event: dict) -> None:
    if not can_extend(values["state"]):
        folded.conflicts.append(Conflict(
            event["uuid"], "extend", "skipped",
            f"Xung đột: {_who(event)} gia hạn hồ sơ khi nó đã ở '{state_label(values['state'])}': không áp dụng."))
        return
    values["extension_count"] += 1
    _new_due(folded, values, event, "Gia hạn")


def _new_due(folded: FoldedDossier, values: dict, event: dict, what: str) -> None:
    """The later event's due moment wins; flagged when its author started from another one."""
    payload = event["payload"]
    if payload.get("due_before") not in (None, values["due_at"]):
        folded.conflicts.append(Conflict(
            event["uuid"], "due_at", "applied",
            f"Xung đột hạn trả: {what.lower()} của {_who(event)} tính từ hạn {payload.get('due_before')}, "
            f"nhưng hạn đã là {values['due_at']} do máy khác thay đổi: lấy hạn mới {payload.get('due_at')}."))
    values["due_at"] = payload.get("due_at", values["due_at"])

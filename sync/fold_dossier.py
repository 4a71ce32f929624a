"""A dossier's row rebuilt from its events alone: the deterministic fold every PC runs (sync/README.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.dossier import MOVES, PAUSING_STATES, state_label
from models.dossier_clock import local_naive, timeliness
from models.dossier_fees import FEE_ACTION
from models.dossier_moves import can_extend, move_effect
from models.dossier_undo import UNDO_ACTION
from sync.conflicts import Conflict

# Columns a 'receive' event carries as they were written (db.dossier_store.receive_dossier).
RECEIVED_COLUMNS = (
    "uuid", "code", "group_id", "code_day", "station", "day_seq", "procedure_code", "procedure_name", "field",
    "deadline_text", "deadline_value", "deadline_unit", "channel", "state", "applicant_name", "organisation",
    "cccd", "dob", "sex", "phone", "address", "email", "sets", "note", "logbook", "received_at", "due_at",
    "due_source", "state_changed_at", "delegate", "result_delivery", "needs_verification", "deciding_agency",
    "cooperating_agency", "first_due_at", "fee_required", "fee_amount", "fee_receipt",
    "paper_result")
# What a 'receive' event written before migration 0008a lacks (issue #12): the row's defaults, and the
# appointment first given is the event's own due moment.
RECEIVED_DEFAULTS = {"delegate": "", "result_delivery": "", "needs_verification": 0, "deciding_agency": "",
                     "cooperating_agency": "", "fee_required": 0,
                     "paper_result": 1}
# Columns the later events change; together with RECEIVED_COLUMNS, every column the fold owns.
DERIVED_COLUMNS = ("paused_at", "supplement_count", "extension_count", "finished_at", "timeliness",
                   "returned_at", "closed_at", "resolution")
FOLDED_COLUMNS = RECEIVED_COLUMNS + DERIVED_COLUMNS


@dataclass
class FoldedDossier:
    values: dict | None = None                      # None: no 'receive' event (yet)
    papers: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # actions this version does not know
    before_move: dict[str, dict] = field(default_factory=dict)  # move uuid -> the row just before it
    last_change: str | None = None  # uuid of the latest applied move, extension or undo

    receive_key: tuple | None = None                # (at, device_id, seq) of the receive event: who came first
    receive_uuid: str | None = None
    recoded: list[str] = field(default_factory=list)  # codes named by 'recode' events (sync/same_code.py)

    @property
    def claimed_code(self) -> str | None:
        """The code the receive event gave: the one on the citizen's receipt."""
        return self.values["code"] if self.values is not None else None

    @property
    def stated_code(self) -> str | None:
        """The code the dossier's own PC last said it has (its last 'recode' event, else the receipt's)."""
        return self.recoded[-1] if self.recoded else self.claimed_code


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
        elif action == "recalendar":
            _recalendar(folded, folded.values, event)
        elif action == UNDO_ACTION:
            _undo(folded, folded.values, event)
        elif action == FEE_ACTION:  # a fee collected after reception (services.dossiers.record_fee)
            folded.values.update(fee_amount=payload.get("fee_amount"), fee_receipt=payload.get("fee_receipt"))

        elif action == "recode":  # a note: the shown code is settled from the receive events (same_code.py)
            folded.recoded += [c for c in (payload.get("from"), payload.get("to")) if isinstance(c, str) and c]
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
    folded.receive_key, folded.receive_uuid = (event["at"], event["device_id"], event["seq"]), event["uuid"]
    folded.values = {name: payload.get(name, RECEIVED_DEFAULTS.get(name)) for name in RECEIVED_COLUMNS}
    folded.values["first_due_at"] = folded.values["first_due_at"] or payload.get("due_at")
    folded.values.update(paused_at=None, supplement_count=0, extension_count=0, finished_at=None,
                         timeliness=None, returned_at=None, closed_at=None, resolution=None)
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
    folded.before_move[event["uuid"]] = dict(values)
    folded.last_change = event["uuid"]
    if current in PAUSING_STATES and target not in PAUSING_STATES and "due_before" in payload:
        _new_due(folded, values, event, "Hạn trả khi tiếp tục xử lý")  # resumed: moved by the time waited
    values.update(move_effect(current_state=current, target=target, moment=_moment(event),
                              due_at=datetime.fromisoformat(values["due_at"]),
                              supplement_count=values["supplement_count"],
                              extension_count=values["extension_count"]))
    if target == "co_ket_qua":
        values["resolution"] = payload.get("resolution")  # QĐ 766 2.2, as the writer computed it


def _extend(folded: FoldedDossier, values: dict, event: dict) -> None:
    if not can_extend(values["state"]):
        folded.conflicts.append(Conflict(
            event["uuid"], "extend", "skipped",
            f"Xung đột: {_who(event)} gia hạn hồ sơ khi nó đã ở '{state_label(values['state'])}': không áp dụng."))
        return
    values["extension_count"] += 1
    folded.last_change = event["uuid"]
    _new_due(folded, values, event, "Gia hạn")


def _recalendar(folded: FoldedDossier, values: dict, event: dict) -> None:
    """A due date corrected to a changed calendar (db/dossier_recalendar.py): the new due moment, and for a
    dossier with a result its timeliness judged again against it, as the writer did."""
    _new_due(folded, values, event, "Tính lại hạn theo lịch mới")
    if values["finished_at"] is not None:
        values["timeliness"] = timeliness(datetime.fromisoformat(values["finished_at"]),
                                          datetime.fromisoformat(values["due_at"]),
                                          extended=values["extension_count"] > 0)
        if "resolution" in event["payload"]:  # QĐ 766 2.2, recounted by the writer (older events carry none)
            values["resolution"] = event["payload"]["resolution"]


# What an undo puts back: every column a move changes (models.dossier_undo).
UNDONE_COLUMNS = ("state", "state_changed_at", "due_at", *DERIVED_COLUMNS)


def _undo(folded: FoldedDossier, values: dict, event: dict) -> None:
    """Hoàn tác: the row goes back to just before the named move, if that move is still the latest
    change applied here; otherwise (another PC changed the dossier since) it is not applied and shown."""
    payload = event["payload"]
    target = payload.get("move_uuid")
    if target is None or target != folded.last_change or target not in folded.before_move:
        folded.conflicts.append(Conflict(
            event["uuid"], "undo_move", "skipped",
            f"Xung đột: {_who(event)} hoàn tác bước chuyển '{state_label(payload.get('from'))}' → "
            f"'{state_label(payload.get('to'))}', nhưng hồ sơ đã thay đổi sau bước đó (hoặc bước đó không "
            "được áp dụng): không áp dụng."))
        return
    before = folded.before_move[target]
    values.update({name: before[name] for name in UNDONE_COLUMNS})
    folded.last_change = event["uuid"]


def _new_due(folded: FoldedDossier, values: dict, event: dict, what: str) -> None:
    """The later event's due moment wins; flagged when its author started from another one."""
    payload = event["payload"]
    if payload.get("due_before") not in (None, values["due_at"]):
        folded.conflicts.append(Conflict(
            event["uuid"], "due_at", "applied",
            f"Xung đột hạn trả: {what.lower()} của {_who(event)} tính từ hạn {payload.get('due_before')}, "
            f"nhưng hạn đã là {values['due_at']} do máy khác thay đổi: lấy hạn mới {payload.get('due_at')}."))
    values["due_at"] = payload.get("due_at", values["due_at"])

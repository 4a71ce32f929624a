"""Taking a wrong move back ("hoàn tác chuyển trạng thái"): who may, until when, and which move.

An undo is a new event that names the move it takes back and its reason; history is never edited
(issue #14). Only the dossier's latest change of state or due date can be taken back (a move followed
by an extension or another undo cannot), so the fold on every PC (sync/fold_dossier.py) restores the
row exactly as it was before that move. The person who moved it may undo it on the same working day
(a unit setting, DossierRules.author_undo_same_day); a leader (permission UNDO_ANY_MOVE) any time.
Every undo needs a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from models.dossier import state_label
from models.errors import UserError
from models.text import clean_text

UNDO_ACTION = "undo_move"
UNDO_LABEL = "Hoàn tác chuyển trạng thái"
# Events that change a dossier's state or due date: only the latest of them may be taken back.
CHANGING_ACTIONS = ("move", "extend", UNDO_ACTION)
MAX_REASON = 2000


def undoable_move(events: Iterable[dict]) -> dict | None:
    """The move an undo would take back: the latest state/due change, if it is a move (else None)."""
    last = None
    for event in events:
        if event.get("action") in CHANGING_ACTIONS:
            last = event
    return last if last is not None and last["action"] == "move" else None


def undone_moves(events: Iterable[dict]) -> set[str]:
    """uuids of the moves an undo event took back (for the timeline and the printed forms)."""
    return {e["payload"].get("move_uuid") for e in events if e.get("action") == UNDO_ACTION}


def standing_events(events: Iterable[dict]) -> list[dict]:
    """The events still in force: undone moves and the undo events themselves left out."""
    events = list(events)
    undone = undone_moves(events)
    return [e for e in events if e.get("action") != UNDO_ACTION and e.get("uuid") not in undone]


def _local(moment: str) -> datetime:
    value = datetime.fromisoformat(moment)
    return value.astimezone().replace(tzinfo=None) if value.tzinfo else value


def check_undo(events: Iterable[dict], *, username: str, may_undo_any: bool, author_same_day: bool,
               reason: str, now: datetime) -> dict:
    """The move event to take back, or UserError saying plainly why not (nothing changes)."""
    reason = clean_text(reason)
    if not reason:
        raise UserError("Cần ghi lý do hoàn tác.")
    if len(reason) > MAX_REASON:
        raise UserError(f"Lý do hoàn tác quá dài ({len(reason)} ký tự, tối đa {MAX_REASON}).")
    move = undoable_move(events)
    if move is None:
        raise UserError("Hồ sơ không có bước chuyển nào hoàn tác được: chỉ hoàn tác được bước chuyển trạng "
                        "thái gần nhất, khi sau đó chưa gia hạn hay hoàn tác.")
    if may_undo_any:
        return move
    step = f"'{state_label(move['payload'].get('from', ''))}' → '{state_label(move['payload'].get('to', ''))}'"
    if move.get("actor") != username:
        raise UserError(f"Bước chuyển {step} do {move.get('actor')} thực hiện: chỉ người đó (trong ngày) "
                        "hoặc lãnh đạo mới hoàn tác được.")
    if not author_same_day:
        raise UserError("Theo cài đặt của đơn vị, chỉ lãnh đạo mới hoàn tác được bước chuyển trạng thái.")
    moved_at = _local(move["at"])
    if moved_at.date() != now.date():
        raise UserError(f"Bước chuyển {step} làm lúc {moved_at:%H:%M %d/%m/%Y}: người chuyển chỉ hoàn tác "
                        "được trong ngày làm việc đó; nay cần lãnh đạo hoàn tác.")
    return move


def undo_payload(move: dict, dossier_code: str, reason: str) -> dict:
    """What the undo event carries: the move it takes back, the states both ways, and why."""
    payload = move["payload"]
    return {"code": dossier_code, "move_uuid": move["uuid"], "from": payload.get("to"),
            "to": payload.get("from"), "reason": clean_text(reason)}

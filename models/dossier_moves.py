"""What a move does to a dossier's columns: one pure rule for the store (db.dossier_store.move_dossier) and
the sync fold (sync.fold_dossier), so a move written here and one replayed from another PC agree."""

from __future__ import annotations

from datetime import datetime

from models.dossier import CLOCK_RUNNING_STATES, FINAL_STATES, PAUSING_STATES, iso
from models.dossier_clock import timeliness


def move_effect(*, current_state: str, target: str, moment: datetime, due_at: datetime,
                supplement_count: int, extension_count: int) -> dict[str, object]:
    """The columns set by moving from `current_state` into `target` at `moment` (shared/domain.md):
    into a waiting state the clock pauses (a supplement is counted); out of one it runs again; a result
    stores when it came and its timeliness against `due_at` (the due moment after any resume); a return
    or a final state stamps its moment. The due moment itself is the caller's (resume rule or event)."""
    changes: dict[str, object] = {"state": target, "state_changed_at": iso(moment)}
    if target in PAUSING_STATES:
        changes["paused_at"] = iso(moment)
        if target == "cho_bo_sung":
            changes["supplement_count"] = supplement_count + 1
    elif current_state in PAUSING_STATES:
        changes["paused_at"] = None
    if target == "co_ket_qua":
        changes["finished_at"] = iso(moment)
        changes["timeliness"] = timeliness(moment, due_at, extended=extension_count > 0)
    if target == "da_tra":
        changes["returned_at"] = iso(moment)
    if target in FINAL_STATES:
        changes["closed_at"] = iso(moment)
    return changes


def can_extend(state: str) -> bool:
    """Gia hạn is for a dossier still being worked on: not once it has its result or is closed."""
    return state not in FINAL_STATES and state != "co_ket_qua"


def urgency(state: str, due_at: datetime, now: datetime, soon_until: datetime) -> str:
    """'overdue', 'soon' or '' — derived from the due moment while the clock runs (never stored). 'Soon' is
    before `soon_until`: now plus the unit's due-soon working days (UnitSettings.due_soon_working_days), the
    same horizon the dashboard counts."""
    if state not in CLOCK_RUNNING_STATES:
        return ""
    if due_at < now:
        return "overdue"
    if due_at < soon_until:
        return "soon"
    return ""

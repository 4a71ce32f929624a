"""A dossier's timeline in Vietnamese: one (what happened, note) per event, for the screen and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from models.calendar_recheck import RECALENDAR_ACTION, TIMELINESS_LABELS
from models.dossier import state_label
from models.dossier_undo import UNDO_ACTION, UNDO_LABEL, undone_moves
from models.moments import local_moment

ACTIONS = {"receive": "Tiếp nhận hồ sơ", "move": "Chuyển trạng thái", "extend": "Gia hạn", "attach": "Đính kèm tệp",
           "print": "In giấy tờ", UNDO_ACTION: UNDO_LABEL, RECALENDAR_ACTION: "Tính lại hạn theo lịch mới"}
# Kinds of attached files (db.attachments keeps the same keys).
ATTACHMENT_KINDS = {"ho_so": "Giấy tờ hồ sơ", "ket_qua": "Kết quả giải quyết"}


def event_text(event: dict, undone: frozenset[str] | set[str] = frozenset()) -> tuple[str, str]:
    """(what happened, note) of one event; a move taken back later says so (`undone`: their uuids)."""
    payload = event.get("payload", {})
    action = event.get("action", "")
    if action == "move":
        what = f"{state_label(payload.get('from', ''))} → {state_label(payload.get('to', ''))}"
        if payload.get("due_before") and payload.get("due_at") != payload.get("due_before"):
            what += f" (hạn mới {local_moment(payload['due_at']):%H:%M %d/%m/%Y})"
        if event.get("uuid") in undone:
            what += " (đã hoàn tác)"
        return what, payload.get("note", "")
    if action == UNDO_ACTION:
        return (f"{UNDO_LABEL}: {state_label(payload.get('from', ''))} → trở lại "
                f"{state_label(payload.get('to', ''))}", payload.get("reason", ""))
    if action == "extend":
        return f"Gia hạn đến {local_moment(payload.get('due_at')):%H:%M %d/%m/%Y}", payload.get("reason", "")
    if action == RECALENDAR_ACTION:  # a due date corrected to a changed calendar (issue #13)
        what = (f"Tính lại hạn theo lịch mới: {local_moment(payload.get('due_before')):%H:%M %d/%m/%Y} → "
                f"{local_moment(payload.get('due_at')):%H:%M %d/%m/%Y}")
        if payload.get("timeliness") != payload.get("timeliness_before"):
            what += (f" (kết quả: {TIMELINESS_LABELS.get(payload.get('timeliness_before') or '', '—')} → "
                     f"{TIMELINESS_LABELS.get(payload.get('timeliness') or '', '—')})")
        return what, payload.get("reason", "")
    if action == "attach":
        return f"Đính kèm '{payload.get('display_name', '')}'", ATTACHMENT_KINDS.get(payload.get("kind", ""), "")
    if action == "receive":
        return "Tiếp nhận hồ sơ", payload.get("note", "")
    if action == "recode":
        return (f"Đổi mã hồ sơ {payload.get('from', '')} → {payload.get('to', '')}",
                "Trùng mã với hồ sơ tiếp nhận trước: in lại giấy tiếp nhận có mã mới")
    return ACTIONS.get(action, action), ""




SYNC_ACTOR = "Đồng bộ"


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a dossier's timeline as a clerk reads it, on the screen and in `dossier show`."""

    at: datetime | None  # local wall-clock time
    who: str             # a full name where one is known
    what: str
    note: str = ""
    warning: bool = False  # a sync conflict: shown in red, never dropped

    @property
    def when(self) -> str:
        return f"{self.at:%H:%M %d/%m/%Y}" if self.at else ""

    def to_dict(self) -> dict:
        return {"at": self.at.isoformat(timespec="seconds") if self.at else None, "who": self.who,
                "what": self.what, "note": self.note, "warning": self.warning}


def actor_text(event: dict, names: dict[str, str]) -> str:
    """Who did `event`: the full name it carries (events since issue #12), else this PC's account's, else the
    login (an account of another PC this one does not know): a screen never shows a blank."""
    actor = event.get("actor", "")
    return (event.get("payload") or {}).get("actor_name") or names.get(actor, "") or actor


def timeline_entries(events: Sequence[dict], conflicts: Sequence[dict], names: dict[str, str]) -> list[TimelineEntry]:
    """The events (a move taken back later says so) and the sync conflicts about the dossier, by time."""
    undone = undone_moves(events)
    entries = [TimelineEntry(local_moment(e["at"]), actor_text(e, names), *event_text(e, undone)) for e in events]
    entries += [TimelineEntry(local_moment(c["detected_at"]), SYNC_ACTOR, "⚠ Xung đột khi đồng bộ", c["message"], True)
                for c in conflicts]
    return sorted(entries, key=lambda entry: entry.at or datetime.min)

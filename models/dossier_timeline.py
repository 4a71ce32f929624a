"""A dossier's timeline in Vietnamese: one (what happened, note) per event, for the screen and the CLI."""

from __future__ import annotations

from datetime import datetime

from models.calendar_recheck import RECALENDAR_ACTION, TIMELINESS_LABELS
from models.dossier import state_label
from models.dossier_undo import UNDO_ACTION, UNDO_LABEL

ACTIONS = {"receive": "Tiếp nhận hồ sơ", "move": "Chuyển trạng thái", "extend": "Gia hạn", "attach": "Đính kèm tệp",
           "print": "In giấy tờ", UNDO_ACTION: UNDO_LABEL, RECALENDAR_ACTION: "Tính lại hạn theo lịch mới"}
# Kinds of attached files (db.attachments keeps the same keys).
ATTACHMENT_KINDS = {"ho_so": "Giấy tờ hồ sơ", "ket_qua": "Kết quả giải quyết"}


def local_moment(text: str | None) -> datetime | None:
    """An event's ISO moment (with offset) as local wall-clock time."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


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


def event_line(event: dict, undone: frozenset[str] | set[str] = frozenset()) -> str:
    what, note = event_text(event, undone)
    return f"{what} – {note}" if note else what

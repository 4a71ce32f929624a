"""The event as it travels (HTTP and USB file) and the checks both ends run before trusting one."""

from __future__ import annotations

import json
import re
import uuid as uuid_module
from datetime import datetime

from models.canonical import event_hash

# Fields hashed by db.events.record_event, then the chain fields.
HASHED_FIELDS = ("uuid", "device_id", "seq", "actor", "at", "entity", "entity_id", "action", "payload")
WIRE_FIELDS = (*HASHED_FIELDS, "prev_hash", "hash")
EVENT_COLUMNS = ", ".join(WIRE_FIELDS)  # SELECT list matching row_to_wire

MAX_BATCH_EVENTS = 1000        # the hub refuses a larger batch (413)
MAX_BODY_BYTES = 8 * 1024 * 1024
CLIENT_BATCH_EVENTS = 500      # what a client sends at once: under the hub's limit
PULL_PAGE_EVENTS = 500
MAX_INT64 = 2**63 - 1          # SQLite's integers: a larger seq is refused (400/422), not a crash
MAX_PAYLOAD_DEPTH = 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_TEXT_LIMITS = {"device_id": 64, "actor": 200, "at": 40, "entity": 40, "entity_id": 200, "action": 40}


def row_to_wire(row: tuple) -> dict:
    """A row selected with EVENT_COLUMNS -> the wire dict (payload parsed)."""
    event = dict(zip(WIRE_FIELDS, row, strict=True))
    event["payload"] = json.loads(event["payload"])
    return event


def problem(event: object) -> str | None:
    """Why this event cannot be accepted (Vietnamese), or None. Checks shape, types and its own hash.

    The chain between events is not checked here: batches may arrive out of order (sync/README.md).
    """
    if not isinstance(event, dict):
        return "sự kiện phải là một đối tượng JSON"
    missing = [name for name in WIRE_FIELDS if name not in event]
    if missing:
        return f"thiếu trường {', '.join(missing)}"
    try:
        uuid_module.UUID(str(event["uuid"]))
    except ValueError:
        return "uuid không hợp lệ"
    for name, limit in _TEXT_LIMITS.items():
        value = event[name]
        if not isinstance(value, str) or not value or len(value) > limit:
            return f"trường {name} phải là chuỗi 1–{limit} ký tự"
    seq = event["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= MAX_INT64:
        return "seq phải là số nguyên dương (tối đa 2^63 - 1)"
    if not isinstance(event["payload"], dict):
        return "payload phải là đối tượng JSON"
    if _too_deep(event["payload"], MAX_PAYLOAD_DEPTH):
        return f"payload lồng quá {MAX_PAYLOAD_DEPTH} tầng hoặc có số nguyên quá lớn"
    if "sig" in event and not (isinstance(event["sig"], str) and len(event["sig"]) == 128
                               and all(c in "0123456789abcdef" for c in event["sig"])):
        return "chữ ký (sig) phải là 128 ký tự hex"
    try:
        moment = datetime.fromisoformat(event["at"])
    except ValueError:
        return "thời điểm 'at' không đúng ISO 8601"
    if moment.tzinfo is None:
        return "thời điểm 'at' phải có múi giờ"
    for name in ("prev_hash", "hash"):
        if not isinstance(event[name], str) or not _HEX64.match(event[name]):
            return f"{name} phải là 64 ký tự hex"
    if event_hash(event["prev_hash"], {name: event[name] for name in HASHED_FIELDS}) != event["hash"]:
        return "mã băm không khớp nội dung (sự kiện bị sửa hoặc hỏng)"
    return None


def _too_deep(value: object, depth: int) -> bool:
    """Nested deeper than `depth`, or an integer beyond 64 bits (SQLite and other PCs could not hold it)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not -MAX_INT64 - 1 <= value <= MAX_INT64
    if isinstance(value, dict):
        return depth <= 0 or any(_too_deep(item, depth - 1) for item in value.values())
    if isinstance(value, list):
        return depth <= 0 or any(_too_deep(item, depth - 1) for item in value)
    return False

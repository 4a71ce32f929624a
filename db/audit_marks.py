"""High-water marks: the highest event of each device the hub acknowledged (this PC's) or handed over (the
others'), kept in `local` under this PC's audit key (db/secret_store.py). Events are never removed, so a chain
that ends below its mark lost its last events, even when no backup was made since (`audit verify`)."""

from __future__ import annotations

import hashlib
import hmac
import json

from sqlite_utils import Database

from db.events import audit_key, canonical_json
from db.local import get_local, put_local

MARKS_KEY = "audit_marks"


def _mac(key: bytes, marks: dict) -> str:
    return hmac.new(key, b"motcua-marks-v1\n" + canonical_json(marks).encode(), hashlib.sha256).hexdigest()


def read_marks(db: Database) -> tuple[dict[str, list], bool]:
    """(device -> [seq, hash], whether the record carries this PC's key mark); ({}, True) when none yet."""
    stored = get_local(db, MARKS_KEY)
    if stored is None:
        return {}, True
    try:
        data = json.loads(stored)
        marks = data["marks"]
        key = audit_key(db)
        valid = isinstance(marks, dict) and key is not None and hmac.compare_digest(str(data["mac"]),
                                                                                    _mac(key, marks))
    except (ValueError, KeyError, TypeError):
        return {}, False
    return (marks if valid else {}), valid


def raise_marks(db: Database, heads: dict[str, tuple[int, str]]) -> None:
    """Move marks up to `heads` (inside the caller's transaction); a lower seq never lowers a mark."""
    key = audit_key(db)
    if key is None or not heads:
        return
    marks, valid = read_marks(db)
    if not valid:
        return  # a damaged record stays for `audit verify` to report
    changed = False
    for device, (seq, digest) in heads.items():
        if device not in marks or seq > marks[device][0]:
            marks[device] = [seq, digest]
            changed = True
    if changed:
        put_local(db, MARKS_KEY, json.dumps({"marks": marks, "mac": _mac(key, marks)}))


def highest(events: list[dict]) -> dict[str, tuple[int, str]]:
    """device -> (seq, hash) of the highest event per device among `events`."""
    heads: dict[str, tuple[int, str]] = {}
    for event in events:
        device = event["device_id"]
        if device not in heads or event["seq"] > heads[device][0]:
            heads[device] = (event["seq"], event["hash"])
    return heads

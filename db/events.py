"""The event log: every change is recorded as an immutable event in the same transaction as the change.

Events are the sync outbox (pending while `acked_at` is NULL) and the audit trail: each holds the hash
of the previous event of its device, so a row edited behind the app's back breaks the chain.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from db.device import device_id
from models.session import SYSTEM, current_user, require_signed_in

GENESIS_HASH = "0" * 64


@functools.cache
def current_actor() -> str:
    """The OS user name: the actor of system work only (models.session.system_work), asked once."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some service accounts
        return "khong-ro"


def acting_username() -> str:
    """The actor of an event recorded now: the signed-in user's name (models.session), or the OS user
    for work explicitly marked as MotCua's own; refuses when nobody is signed in."""
    user = current_user()
    if user is SYSTEM:
        return current_actor()
    return require_signed_in("ghi thao tác").username


# One encoder for every event: json.dumps would build a new one per call, and recording runs on every write.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_json(value: object) -> str:
    """Sorted keys, no spaces, Vietnamese kept as is: the form events are hashed and stored in."""
    return _CANONICAL.encode(value)


def event_hash(prev_hash: str, fields: dict) -> str:
    """The chain link: sha256 of the previous hash and the event's fields as canonical JSON."""
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


def _fields_json(event: Event, payload_json: str) -> str:
    """canonical_json of the event's fields, reusing the payload's JSON instead of encoding it again.

    Keys in sorted order, exactly as canonical_json would write them (tests/test_events.py checks it);
    recording happens on every write, so it must stay cheap.
    """
    dump = canonical_json
    return (f'{{"action":{dump(event.action)},"actor":{dump(event.actor)},"at":{dump(event.at)},'
            f'"device_id":{dump(event.device_id)},"entity":{dump(event.entity)},'
            f'"entity_id":{dump(event.entity_id)},"payload":{payload_json},"seq":{event.seq},'
            f'"uuid":{dump(event.uuid)}}}')


@dataclass(frozen=True)
class Event:
    uuid: str
    device_id: str
    seq: int
    actor: str
    at: str
    entity: str
    entity_id: str
    action: str
    payload: dict


def record_event(db: Database, *, entity: str, entity_id: str, action: str, payload: dict,
                 actor: str | None = None, at: datetime | None = None) -> Event:
    """Append an event; must run inside the caller's transaction (`with db.atomic():`).

    The actor defaults to the signed-in user (acting_username); app code never passes one.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("record_event must run inside the transaction of the change it records")
    device = device_id(db)
    last = db.conn.execute(
        "SELECT seq, hash FROM events WHERE device_id = ? ORDER BY seq DESC LIMIT 1", [device]
    ).fetchone()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    moment = (at or datetime.now().astimezone()).isoformat(timespec="seconds")
    event = Event(str(uuid.uuid4()), device, seq, actor or acting_username(), moment,
                  entity, entity_id, action, payload)
    payload_json = canonical_json(payload)
    link = hashlib.sha256((prev_hash + _fields_json(event, payload_json)).encode("utf-8")).hexdigest()
    db.conn.execute(
        """INSERT INTO events (uuid, device_id, seq, actor, at, entity, entity_id, action, payload,
                               prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [event.uuid, device, seq, event.actor, moment, entity, entity_id, action,
         payload_json, prev_hash, link],
    )
    return event


def pending_count(db: Database) -> int:
    """Events not yet acknowledged by the hub ("Chờ đồng bộ: N"), recomputed from the database."""
    return db.execute("SELECT count(*) FROM events WHERE acked_at IS NULL").fetchone()[0]


def events_for(db: Database, entity: str, entity_id: str) -> list[dict]:
    rows = db.execute(
        "SELECT uuid, device_id, seq, actor, at, action, payload FROM events "
        "WHERE entity = ? AND entity_id = ? ORDER BY at, device_id, seq",
        [entity, entity_id],
    ).fetchall()
    return [
        {"uuid": r[0], "device_id": r[1], "seq": r[2], "actor": r[3], "at": r[4], "action": r[5],
         "payload": json.loads(r[6])}
        for r in rows
    ]


RENUMBERED_KEY = "events_renumbered_at"  # `local`: when sync last renumbered this PC's unsent events


def heads_valid_since(db: Database, restored: datetime | None) -> datetime | None:
    """The moment after which a backup's chain heads still describe this log: the last restore, or later,
    when sync renumbered this PC's unsent events after taking its own events back from the hub
    (sync/recovery.py). Naive local time, as backups name their moment."""
    row = db.execute("SELECT value FROM local WHERE key = ?", [RENUMBERED_KEY]).fetchone()
    renumbered = datetime.fromisoformat(row[0]).replace(tzinfo=None) if row else None
    if renumbered is None or (restored is not None and restored >= renumbered):
        return restored
    return renumbered

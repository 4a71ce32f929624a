"""The event log: every change is recorded as an immutable event in the same transaction as the change.

Events are the sync outbox (pending while `acked_at` is NULL) and the audit trail: each holds the hash
of the previous event of its device, so a row edited behind the app's back breaks the chain.

Recording runs on every write, so a new event touches one b-tree only: the table. Its indexes
(`events_device_seq`, `events_uuid`, `events_entity`) hold acknowledged events: other devices' are stored
acknowledged, and this PC's enter them when the hub acknowledges them. This PC's pending events are found
in the rowid range after the acknowledged floor (`ACKED_FLOOR_KEY`, `PENDING`). Migration 0006 and
bench/bench_sync.py say why.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import hmac
import json
import os
import sqlite3
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from sqlite_utils import Database

from db.device import device_id, known_device_id
from db.local import get_local, put_local
from db.rows import named, scalar
from models.canonical import GENESIS_HASH as GENESIS_HASH
from models.canonical import _orjson_safe as _orjson_safe
from models.canonical import canonical_json as canonical_json
from models.canonical import canonical_json_bytes as canonical_json_bytes
from models.canonical import event_hash as event_hash
from models.canonical import event_order
from models.session import SYSTEM, current_user, require_signed_in


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


AUDIT_KEY_ATTRIBUTE = "_motcua_audit_key"  # set by db.connection.open_database from the secrets file


def audit_key(db: Database) -> bytes | None:
    return getattr(db, AUDIT_KEY_ATTRIBUTE, None)


def mac_with(key: bytes | None, link: str) -> str | None:
    """The event's key mark: HMAC-SHA256 of its chain hash under this PC's audit key (kept outside the
    database, db/secret_store.py), so an event edited, forged or re-chained with sqlite3 is noticed by
    `audit verify` (db/audit.py). One HMAC of 64 bytes per write (bench/bench_sync.py)."""
    return hmac.digest(key, link.encode(), "sha256").hex() if key is not None else None


_PADS_ATTRIBUTE = "_motcua_audit_pads"


def _mac_pads(db: Database) -> tuple[Any, Any] | None:
    """The audit key's HMAC-SHA256 inner and outer states (RFC 2104: SHA-256 of key⊕ipad and key⊕opad),
    made once per connection. record_event continues copies of them: the same HMAC as mac_with, without
    the one-shot call's digest lookup, which on the write path cost 2.5% of a dossier write
    (bench/bench_sync.py; tests/test_events.py checks both give the same mark)."""
    key = audit_key(db)
    if key is None:
        return None
    cached = getattr(db, _PADS_ATTRIBUTE, None)
    if cached is None or cached[0] is not key:
        block = key if len(key) <= 64 else hashlib.sha256(key).digest()
        block = block.ljust(64, b"\0")
        cached = (key, hashlib.sha256(bytes(b ^ 0x36 for b in block)), hashlib.sha256(bytes(b ^ 0x5C for b in block)))
        setattr(db, _PADS_ATTRIBUTE, cached)
    return cached[1], cached[2]


def _fast_mac(pads: tuple[Any, Any] | None, link: str) -> str | None:
    if pads is None:
        return None
    inner, outer = pads[0].copy(), pads[1].copy()
    inner.update(link.encode())
    outer.update(inner.digest())
    return outer.hexdigest()


def event_mac(db: Database, link: str) -> str | None:
    return mac_with(audit_key(db), link)


def _fields_around_payload(event: Event) -> tuple[str, str]:
    """canonical_json of the event's fields before and after the payload, keys in sorted order exactly as
    canonical_json writes them (tests/test_events.py checks it): record_event joins them around the
    payload's bytes instead of encoding the payload again (it runs on every write)."""
    dump = encode_basestring  # what canonical_json writes for a str, without the encoder's dispatch
    return (f'{{"action":{dump(event.action)},"actor":{dump(event.actor)},"at":{dump(event.at)},'
            f'"device_id":{dump(event.device_id)},"entity":{dump(event.entity)},'
            f'"entity_id":{dump(event.entity_id)},"payload":',
            f',"seq":{event.seq},"uuid":{dump(event.uuid)}}}')


class Event(NamedTuple):
    """One recorded change, as record_event returns it (a tuple: cheap to make on every write)."""

    uuid: str
    device_id: str
    seq: int
    actor: str
    at: str
    entity: str
    entity_id: str
    action: str
    payload: dict


_RANDOM_POOL: list[Any] = [b"", 0]  # os.urandom read 64 uuids at a time: one system call instead of one per event


def _forget_random_pool() -> None:
    _RANDOM_POOL[0], _RANDOM_POOL[1] = b"", 0


if hasattr(os, "register_at_fork"):  # a forked child must not hand out its parent's uuids
    os.register_at_fork(after_in_child=_forget_random_pool)


def new_event_uuid() -> str:
    """A random (version 4) UUID as text, as str(uuid.uuid4()) gives, from the same os.urandom bytes."""
    pool, at = _RANDOM_POOL
    if at >= len(pool):
        pool, at = os.urandom(16 * 64), 0
        _RANDOM_POOL[0] = pool
    _RANDOM_POOL[1] = at + 16
    raw = bytearray(pool[at:at + 16])
    raw[6] = raw[6] & 0x0F | 0x40
    raw[8] = raw[8] & 0x3F | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def record_event(db: Database, *, entity: str, entity_id: str, action: str, payload: dict,
                 actor: str | None = None, at: datetime | None = None) -> Event:
    """Append an event; must run inside the caller's transaction (`with db.atomic():`).

    The actor defaults to the signed-in user (acting_username); app code never passes one.
    """
    conn = db.conn
    if not conn.in_transaction:
        raise RuntimeError("record_event must run inside the transaction of the change it records")
    device = device_id(db)
    last = conn.execute(_CHAIN_HEAD, (device,)).fetchone()  # chain_head, without asking the device again
    last_seq, prev_hash = last if last else (0, GENESIS_HASH)  # _CHAIN_HEAD names (seq, hash)
    seq = last_seq + 1
    moment = (at or datetime.now().astimezone()).isoformat(timespec="seconds")
    event = Event(new_event_uuid(), device, seq, actor or acting_username(), moment,
                  entity, entity_id, action, payload)
    payload_bytes = canonical_json_bytes(payload)
    head, tail = _fields_around_payload(event)
    # One hash call over the joined bytes: measured cheaper in place than update() per part.
    link = hashlib.sha256(b"".join((f"{prev_hash}{head}".encode(), payload_bytes, tail.encode()))).hexdigest()
    conn.execute(INSERT_EVENT, (event.uuid, device, seq, event.actor, moment, entity, entity_id, action,
                                payload_bytes.decode(), prev_hash, link, _fast_mac(_mac_pads(db), link)))
    return event


# `local`: an events.id up to which every event of this PC is acknowledged. This PC's pending events lie
# after it (`id > floor`): they are in no index, and a scan of the rowid range from the floor finds them.
# Advanced by advance_acked_floor in the transactions that acknowledge events or store other devices'.
# _FLOOR reads `local` in SQL, not through db.local.get_local, on purpose: it is a subquery inside every
# pending-events statement (one statement, no extra round trip on the write path bench/bench_sync.py holds
# to its 10% goal).
ACKED_FLOOR_KEY = "events_acked_floor"
_FLOOR = f"(SELECT coalesce((SELECT CAST(value AS INTEGER) FROM local WHERE key = '{ACKED_FLOOR_KEY}'), 0))"
# This PC's pending events, given its device id: what every pending query adds to its WHERE.
PENDING = f"id > {_FLOOR} AND device_id = ? AND acked_at IS NULL"

# This PC's last event is its newest row: its events are numbered in the order they are stored (by
# record_event, and by sync/recovery.py, which stores renumbered events again after the hub's; before
# migration 0006 recovery renumbered in place, but then recorded its own event, the newest and highest).
# The rowid walk down from the end stops at once after a write of this PC; after a pull it passes what
# came in.
_CHAIN_HEAD = "SELECT seq, hash FROM events WHERE device_id = ? ORDER BY id DESC LIMIT 1"
INSERT_EVENT = ("INSERT INTO events (uuid, device_id, seq, actor, at, entity, entity_id, action, payload, prev_hash, "
                "hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


class ChainHead(NamedTuple):
    seq: int
    hash: str


def chain_head(db: Database) -> ChainHead | None:
    """(seq, hash) of this PC's last event, or None: where its next event continues the chain."""
    device = known_device_id(db)
    row = db.execute(_CHAIN_HEAD, (device,)).fetchone() if device is not None else None
    return ChainHead(*row) if row else None


def acked_floor(db: Database) -> int:
    value = get_local(db, ACKED_FLOOR_KEY)
    return int(value) if value else 0


def advance_acked_floor(db: Database) -> int:
    """Move the floor up to this PC's first pending event; inside the transaction that acknowledged events
    or stored other devices' (always acknowledged). An acknowledgement is never taken back, so the floor
    stays true (a restored database brings its own)."""
    device, floor = known_device_id(db), acked_floor(db)
    if device is None:
        return floor
    first_pending = scalar(db, f"SELECT min(id) FROM events WHERE {PENDING}", [device])
    reached = first_pending - 1 if first_pending is not None else \
        scalar(db, "SELECT coalesce(max(id), 0) FROM events")
    if reached > floor:
        put_local(db, ACKED_FLOOR_KEY, str(reached))
        return reached
    return floor


def pending_count(db: Database) -> int:
    """This PC's events not yet acknowledged by the hub ("Chờ đồng bộ: N"), recomputed from the database.
    Other devices' events are stored acknowledged (sync/projection.py), so only this PC's can be pending."""
    device = known_device_id(db)
    if device is None:
        return 0
    return scalar(db, f"SELECT count(*) FROM events WHERE {PENDING}", [device])


def own_pending_ids(db: Database, uuids: set[str] | None = None) -> dict[str, int]:
    """uuid -> events.id of this PC's pending events (only those named in `uuids`, if given): pending
    events are in no index, so they are found in the rowid range after the floor."""
    device = known_device_id(db)
    if device is None:
        return {}
    rows = db.execute(f"SELECT uuid, id FROM events WHERE {PENDING}", (device,))
    return {u: i for u, i in rows if uuids is None or u in uuids}


def event_at(db: Database, device: str, seq: int, columns: str = "uuid, hash") -> sqlite3.Row | None:
    """The device's event number `seq`, its `columns` read by name (acknowledged: by the index; this PC's
    pending ones: by the range)."""
    row = named(db, f"SELECT {columns} FROM events WHERE device_id = ? AND seq = ? AND acked_at IS NOT NULL",
                (device, seq)).fetchone()
    if row is None and device == known_device_id(db):
        row = named(db, f"SELECT {columns} FROM events WHERE {PENDING} AND seq = ?", (device, seq)).fetchone()
    return row


def own_events_after(db: Database, seq: int, columns: str) -> list[sqlite3.Row]:
    """`columns` (which name `seq`) of this PC's events with a seq above `seq` (acknowledged and pending),
    read by name, in seq order."""
    device = known_device_id(db)
    if device is None:
        return []
    rows = named(db, f"SELECT {columns} FROM events WHERE device_id = ? AND seq > ? AND acked_at IS NOT NULL",
                 (device, seq)).fetchall()
    rows += named(db, f"SELECT {columns} FROM events WHERE {PENDING} AND seq > ?", (device, seq)).fetchall()
    return sorted(rows, key=lambda row: row["seq"])


_TIMELINE_COLUMNS = "uuid, device_id, seq, actor, at, action, payload"
_TIMELINE_KEYS = tuple(_TIMELINE_COLUMNS.split(", "))
PendingByEntity = dict[tuple[str, str], list[tuple]]


def pending_by_entity(db: Database) -> PendingByEntity:
    """This PC's pending events grouped by (entity, entity_id), read once: for rebuilding many entities
    (sync/projection.rebuild_entities) without walking the pending range once per entity."""
    device = known_device_id(db)
    grouped: PendingByEntity = {}
    if device is None:
        return grouped
    for row in db.execute(f"SELECT entity, entity_id, {_TIMELINE_COLUMNS} FROM events WHERE {PENDING}", (device,)):
        entity, entity_id, *timeline = row
        grouped.setdefault((entity, entity_id), []).append(tuple(timeline))
    return grouped


def events_for(db: Database, entity: str, entity_id: str, *, pending: PendingByEntity | None = None) -> list[dict]:
    """An entity's events in the order every PC folds them, `(at, device_id, seq)` (sync/README.md).

    The timeline index holds acknowledged events; this PC's pending ones come from the pending range
    (or from `pending`, read once by pending_by_entity).
    """
    rows = db.execute(f"SELECT {_TIMELINE_COLUMNS} FROM events WHERE entity = ? AND entity_id = ? "
                      "AND acked_at IS NOT NULL", [entity, entity_id]).fetchall()
    if pending is not None:
        rows += pending.get((entity, entity_id), [])
    else:
        device = known_device_id(db)
        if device is not None:
            rows += db.execute(f"SELECT {_TIMELINE_COLUMNS} FROM events WHERE {PENDING} AND entity = ? "
                               "AND entity_id = ?", (device, entity, entity_id)).fetchall()
    events = [dict(zip(_TIMELINE_KEYS, row, strict=True)) for row in rows]
    events.sort(key=event_order)
    for event in events:
        event["payload"] = json.loads(event["payload"])
    return events


RENUMBERED_KEY = "events_renumbered_at"  # `local`: when sync last renumbered this PC's unsent events


def heads_valid_since(db: Database, restored: datetime | None) -> datetime | None:
    """The moment after which a backup's chain heads still describe this log: the last restore, or later,
    when sync renumbered this PC's unsent events after taking its own events back from the hub
    (sync/recovery.py). Naive local time, as backups name their moment."""
    value = get_local(db, RENUMBERED_KEY)
    renumbered = datetime.fromisoformat(value).replace(tzinfo=None) if value else None
    if renumbered is None or (restored is not None and restored >= renumbered):
        return restored
    return renumbered

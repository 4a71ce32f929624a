"""This PC's sync state (table `sync_state`, never synced): hub, token, pull cursor, last outcome."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime

from sqlite_utils import Database

from db import secret_store
from db.audit_marks import raise_marks
from db.device import device_id
from db.events import PENDING, advance_acked_floor, own_pending_ids
from db.rows import named, scalar
from db.secrets_move import data_dir_of
from sync.wire import EVENT_COLUMNS, row_to_wire


@dataclass(frozen=True)
class SyncState:
    hub_url: str = ""
    token: str = ""              # secret: kept in the secrets file (db/secret_store.py), never in the database
    unit_code: str = ""
    unit_key: str = ""           # secret, shared by the unit's devices: encrypts USB files for the unit
    hub_pin: str = ""            # secret: the SHA-256 of a self-signed hub's certificate, pinned at enrollment
    enrolled_at: str | None = None
    cursor: int = 0              # the hub's server sequence of the last event pulled and applied
    last_ok: str | None = None
    last_error: str | None = None
    last_attempt: str | None = None
    failures: int = 0            # failed runs in a row, for the automatic sync's back-off
    auto_minutes: int = 0        # automatic sync every N minutes in the GUI; 0 = off
    clock_warning: str | None = None
    restore_checked: str | None = None  # the `backup_restored_at` whose own events were taken back (recovery.py)
    recover_needed: bool = False       # the hub holds more of this PC's events than its log (seen at enrollment)
    recovery_note: str | None = None   # what the last recovery did, shown on the Đồng bộ screen
    station_confirmed: int | None = None  # the station number the hub last confirmed for this PC (sync/stations.py)
    station_note: str | None = None       # the last change of station number the hub made, shown to the clerk
    unit_view: list | None = None         # per PC of the unit, from the hub at the last run (GET /v1/unit/status)
    unit_view_at: str | None = None

    @property
    def enrolled(self) -> bool:
        return bool(self.hub_url and self.token)


_NAMES = {f.name for f in fields(SyncState)}
SECRET_FIELDS = ("token", "unit_key", "hub_pin")  # in the secrets file (issue #17), not in `sync_state`


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def load_state(db: Database) -> SyncState:
    values = {key: json.loads(value) for key, value in db.execute("SELECT key, value FROM sync_state")}
    folder = data_dir_of(db)
    for name in SECRET_FIELDS:
        values[name] = secret_store.get(folder, name) or ""
    return SyncState(**{k: v for k, v in values.items() if k in _NAMES})


def save_state(db: Database, **changes: object) -> SyncState:
    """Store some fields (inside the caller's transaction if there is one)."""
    unknown = set(changes) - _NAMES
    if unknown:
        raise KeyError(f"unknown sync state: {', '.join(sorted(unknown))}")
    hidden = {name: (str(changes.pop(name)) or None) for name in SECRET_FIELDS if name in changes}
    if hidden:
        secret_store.put(data_dir_of(db), **hidden)
    with db.atomic():
        for key, value in changes.items():
            db.execute("INSERT INTO sync_state(key, value) VALUES (?, ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       [key, json.dumps(value, ensure_ascii=False)])
    return load_state(db)


# Pending events are this PC's after the acknowledged floor (db.events.PENDING): a rowid range.
_PENDING = (f"FROM events e WHERE {PENDING} AND NOT EXISTS "
            "(SELECT 1 FROM sync_rejected r WHERE r.event_uuid = e.uuid)")


def pending_batch(db: Database, limit: int) -> list[dict]:
    """This PC's oldest events still to push (refused ones excepted), in the order they were made."""
    rows = db.execute(f"SELECT {', '.join('e.' + c.strip() for c in EVENT_COLUMNS.split(','))} "
                      f"{_PENDING} ORDER BY e.seq LIMIT ?", [device_id(db), limit]).fetchall()
    return [row_to_wire(row) for row in rows]


def sendable_count(db: Database) -> int:
    return scalar(db, f"SELECT count(*) {_PENDING}", [device_id(db)])


def mark_acked(db: Database, uuids: list[str], at: str | None = None) -> None:
    """Mark this PC's events acknowledged (by uuid, as the hub names them) and move the floor past them."""
    moment = at or now_iso()
    with db.atomic():  # BEGIN IMMEDIATE (db.connection.MotCuaDatabase)
        ids = own_pending_ids(db, set(uuids))
        db.conn.executemany("UPDATE events SET acked_at = ? WHERE id = ? AND acked_at IS NULL",
                            [(moment, event_id) for event_id in ids.values()])
        if ids:
            top = named(db, f"SELECT seq, hash FROM events WHERE id IN ({', '.join('?' for _ in ids)}) "
                        "ORDER BY seq DESC LIMIT 1", list(ids.values())).fetchone()
            raise_marks(db, {device_id(db): (top["seq"], top["hash"])})  # the hub holds this PC's chain up to here
        advance_acked_floor(db)


def mark_rejected(db: Database, rejected: list[dict], status: int) -> None:
    """Events the hub refused (4xx): kept, shown, and no longer sent until the clerk retries them."""
    with db.atomic():  # BEGIN IMMEDIATE (db.connection.MotCuaDatabase)
        db.conn.executemany(
            "INSERT OR REPLACE INTO sync_rejected(event_uuid, status, reason, rejected_at) VALUES (?, ?, ?, ?)",
            [(item["uuid"], status, str(item.get("reason", "")), now_iso()) for item in rejected])


def rejected_events(db: Database) -> list[dict]:
    # Refused events are this PC's pending ones: looked up in the pending range (db.events.PENDING).
    rows = db.execute("SELECT r.event_uuid, r.status, r.reason, r.rejected_at, e.entity, e.entity_id, e.action "
                      "FROM sync_rejected r LEFT JOIN (SELECT uuid, entity, entity_id, action FROM events "
                      f"WHERE {PENDING}) e ON e.uuid = r.event_uuid "
                      "ORDER BY r.rejected_at", [device_id(db)]).fetchall()
    names = ("uuid", "status", "reason", "rejected_at", "entity", "entity_id", "action")
    return [dict(zip(names, row, strict=True)) for row in rows]


def forget_rejections(db: Database) -> int:
    """Let refused events be sent again (after the cause was fixed, e.g. the PC enrolled again)."""
    with db.atomic():  # BEGIN IMMEDIATE (db.connection.MotCuaDatabase)
        return db.execute("DELETE FROM sync_rejected").rowcount

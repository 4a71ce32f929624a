"""After a restore: take this PC's own events back from the hub and renumber the ones written since.

A PC restored from an older backup has lost the events it made (and pushed) after that backup, and its
next events reuse sequence numbers the hub already holds with other content. Before pushing, the sync run
fetches this device's events the hub holds after its last acknowledged seq (`GET /v1/devices/me/events`)
and, in one transaction (sync/README.md, "After a restore"):

1. stores the ones the log lacks exactly as they were (uuid, seq, prev_hash, hash), acknowledged, and
   marks acknowledged the ones the restored log still had pending;
2. gives the events written since the restore (never acknowledged, so nobody else holds them) new numbers
   after the hub's last one, recomputing their prev_hash/hash chain (their uuid, moment and content stay);
3. rebuilds every entity those events touch with the projection appliers, and notes what it did.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlite_utils import Database

from db.device import device_id
from db.events import (
    GENESIS_HASH,
    INSERT_EVENT,
    PENDING,
    RENUMBERED_KEY,
    advance_acked_floor,
    canonical_json,
    chain_head,
    event_at,
    event_hash,
    event_mac,
    own_events_after,
    record_event,
)
from db.local import get_local, put_local
from db.rows import scalar
from sync import same_code
from sync.projection import _INSERT, rebuild_entities
from sync.state import now_iso, save_state
from sync.transport import HubError
from sync.wire import problem


class RecoveryRefused(HubError):
    """What the hub holds of this PC cannot be joined to its log: nothing was changed."""


@dataclass
class Recovery:
    fetched: int = 0        # this PC's events the hub had and the log had lost: stored again
    acknowledged: int = 0   # events the restored log still had pending that the hub already held
    renumbered: int = 0     # events written since the restore, numbered after the hub's last one
    conflicts: int = 0
    hub_max_seq: int = 0
    note: str = ""



class OwnEvent(NamedTuple):
    """One of this PC's events after the acknowledged floor, read by name."""

    id: int
    uuid: str
    seq: int
    prev_hash: str
    hash: str
    acked_at: str | None


_OWN_COLUMNS = ", ".join(OwnEvent._fields)

def restored_at(db: Database) -> str | None:
    """When this PC last restored a backup (db.backup_restore records it), or None."""
    from db.backup_restore import RESTORED_KEY

    return get_local(db, RESTORED_KEY)


def acknowledged_floor(db: Database) -> int:
    """The highest seq up to which every event of this PC is acknowledged: the hub and the log agree there."""
    me = device_id(db)
    first_pending = scalar(db, f"SELECT min(seq) FROM events WHERE {PENDING}", [me])
    if first_pending is not None:
        return first_pending - 1
    return local_max_seq(db)


def local_max_seq(db: Database) -> int:
    head = chain_head(db)
    return head.seq if head else 0


def _refuse(message: str) -> RecoveryRefused:
    return RecoveryRefused(f"Không lấy lại được thao tác của máy này từ máy chủ: {message}. Chưa thay đổi gì.")


def merge_own_events(db: Database, fetched: list[dict], *, floor: int, hub_max_seq: int = 0,
                     restore: str | None = None) -> Recovery:
    """Join this device's events fetched from the hub (seq > floor) to the log, renumber what clashes, rebuild.

    All in one transaction; raises RecoveryRefused, changing nothing, when the two cannot be joined safely.
    """
    me = device_id(db)
    hub: dict[int, dict] = {}
    for event in fetched:
        reason = problem(event)
        if reason is None and event["device_id"] != me:
            reason = "sự kiện của máy khác"
        if reason is None and event["seq"] <= floor:
            reason = "số thứ tự không nằm sau số đã xác nhận"
        if reason is not None:
            raise _refuse(f"máy chủ gửi sự kiện không hợp lệ ({reason})")
        hub[event["seq"]] = event
    result = Recovery(hub_max_seq=max([hub_max_seq, *hub]))
    with db.atomic():  # BEGIN IMMEDIATE (db.connection.MotCuaDatabase)
        local = {row["seq"]: OwnEvent(**dict(row)) for row in own_events_after(db, floor, _OWN_COLUMNS)}
        for seq, event in hub.items():
            row = local.get(seq)
            if row is not None and row.uuid == event["uuid"] and row.hash != event["hash"]:
                raise _refuse(f"sự kiện số {seq} khác nội dung với bản trên máy chủ")
        clash = min((s for s, e in hub.items() if s in local and local[s].uuid != e["uuid"]), default=None)
        moved = [local[s] for s in sorted(local) if clash is not None and s >= clash]
        if any(row.acked_at is not None for row in moved):
            raise _refuse("sự kiện số " + str(next(r.seq for r in moved if r.acked_at)) +
                          " đã được máy chủ xác nhận nhưng khác bản máy chủ đang giữ")
        moved_seqs = {row.seq for row in moved}
        inserted = [hub[s] for s in sorted(hub) if s not in local or s in moved_seqs]
        _check_links(db, me, floor, local, moved_seqs, inserted)

        moment = now_iso()
        for row in moved:  # out of the way of the hub's numbers (seq is unique per device)
            db.execute("UPDATE events SET seq = ? WHERE id = ?", [-row.id, row.id])
        local_uuids = {row.uuid for row in local.values()}  # pending ones are outside the uuid index
        for event in inserted:
            if event["uuid"] in local_uuids:
                raise _refuse(f"sự kiện số {event['seq']} trùng mã (uuid) với một sự kiện khác đã có")
            try:
                db.execute(_INSERT, [*(event[k] for k in ("uuid", "device_id", "seq", "actor", "at", "entity",
                                                          "entity_id", "action")),
                                     canonical_json(event["payload"]), event["prev_hash"], event["hash"], moment,
                                     event_mac(db, event["hash"])])
            except sqlite3.IntegrityError:
                raise _refuse(f"sự kiện số {event['seq']} trùng mã (uuid) với một sự kiện khác đã có") from None
        known_rows = [local[s] for s in hub if s in local and s not in moved_seqs and local[s].acked_at is None]
        pending_known = [row.uuid for row in known_rows]
        db.conn.executemany("UPDATE events SET acked_at = ? WHERE id = ? AND acked_at IS NULL",
                            [(moment, row.id) for row in known_rows])
        db.conn.executemany("DELETE FROM sync_rejected WHERE event_uuid = ?", [(u,) for u in pending_known])
        touched = {(e["entity"], e["entity_id"]) for e in inserted}
        for row in moved:
            touched.add(tuple(db.execute("SELECT entity, entity_id FROM events WHERE id = ?", [row.id]).fetchone()))
        _renumber(db, me, moved)
        advance_acked_floor(db)
        # A refusal for a reused number (409) no longer holds once the event has its new number.
        db.conn.executemany("DELETE FROM sync_rejected WHERE event_uuid = ? AND status = 409",
                            [(row.uuid,) for row in moved])
        same_code.take_changed(db)
        result.conflicts = rebuild_entities(db, touched)
        same_code.record_recodes(db, me, same_code.take_changed(db))  # a code reused after the restore
        result.fetched, result.acknowledged, result.renumbered = len(inserted), len(pending_known), len(moved)
        result.note = _note(result, restore, moment)
        if result.fetched or result.renumbered:
            record_event(db, entity="sync", entity_id=me, action="recover_own_events",
                         payload={"fetched": result.fetched, "acknowledged": result.acknowledged,
                                  "renumbered": result.renumbered, "hub_max_seq": result.hub_max_seq,
                                  "restored_at": restore})
        if moved:
            put_local(db, RENUMBERED_KEY, moment)
        save_state(db, restore_checked=restore, recover_needed=False, recovery_note=result.note)
    return result


def _check_links(db: Database, me: str, floor: int, local: dict[int, OwnEvent], moved_seqs: set[int],
                 inserted: list[dict]) -> None:
    """Every link that touches an event taken from the hub must hold: it continues the log exactly."""
    chain = {s: (row.prev_hash, row.hash) for s, row in local.items() if s not in moved_seqs}
    chain.update({e["seq"]: (e["prev_hash"], e["hash"]) for e in inserted})
    if floor > 0:
        below = event_at(db, me, floor, "hash")
        if below is not None:
            chain[floor] = ("", below["hash"])
    else:
        chain[0] = ("", GENESIS_HASH)
    fresh = {e["seq"] for e in inserted}
    for seq in sorted(chain):
        if seq - 1 in chain and (seq in fresh or seq - 1 in fresh) and chain[seq][0] != chain[seq - 1][1]:
            raise _refuse(f"sự kiện số {seq} trên máy chủ không nối tiếp sự kiện số {seq - 1} của máy này "
                          "(hai máy dùng chung một mã máy?)")


def _renumber(db: Database, me: str, moved: list[OwnEvent]) -> None:
    """Number the moved events after the device's last one, in their order, recomputing the hash chain.

    Each is stored again (a new id after the hub's events just stored): this PC's events stay in id order
    what they are in seq order, which db.events.chain_head relies on.
    """
    if not moved:
        return
    last = chain_head(db)  # the hub's last event: the moved ones wait below zero (seq = -id)
    seq, prev = last if last else (0, GENESIS_HASH)
    for row in moved:
        uuid, actor, at, entity, entity_id, action, payload = db.execute(
            "SELECT uuid, actor, at, entity, entity_id, action, payload FROM events WHERE id = ?", [row.id]).fetchone()
        seq += 1
        fields = {"uuid": uuid, "device_id": me, "seq": seq, "actor": actor, "at": at, "entity": entity,
                  "entity_id": entity_id, "action": action, "payload": json.loads(payload)}
        digest = event_hash(prev, fields)
        db.execute("DELETE FROM events WHERE id = ?", [row.id])
        db.execute(INSERT_EVENT, [uuid, me, seq, actor, at, entity, entity_id, action, payload, prev, digest,
                                   event_mac(db, digest)])
        prev = digest


def _note(result: Recovery, restore: str | None, moment: str) -> str:
    when = f"{datetime.fromisoformat(moment):%H:%M %d/%m/%Y}"
    after = "sau khi khôi phục" if restore else "(dữ liệu máy này cũ hơn máy chủ)"
    if not result.fetched and not result.renumbered:
        return (f"Đã kiểm tra {after}: máy chủ không giữ thao tác nào của máy này mà máy này thiếu"
                + (f" ({result.acknowledged} thao tác đã có trên máy chủ)" if result.acknowledged else "")
                + f" ({when}).")
    text = f"Đã lấy lại {result.fetched} thao tác của máy này từ máy chủ {after}"
    if result.renumbered:
        text += f"; {result.renumbered} thao tác ghi sau đó được đánh số tiếp theo để gửi"
    return text + f" ({when})."

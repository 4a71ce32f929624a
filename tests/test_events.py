"""The event log: written only inside the change's transaction, sequenced per device, hash-chained."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.events import (
    _CHAIN_HEAD,
    GENESIS_HASH,
    PENDING,
    canonical_json,
    event_hash,
    pending_count,
    record_event,
)


def _fields(row) -> dict:
    uuid, device, seq, actor, at, entity, entity_id, action, payload = row
    return {"uuid": uuid, "device_id": device, "seq": seq, "actor": actor, "at": at, "entity": entity,
            "entity_id": entity_id, "action": action, "payload": json.loads(payload)}


def test_record_event_outside_a_transaction_is_refused(db):
    with pytest.raises(RuntimeError):
        record_event(db, entity="x", entity_id="1", action="a", payload={})


def test_events_are_sequenced_and_chained(db):
    start = pending_count(db)
    with db.atomic():
        record_event(db, entity="x", entity_id="1", action="a", payload={"tên": "Đăng ký"}, actor="an")
        record_event(db, entity="x", entity_id="1", action="b", payload={}, actor="an")
    rows = db.execute("SELECT uuid, device_id, seq, actor, at, entity, entity_id, action, payload, prev_hash, hash "
                      "FROM events ORDER BY seq").fetchall()
    assert pending_count(db) == start + 2
    assert [row[2] for row in rows] == list(range(1, len(rows) + 1))
    previous = GENESIS_HASH
    for row in rows:
        assert row[9] == previous
        assert row[10] == event_hash(previous, _fields(row[:9]))
        previous = row[10]


@pytest.mark.parametrize("key", [os.urandom(32), os.urandom(64), os.urandom(100)])
def test_the_key_mark_is_the_hmac_sha256_of_the_chain_hash(db, key):
    """record_event continues precomputed HMAC states (db.events._mac_pads): the mark must be exactly what
    hmac.digest gives (audit verify recomputes it that way), for the shipped 32-byte key and for keys of a
    block and longer (hashed first, RFC 2104)."""
    import hmac

    from db.events import AUDIT_KEY_ATTRIBUTE

    setattr(db, AUDIT_KEY_ATTRIBUTE, key)
    with db.atomic():
        for action in ("a", "b"):
            record_event(db, entity="x", entity_id="1", action=action, payload={"tên": "Đăng ký"}, actor="an")
    rows = db.execute("SELECT hash, mac FROM events ORDER BY id DESC LIMIT 2").fetchall()
    assert [mac for _hash, mac in rows] == [hmac.digest(key, link.encode(), "sha256").hex() for link, _mac in rows]


def test_a_rolled_back_change_leaves_no_event(db):
    start = pending_count(db)
    with pytest.raises(ZeroDivisionError), db.atomic():
        record_event(db, entity="x", entity_id="1", action="a", payload={})
        1 / 0  # noqa: B018 - the change fails after its event was written
    assert pending_count(db) == start


def test_canonical_json_is_stable_and_keeps_vietnamese():
    assert canonical_json({"b": 1, "a": "Đ"}) == '{"a":"Đ","b":1}'


def test_fast_field_encoding_matches_canonical_json(db):
    """record_event builds the hashed JSON by hand; it must equal canonical_json of the same fields."""
    from db.events import Event, _fields_around_payload

    payload = {"tên": "Nguyễn \"Văn\" <An>", "n": 3, "list": [1, {"b": 2, "a": None}]}
    event = Event("u-1", "d-1", 7, "chị Hà", "2026-02-13T10:00:00+07:00", "dossier", "x\\y", "move", payload)
    fields = {"uuid": "u-1", "device_id": "d-1", "seq": 7, "actor": "chị Hà", "at": "2026-02-13T10:00:00+07:00",
              "entity": "dossier", "entity_id": "x\\y", "action": "move", "payload": payload}
    head, tail = _fields_around_payload(event)
    assert head + canonical_json(payload) + tail == canonical_json(fields)


# ----- the canonical form: orjson where it writes what json writes, json elsewhere

_STDLIB = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2 ** 70), max_value=2 ** 70)
            | st.floats(allow_nan=True, allow_infinity=True) | st.floats(min_value=-1e-3, max_value=1e-3)
            | st.text(alphabet=st.characters(exclude_categories=("Cs",))))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@settings(max_examples=600, deadline=None)
@given(_values)
def test_canonical_json_writes_exactly_what_the_standard_library_writes(value):
    """Audit hashes of events written before orjson came in, and the hub's, depend on this byte for byte."""
    assert canonical_json(value) == _STDLIB.encode(value)


@pytest.mark.parametrize("value", [
    1e-05, 1e16, 1e22, -2.5e-7, float("nan"), float("inf"), 2 ** 64, -(2 ** 63) - 1, {1: "a"}, {"a": [{2: 1}]},
    "\x00\x1f\x7f\u2028\u2029\"\\\n", "𝔘 Nguyễn", (1, 2), {"b": {"d": 1, "c": [0.1, 5.0]}, "a": None},
])
def test_canonical_json_edges_where_orjson_and_json_differ_or_refuse(value):
    assert canonical_json(value) == _STDLIB.encode(value)


def test_orjson_is_used_for_plain_payloads_and_not_for_small_floats():
    from db.events import _orjson_safe

    assert _orjson_safe({"a": [1, "b", None, True, 5.0, {"c": 0.5}], "d": 0.0})
    assert not _orjson_safe({"a": [{"c": 1e-5}]})
    assert not _orjson_safe({"a": float("nan")})
    assert not _orjson_safe({"when": datetime(2026, 1, 1).date()})  # json refuses it; so must we
    with pytest.raises(TypeError):
        canonical_json({"when": datetime(2026, 1, 1).date()})


def test_new_event_uuids_are_version_4_and_distinct():
    import uuid

    from db.events import new_event_uuid

    made = [new_event_uuid() for _ in range(2000)]
    assert len(set(made)) == len(made)
    for text in made[:50]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4 and parsed.variant == uuid.RFC_4122


# ----- the write path's layout (migration 0006): pending events along (device_id, seq) after the floor

def _acked(db, seqs) -> None:
    from db.device import device_id

    with db.atomic():
        db.conn.executemany("UPDATE events SET acked_at = '2026-03-02T08:00:00+07:00' WHERE device_id = ? AND seq = ?",
                            [(device_id(db), s) for s in seqs])


def _id_of(db, uuid: str) -> int:
    return db.execute("SELECT id FROM events WHERE uuid = ?", [uuid]).fetchone()[0]


def test_pending_count_follows_acknowledgements_and_the_floor(db):
    from db.events import acked_floor, advance_acked_floor
    from sync.state import mark_acked, pending_batch

    base = pending_count(db)
    with db.atomic():
        for i in range(6):
            record_event(db, entity="x", entity_id=str(i), action="a", payload={"i": i})
    assert pending_count(db) == base + 6
    batch = pending_batch(db, 1000)
    assert len(batch) == base + 6
    mark_acked(db, [e["uuid"] for e in batch[:-3]])
    assert pending_count(db) == 3
    assert acked_floor(db) == _id_of(db, batch[-4]["uuid"])  # the floor moved past the acknowledged run
    mark_acked(db, [batch[-1]["uuid"]])  # acknowledged out of order: the floor waits for the gap
    assert pending_count(db) == 2 and acked_floor(db) == _id_of(db, batch[-4]["uuid"])
    assert [e["uuid"] for e in pending_batch(db, 10)] == [batch[-3]["uuid"], batch[-2]["uuid"]]
    mark_acked(db, [batch[-3]["uuid"], batch[-2]["uuid"]])
    assert pending_count(db) == 0 and acked_floor(db) == _id_of(db, batch[-1]["uuid"])
    assert advance_acked_floor(db) == _id_of(db, batch[-1]["uuid"])


def test_a_floor_set_too_low_is_only_slower_never_wrong(db):
    from db.events import ACKED_FLOOR_KEY

    with db.atomic():
        for i in range(4):
            record_event(db, entity="x", entity_id=str(i), action="a", payload={})
    last = db.execute("SELECT max(seq) FROM events").fetchone()[0]
    _acked(db, range(1, last - 1))  # acknowledged by hand: the floor was not moved
    db.execute("DELETE FROM local WHERE key = ?", [ACKED_FLOOR_KEY])
    assert pending_count(db) == 2 == db.execute("SELECT count(*) FROM events WHERE acked_at IS NULL").fetchone()[0]


def test_the_uuid_stays_unique_among_acknowledged_events(db):
    import sqlite3

    with db.atomic():
        record_event(db, entity="x", entity_id="1", action="a", payload={})
    uuid, = db.execute("SELECT uuid FROM events ORDER BY id DESC LIMIT 1").fetchone()
    _acked(db, [db.execute("SELECT max(seq) FROM events").fetchone()[0]])
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO events (uuid, device_id, seq, actor, at, entity, entity_id, action, payload, "
                   "prev_hash, hash, acked_at) VALUES (?, 'other', 1, 'a', 'x', 'x', '1', 'a', '{}', '', '', 'x')",
                   [uuid])


def test_a_pending_event_writes_only_the_table(db):
    """The point of migration 0006: every index of events holds acknowledged events only, and the lookups
    the sync, the timeline, the audit and the chain head make use an index or the rowid (`EXPLAIN QUERY
    PLAN`)."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").fetchall()
    indexes = dict(rows)
    assert set(indexes) == {"events_device_seq", "events_entity", "events_uuid"}
    assert all("WHERE acked_at IS NOT NULL" in sql for sql in indexes.values())

    def plan(sql: str, params: list) -> str:
        return " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, params))

    assert "INTEGER PRIMARY KEY (rowid>?)" in plan(f"SELECT count(*) FROM events WHERE {PENDING}", ["d"])
    assert "events_uuid" in plan("SELECT hash FROM events WHERE uuid = ? AND acked_at IS NOT NULL", ["u"])
    assert "events_entity" in plan(
        "SELECT uuid FROM events WHERE entity = ? AND entity_id = ? AND acked_at IS NOT NULL", ["x", "1"])
    head = plan(_CHAIN_HEAD, ["d"])  # down the rowid from the newest row: no sort, no index
    assert head.startswith("SCAN events") and "TEMP B-TREE" not in head, head
    walk = plan("SELECT * FROM events WHERE acked_at IS NOT NULL ORDER BY device_id, seq", [])
    assert "events_device_seq" in walk and "TEMP B-TREE" not in walk, walk


def test_a_timeline_joins_acknowledged_and_pending_events_in_fold_order(db):
    from db.device import device_id
    from db.events import events_for, pending_by_entity

    with db.atomic():
        for i, moment in enumerate(["2026-03-02T10:00:00+07:00", "2026-03-02T08:00:00+07:00",
                                    "2026-03-02T09:00:00+07:00"]):
            record_event(db, entity="x", entity_id="A", action=f"a{i}", payload={}, at=datetime.fromisoformat(moment))
        record_event(db, entity="x", entity_id="B", action="other", payload={})
    _acked(db, [db.execute("SELECT seq FROM events WHERE action = 'a1'").fetchone()[0]])
    db.execute("INSERT INTO events (uuid, device_id, seq, actor, at, entity, entity_id, action, payload, prev_hash, "
               "hash, acked_at) VALUES ('r1', 'khac', 1, 'b', '2026-03-02T08:30:00+07:00', 'x', 'A', 'remote', "
               "'{}', '', '', 'x')")
    expected = ["a1", "remote", "a2", "a0"]
    assert [e["action"] for e in events_for(db, "x", "A")] == expected
    assert [e["action"] for e in events_for(db, "x", "A", pending=pending_by_entity(db))] == expected
    assert {e["device_id"] for e in events_for(db, "x", "A")} == {device_id(db), "khac"}
    assert [e["action"] for e in events_for(db, "x", "B")] == ["other"]


def test_migration_0006_keeps_every_event_and_sets_the_floor(tmp_path):
    """A database made before 0006, with acknowledged and pending events, comes through whole."""
    import sqlite3

    from sqlite_utils import Database

    from db.audit import verify_chain
    from db.connection import open_database
    from db.events import acked_floor
    from db.migrations import migrations

    path = tmp_path / "cu.sqlite3"
    old = Database(sqlite3.connect(path))
    migrations.apply(old, stop_before="0006_events_write_path")
    old.execute("INSERT INTO local(key, value) VALUES ('device_id', 'may-cu')")
    from db.events import GENESIS_HASH, canonical_json, event_hash

    prev = GENESIS_HASH  # as record_event wrote them before 0012 added the key mark (mac)
    with old.atomic():
        for i in range(5):
            fields = {"uuid": f"00000000-0000-4000-8000-00000000000{i}", "device_id": "may-cu", "seq": i + 1,
                      "actor": "an", "at": "2026-03-02T08:00:00+07:00", "entity": "x", "entity_id": str(i),
                      "action": "a", "payload": {"i": i, "tên": "Đ"}}
            link = event_hash(prev, fields)
            old.execute("INSERT INTO events (uuid, device_id, seq, actor, at, entity, entity_id, action, payload, "
                        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [*(fields[k] for k in ("uuid", "device_id", "seq", "actor", "at", "entity", "entity_id",
                                               "action")), canonical_json(fields["payload"]), prev, link])
            prev = link
    old.execute("UPDATE events SET acked_at = 'x' WHERE seq <= 3")
    before = old.execute("SELECT * FROM events ORDER BY id").fetchall()
    old.close()

    db = open_database(path)
    assert db.execute("SELECT id, uuid, device_id, seq, actor, at, entity, entity_id, action, payload, prev_hash, "
                      "hash, acked_at FROM events ORDER BY id").fetchall() == before
    assert acked_floor(db) == before[2][0] and pending_count(db) == 2  # the id of the last acknowledged one
    assert verify_chain(db).ok
    db.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_process_does_not_repeat_the_parents_uuids():
    """new_event_uuid reads os.urandom 64 uuids at a time; a child must not inherit the unread rest."""
    from db.events import new_event_uuid

    new_event_uuid()  # the pool holds 63 unread uuids now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, "".join(new_event_uuid() for _ in range(5)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 4096).decode()
    os.close(read)
    parents = "".join(new_event_uuid() for _ in range(5))
    assert len(child) == len(parents) == 5 * 36 and child != parents

"""The event log: written only inside the change's transaction, sequenced per device, hash-chained."""

from __future__ import annotations

import json

import pytest

from db.events import GENESIS_HASH, canonical_json, event_hash, pending_count, record_event


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
    from db.events import Event, _fields_json

    payload = {"tên": "Nguyễn \"Văn\" <An>", "n": 3, "list": [1, {"b": 2, "a": None}]}
    event = Event("u-1", "d-1", 7, "chị Hà", "2026-02-13T10:00:00+07:00", "dossier", "x\\y", "move", payload)
    fields = {"uuid": "u-1", "device_id": "d-1", "seq": 7, "actor": "chị Hà", "at": "2026-02-13T10:00:00+07:00",
              "entity": "dossier", "entity_id": "x\\y", "action": "move", "payload": payload}
    assert _fields_json(event, canonical_json(payload)) == canonical_json(fields)

"""Issue #17: `audit verify` fails on each tampering the review found it blind to."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sync_helpers import BASE, enroll, move, receive

from db.device import device_id
from db.events import GENESIS_HASH, event_hash
from services.audit import verify
from sync.client import run_sync
from sync.wire import HASHED_FIELDS


@pytest.fixture
def pc(clients):
    a = clients("a", 1)
    for i in range(3):
        dossier = receive(a.db, name=f"Công dân {i}", at=BASE + timedelta(minutes=i))
        move(a.db, dossier.code, "dang_xu_ly", BASE + timedelta(hours=1, minutes=i))
    assert verify(a.db, a.data_dir).ok
    return a


def _rows(db):
    return db.execute("SELECT id, uuid, device_id, seq, actor, at, entity, entity_id, action, payload FROM events "
                      "WHERE device_id = ? ORDER BY seq", [device_id(db)]).fetchall()


def _fields(row, **changes) -> dict:
    fields = dict(zip(HASHED_FIELDS, row[1:], strict=True))
    fields["payload"] = json.loads(fields["payload"])
    fields.update(changes)
    return fields


def test_last_events_deleted_after_sync_with_no_later_backup(pc, hub, cli):
    enroll(pc, hub)
    assert run_sync(pc.db, pc.data_dir).all_acknowledged
    last = _rows(pc.db)[-2:]
    # no backup since: the mark of what the hub acknowledged names the lost tail
    pc.db.execute(f"DELETE FROM events WHERE id IN ({last[0][0]}, {last[1][0]})")
    report = verify(pc.db, pc.data_dir)
    assert not report.ok and report.first_broken.kind == "truncated"
    result = cli("--data-dir", str(pc.data_dir), "audit", "verify")
    assert result.returncode == 1 and "thiếu các sự kiện cuối chuỗi" in result.stdout


def test_last_events_deleted_before_any_sync_or_backup(pc):
    last = _rows(pc.db)[-1]  # the last move: the dossier row still shows it
    pc.db.execute("DELETE FROM events WHERE id = ?", [last[0]])
    report = verify(pc.db, pc.data_dir)
    assert not report.ok and any("khác với nhật ký" in p for p in report.problems)


def test_every_event_deleted_while_dossiers_remain(pc):
    pc.db.execute("DELETE FROM events")
    report = verify(pc.db, pc.data_dir)
    assert not report.ok and report.events == 0
    assert any("không có sự kiện tiếp nhận" in p for p in report.problems)


def test_chain_rewritten_with_recomputed_hashes(pc):
    prev = GENESIS_HASH
    for row in _rows(pc.db):
        fields = _fields(row)
        if row[6] == "dossier" and row[8] == "receive":
            fields["payload"] = {**fields["payload"], "note": "viết lại"}
        link = event_hash(prev, fields)
        pc.db.execute("UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE id = ?",
                      [json.dumps(fields["payload"], ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                       prev, link, row[0]])
        prev = link
    report = verify(pc.db, pc.data_dir)
    assert not report.ok and report.first_broken.kind == "mac"


def test_a_forged_event_appended_to_the_chain(pc):
    last = _rows(pc.db)[-1]
    head = pc.db.execute("SELECT hash FROM events WHERE id = ?", [last[0]]).fetchone()[0]
    fields = _fields(last, uuid="9d1c7a52-0000-4000-8000-000000000001", seq=last[3] + 1,
                     entity="settings", entity_id="unit", action="update",
                     payload={"unit_name": "Giả mạo"})
    pc.db.execute("INSERT INTO events (uuid, device_id, seq, actor, at, entity, entity_id, action, payload, "
                  "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  [*(fields[k] for k in HASHED_FIELDS[:-1]), json.dumps(fields["payload"]), head,
                   event_hash(head, fields)])
    report = verify(pc.db, pc.data_dir)
    assert not report.ok and report.first_broken.kind == "mac"


def test_dossiers_table_edited_without_an_event(pc):
    pc.db.execute("UPDATE dossiers SET applicant_name = 'Người khác' WHERE id = (SELECT min(id) FROM dossiers)")
    report = verify(pc.db, pc.data_dir)
    assert not report.ok and any("applicant_name" in p for p in report.problems)
    assert all(chain.broken is None for chain in report.devices)  # the chains alone said "intact"


def test_settings_and_catalog_edited_without_an_event(pc):
    pc.db.execute("UPDATE settings SET value = json_set(value, '$.unit_name', 'Sửa tay')")
    pc.db.execute("UPDATE procedures SET name = 'Sửa tay' WHERE code = (SELECT min(code) FROM procedures)")
    problems = verify(pc.db, pc.data_dir).problems
    assert any(p.startswith("Cài đặt") for p in problems) and any(p.startswith("Thủ tục") for p in problems)

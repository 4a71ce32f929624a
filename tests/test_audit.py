"""The audit trail: an event row changed or removed behind the app's back breaks its device's chain and
`audit verify` names the first broken link; the audit screen's queries and exports."""

from __future__ import annotations

import csv
import json
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest

from db.audit import EventFilter, count_events, distinct_values, export_events, list_events, verify_chain
from db.backup import create_backup
from db.device import device_id
from db.dossier_store import receive_dossier
from db.events import GENESIS_HASH, canonical_json, event_hash, record_event
from db.settings_store import update_settings
from models.dossier_applicant import make_applicant
from sync.projection import apply_remote_events

AN = make_applicant(name="Nguyễn Văn An", cccd="001090123456", phone="0912345678", today=date(2026, 3, 1))


def _record(db, n: int, actor: str = "an", action: str = "set", entity_id: str = "x") -> None:
    with db.atomic():
        for i in range(n):
            record_event(db, entity="test", entity_id=entity_id, action=action, payload={"i": i, "tên": "Đ"},
                         actor=actor)


def _seq_row(db, seq: int) -> tuple:
    me = device_id(db)
    return db.execute("SELECT id, uuid FROM events WHERE device_id = ? AND seq = ?", [me, seq]).fetchone()


def test_an_untouched_log_verifies(db) -> None:
    _record(db, 5)
    report = verify_chain(db)
    assert report.ok and report.first_broken is None
    assert report.events == db.execute("SELECT count(*) FROM events").fetchone()[0]


def test_an_edited_event_is_named_by_device_seq_and_uuid(db) -> None:
    _record(db, 10)
    row_id, event_uuid = _seq_row(db, 7)
    db.execute("UPDATE events SET payload = ? WHERE id = ?", ['{"i":999,"tên":"Đ"}', row_id])
    broken = verify_chain(db).first_broken
    assert (broken.device_id, broken.seq, broken.uuid, broken.kind) == (device_id(db), 7, event_uuid, "hash")


@pytest.mark.parametrize("column, value", [("actor", "ke-gian"), ("at", "2020-01-01T00:00:00+07:00"),
                                           ("action", "delete"), ("entity_id", "y")])
def test_any_hashed_field_edited_is_detected(db, column: str, value: str) -> None:
    _record(db, 4)
    row_id, _uuid = _seq_row(db, 3)
    db.execute(f"UPDATE events SET {column} = ? WHERE id = ?", [value, row_id])
    assert verify_chain(db).first_broken.seq == 3


def test_a_removed_event_shows_as_a_gap(db) -> None:
    _record(db, 10)
    row_id, _uuid = _seq_row(db, 4)
    _next_id, next_uuid = _seq_row(db, 5)
    db.execute("DELETE FROM events WHERE id = ?", [row_id])
    broken = verify_chain(db).first_broken
    assert (broken.seq, broken.kind, broken.uuid) == (4, "gap", next_uuid)
    assert "số 4" in broken.message


def test_an_edit_with_a_recomputed_hash_lacks_the_key_mark(db) -> None:
    _record(db, 6)
    row = db.execute("SELECT id, uuid, device_id, seq, actor, at, entity, entity_id, action, prev_hash FROM events "
                     "WHERE device_id = ? AND seq = 3", [device_id(db)]).fetchone()
    fields = dict(zip(("uuid", "device_id", "seq", "actor", "at", "entity", "entity_id", "action"), row[1:9],
                      strict=True), payload={"forged": True})
    db.execute("UPDATE events SET payload = ?, hash = ? WHERE id = ?",
               [canonical_json(fields["payload"]), event_hash(row[9], fields), row[0]])
    broken = verify_chain(db).first_broken
    assert (broken.seq, broken.kind) == (3, "mac")  # the key mark (issue #17) sees it before the next link


def test_events_cut_from_the_end_are_caught_by_the_last_backup(db, data_dir: Path) -> None:
    from db.backup_restore import audit_anchors

    _record(db, 5)
    create_backup(data_dir)
    last_id, _uuid = _seq_row(db, db.execute("SELECT max(seq) FROM events WHERE device_id = ?",
                                             [device_id(db)]).fetchone()[0])
    db.execute("DELETE FROM events WHERE id = ?", [last_id])
    assert verify_chain(db).ok  # a chain alone cannot see its own end cut off
    broken = verify_chain(db, audit_anchors(data_dir, db)).first_broken
    assert broken is not None and broken.kind == "truncated"


def _remote_events(count: int) -> list[dict]:
    device, previous, events = str(uuid.uuid4()), GENESIS_HASH, []
    for seq in range(1, count + 1):
        fields = {"uuid": str(uuid.uuid4()), "device_id": device, "seq": seq, "actor": "may2",
                  "at": f"2026-03-0{seq}T09:00:00+07:00", "entity": "test", "entity_id": "r", "action": "set",
                  "payload": {"seq": seq}}
        digest = event_hash(previous, fields)
        events.append({**fields, "prev_hash": previous, "hash": digest})
        previous = digest
    return events


def test_events_synced_from_another_device_are_verified_on_their_own_chain(db) -> None:
    _record(db, 2)
    events = _remote_events(4)
    assert apply_remote_events(db, events).new == 4
    report = verify_chain(db)
    assert report.ok and len(report.devices) == 2 and report.devices[0].local
    db.execute("UPDATE events SET actor = 'ai-do' WHERE uuid = ?", [events[2]["uuid"]])
    report = verify_chain(db)
    assert report.devices[0].broken is None
    broken = report.first_broken
    assert (broken.device_id, broken.seq, broken.uuid) == (events[0]["device_id"], 3, events[2]["uuid"])


def test_cli_audit_verify_exits_non_zero_and_names_the_link(data_dir: Path, db, cli) -> None:
    _record(db, 3)
    assert cli("--data-dir", str(data_dir), "audit", "verify").returncode == 0
    row_id, event_uuid = _seq_row(db, 2)
    db.execute("UPDATE events SET payload = '{}' WHERE id = ?", [row_id])
    result = cli("--data-dir", str(data_dir), "audit", "verify")
    assert result.returncode == 1
    assert f"sự kiện số 2 (uuid {event_uuid})" in result.stdout and device_id(db) in result.stdout
    data = json.loads(cli("--data-dir", str(data_dir), "--json", "audit", "verify").stdout)
    assert data["ok"] is False and data["devices"][0]["broken"]["uuid"] == event_uuid


def test_filters_by_person_dossier_action_and_period(db) -> None:
    dossier = receive_dossier(db, procedure_code="2.001019", applicant=AN, received_at=datetime(2026, 2, 13, 10),
                              now=datetime(2026, 3, 20, 12), actor="chi")
    with db.atomic():
        record_event(db, entity="test", entity_id="t", action="cu", payload={}, actor="an",
                     at=datetime.fromisoformat("2025-12-31T23:00:00+07:00"))
    update_settings(db, {"unit_name": "UBND xã Mới"}, actor="binh")
    by_chi = list_events(db, EventFilter(actor="chi"))
    assert by_chi and {e["actor"] for e in by_chi} == {"chi"}
    by_code = list_events(db, EventFilter(dossier=dossier.code))
    assert [e["dossier_code"] for e in by_code] == [dossier.code] * len(by_code)
    assert by_code[0]["action"] == "receive" and by_code[0]["payload"]
    assert count_events(db, EventFilter(action="update", actor="binh")) == 1
    old = list_events(db, EventFilter(since="2025-12-31", until="2025-12-31"))
    assert [e["action"] for e in old] == ["cu"]
    assert count_events(db, EventFilter(until="2025-12-30")) == 0
    assert "chi" in distinct_values(db, "actor") and "receive" in distinct_values(db, "action")
    page = list_events(db, limit=2, offset=1)
    assert [e["id"] for e in page] == [e["id"] for e in list_events(db, limit=3)][1:]


def test_export_csv_and_xlsx_and_the_export_is_recorded(db, tmp_path: Path) -> None:
    _record(db, 3, actor="=cmd|' /C calc'!A0")
    target = tmp_path / "nhat-ky.csv"
    rows = export_events(db, target, EventFilter(entity="test"), actor="an")
    assert rows == 3
    with open(target, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][0] == "Thời điểm" and len(lines) == 4
    assert all(line[1].startswith("'=") for line in lines[1:])  # a formula stays text in Excel
    recorded = list_events(db, EventFilter(entity="audit"))
    assert recorded[0]["actor"] == "an" and recorded[0]["payload"]["rows"] == 3
    from openpyxl import load_workbook

    xlsx = tmp_path / "nhat-ky.xlsx"
    assert export_events(db, xlsx, EventFilter(entity="test"), actor="an") == 3
    sheet = load_workbook(xlsx).active
    assert sheet.max_row == 4 and sheet.cell(2, 2).data_type == "s"
    assert not list(tmp_path.glob(".*.tmp*"))


def test_cli_audit_list_and_export(data_dir: Path, db, cli, tmp_path: Path) -> None:
    _record(db, 2, actor="dung", action="xem")
    listed = cli("--data-dir", str(data_dir), "--json", "audit", "list", "--actor", "dung", "--from", "01/01/2020")
    assert listed.returncode == 0, listed.stderr
    assert [e["actor"] for e in json.loads(listed.stdout)] == ["dung", "dung"]
    bad = cli("--data-dir", str(data_dir), "audit", "list", "--from", "31/12/2026", "--to", "01/01/2026")
    assert bad.returncode == 2 and "Khoảng thời gian" in bad.stderr
    out = tmp_path / "a.xlsx"
    exported = cli("--data-dir", str(data_dir), "audit", "export", str(out), "--action", "xem")
    assert exported.returncode == 0 and out.exists() and "2 dòng" in exported.stdout
    assert cli("--data-dir", str(data_dir), "audit", "export", str(tmp_path / "a.pdf")).returncode == 2

"""A PC restored from an older backup takes its own events back from a real hub process: nothing lost or doubled."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

import pytest
from sync_helpers import BASE, dossier_rows, enroll, local_events, move, receive, request

from db.connection import database_path
from db.data_folder import open_data_folder
from db.device import device_id
from db.events import chain_head, pending_count


def _sync(client):
    from sync.client import run_sync

    report = run_sync(client.db, client.data_dir)
    assert report.all_acknowledged, report.to_dict()
    return report


def _reopen(client, change) -> None:
    """Close the PC's database, `change` the data folder (restore, copy back), open it again."""
    client.db.close()
    change()
    client.db = open_data_folder(client.data_dir)


def _wire(events) -> set[tuple]:
    return {(e["uuid"], e["seq"], e["hash"]) for e in events}


def _assert_hub_holds_each_once(hub, *clients) -> None:
    stored = hub.events()
    assert len({row[0] for row in stored}) == len(stored)                       # no uuid twice
    assert len({(row[1], row[2]) for row in stored}) == len(stored)             # no device seq twice
    for client in clients:
        mine = {(u, s, h) for u, d, s, h in stored if d == device_id(client.db)}
        assert mine == _wire(local_events(client.db))                            # the same chain on both ends
    assert len(stored) == sum(len(local_events(c.db)) for c in clients)


def test_restored_pc_takes_back_its_events_and_renumbers_the_new_ones(hub, clients, cli):
    from db.backup import create_backup
    from db.backup_restore import restore_backup

    a, b = clients("a", 1), clients("b", 2)
    enroll(a, hub)
    enroll(b, hub)
    first = [receive(a.db, name=f"Công dân trước {i}", at=BASE + timedelta(minutes=10 * i)) for i in range(3)]
    _sync(a)
    backup = create_backup(a.data_dir, now=datetime.now() - timedelta(minutes=10)).path
    before_backup = _wire(local_events(a.db))
    # After the backup: more dossiers, some moved; all pushed (the hub and B have them), then the disk dies.
    later = [receive(a.db, name=f"Công dân sau {i}", at=BASE + timedelta(hours=2, minutes=10 * i)) for i in range(2)]
    move(a.db, first[0].code, "dang_xu_ly", BASE + timedelta(hours=3))
    move(a.db, later[0].code, "dang_xu_ly", BASE + timedelta(hours=3, minutes=5))
    move(a.db, later[0].code, "co_ket_qua", BASE + timedelta(hours=4))
    _sync(a)
    _sync(b)
    lost = _wire(local_events(a.db)) - before_backup
    assert lost

    _reopen(a, lambda: restore_backup(a.data_dir, backup))
    assert not _wire(local_events(a.db)) & lost                                  # the restored log lacks them
    offline = receive(a.db, name="Công dân sau khôi phục", at=BASE + timedelta(days=1))
    move(a.db, first[1].code, "tu_choi", BASE + timedelta(days=1, hours=1))
    written_since = [e for e in local_events(a.db) if (e["uuid"], e["seq"], e["hash"]) not in before_backup]
    # A backup made since the restore (the app makes one at exit) names chain heads the recovery rewrites:
    # `audit verify` must not take them for a rewritten log. The restore is dated a minute back to order them.
    now = datetime.now()
    a.db.execute("UPDATE local SET value = ? WHERE key = 'backup_restored_at'",
                 [(now - timedelta(minutes=1)).astimezone().isoformat(timespec="seconds")])
    a.db.conn.commit()
    create_backup(a.data_dir, now=now - timedelta(seconds=30))
    hub_seqs = {row[2] for row in hub.events() if row[1] == device_id(a.db)}
    assert {e["seq"] for e in written_since} & hub_seqs                         # they reuse the hub's numbers

    result = cli("--data-dir", str(a.data_dir), "--json", "sync", "run")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["all_acknowledged"] and report["recovered"] == len(lost)
    assert report["rejected"] == 0
    _sync(b)

    mine = local_events(a.db)
    assert lost <= _wire(mine)                                                   # back with uuid, seq and hash
    # Renumbered: what was written since the restore (here, and the command line's own first sign-in).
    kept = {u for u, _s, _h in before_backup | lost}
    renumbered = [e for e in mine if e["uuid"] not in kept and e["entity"] != "sync"]
    assert {e["uuid"] for e in written_since} <= {e["uuid"] for e in renumbered}
    assert len(renumbered) == report["renumbered"]
    assert min(e["seq"] for e in renumbered) == max(hub_seqs) + 1                # numbered after the hub's
    assert [e["seq"] for e in mine] == list(range(1, len(mine) + 1))
    # Stored in id order what they are in seq order (renumbered ones stored again after the hub's): the
    # newest row is the chain head the next event continues (db.events.chain_head).
    by_id = [row[0] for row in a.db.execute("SELECT seq FROM events WHERE device_id = ? ORDER BY id",
                                             [device_id(a.db)])]
    assert by_id == sorted(by_id) and chain_head(a.db).seq == len(mine)
    assert pending_count(a.db) == 0 and pending_count(b.db) == 0
    _assert_hub_holds_each_once(hub, a, b)

    rows = dossier_rows(a.db)
    assert rows == dossier_rows(b.db) and len(rows) == 6
    assert len({row["code"] for row in rows.values()}) == 6
    states = {d.uuid: rows[d.uuid]["state"] for d in (*first, *later, offline)}
    assert states[first[0].uuid] == "dang_xu_ly" and states[first[1].uuid] == "tu_choi"
    assert states[later[0].uuid] == "co_ket_qua" and states[offline.uuid] == states[first[2].uuid]
    for client in (a, b):
        verified = cli("--data-dir", str(client.data_dir), "--json", "audit", "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert json.loads(verified.stdout)["ok"] is True

    status = cli("--data-dir", str(a.data_dir), "sync", "status")
    assert f"Đã lấy lại {len(lost)} thao tác của máy này từ máy chủ sau khi khôi phục" in status.stdout
    recorded = a.db.execute("SELECT payload FROM events WHERE entity = 'sync' AND action = 'recover_own_events'")
    assert [json.loads(row[0])["fetched"] for row in recorded] == [len(lost)]
    again = cli("--data-dir", str(a.data_dir), "--json", "sync", "run")      # once done, it does not run again
    assert again.returncode == 0 and json.loads(again.stdout)["recovered"] == 0
    _sync(b)                                                  # B's own 'audit verify' note travels too
    _assert_hub_holds_each_once(hub, a, b)


def test_a_data_folder_copied_back_by_hand_recovers_on_the_hubs_refusal(hub, clients, tmp_path):
    from db.audit import verify_chain

    a = clients("a", 1)
    enroll(a, hub)
    receive(a.db, name="Công dân 1")
    _sync(a)
    copy = tmp_path / "ban-chep.sqlite3"
    _reopen(a, lambda: shutil.copyfile(database_path(a.data_dir), copy))
    receive(a.db, name="Công dân 2", at=BASE + timedelta(hours=1))
    _sync(a)
    pushed = _wire(local_events(a.db))
    _reopen(a, lambda: shutil.copyfile(copy, database_path(a.data_dir)))      # no restore recorded
    receive(a.db, name="Công dân 3", at=BASE + timedelta(days=1))

    report = _sync(a)                                      # the hub answers 409; the run recovers and goes on
    assert report.recovered > 0 and report.renumbered > 0 and report.rejected == 0
    assert "cũ hơn máy chủ" in report.recovery_note
    assert pushed <= _wire(local_events(a.db)) and verify_chain(a.db).ok
    assert {row["applicant_name"] for row in dossier_rows(a.db).values()} == {f"Công dân {i}" for i in (1, 2, 3)}
    _assert_hub_holds_each_once(hub, a)


def test_the_hub_hands_a_device_its_own_events_only_with_its_token(hub, clients):
    a, b = clients("a", 1), clients("b", 2)
    token_a, token_b = enroll(a, hub), enroll(b, hub)
    receive(a.db)
    receive(b.db)
    events = local_events(a.db)
    status, body = request(hub.url, "POST", "/v1/events", {"device_id": device_id(a.db), "events": events},
                           token=token_a)
    assert status == 200 and body["device_max_seq"] == len(events)
    path = "/v1/devices/me/events"
    for token, expected in ((None, 401), ("mc1.0123.sai", 401), (token_a + "x", 401), (hub.token(), 403)):
        status, body = request(hub.url, "GET", f"{path}?after_seq=0", token=token)
        assert status == expected and body["message"] and "events" not in body
    for query in ("after_seq=-1", "after_seq=abc", "limit=0", "limit=5000"):
        status, body = request(hub.url, "GET", f"{path}?{query}", token=token_a)
        assert status == 400 and body["error"] == "bad_request"
    status, body = request(hub.url, "GET", f"{path}?after_seq=1&limit=2", token=token_a)
    assert status == 200 and body["device_id"] == device_id(a.db) and body["max_seq"] == len(events)
    assert [e["seq"] for e in body["events"]] == [2, 3] and body["more"] and body["next"] == 3
    assert [e["uuid"] for e in body["events"]] == [e["uuid"] for e in events[1:3]]
    status, body = request(hub.url, "GET", f"{path}?after_seq=0", token=token_b)   # B pushed nothing yet
    assert status == 200 and body["events"] == [] and body["max_seq"] == 0 and not body["more"]
    _status, spec = request(hub.url, "GET", "/openapi.json")
    assert "after_seq" in json.dumps(spec["paths"][path]["get"]["parameters"])


def test_events_that_do_not_continue_the_log_are_refused_and_nothing_changes(clients):
    from sync.recovery import RecoveryRefused, merge_own_events

    a, b = clients("a", 1), clients("b", 2)
    receive(a.db)
    receive(b.db)
    before = local_events(a.db)
    foreign = local_events(b.db)[:1]
    with pytest.raises(RecoveryRefused, match="máy khác"):
        merge_own_events(a.db, foreign, floor=0)
    stranger = [dict(e, device_id=device_id(a.db)) for e in foreign]    # its hash no longer matches
    with pytest.raises(RecoveryRefused):
        merge_own_events(a.db, stranger, floor=0)
    assert local_events(a.db) == before


def test_the_sync_screen_shows_what_the_recovery_did(qtbot, qapp, tmp_path):
    from sync.state import save_state
    from ui.app import create_application, open_context
    from ui.sync_screen import SyncScreen

    create_application()
    context = open_context(tmp_path / "gui")
    try:
        screen = SyncScreen(context)
        qtbot.addWidget(screen)
        assert not screen.recovery_label.isVisibleTo(screen)
        note = "Đã lấy lại 3 thao tác của máy này từ máy chủ sau khi khôi phục (08:00 02/03/2026)."
        save_state(context.db, recovery_note=note)
        screen.refresh()
        assert screen.recovery_label.isVisibleTo(screen) and screen.recovery_label.text() == note
    finally:
        context.db.close()

"""Station numbers handed out by the hub: PCs with default settings get 1, 2, 3…; a PC that used a number
another PC holds moves to its own for new dossiers; a number held by another PC is refused; the 10th PC too."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sync_helpers import BASE, UNIT, enroll, receive

from db.device import device_id, station_number
from sync.client import run_sync, sync_status
from sync.state import load_state


def _stations(cli, hub) -> dict:
    done = cli("--json", "hub", "stations", "--data-dir", str(hub.data_dir), "--unit-code", UNIT, env=hub.env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_pcs_with_default_settings_get_one_number_each(hub, clients, cli):
    pcs = [clients(name) for name in ("a", "b", "c")]
    for pc in pcs:
        enroll(pc, hub)
    assert [station_number(pc.db) for pc in pcs] == [1, 2, 3]
    listed = _stations(cli, hub)
    assert [(s["station"], s["device_id"]) for s in listed["stations"]] == \
        [(n, device_id(pc.db)) for n, pc in zip((1, 2, 3), pcs, strict=True)]
    assert listed["free"] == [4, 5, 6, 7, 8, 9]
    text = cli("hub", "stations", "--data-dir", str(hub.data_dir), "--unit-code", UNIT, env=hub.env).stdout
    assert "Số 2: máy" in text and "số còn trống: 4, 5, 6, 7, 8, 9" in text
    codes = [receive(pc.db).code for pc in pcs]
    assert [code[-4] for code in codes] == ["1", "2", "3"]        # no two PCs give one code


def test_a_pc_that_received_under_a_held_number_moves_for_new_dossiers(hub, clients):
    a, b = clients("a"), clients("b")
    enroll(a, hub)
    old = receive(b.db, name="Trước khi đăng ký")                  # b worked offline as station 1
    assert old.code.endswith("-1001")
    result = enroll(b, hub)
    assert result and station_number(b.db) == 2
    assert "số máy trạm 2" in load_state(b.db).station_note and "giữ nguyên mã" in load_state(b.db).station_note
    new = receive(b.db, name="Sau khi đăng ký", at=BASE + timedelta(minutes=5))
    assert new.code.endswith("-2001")
    assert b.db.execute("SELECT code FROM dossiers WHERE uuid = ?", [old.uuid]).fetchone()[0] == old.code


def test_a_pc_keeps_a_free_number_it_chose(hub, clients):
    a = clients("a", 5)
    enroll(a, hub)
    assert station_number(a.db) == 5


def test_settings_set_station_refused_when_held_and_allowed_offline_with_a_warning(hub, clients, cli):
    a, b = clients("a"), clients("b")
    enroll(a, hub)
    enroll(b, hub)
    b.db.close()
    refused = cli("--data-dir", str(b.data_dir), "settings", "set", "--station", "1")
    assert refused.returncode != 0 and "Số máy trạm 1 đang do một máy khác" in refused.stderr
    assert "Traceback" not in refused.stderr
    moved = cli("--json", "--data-dir", str(b.data_dir), "settings", "set", "--station", "4")
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["station_number"] == 4 and json.loads(moved.stdout)["warning"] is None
    assert {s["station"] for s in _stations(cli, hub)["stations"]} == {1, 4}
    hub.kill()                                                      # the hub cannot be asked: allowed, warned
    offline = cli("--json", "--data-dir", str(b.data_dir), "settings", "set", "--station", "1")
    assert offline.returncode == 0, offline.stderr
    assert "Chưa hỏi được máy chủ" in json.loads(offline.stdout)["warning"]
    hub.start()                                                     # next sync: 1 is a's, b takes its own again
    from db.data_folder import open_data_folder

    b.db = open_data_folder(b.data_dir)
    report = run_sync(b.db, b.data_dir)
    assert report.error is None and station_number(b.db) == 4
    assert "vì số 1 đã có máy khác" in report.station_note
    assert sync_status(b.db)["station"] == 4


def test_the_tenth_pc_of_a_unit_is_refused_with_a_message(hub, cli):
    for _ in range(9):
        hub.token()
    tenth = cli("hub", "enroll", "--data-dir", str(hub.data_dir), "--unit-code", UNIT, env=hub.env)
    assert tenth.returncode != 0 and "đã có đủ 9 máy trạm" in tenth.stderr and "--release" in tenth.stderr
    released = cli("hub", "stations", "--data-dir", str(hub.data_dir), "--unit-code", UNIT, "--release", "3", env=hub.env)
    assert released.returncode == 0 and "Đã giải phóng số máy trạm 3" in released.stdout
    again = cli("--json", "hub", "enroll", "--data-dir", str(hub.data_dir), "--unit-code", UNIT, env=hub.env)
    assert again.returncode == 0 and json.loads(again.stdout)["station"] == 3


def _unseen(db) -> dict:
    return {("me" if r["me"] else r["device_id"]): (r["unseen"], r["unsent"]) for r in sync_status(db)["unseen_by_pc"]}


def test_sync_status_counts_per_pc_the_dossiers_the_others_have_not_seen(hub, clients, cli):
    a, b = clients("a"), clients("b")
    enroll(a, hub)
    enroll(b, hub)
    me_a, me_b = device_id(a.db), device_id(b.db)
    for minute in (0, 1):
        receive(a.db, at=BASE + timedelta(minutes=minute))
    assert _unseen(a.db) == {"me": (2, 2)}                          # never synced: only its own, unsent
    assert run_sync(a.db, a.data_dir).error is None
    assert _unseen(a.db) == {"me": (2, 0), me_b: (0, 0)}            # on the hub, b has not pulled them
    receive(b.db, name="Lê Thị Bình", at=BASE + timedelta(minutes=3))
    assert run_sync(b.db, b.data_dir).error is None
    assert _unseen(b.db) == {"me": (1, 0), me_a: (0, 0)}            # b has a's two; a has not b's one
    assert run_sync(a.db, a.data_dir).error is None
    assert _unseen(a.db) == {"me": (0, 0), me_b: (0, 0)}
    b.db.close()
    text = cli("--data-dir", str(b.data_dir), "sync", "status").stdout
    assert "Hồ sơ các máy khác chưa thấy" in text and "Máy này, số máy trạm 2: 1" in text
    assert "Số máy trạm: 2 (máy chủ đã xác nhận)" in text
    last_ok = next(line for line in text.splitlines() if line.startswith("Lần đồng bộ thành công cuối: "))
    assert re.fullmatch(r"Lần đồng bộ thành công cuối: \d\d:\d\d \d\d/\d\d/\d{4}", last_ok)  # as a clerk reads it
    assert not re.search(r"\d{4}-\d\d-\d\dT", text)                                       # no ISO moment


def test_a_hub_made_before_station_numbers_fills_them_from_what_its_pcs_reported(tmp_path):
    import sqlite3

    from sync.hub.store import SqliteHubStore

    store = SqliteHubStore(tmp_path / "hub")
    tokens = [store.create_token(UNIT, f"máy {i}") for i in range(3)]
    for i, token in enumerate(tokens):
        store.claim(token.split(".")[1], f"pc-{i}", None)
    store.close()
    conn = sqlite3.connect(tmp_path / "hub" / "hub.sqlite3")  # as an older hub left it: schema step 2, the
    for table in ("stations", "pulled", "device_keys", "event_sigs"):  # numbers the PCs reported at enrollment
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DROP INDEX events_receives")
    conn.execute("UPDATE hub_schema SET version = 2")
    conn.executemany("UPDATE devices SET station = ?, enrolled_at = ? WHERE device_id = ?",
                     [(1, "2026-01-01", "pc-0"), (1, "2026-01-02", "pc-1"), (4, "2026-01-03", "pc-2")])
    conn.commit()
    conn.close()
    store = SqliteHubStore(tmp_path / "hub")
    try:
        assert [(s["station"], s["device_id"]) for s in store.stations(UNIT)] == [(1, "pc-0"), (4, "pc-2")]
        assert store.reserve_station(tokens[1].split(".")[1]) == 2   # the second PC reporting 1 gets a free one
    finally:
        store.close()


def test_a_hub_at_schema_step_3_gets_the_device_keys_of_step_4(tmp_path):
    """A hub left by the station-numbers build (step 3) upgrades to step 4 (device keys, event signatures)."""
    import sqlite3

    from sync.hub.schema import CURRENT
    from sync.hub.store import SqliteHubStore

    store = SqliteHubStore(tmp_path / "hub")
    token = store.create_token(UNIT, "máy 1")
    store.claim(token.split(".")[1], "pc-1", None)
    store.close()
    conn = sqlite3.connect(tmp_path / "hub" / "hub.sqlite3")
    for table in ("device_keys", "event_sigs"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("UPDATE hub_schema SET version = 3")
    conn.commit()
    conn.close()
    store = SqliteHubStore(tmp_path / "hub")
    try:
        assert CURRENT == 5 and store._schema_version() == 5
        assert store.set_device_key("pc-1", "ab" * 32) == "ab" * 32
        assert [(s["station"], s["device_id"]) for s in store.stations(UNIT)] == [(1, "pc-1")]
    finally:
        store.close()

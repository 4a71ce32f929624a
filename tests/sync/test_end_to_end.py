"""Two PCs of one unit and a real hub process: dossiers received offline on each, then `sync run` on both."""

from __future__ import annotations

import json
from datetime import timedelta

from sync_helpers import BASE, dossier_rows, local_events, move, papers, receive

from db.events import pending_count


def _enroll_cli(cli, client, hub) -> None:
    result = cli("--data-dir", str(client.data_dir), "sync", "enroll", "--hub", hub.url,
                 env={"MOTCUA_HUB_TOKEN": hub.token()})
    assert result.returncode == 0, result.stderr
    assert "Đã đăng ký máy" in result.stdout


def _run(cli, client):
    return cli("--data-dir", str(client.data_dir), "--json", "sync", "run")


def test_two_pcs_receive_offline_sync_and_end_equal(hub, clients, cli):
    a, b = clients("a", 1), clients("b", 2)
    _enroll_cli(cli, a, hub)
    _enroll_cli(cli, b, hub)
    shared = receive(a.db, name="Phạm Thị Dung")
    assert _run(cli, a).returncode == 0
    assert _run(cli, b).returncode == 0
    # Apart: each receives and handles its own dossiers, and both touch the shared one.
    for i in range(3):
        mine = receive(a.db, name=f"Công dân A{i}", at=BASE + timedelta(minutes=10 * i))
        move(a.db, mine.code, "dang_xu_ly", BASE + timedelta(hours=1, minutes=i))
        theirs = receive(b.db, name=f"Công dân B{i}", at=BASE + timedelta(minutes=10 * i + 5))
        move(b.db, theirs.code, "tu_choi", BASE + timedelta(hours=1, minutes=i))
    move(a.db, shared.code, "dang_xu_ly", BASE + timedelta(hours=2))
    move(a.db, shared.code, "co_ket_qua", BASE + timedelta(hours=3))
    move(b.db, shared.code, "rut_ho_so", BASE + timedelta(hours=4))   # not allowed after co_ket_qua
    for client in (a, b, a):
        result = _run(cli, client)
        assert result.returncode == 0, result.stdout + result.stderr
        assert json.loads(result.stdout)["all_acknowledged"] is True
    assert dossier_rows(a.db) == dossier_rows(b.db) and len(dossier_rows(a.db)) == 7
    assert papers(a.db) == papers(b.db)
    assert dossier_rows(a.db)[shared.uuid]["state"] == "co_ket_qua"
    stored = hub.events()
    assert len(stored) == len({row[0] for row in stored}) == len(local_events(a.db)) + len(local_events(b.db))
    for client in (a, b):
        assert pending_count(client.db) == 0
        status = json.loads(cli("--data-dir", str(client.data_dir), "--json", "sync", "status").stdout)
        assert status["pending"] == 0 and status["last_ok"] and status["last_error"] is None
        assert status["device_id"] and status["conflicts"] == 1
        shown = json.loads(cli("--data-dir", str(client.data_dir), "--json", "sync", "conflicts").stdout)
        assert shown[0]["code"] == shared.code and "không áp dụng" in shown[0]["message"]


def test_a_run_without_the_hub_fails_plainly_and_the_next_one_resumes(hub, clients, cli):
    a = clients("a", 1)
    _enroll_cli(cli, a, hub)
    receive(a.db)
    pending = pending_count(a.db)
    hub.kill()
    result = cli("--data-dir", str(a.data_dir), "sync", "run", "--attempts", "2")
    assert result.returncode == 1
    assert "Không kết nối được máy chủ" in result.stdout and f"Còn chờ đồng bộ: {pending}" in result.stdout
    status = json.loads(cli("--data-dir", str(a.data_dir), "--json", "sync", "status").stdout)
    assert status["pending"] == pending and "Không kết nối được" in status["last_error"]
    hub.start()
    assert _run(cli, a).returncode == 0
    assert len(hub.events()) == pending and pending_count(a.db) == 0


def test_enroll_refusals_are_plain(hub, clients, cli):
    a = clients("a", 1)
    result = cli("--data-dir", str(a.data_dir), "sync", "enroll", "--hub", hub.url, env={"MOTCUA_HUB_TOKEN": "abc"})
    assert result.returncode == 2 and "không đúng dạng" in result.stderr
    result = cli("--data-dir", str(a.data_dir), "sync", "enroll", "--hub", hub.url,
                 env={"MOTCUA_HUB_TOKEN": "mc1.0123.sai"})
    assert result.returncode == 2 and "Mã đăng ký máy không đúng" in result.stderr
    result = cli("--data-dir", str(a.data_dir), "sync", "run")
    assert result.returncode == 2 and "chưa đăng ký" in result.stderr
    result = cli("--data-dir", str(a.data_dir), "hub", "status")
    assert result.returncode == 2 and "chưa có dữ liệu máy chủ" in result.stderr


def test_hub_commands(tmp_path, cli, hub_engine):
    hub_dir = tmp_path / "h"
    result = cli("--data-dir", str(hub_dir), "hub", "enroll", "--unit-code", "000.17.22.H56", env=hub_engine)
    assert result.returncode == 0 and result.stdout.startswith("mc1.")
    status = json.loads(cli("--data-dir", str(hub_dir), "--json", "hub", "status", env=hub_engine).stdout)
    assert status["events"] == 0 and status["devices"][0]["device_id"] is None

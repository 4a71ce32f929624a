"""A province's hub, on both engines: two hub processes on one store, concurrent pushers and a puller, units
kept apart, the administrator's token, /healthz, a newer schema refused, backups."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sync_helpers import BASE, OTHER_UNIT, UNIT, HubProcess, enroll, local_events, receive, request

from db.device import device_id
from db.events import record_event


def _events(client, count: int, tag: str) -> list[dict]:
    with client.db.atomic():
        for i in range(count):
            record_event(client.db, entity="calendar", entity_id=f"{tag}-{i:04d}", action="set",
                         payload={"kind": "off", "note": f"{tag} {i}"})
    return local_events(client.db)


def _push(url: str, token: str, device: str, batch: list[dict]) -> tuple[int, dict]:
    return request(url, "POST", "/v1/events", {"device_id": device, "events": batch}, token=token)


def test_two_hub_processes_concurrent_pushers_and_a_puller_that_never_skips(make_hub, clients):
    """Pushers on two processes sharing one store (one resends its batches at the same time, as a retrying
    PC does) while a puller pages with a small limit: every event stored once, the puller's cursor only
    grows, and once the pushers stop it holds every event: none committed behind its cursor."""
    first = make_hub("hub").start(fault="slow_insert:60")   # each push's transaction held open a moment
    second = make_hub("hub").start(fault="slow_insert:60")  # same data folder (SQLite) or same database (PostgreSQL), other port
    pushers = [clients(f"p{i}", i + 1) for i in range(3)]
    tokens = [enroll(c, first) for c in pushers]
    reader = clients("r", 9)
    reader_token = enroll(reader, second)
    work, total = [], 0
    for n, (client, token) in enumerate(zip(pushers, tokens, strict=True)):
        events = _events(client, 240, f"c{n}")
        total += len(events)
        batches = [events[i:i + 12] for i in range(0, len(events), 12)]
        work.append((first.url if n % 2 else second.url, token, device_id(client.db), batches))
    work.append((first.url, tokens[0], work[0][2], list(reversed(work[0][3]))))  # the same batches again
    errors: list = []
    done = threading.Event()

    def push(url, token, device, batches):
        for batch in batches:
            status, body = _push(url, token, device, batch)
            if status != 200:
                errors.append((status, body))

    seen: list[int] = []
    uuids: list[str] = []

    def pull():
        cursor = 0
        while True:
            finished = done.is_set()
            status, body = request(first.url if len(seen) % 2 else second.url, "GET",
                                   f"/v1/events?after={cursor}&limit=7", token=reader_token)
            assert status == 200, body
            seen.extend(e["server_seq"] for e in body["events"])
            uuids.extend(e["uuid"] for e in body["events"])
            assert body["next"] >= cursor
            cursor = body["next"]
            if finished and not body["more"]:
                return

    threads = [threading.Thread(target=push, args=job) for job in work]
    puller = threading.Thread(target=pull)
    puller.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    puller.join(timeout=120)
    assert not errors, errors[:3]
    stored = first.events()
    assert len(stored) == len({row[0] for row in stored}) == total            # each event once
    assert seen == sorted(seen) and len(seen) == len(set(seen))              # the cursor only grew
    assert sorted(uuids) == sorted(row[0] for row in stored)                 # nothing skipped


def test_workers_serve_the_same_store(make_hub, clients, hub_engine):
    if not hub_engine:
        pytest.skip("--workers is for PostgreSQL (several processes writing one SQLite file are slower)")
    hub = make_hub("workers", args=("--workers", "2")).start()
    a, b = clients("a", 1), clients("b", 2)
    token_a, token_b = enroll(a, hub), enroll(b, hub)
    events = _events(a, 30, "w")
    for i in range(0, 30, 5):
        assert _push(hub.url, token_a, device_id(a.db), events[i:i + 5])[0] == 200
    status, body = request(hub.url, "GET", "/v1/events?after=0&limit=100", token=token_b)
    assert status == 200 and len(body["events"]) == 30
    status, body = request(hub.url, "GET", "/healthz")
    assert status == 200 and body["engine"] == "postgresql" and body["schema_current"]


def test_units_are_kept_apart_and_the_admin_has_no_clerk_rights(hub, clients, cli):
    a, b = clients("a", 1), clients("b", 1, unit=OTHER_UNIT)
    token_a, token_b = enroll(a, hub), enroll(b, hub, unit=OTHER_UNIT)
    receive(a.db)
    mine = local_events(a.db)
    assert _push(hub.url, token_a, device_id(a.db), mine)[0] == 200
    status, body = request(hub.url, "GET", "/v1/events?after=0", token=token_b)
    assert status == 200 and body["events"] == []                            # nothing of the other unit
    status, body = _push(hub.url, token_b, device_id(a.db), mine)            # another unit's device id
    assert status == 403
    status, body = _push(hub.url, token_b, device_id(b.db), mine)            # another unit's events
    assert status == 403 and body["error"] == "foreign_events"
    result = cli("--data-dir", str(hub.data_dir), "--json", "hub", "enroll-admin", "--note", "Sở Nội vụ",
                 env=hub.env)
    assert result.returncode == 0, result.stderr
    admin = json.loads(result.stdout)["token"]
    for method, path, body in (("POST", "/v1/events", {"device_id": device_id(a.db), "events": mine}),
                               ("GET", "/v1/events?after=0", None), ("GET", "/v1/devices/me/events", None),
                               ("POST", "/v1/enroll", {"device_id": "x", "station": 1})):
        status, answer = request(hub.url, method, path, body, token=admin)
        assert status == 403 and answer["error"] == "admin_token", (path, answer)
    status, answer = request(hub.url, "GET", "/v1/admin/report?from=2026-03-01&to=2026-03-31", token=admin)
    assert status == 200 and answer["units"][UNIT]["received"] == 1 and answer["province"]["received"] == 1
    status, answer = request(hub.url, "GET", "/v1/admin/report?from=2026-03-01&to=2026-03-31", token=token_a)
    assert status == 403 and answer["error"] == "not_admin"                  # a clerk's token reads no figures


def test_healthz_a_newer_schema_is_refused_and_backup(hub, cli, tmp_path):
    status, body = request(hub.url, "GET", "/healthz")
    assert status == 200 and body["status"] == "ok" and body["engine"] == hub.engine and body["schema_current"]
    out = tmp_path / ("hub-backup.sqlite3" if hub.engine == "sqlite" else "hub-backup.dump")
    hub.token()
    result = cli("--data-dir", str(hub.data_dir), "--json", "hub", "backup", "--out", str(out), env=hub.env)
    assert result.returncode == 0, result.stderr
    if hub.engine == "sqlite":
        import sqlite3

        with sqlite3.connect(out) as copy:
            assert copy.execute("SELECT count(*) FROM devices").fetchone()[0] == 1
    else:
        assert out.read_bytes()[:5] == b"PGDMP"                              # pg_dump's custom format
    store = hub.store()
    try:
        from sync.hub.store_sql import SqlHubStore

        assert isinstance(store, SqlHubStore)
        with store._tx() as tx:
            tx.execute("UPDATE hub_schema SET version = 99")
    finally:
        store.close()
    assert request(hub.url, "GET", "/healthz")[0] == 503                     # the running hub notices
    result = cli("--data-dir", str(hub.data_dir), "hub", "status", env=hub.env)
    assert result.returncode == 2 and "mới hơn chương trình" in result.stderr
    hub.kill()
    with pytest.raises(RuntimeError, match="mới hơn"):
        HubProcess(hub.data_dir, env=hub.env).start()


def test_pull_page_merges_the_unit_and_the_province_in_order(hub, clients):
    """Events published for the whole province reach every unit, in one cursor with the unit's own."""
    from sync.hub.catalog_publish import publish_catalog
    from sync.hub.store import PROVINCE

    a, b = clients("a", 1), clients("b", 2)
    token_a = enroll(a, hub)
    token_b = enroll(b, hub)
    receive(a.db, at=BASE + timedelta(minutes=1))
    assert _push(hub.url, token_a, device_id(a.db), local_events(a.db))[0] == 200
    from models.catalog import Procedure
    from models.catalog_import import CatalogFile, FileRow

    catalog = CatalogFile("tinh.csv", frozenset({"name", "field"}),
                          (FileRow(2, "9.000001", "Thủ tục của tỉnh", Procedure("9.000001", "Thủ tục của tỉnh",
                                                                                 "Tư pháp")),))
    store = hub.store()
    try:
        result = publish_catalog(store, catalog, None)
    finally:
        store.close()
    assert result["scope"] == PROVINCE and result["events"] == 1
    status, body = request(hub.url, "GET", "/v1/events?after=0&limit=1000", token=token_b)
    sequence = [e["server_seq"] for e in body["events"]]
    assert sequence == sorted(sequence) and body["events"][-1]["entity_id"] == "9.000001"
    assert {e["device_id"] for e in body["events"]} == {device_id(a.db), result["publisher"]}


def test_a_group_commit_refuses_a_conflicting_push_alone(hub, clients):
    """Pushes committed together stay atomic one by one: a batch reusing a stored uuid with other content
    is rolled back alone (its good events too), the others of the group are stored."""
    from db.events import event_hash
    from sync.hub.group_commit import GroupCommitter, Push
    from sync.hub.store import StoreConflict
    from sync.wire import HASHED_FIELDS

    a, b = clients("a", 1), clients("b", 2)
    enroll(a, hub)
    enroll(b, hub)
    mine, theirs = _events(a, 6, "a"), _events(b, 6, "b")
    store = hub.store()
    try:
        assert store.store_events(UNIT, mine[:2]) == ([e["uuid"] for e in mine[:2]], [])
        reused = {**mine[0], "actor": "người khác"}
        reused["hash"] = event_hash(reused["prev_hash"], {k: reused[k] for k in HASHED_FIELDS})
        b_device, a_device = theirs[0]["device_id"], mine[0]["device_id"]
        group = [Push(UNIT, theirs[:3], b_device), Push(UNIT, [*mine[2:4], reused], a_device),
                 Push(UNIT, theirs[3:] + mine[:1], b_device)]
        store._write_group(group)
        # each push's answer carries its sender's highest stored seq, read in the same transaction
        assert group[0].result == ([e["uuid"] for e in theirs[:3]], [], theirs[2]["seq"])
        assert isinstance(group[1].error, StoreConflict) and group[1].result is None
        assert group[1].error.rejected == [{"uuid": reused["uuid"], "reason": "uuid đã có với nội dung khác"}]
        assert group[2].result == ([e["uuid"] for e in theirs[3:]], [mine[0]["uuid"]], theirs[-1]["seq"])
        stored = {row[0] for row in hub.events()}
        assert {e["uuid"] for e in mine[2:4]}.isdisjoint(stored)               # the refused batch: nothing
        assert {e["uuid"] for e in theirs} | {e["uuid"] for e in mine[:2]} <= stored
        committer = GroupCommitter(lambda pushes: (_ for _ in ()).throw(OSError("disk")))
        with pytest.raises(OSError):                                          # a failed COMMIT fails its pushes
            committer.submit(UNIT, theirs)
    finally:
        store.close()


def test_the_hub_entry_point_runs_the_province_commands(hub, tmp_path):
    """`python -m sync.hub` (no desktop program) has the same commands as `main.py hub`, on either engine."""
    import os
    import subprocess
    import sys

    from sync_helpers import ROOT

    def hub_cli(*args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, PYTHONPATH=str(ROOT), **hub.env)
        return subprocess.run([sys.executable, "-m", "sync.hub", *args, "--data-dir", str(hub.data_dir)], cwd=ROOT,
                              env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)

    admin = hub_cli("enroll-admin", "--json", "--note", "Sở")
    assert admin.returncode == 0, admin.stderr
    assert json.loads(admin.stdout)["role"] == "province_admin"
    report = hub_cli("report", "--json", "--from", "01/01/2026", "--to", "2026-12-31")
    assert report.returncode == 0 and json.loads(report.stdout)["province"]["received"] == 0, report.stderr
    bad = hub_cli("report", "--from", "31/12/2026", "--to", "01/01/2026")
    assert bad.returncode == 2 and "trước ngày đầu kỳ" in bad.stderr
    backup = hub_cli("backup", "--out", str(tmp_path / "b.bak"))
    assert backup.returncode == 0 and (tmp_path / "b.bak").stat().st_size > 0, backup.stderr

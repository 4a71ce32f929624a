"""Faults (hub SIGKILLed mid-push, client killed mid-sync, lost responses, replays): nothing lost or doubled."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sync_helpers import BASE, ROOT, dossier_rows, enroll, local_events, move, receive, request

from db.device import device_id
from db.events import pending_count, record_event
from sync.client import RetryPolicy, run_sync

TRIALS = 50
FAST = RetryPolicy(attempts=1)
PATIENT = RetryPolicy(attempts=6, base=0.05, cap=0.5)


def _add_events(db, count: int, tag: str) -> None:
    """`count` small events in one transaction (what they say does not matter to the transport)."""
    with db.atomic():
        for i in range(count):
            record_event(db, entity="calendar", entity_id=f"{tag}-{i:04d}", action="set",
                         payload={"kind": "off", "note": "ngày nghỉ của đơn vị " * 5})


def _assert_hub_holds_exactly(hub, db) -> None:
    mine = local_events(db)
    stored = [row for row in hub.events() if row[1] == device_id(db)]
    assert len(stored) == len({row[0] for row in stored}) == len(mine)                 # none doubled
    assert {(row[0], row[3]) for row in stored} == {(e["uuid"], e["hash"]) for e in mine}  # none lost
    assert sorted(row[2] for row in stored) == list(range(1, len(mine) + 1))


def test_hub_sigkilled_at_random_points_during_a_push(hub, clients):
    client = clients("a", 1)
    enroll(client, hub)
    assert run_sync(client.db, client.data_dir).all_acknowledged
    rng = random.Random(20260302)
    interrupted = 0
    for trial in range(TRIALS):
        _add_events(client.db, rng.randint(120, 240), f"t{trial}")
        before = len(hub.events())
        pid = hub.proc.pid
        killer = threading.Timer(rng.uniform(0.0, 0.03), lambda pid=pid: os.kill(pid, signal.SIGKILL))
        killer.start()
        first = run_sync(client.db, client.data_dir, batch=rng.choice((5, 10, 20)), policy=FAST)
        killer.join()
        if first.error and before < len(hub.events()):
            interrupted += 1  # killed after some batches were stored: the interesting case
        hub.kill()
        hub.start()
        second = run_sync(client.db, client.data_dir, batch=50, policy=PATIENT)
        assert second.all_acknowledged, (trial, second)
        _assert_hub_holds_exactly(hub, client.db)
    print(f"{interrupted} of {TRIALS} kills landed after some batches were stored")
    assert interrupted >= TRIALS // 10, f"only {interrupted} kills landed mid-push"


@pytest.mark.parametrize("batch_killed", [1, 3])
def test_hub_killed_after_committing_before_answering(make_hub, clients, batch_killed):
    hub = make_hub().start(fault=f"kill_after_commit:{batch_killed}")
    client = clients("a", 1)
    enroll(client, hub)
    report = run_sync(client.db, client.data_dir, batch=5, policy=FAST)
    assert report.error and "Không kết nối được" in report.error
    assert report.pushed == 5 * (batch_killed - 1)            # the last stored batch was never acknowledged
    hub.kill()
    hub.start()
    report = run_sync(client.db, client.data_dir, batch=5, policy=PATIENT)
    assert report.all_acknowledged and report.duplicates == 5   # resent, recognised, not doubled
    _assert_hub_holds_exactly(hub, client.db)


def test_a_response_lost_after_the_hub_committed_is_resent_and_not_doubled(make_hub, clients):
    hub = make_hub().start(fault="fail_after_commit:2")
    client = clients("a", 1)
    enroll(client, hub)
    report = run_sync(client.db, client.data_dir, batch=4, policy=PATIENT)
    assert report.all_acknowledged and report.retries == 1 and report.duplicates == 4
    _assert_hub_holds_exactly(hub, client.db)


def _sync_process(data_dir):
    env = dict(os.environ, PYTHONIOENCODING="utf-8", QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir), "sync", "run"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_once_progressing(process, progressed, rng) -> None:
    """SIGKILL the sync process a random moment after it was seen making progress (so: mid-sync)."""
    deadline = time.monotonic() + 30
    while not progressed() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.003)
    time.sleep(rng.uniform(0, 0.03))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_client_processes_killed_during_a_sync_resume_without_loss(hub, clients):
    a, b = clients("a", 1), clients("b", 2)
    enroll(a, hub)
    enroll(b, hub)
    for i in range(30):
        dossier = receive(a.db, name=f"Công dân {i}", at=BASE + timedelta(minutes=i))
        move(a.db, dossier.code, "dang_xu_ly", BASE + timedelta(hours=1, minutes=i))
    _add_events(a.db, 3000, "a")
    total = len(local_events(a.db))
    rng = random.Random(7)
    b_count = "SELECT count(*) FROM events WHERE device_id = ?"
    partial = {"push": 0, "pull": 0}
    for _round in range(2):
        before = len(hub.events())
        _kill_once_progressing(_sync_process(a.data_dir), lambda n=before: len(hub.events()) > n, rng)
        partial["push"] += 0 < len(hub.events()) < total
        before = b.db.execute(b_count, [device_id(a.db)]).fetchone()[0]
        _kill_once_progressing(_sync_process(b.data_dir),
                               lambda n=before: b.db.execute(b_count, [device_id(a.db)]).fetchone()[0] > n, rng)
        partial["pull"] += 0 < b.db.execute(b_count, [device_id(a.db)]).fetchone()[0] < len(hub.events())
    assert partial["push"] and partial["pull"], partial   # the kills did land in the middle of a sync
    for who in (a, b):
        assert run_sync(who.db, who.data_dir, policy=PATIENT).all_acknowledged
    _assert_hub_holds_exactly(hub, a.db)
    assert pending_count(a.db) == 0
    assert dossier_rows(b.db) == dossier_rows(a.db) and len(dossier_rows(b.db)) == 30
    pulled = b.db.execute("SELECT uuid, hash FROM events WHERE device_id = ?", [device_id(a.db)]).fetchall()
    assert sorted(pulled) == sorted((e["uuid"], e["hash"]) for e in local_events(a.db))


def test_duplicated_and_reordered_batches_leave_every_event_once(hub, clients):
    a, b = clients("a", 1), clients("b", 2)
    token = enroll(a, hub)
    enroll(b, hub)
    for i in range(5):
        dossier = receive(a.db, name=f"Công dân {i}", at=BASE + timedelta(minutes=i))
        move(a.db, dossier.code, "dang_xu_ly", BASE + timedelta(hours=1, minutes=i))
    events = local_events(a.db)
    batches = [events[i:i + 4] for i in range(0, len(events), 4)]
    rng = random.Random(11)
    sent = batches + rng.sample(batches, len(batches) // 2)   # some twice
    rng.shuffle(sent)                                         # in any order
    for batch in sent:
        status, body = request(hub.url, "POST", "/v1/events", {"device_id": device_id(a.db), "events": batch},
                               token=token)
        assert status == 200, body
    _assert_hub_holds_exactly(hub, a.db)
    report = run_sync(a.db, a.data_dir)
    assert report.all_acknowledged and report.pushed == 0 and report.duplicates == len(events)
    assert run_sync(b.db, b.data_dir).all_acknowledged
    assert dossier_rows(b.db) == dossier_rows(a.db)

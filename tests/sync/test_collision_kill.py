"""PCs set up as a commune would (default settings, enrolled one after another, receiving offline before and
after), a real hub SIGKILLed in the middle of pushes again and again: afterwards every PC lists every dossier
once, under distinct codes, every receipt's code still finds its dossier, and all PCs show the same rows."""

from __future__ import annotations

import random
from datetime import timedelta

from sync_helpers import BASE, dossier_rows, enroll, receive

from db.dossier_queries import find_dossier, list_dossiers
from db.events import pending_count
from sync.client import RetryPolicy, run_sync

BATCH = 5  # small batches: a push is several requests, so a kill lands in the middle of one


def _sync_killed(hub, pc, rng):
    """One sync run during which the hub SIGKILLs itself after storing a batch (before answering)."""
    hub.kill()
    hub.start(fault=f"kill_after_commit:{rng.randint(1, 3)}")
    return run_sync(pc.db, pc.data_dir, batch=BATCH, policy=RetryPolicy(attempts=1))


def _sync_all(hub, pcs) -> None:
    hub.kill()
    hub.start()
    for _ in range(3):  # recode events recorded while pulling travel on the next rounds
        for pc in pcs:
            report = run_sync(pc.db, pc.data_dir, batch=BATCH)
            assert report.error is None, report.error


def _check(hub, pcs, receipts: dict[str, str]) -> None:
    rows = dossier_rows(pcs[0].db)
    aliases = {pc.data_dir.name: sorted(pc.db.execute("SELECT code, dossier_uuid FROM dossier_aliases").fetchall())
               for pc in pcs}
    for pc in pcs:
        assert pending_count(pc.db) == 0
        shown = list_dossiers(pc.db, limit=1000)
        assert len(shown) == len(receipts)                          # every dossier, once
        assert len({d.code for d in shown}) == len(shown)            # distinct codes
        assert dossier_rows(pc.db) == rows                           # the same rows on every PC
        assert aliases[pc.data_dir.name] == aliases[pcs[0].data_dir.name]
        for uuid, code in receipts.items():                          # the receipt's code finds it (or its alias)
            found = find_dossier(pc.db, code)
            holders = {row[0] for row in pc.db.execute("SELECT dossier_uuid FROM dossier_aliases WHERE code = ?",
                                                       [code])}
            assert found is not None and (found.uuid == uuid or uuid in holders)
    uuids = [event[0] for event in hub.events()]
    assert len(uuids) == len(set(uuids))                             # the hub holds each event once


def test_default_pcs_enrolled_one_after_another_with_kills_mid_push(hub, clients):
    rng = random.Random(15)
    receipts: dict[str, str] = {}

    def take(pc, name: str, minute: int) -> None:
        dossier = receive(pc.db, name=name, at=BASE + timedelta(minutes=minute))
        receipts[dossier.uuid] = dossier.code

    a, b = clients("a"), clients("b")
    enroll(a, hub)
    for minute in range(3):
        take(a, f"Công dân A{minute}", minute)
    for minute in range(3):                                       # b works before it is enrolled: station 1 too
        take(b, f"Công dân B{minute}", 10 + minute)
    enroll(b, hub)
    take(b, "Công dân B sau đăng ký", 20)
    killed = 0
    for pc in (a, b, a, b):
        killed += _sync_killed(hub, pc, rng).error is not None
    _sync_all(hub, (a, b))
    _check(hub, (a, b), receipts)

    c = clients("c")                                               # a third PC, late, offline first
    take(c, "Công dân C0", 5)
    take(a, "Công dân A sau", 30)
    enroll(c, hub)
    take(c, "Công dân C sau đăng ký", 31)
    for pc in (c, a, b, c):
        killed += _sync_killed(hub, pc, rng).error is not None
    _sync_all(hub, (a, b, c))
    _check(hub, (a, b, c), receipts)
    assert killed >= 4                                             # the kills did land during the runs
    codes = {d.code for d in list_dossiers(a.db, limit=1000)}
    assert len([code for code in codes if code.count("-") == 3]) >= 3  # b's and c's early codes were renamed

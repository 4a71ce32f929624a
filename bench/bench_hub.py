"""Benchmark of a province's hub: SQLite and PostgreSQL in the same run, PCs simulated on loopback.

Run: .venv/bin/python bench/bench_hub.py [--pcs 200] [--units 40] [--batches 5] [--pull 100000] [--year]

For each engine a hub process (`python -m sync.hub serve`; PostgreSQL with --workers 2 on a throwaway,
durable cluster: fsync and synchronous_commit on) and then:
1. Push: --pcs asyncio clients in --units units, each pushing --batches batches of 50 dossier events
   (valid hashes, each event signed with the PC's Ed25519 key enrolled at the hub and the batch signed
   once, as sync/signing.Signer.push_body does; made before timing) and pulling its unit after each push,
   all at once and as fast as the answers come (the hub's ceiling: latency there is the queue of 200
   waiting PCs). Then paced: the same PCs, keeping their pull cursors as real PCs do, offering --rate
   events/s (each one push every pcs·50/rate s from a random start, --paced-batches pushes each). Prints
   events accepted per second and the p50/p99 latency of a push, for both.
2. Pull: --pull events of one unit stored (not timed), then a new PC of that unit pulls them all
   (pages of 1,000). Prints the time.
3. With --year (PostgreSQL only): a province's year, 2,000,000 events (500,000 dossiers: receive, start,
   result, return) pushed by the same PCs; prints the ingest time, the time to fold them into the report's
   facts, and the time of the province's figures for the year (hub report, facts up to date).
Goals (issue #16): PostgreSQL ≥ 5,000 events/s with p99 ≤ 250 ms at 200 PCs and ≥ SQLite's rate; the year
ingested ≤ 10 min; its figures ≤ 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sync"))

from pg_cluster import PgCluster, find_bin_dir  # noqa: E402

from db.events import GENESIS_HASH, event_hash  # noqa: E402
from sync.signing import event_message, push_message  # noqa: E402
from sync.wire import HASHED_FIELDS  # noqa: E402

BATCH = 50
GOAL_RATE, GOAL_P99, GOAL_YEAR_S, GOAL_REPORT_S = 5000, 0.250, 600, 1.0
TZ = "+07:00"


# --- events ---------------------------------------------------------------------------------------------


class Pc:
    """One simulated PC: its device id, hash chain, and the dossiers it receives and moves."""

    def __init__(self, unit: str, number: int):
        self.unit, self.number = unit, number
        self.device = str(uuid.uuid4())
        self.seq, self.prev = 0, GENESIS_HASH
        self.token = ""
        self.cursor = 0  # the PC's pull cursor, kept from one sync to the next as a real PC keeps it
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self.key = Ed25519PrivateKey.generate()  # a real PC signs what it pushes (sync/signing.py): so does this one
        self.public_key = self.key.public_key().public_bytes(serialization.Encoding.Raw,
                                                             serialization.PublicFormat.Raw).hex()

    def event(self, at: datetime, entity_id: str, action: str, payload: dict) -> dict:
        self.seq += 1
        event = {"uuid": str(uuid.uuid4()), "device_id": self.device, "seq": self.seq, "actor": "canbo",
                 "at": at.isoformat(timespec="seconds") + TZ, "entity": "dossier", "entity_id": entity_id,
                 "action": action, "payload": payload}
        event["prev_hash"] = self.prev
        event["hash"] = self.prev = event_hash(self.prev, {k: event[k] for k in HASHED_FIELDS})
        event["sig"] = self.key.sign(event_message(event)).hex()
        return event

    def dossier(self, n: int, day: datetime) -> list[dict]:
        """Four events of one dossier: received, started, result ready, returned (the last 1 in 10 open)."""
        dossier = str(uuid.uuid4())
        received = day + timedelta(minutes=n % 480)
        due = received + timedelta(days=5)
        receive = {"uuid": dossier, "code": f"{self.unit[-3:]}-{self.number}-{n}", "field": ("Hộ tịch", "Cư trú",
                   "Chứng thực")[n % 3], "procedure_code": "1.004884", "procedure_name": "Đăng ký khai sinh",
                   "channel": ("truc_tiep", "truc_tuyen")[n % 2], "state": "tiep_nhan",
                   "received_at": received.isoformat(timespec="seconds"), "due_at": due.isoformat(timespec="seconds"),
                   "applicant_name": f"Công dân {n}", "papers": []}
        events = [self.event(received, dossier, "receive", receive),
                  self.event(received + timedelta(hours=1), dossier, "move", {"from": "tiep_nhan", "to": "dang_xu_ly"})]
        if n % 10:
            done = received + timedelta(days=n % 7, hours=2)
            events.append(self.event(done, dossier, "move", {"from": "dang_xu_ly", "to": "co_ket_qua"}))
            events.append(self.event(done + timedelta(hours=3), dossier, "move", {"from": "co_ket_qua", "to": "da_tra"}))
        else:
            events.append(self.event(received + timedelta(hours=2), dossier, "move",
                                     {"from": "dang_xu_ly", "to": "cho_bo_sung"}))
            events.append(self.event(received + timedelta(hours=5), dossier, "move",
                                     {"from": "cho_bo_sung", "to": "dang_xu_ly"}))
        return events

    def bodies(self, count: int, start: datetime, offset: int = 0) -> list[bytes]:
        """`count` pushes of BATCH events, encoded before timing."""
        events: list[dict] = []
        n = offset
        while len(events) < count * BATCH:
            events += self.dossier(n, start + timedelta(days=(n // 12) % 360))
            n += 1
        return [json.dumps(self.push_body(events[i:i + BATCH])).encode() for i in range(0, count * BATCH, BATCH)]

    def push_body(self, events: list[dict]) -> dict:
        """As sync/signing.Signer.push_body: each event signed (done in `event`) and the batch signed once."""
        return {"device_id": self.device, "events": events,
                "push_sig": self.key.sign(push_message(self.device, events)).hex()}


# --- a small keep-alive HTTP/1.1 client on asyncio --------------------------------------------------------


class Http:
    def __init__(self, port: int):
        self.port, self.reader, self.writer = port, None, None

    async def request(self, method: str, path: str, body: bytes = b"", token: str = "") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                close = True
        data = await self.reader.readexactly(length)
        if close:
            self.close()
        return int(status_line.split()[1]), data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


# --- one engine -----------------------------------------------------------------------------------------


class Hub:
    def __init__(self, folder: Path, url: str | None, workers: int):
        from sync_helpers import free_port

        self.folder, self.url, self.port = folder, url, free_port()
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        env.pop("MOTCUA_HUB_DATABASE_URL", None)
        args = [sys.executable, "-m", "sync.hub", "serve", "--data-dir", str(folder), "--port", str(self.port),
                "--workers", str(workers)]
        if url:
            args += ["--database-url", url]
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)

    def store(self):
        from sync.hub.store import open_store

        return open_store(self.folder, self.url or "", pool_size=2)

    async def wait(self) -> None:
        for _ in range(300):
            try:
                status, _ = await Http(self.port).request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stderr.read().decode())
            await asyncio.sleep(0.1)
        raise RuntimeError("hub did not start")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


async def enroll(hub: Hub, pcs: list[Pc]) -> None:
    store = hub.store()
    try:
        for pc in pcs:
            pc.token = store.create_token(pc.unit)
    finally:
        store.close()

    async def one(pc: Pc) -> None:
        http = Http(hub.port)
        status, data = await http.request("POST", "/v1/enroll", json.dumps({"device_id": pc.device,
                                                                            "station": 1 + pc.number % 9,
                                                                            "public_key": pc.public_key}).encode(),
                                          pc.token)
        http.close()
        assert status == 200, data

    await asyncio.gather(*(one(pc) for pc in pcs))


async def push_phase(hub: Hub, pcs: list[Pc], bodies: dict[str, list[bytes]], interval: float = 0.0
                     ) -> tuple[int, float, list[float]]:
    """Every PC pushes its batches, pulling after each. interval 0: as fast as answers come (the hub's
    ceiling); else one push every `interval` seconds per PC from a random start (an offered load)."""
    import random

    latencies: list[float] = []
    accepted = 0

    async def run(pc: Pc) -> None:
        nonlocal accepted
        http = Http(hub.port)
        await asyncio.sleep(random.uniform(0, interval))
        next_at = time.perf_counter()
        for body in bodies[pc.device]:
            if interval:
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                next_at += interval
            started = time.perf_counter()
            status, data = await http.request("POST", "/v1/events", body, pc.token)
            latencies.append(time.perf_counter() - started)
            assert status == 200, data[:300]
            accepted += len(orjson.loads(data)["accepted"])
            more = True
            while more:
                status, data = await http.request("GET", f"/v1/events?after={pc.cursor}&limit=500", token=pc.token)
                assert status == 200, data[:300]
                pc.cursor, more = page_cursor(data)
        http.close()

    started = time.perf_counter()
    await asyncio.gather(*(run(pc) for pc in pcs))
    return accepted, time.perf_counter() - started, latencies


_CURSOR = re.compile(rb'"next":(\d+),"more":(true|false),')


def page_cursor(data: bytes) -> tuple[int, bool]:
    """A pull page's `next` and `more`, read without parsing its events: the 200 simulated PCs share this
    machine's 2 cores with the hub, where real PCs would each parse their pages on their own CPU."""
    found = _CURSOR.search(data, data.rfind(b'"next":'))
    if found is None:
        raise AssertionError(data[:300])
    return int(found[1]), found[2] == b"true"


async def pull_all(hub: Hub, pc: Pc) -> tuple[int, float]:
    http, cursor, count, more = Http(hub.port), 0, 0, True
    started = time.perf_counter()
    while more:
        status, data = await http.request("GET", f"/v1/events?after={cursor}&limit=1000", token=pc.token)
        page = orjson.loads(data)
        count += len(page["events"])
        cursor, more = page["next"], page["more"]
    http.close()
    return count, time.perf_counter() - started


def seed(hub: Hub, unit: str, count: int) -> None:
    """`count` events of one unit stored straight into the store (setting up the pull, not timed)."""
    store = hub.store()
    try:
        start = datetime(2025, 1, 2, 8, 0)
        writers = [Pc(unit, 100 + i) for i in range(4)]
        for pc in writers:
            pc.token = store.create_token(unit)
            token_id = pc.token.split(".")[1]
            store.claim(token_id, pc.device, 9)
        done, n = 0, 0
        while done < count:
            pc = writers[n % len(writers)]
            events = []
            while len(events) < 1000 and done + len(events) < count:
                events += pc.dossier(n, start + timedelta(days=n % 300))
                n += 1
            store.store_events(unit, events[:count - done])
            done += len(events[:count - done])
    finally:
        store.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def bench_engine(name: str, hub: Hub, args) -> dict:
    await hub.wait()
    units = [f"000.{u:02d}.22.H{u:02d}" for u in range(args.units)]
    pcs = [Pc(units[i % len(units)], i) for i in range(args.pcs)]
    await enroll(hub, pcs)
    bodies = {pc.device: pc.bodies(args.batches, datetime(2026, 1, 5, 8, 0)) for pc in pcs}
    accepted, seconds, latencies = await push_phase(hub, pcs, bodies)
    result = {"engine": name, "accepted": accepted, "rate": accepted / seconds, "seconds": seconds,
              "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99)}
    print(f"{name}: flat out, {accepted} events from {len(pcs)} PCs in {seconds:.1f} s = {result['rate']:,.0f} "
          f"events/s; push p50 {result['p50'] * 1000:.0f} ms, p99 {result['p99'] * 1000:.0f} ms", flush=True)
    interval = len(pcs) * BATCH / args.rate
    bodies = {pc.device: pc.bodies(args.paced_batches, datetime(2026, 2, 2, 8, 0), offset=5_000) for pc in pcs}
    accepted, seconds, latencies = await push_phase(hub, pcs, bodies, interval)
    result.update(paced_rate=accepted / seconds, paced_p50=percentile(latencies, 0.5),
                  paced_p99=percentile(latencies, 0.99))
    print(f"{name}: offered {args.rate:,} events/s (each PC one push every {interval:.1f} s): {accepted} events in "
          f"{seconds:.1f} s = {result['paced_rate']:,.0f} events/s; push p50 {result['paced_p50'] * 1000:.0f} ms, "
          f"p99 {result['paced_p99'] * 1000:.0f} ms", flush=True)
    seed(hub, "000.99.22.BIG", args.pull)
    reader = Pc("000.99.22.BIG", 999)
    await enroll(hub, [reader])
    count, pull_seconds = await pull_all(hub, reader)
    result.update(pulled=count, pull_seconds=pull_seconds)
    print(f"{name}: a new PC pulled {count:,} events of its unit in {pull_seconds:.1f} s", flush=True)
    if args.year and name == "postgresql":
        result.update(await year(hub, pcs, args))
    return result


async def year(hub: Hub, pcs: list[Pc], args) -> dict:
    per_pc = args.year_events // BATCH // len(pcs)
    print(f"year: encoding {per_pc * BATCH * len(pcs):,} events ...", flush=True)
    bodies = {pc.device: pc.bodies(per_pc, datetime(2025, 1, 2, 8, 0), offset=10_000) for pc in pcs}
    accepted, seconds, latencies = await push_phase(hub, pcs, bodies)
    print(f"year: {accepted:,} events ingested in {seconds:.0f} s ({accepted / seconds:,.0f} events/s; push p99 "
          f"{percentile(latencies, 0.99) * 1000:.0f} ms)", flush=True)
    from sync.hub.report import hub_report

    store = hub.store()
    try:
        started = time.perf_counter()
        folded = store.refresh_facts()
        fold_seconds = time.perf_counter() - started
        print(f"year: {folded:,} dossiers folded into the report's facts in {fold_seconds:.0f} s", flush=True)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            report = hub_report(store, "2025-01-01", "2025-12-31", now=datetime(2026, 1, 1))
            times.append(time.perf_counter() - started)
    finally:
        store.close()
    print(f"year: province figures for 2025 ({report['province']['received']:,} dossiers received, "
          f"{len(report['units'])} units) in {times[0]:.2f} s, then {min(times[1:]):.2f} s", flush=True)
    return {"year_events": accepted, "year_seconds": seconds, "fold_seconds": fold_seconds,
            "report_seconds": min(times[1:]), "report_first_seconds": times[0]}


async def main_async(args) -> int:
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-hub-") as folder:
        if args.skip_sqlite:
            results.append({"rate": 0.0})
        else:
            hub = Hub(Path(folder) / "sqlite", None, 1)
            try:
                results.append(await bench_engine("sqlite", hub, args))
            finally:
                hub.stop()
        bin_dir = find_bin_dir()
        if bin_dir is None:
            print("PostgreSQL (initdb, pg_ctl) is not installed: only SQLite was measured.")
            return 1
        cluster = PgCluster(bin_dir, durable=True).start()
        try:
            hub = Hub(Path(folder) / "pg", cluster.new_database("bench"), args.workers)
            try:
                results.append(await bench_engine("postgresql", hub, args))
            finally:
                hub.stop()
        finally:
            cluster.stop()
    sqlite, pg = results
    if sqlite["rate"]:
        print(f"\nPostgreSQL/SQLite push rate: {pg['rate'] / sqlite['rate']:.2f}x")
    ok = (pg["rate"] >= GOAL_RATE and pg["paced_rate"] >= 0.95 * args.rate and pg["paced_p99"] <= GOAL_P99
          and pg["rate"] >= sqlite["rate"])
    print(f"goal PG ≥ {GOAL_RATE} events/s flat out and ≥ SQLite's; {args.rate} events/s offered sustained with "
          f"p99 ≤ {GOAL_P99 * 1000:.0f} ms: {'met' if ok else 'NOT met'}")
    if "year_seconds" in pg:
        year_ok = pg["year_seconds"] <= GOAL_YEAR_S and pg["report_seconds"] <= GOAL_REPORT_S
        print(f"goal year ingested ≤ {GOAL_YEAR_S} s and figures ≤ {GOAL_REPORT_S} s: {'met' if year_ok else 'NOT met'}")
        ok = ok and year_ok
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pcs", type=int, default=200)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--batches", type=int, default=5, help="pushes of 50 events per PC")
    parser.add_argument("--rate", type=int, default=GOAL_RATE, help="events/s offered in the paced phase")
    parser.add_argument("--paced-batches", type=int, default=10, help="pushes per PC in the paced phase")
    parser.add_argument("--pull", type=int, default=100_000, help="events a new PC pulls")
    parser.add_argument("--workers", type=int, default=2, help="hub processes on PostgreSQL")
    parser.add_argument("--year", action="store_true", help="also a province's year on PostgreSQL (long)")
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only (e.g. a second --year run)")
    parser.add_argument("--year-events", type=int, default=2_000_000)
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())

"""Scale benchmark of the dossier list on a seeded database: opening, search as you type, filters, memory.

Run: .venv/bin/python bench/bench_dossier_list.py [--n 1000000] [--runs 5]

Seeds N dossiers once with bench/seed_dossiers.py (cached in bench/.cache/, reused), then measures:
- opening the list: DossierListScreen created, shown and painted with its first screenful (model made,
  first page fetched); goal <= 300 ms;
- search as you type: the query the screen's worker runs for each of a set of realistic partial
  queries (unaccented name prefixes, căn cước and phone fragments, dossier codes), and the same
  through the screen end to end (worker thread, own connection, rows in the model); goal p95 <= 50 ms;
- filters (state, overdue, due this week, field, channel, period): first page and count;
- memory: RSS of a separate process that opens the real MainWindow offscreen on that database and
  shows the Hồ sơ area; goal <= 400 MB.
Each figure comes with its ratio to the bare SQLite work in the same run: the very SQL statements the
layer ran (caught with sqlite3's trace callback) executed again on a plain sqlite3 connection.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed_dossiers import BENCH_USER, ensure_seeded  # noqa: E402
from db.connection import database_path  # noqa: E402
from db.dossier_queries import count_dossiers, list_dossiers  # noqa: E402
from models.dossier_clock import now_local  # noqa: E402
from models.text import fold  # noqa: E402

GOAL_OPEN_MS = 300
GOAL_SEARCH_P95_MS = 50
GOAL_RSS_MB = 400
PAGE = 100  # ui.dossier_table_model.PAGE_SIZE
COMMON = ["ngu", "nguyen", "nguyen van", "tran thi", "le van", "pham", "hoang", "vo thi", "dang", "bui"]


def ms(seconds: float) -> float:
    return seconds * 1000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def rss_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB, from /proc/self/status."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


class Traced:
    """Runs a layer call while catching the SQL it sends, so the bare run repeats exactly that work."""

    def __init__(self, db, bare: sqlite3.Connection):
        self.db = db
        self.bare = bare
        self.statements: list[str] = []

    def run(self, call: Callable[[], object]) -> tuple[float, float, object]:
        statements = self.statements = []
        self.db.conn.set_trace_callback(statements.append)
        started = time.perf_counter()
        result = call()
        ours = time.perf_counter() - started
        self.db.conn.set_trace_callback(None)
        started = time.perf_counter()
        for sql in statements:
            self.bare.execute(sql).fetchall()
        return ours, time.perf_counter() - started, result


def partial_queries(db, rng: random.Random) -> list[str]:
    """What clerks type: unaccented name prefixes keystroke by keystroke, căn cước and phone fragments,
    dossier codes (scanned or typed), taken from random dossiers of this database."""
    top = db.execute("SELECT max(id) FROM dossiers").fetchone()[0]
    queries = list(COMMON)
    for _ in range(6):
        name, cccd, phone, code = db.execute(
            "SELECT applicant_name, cccd, phone, code FROM dossiers WHERE id >= ? ORDER BY id LIMIT 1",
            [rng.randint(1, top)]).fetchone()
        folded = fold(name)
        queries += [folded[:n] for n in (3, 5, 8, 11) if n < len(folded)] + [folded]
        queries += [cccd[:6], cccd[:9], cccd, cccd[-6:]]
        if phone:
            queries += [phone[:4], phone[:7], phone]
        queries += [code, code[-11:], code[-6:]]
    return queries


def time_open(context, app, runs: int) -> list[float]:
    """Create, show and paint the list screen; the first page comes with it (the count is a worker's)."""
    from ui.dossier_list_screen import DossierListScreen

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        screen = DossierListScreen(context)
        screen.resize(1070, 760)
        screen.show()
        app.processEvents()
        screen.view.viewport().repaint()
        times.append(time.perf_counter() - started)
        assert screen.model.rowCount() > 0
        while screen.busy():
            app.processEvents()
        screen.close()
        screen.deleteLater()
        app.processEvents()
    return times


def time_screen_search(context, app, queries: list[str]) -> list[float]:
    """End to end: the screen's worker (own connection) fetches the first page, the model shows it."""
    from ui.dossier_list_screen import DossierListScreen

    screen = DossierListScreen(context)
    screen.show()
    times = []
    done: list[float] = []
    screen.loaded.connect(lambda: done.append(time.perf_counter()))
    for query in queries:
        while screen.busy():
            app.processEvents()
        screen.search.blockSignals(True)
        screen.search.setText(query)
        screen.search.blockSignals(False)
        done.clear()
        started = time.perf_counter()
        screen.reload()
        while not done:
            app.processEvents()
            time.sleep(0.0002)
        times.append(done[0] - started)
    screen.close()
    return times


def memory_child(folder: Path) -> int:
    """In a fresh process: the real main window on `folder`, the Hồ sơ area shown and painted."""
    started = time.perf_counter()
    from ui.app import create_application, open_context
    from ui.main_window import MainWindow

    app = create_application()
    context = open_context(folder)
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    opened = time.perf_counter()
    screen = window.show_area("dossiers")
    app.processEvents()
    shown = time.perf_counter()
    while screen.busy():
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    rss_shown, _ = rss_mb()
    for _ in range(20):  # scroll through 2,000 rows, then search
        screen.model.fetchMore(screen.view.rootIndex())
    for query in COMMON:
        screen.search.setText(query)
        screen.reload()
        while screen.busy():
            app.processEvents()
            time.sleep(0.001)
    rss_after, peak = rss_mb()
    print(json.dumps({"rss_shown": rss_shown, "rss_after": rss_after, "peak": peak,
                      "window_s": opened - started, "area_s": shown - opened,
                      "rows": screen.model.rowCount()}))
    return 0


def bare_child(folder: Path, sql: str) -> int:
    """In a fresh process: plain sqlite3 running the list's first-page query, nothing else."""
    conn = sqlite3.connect(database_path(folder))
    conn.execute(sql).fetchall()
    print(json.dumps({"rss_shown": rss_mb()[0]}))
    return 0


def child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def line(label: str, ours_ms: float, bare_ms: float, goal: float | None = None) -> str:
    verdict = "" if goal is None else (f"  goal <= {goal:.0f} ms: " + ("met" if ours_ms <= goal else "NOT met"))
    return f"  {label:<44} {ours_ms:8.1f} ms   bare {bare_ms:7.1f} ms   ratio {ours_ms / max(bare_ms, 1e-6):6.1f}{verdict}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="dossiers to seed (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=5, help="repeats of the opening measure")
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bare-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from models.session import sign_in

    sign_in(BENCH_USER)  # as the app would act after the clerk signed in
    if args.memory_child:
        return memory_child(args.memory_child)
    if args.bare_child:
        return bare_child(Path(args.bare_child[0]), args.bare_child[1])

    folder = ensure_seeded(args.n)
    from ui.app import create_application, open_context

    app = create_application()
    context = open_context(folder)
    db = context.db
    total = db.execute("SELECT count(*) FROM dossiers").fetchone()[0]
    size = database_path(folder).stat().st_size / 1e6
    print(f"\n{total:,} dossiers, database {size:,.0f} MB ({folder})")
    bare = sqlite3.connect(database_path(folder))
    traced = Traced(db, bare)
    now = now_local()
    results = {}

    # ----- opening the list
    traced.run(lambda: list_dossiers(db, limit=PAGE, now=now))
    [first_sql] = [sql for sql in traced.statements if "LIMIT" in sql]  # the page query itself
    opens = time_open(context, app, args.runs)
    bare_opens = []
    for _ in range(args.runs):
        started = time.perf_counter()
        conn = sqlite3.connect(database_path(folder))
        conn.execute(first_sql).fetchall()
        conn.close()
        bare_opens.append(time.perf_counter() - started)
    print("\nOpening the list (screen created, shown, first screenful painted; count in a worker):")
    print(line(f"first of {args.runs}", ms(opens[0]), ms(bare_opens[0]), GOAL_OPEN_MS))
    print(line(f"median of {args.runs}", ms(statistics.median(opens)), ms(statistics.median(bare_opens)),
               GOAL_OPEN_MS))
    results["open"] = ms(opens[0])

    # ----- search as you type
    queries = partial_queries(db, random.Random(7))
    ours_times, bare_times, slow = [], [], []
    for query in queries:
        ours, bare_s, _rows = traced.run(lambda q=query: list_dossiers(db, search=q, limit=PAGE, now=now))
        ours_times.append(ours)
        bare_times.append(bare_s)
        slow.append((ours, query))
    screen_times = time_screen_search(context, app, queries)
    print(f"\nSearch as you type, first page of {PAGE} rows, {len(queries)} partial queries "
          "(name prefixes, căn cước/phone fragments, codes):")
    print(line("layer query, p95", ms(p95(ours_times)), ms(p95(bare_times)), GOAL_SEARCH_P95_MS))
    print(line("layer query, median", ms(statistics.median(ours_times)), ms(statistics.median(bare_times))))
    print(line("screen end to end (worker + model), p95", ms(p95(screen_times)), ms(p95(bare_times)),
               GOAL_SEARCH_P95_MS))
    print(line("layer query, worst", ms(max(ours_times)), ms(max(bare_times))))
    print("  slowest: " + ", ".join(f"'{q}' {ms(t):.0f} ms" for t, q in sorted(slow, reverse=True)[:5]))
    results["search_p95"] = ms(p95(ours_times))
    results["screen_p95"] = ms(p95(screen_times))
    counts = [traced.run(lambda q=q: count_dossiers(db, search=q, now=now))[:2] for q in queries[:20]]
    print(line("count of matches (worker, after the page), p95", ms(p95([c[0] for c in counts])),
               ms(p95([c[1] for c in counts]))))

    # ----- filters
    print("\nFilters, first page and count (the screen runs both in workers):")
    today = date.today()
    filters = {"state = cho_bo_sung": {"state": "cho_bo_sung"}, "overdue": {"overdue": True},
               "due this week": {"due_this_week": True}, "field = Cư trú": {"field": "Cư trú"},
               "channel = bưu chính": {"channel": "buu_chinh"},
               "received last 30 days": {"received_from": today - timedelta(days=30), "received_to": today},
               "overdue + search 'nguyen'": {"overdue": True, "search": "nguyen"}}
    worst_filter = 0.0
    for label, chosen in filters.items():
        ours, bare_s, _ = traced.run(lambda c=chosen: list_dossiers(db, **c, limit=PAGE, now=now))
        ours_c, bare_c, found = traced.run(lambda c=chosen: count_dossiers(db, **c, now=now))
        print(line(f"{label} ({found:,})", ms(ours), ms(bare_s)) + f"   count {ms(ours_c):6.1f} ms "
              f"(bare {ms(bare_c):.1f})")
        worst_filter = max(worst_filter, ms(ours))
    for offset in (10_000, 100_000):
        ours, bare_s, _ = traced.run(lambda o=offset: list_dossiers(db, limit=PAGE, offset=o, now=now))
        print(line(f"scrolled page at row {offset:,}", ms(ours), ms(bare_s)))

    # ----- memory, in fresh processes
    app_run = child("--memory-child", str(folder))
    bare_run = child("--bare-child", str(folder), first_sql)
    with tempfile.TemporaryDirectory() as empty:
        empty_run = child("--memory-child", str(Path(empty) / "du-lieu"))
    print("\nMemory (RSS of a separate process, MainWindow offscreen, Hồ sơ area shown):")
    print(f"  app on this database, list shown          {app_run['rss_shown']:8.1f} MB   bare sqlite3 process "
          f"{bare_run['rss_shown']:.1f} MB   ratio {app_run['rss_shown'] / bare_run['rss_shown']:.1f}"
          f"  goal <= {GOAL_RSS_MB} MB: {'met' if app_run['rss_shown'] <= GOAL_RSS_MB else 'NOT met'}")
    print(f"  same, after scrolling 2,000 rows and 10 searches  {app_run['rss_after']:.1f} MB "
          f"(peak {app_run['peak']:.1f} MB)")
    print(f"  app on an empty data folder, list shown   {empty_run['rss_shown']:8.1f} MB")
    print(f"  start-up in that process: main window {app_run['window_s'] * 1000:.0f} ms, "
          f"Hồ sơ area {app_run['area_s'] * 1000:.0f} ms")
    results["rss"] = app_run["rss_shown"]
    met = results["open"] <= GOAL_OPEN_MS and results["search_p95"] <= GOAL_SEARCH_P95_MS \
        and results["rss"] <= GOAL_RSS_MB
    print("\nAll goals met." if met else "\nSome goals NOT met (see above).")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

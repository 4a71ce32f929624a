"""Benchmark of the dashboard's figures for a year on 1,000,000 dossiers, against one plain SQL aggregate.

Run: .venv/bin/python bench/bench_report.py [--n 1000000] [--runs 9] [--year YYYY]

Uses the data folder of bench/seed_dossiers.py (built once, cached in bench/.cache/). Times
db.report_queries.build_report for the calendar year (default: the last full year of the data), which is
everything the dashboard shows: totals, per field, per month, in progress and overdue at the year's end,
digitised, ratings, the due list and the catalog count; median of --runs runs after one warm-up run.
In the same process and on the same rows it times one plain aggregate, SELECT count(*), sum(online)
FROM dossiers WHERE received_at in the year (as the planner runs it), and prints the ratio; and, for
scale, a bare count(*) of the year on the received_at index. The seeded data has no ratings and no
attachments: those two queries read empty index ranges here.
Goal: at most 300 ms for the year's figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_dossiers import BENCH_USER, ensure_seeded  # noqa: E402

from db.connection import database_path, open_database  # noqa: E402
from db.report_queries import build_report  # noqa: E402
from models.report_period import Period  # noqa: E402
from models.session import sign_in  # noqa: E402

GOAL_MS = 300.0
REQUIRED_INDEXES = ("dossiers_report_received", "dossiers_report_finished", "dossiers_report_unfinished",
                    "report_attached_finished", "ratings_at")
BASELINE_SQL = ("SELECT count(*), sum(channel IN ('truc_tuyen', 'ho_tro_truc_tuyen')) FROM dossiers "
                "WHERE received_at >= ? AND received_at < ?")
FLOOR_SQL = "SELECT count(*) FROM dossiers WHERE received_at >= ? AND received_at < ?"  # one index range only


def timed(function, runs: int) -> tuple[float, float, object]:
    """(first run in ms, median of `runs` further runs in ms, last result)."""
    started = time.perf_counter()
    result = function()
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return first, statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="số hồ sơ của dữ liệu mẫu")
    parser.add_argument("--runs", type=int, default=9, help="số lần đo (lấy trung vị)")
    parser.add_argument("--year", type=int, help="năm báo cáo (mặc định: năm trọn vẹn gần nhất của dữ liệu)")
    args = parser.parse_args(argv)
    sign_in(BENCH_USER)  # the data layer checks who reads reports (models.session), as after sign-in
    folder = ensure_seeded(args.n)
    db = open_database(database_path(folder))
    missing = [name for name in REQUIRED_INDEXES
               if not db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone()]
    if missing:
        print(f"Thiếu chỉ mục {', '.join(missing)}: hãy tạo lại dữ liệu (bench/seed_dossiers.py --force).")
        return 2
    count, last = db.execute("SELECT count(*), max(received_at) FROM dossiers").fetchone()
    year = args.year or datetime.fromisoformat(last).year - 1
    period = Period(date(year, 1, 1), date(year, 12, 31), "year")
    now = datetime.fromisoformat(last)

    first, median, report = timed(lambda: build_report(db, period, now), args.runs)
    bounds = [period.begins.isoformat(), period.ends.isoformat()]
    base_first, base_median, base = timed(lambda: db.execute(BASELINE_SQL, bounds).fetchone(), args.runs)
    _floor_first, floor_median, _floor = timed(lambda: db.execute(FLOOR_SQL, bounds).fetchone(), args.runs)
    plan = " ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + BASELINE_SQL, bounds).fetchall())
    t = report.total
    assert base[0] == t.received and base[1] == t.received_online, "the baseline counts other rows"
    print(f"Dữ liệu: {count:,} hồ sơ; báo cáo {period.label}: tiếp nhận {t.received:,}, đã giải quyết "
          f"{t.resolved:,}, đang giải quyết {t.in_progress:,}, {len(report.by_field)} lĩnh vực.")
    print(f"Số liệu bảng điều khiển cả năm: trung vị {median:.1f} ms ({args.runs} lần; lần đầu {first:.1f} ms)")
    print(f"Một truy vấn gộp SQL đơn giản:  trung vị {base_median:.1f} ms (lần đầu {base_first:.1f} ms) "
          f"[{plan}]")
    print(f"(Chỉ đếm số dòng trên chỉ mục received_at: {floor_median:.1f} ms.)")
    print(f"Tỷ lệ: {median / base_median:.2f} lần truy vấn gộp đơn giản. Mục tiêu ≤ {GOAL_MS:.0f} ms: "
          f"{'ĐẠT' if median <= GOAL_MS else 'CHƯA ĐẠT'}.")
    db.close()
    return 0 if median <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())

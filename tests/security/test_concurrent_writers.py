"""Concurrent writers: every write transaction takes the write lock at BEGIN (IMMEDIATE), so a second
writer waits on the busy timeout instead of failing at once with "Cơ sở dữ liệu đang bận"."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from db.data_folder import open_data_folder
from db.dossier_queries import count_dossiers

ROOT = Path(__file__).resolve().parents[2]
PROCEDURE = "2.001019"  # in the sample catalog

_RECEIVER = textwrap.dedent("""
    import sys
    from datetime import date
    sys.path.insert(0, {root!r})
    from db.data_folder import open_data_folder
    from db.dossier_store import receive_dossier
    from models.dossier_applicant import make_applicant
    from models.session import User, sign_in
    sign_in(User("admin", "Quản trị", "admin"))
    db = open_data_folder({data!r})
    person = make_applicant(name="Nguyễn Văn An", today=date(2026, 3, 1))
    print("ready", flush=True)
    sys.stdin.readline()  # every writer starts together
    for _ in range({count}):
        receive_dossier(db, procedure_code={code!r}, applicant=person)
    db.close()
""")


def _start(script: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    return process


def _receivers(data_dir: Path, writers: int, each: int) -> list[subprocess.Popen]:
    script = _RECEIVER.format(root=str(ROOT), data=str(data_dir), count=each, code=PROCEDURE)
    return [_start(script) for _ in range(writers)]


def _go_and_wait(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    for process in processes:
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err[-2000:]


def test_four_writers_times_25_receives_are_100_dossiers(data_dir: Path) -> None:
    open_data_folder(data_dir).close()
    _go_and_wait(_receivers(data_dir, 4, 25))
    db = open_data_folder(data_dir)
    try:
        assert count_dossiers(db) == 100
        codes = [row[0] for row in db.execute("SELECT code FROM dossiers")]
        assert len(set(codes)) == 100  # each writer read the day's sequence inside its own lock
    finally:
        db.close()


def test_a_big_catalog_import_while_dossiers_are_received(data_dir: Path, tmp_path: Path) -> None:
    open_data_folder(data_dir).close()
    big = tmp_path / "danh-muc.csv"
    lines = ["Mã thủ tục,Tên thủ tục,Thời hạn giải quyết"]
    lines += [f"9.{n:06d},Thủ tục thử số {n},05 ngày làm việc" for n in range(20_000)]
    big.write_text("\n".join(lines), encoding="utf-8")
    importer = _start(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from db.catalog_store import apply_import, plan_import
        from db.data_folder import open_data_folder
        from models.session import User, sign_in
        sign_in(User("admin", "Quản trị", "admin"))
        db = open_data_folder({str(data_dir)!r})
        plan = plan_import(db, {str(big)!r})
        print("ready", flush=True)
        sys.stdin.readline()
        apply_import(db, plan)
        db.close()
    """))
    _go_and_wait([importer, *_receivers(data_dir, 2, 10)])
    db = open_data_folder(data_dir)
    try:
        assert count_dossiers(db) == 20
        assert db.execute("SELECT count(*) FROM procedures WHERE code LIKE '9.%'").fetchone()[0] == 20_000
    finally:
        db.close()


def _read_then_write_while_another_writes(db, path: Path) -> None:
    """The lost-update shape: read, someone else commits, then write. A deferred transaction fails here
    at once (its snapshot is stale: SQLITE_BUSY without waiting); an immediate one holds the lock, so the
    other writer is the one kept waiting."""
    import sqlite3

    other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    try:
        with db.atomic():
            count = db.execute("SELECT count(*) FROM local").fetchone()[0]
            try:
                other.execute("INSERT INTO local(key, value) VALUES ('ke-khac', '1')")
            except sqlite3.OperationalError:
                pass  # waited for our lock, as it should
            db.execute("INSERT INTO local(key, value) VALUES ('ke-dem', ?)", [str(count)])
    finally:
        other.close()
    assert db.execute("SELECT value FROM local WHERE key = 'ke-dem'").fetchone() is not None


def test_the_window_and_background_jobs_take_the_write_lock_at_begin(data_dir: Path) -> None:
    from db.connection import database_path, open_light

    db = open_data_folder(data_dir)
    try:
        _read_then_write_while_another_writes(db, database_path(data_dir))
    finally:
        db.close()
    job = open_light(database_path(data_dir))  # the connection a GUI job (auto-sync, auto-backup) uses
    try:
        job.execute("DELETE FROM local WHERE key IN ('ke-dem', 'ke-khac')")
        _read_then_write_while_another_writes(job, database_path(data_dir))
    finally:
        job.close()

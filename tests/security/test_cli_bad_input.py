"""The review's command lines that ended in tracebacks: each answered by one Vietnamese line, a non-zero
exit, and no change to the data folder."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SIGN_IN_ENV, run_cli

LONG_SEARCH = "a" * 100_000


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("cli") / "du-lieu"
    done = run_cli("--data-dir", str(data_dir), "init", "--unit-name", "UBND xã Thử", "--unit-code", "000.00.00.H00")
    assert done.returncode == 0, done.stderr
    done = run_cli("--data-dir", str(data_dir), "dossier", "receive", "--procedure", "2.001019", "--name", "An")
    assert done.returncode == 0, done.stderr
    return data_dir


def _fingerprint(data_dir: Path) -> tuple:
    conn = sqlite3.connect(f"file:{data_dir / 'motcua.sqlite3'}?mode=ro", uri=True)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("events", "dossiers", "procedures", "calendar_overrides", "users"))
    finally:
        conn.close()


def _one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode != 0, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith("Lỗi:") and "Traceback" not in done.stderr
    return lines[0]


BAD = [
    (["calendar", "due", "--from", "2026-03-02T09:00", "--days", "-5"], "Thời hạn"),
    (["calendar", "due", "--from", "2026-03-02T09:00", "--days", "nan"], "Thời hạn"),
    (["calendar", "due", "--from", "2026-03-02T09:00", "--days", "1e300"], "Thời hạn"),
    (["calendar", "due", "--from", "2026-03-02T09:00", "--hours", "inf"], "Thời hạn"),
    (["calendar", "due", "--from", "2026-03-02T09:00", "--days", "100000"], "không quá 3650"),
    (["calendar", "due", "--from", "9999-12-31T09:00", "--days", "1"], "năm 9999"),
    (["calendar", "list", "--year", "99999"], "--year"),
    (["calendar", "add-off", "0001-01-01"], "năm 1"),
    (["dossier", "receive", "--procedure", "2.001019", "--name", "An", "--received-at", "0001-01-01T00:00"],
     "năm 1"),
    (["dossier", "list", "--offset", "99999999999999999999"], "--offset"),
    (["audit", "list", "--offset", "99999999999999999999"], "--offset"),
    (["dossier", "receive", "--procedure", "2.001019", "--name", "An", "--sets", "9" * 30], "--sets"),
    (["catalog", "export", "/proc/danh-muc.csv"], "Không ghi được"),
    (["catalog", "export", "/khong-co-thu-muc/danh-muc.xlsx"], "không tồn tại"),
    (["audit", "export", "/proc/nhat-ky.csv"], "Không ghi được"),
    (["report", "--xlsx", "/proc/bao-cao.xlsx"], "Không ghi được"),
    (["logbook", "--pdf", "/proc/so.pdf"], "Không ghi được"),
    (["catalog", "list", "--search", LONG_SEARCH], "quá dài"),
    (["dossier", "list", "--search", LONG_SEARCH], "quá dài"),
    (["sheet", "--out", "/tmp/motcua-khong-phai-pdf.txt"], ".pdf"),
    (["hub", "serve", "--port", "70000"], "--port"),
    (["settings", "set", "--unit-name", "X" * 5000], "quá dài"),
    (["catalog", "add", "--code", "9.1", "--name", "N" * 5000, "--field", "Tư pháp"], "quá dài"),
]


@pytest.mark.parametrize(("args", "says"), BAD, ids=[" ".join(a)[:60] for a, _ in BAD])
def test_bad_command_line_is_one_line(folder: Path, args: list[str], says: str) -> None:
    before = _fingerprint(folder)
    line = _one_line(run_cli("--data-dir", str(folder), *args))
    assert says in line
    assert _fingerprint(folder) == before


def test_hub_enroll_into_a_file_is_one_line(tmp_path: Path) -> None:
    a_file = tmp_path / "tep"
    a_file.write_text("x")
    assert "là một tệp" in _one_line(run_cli("hub", "enroll", "--data-dir", str(a_file), "--unit-code", "X"))
    assert a_file.read_text() == "x"


@pytest.mark.skipif(os.name == "nt", reason="POSIX hands undecodable bytes to Python as surrogates")
def test_invalid_utf8_argument_is_one_line(folder: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **SIGN_IN_ENV)
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(folder), "catalog", "list",
                           "--search", b"\xff\xfeabc"], capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode != 0
    stderr = done.stderr.decode("utf-8")
    assert len(stderr.strip().splitlines()) == 1 and "UTF-8" in stderr


def test_foreign_sqlite_file_gets_no_motcua_schema(tmp_path: Path) -> None:
    data_dir = tmp_path / "thu-muc"
    data_dir.mkdir()
    foreign = data_dir / "motcua.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE ke_toan (so_tien INTEGER)")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    assert "chương trình khác" in _one_line(run_cli("--data-dir", str(data_dir), "catalog", "list"))
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir()) == ["motcua.sqlite3"]


def test_json_into_a_closed_pipe_prints_no_broken_pipe(tmp_path: Path) -> None:
    data_dir = tmp_path / "du-lieu"
    big = tmp_path / "lon.csv"
    big.write_text("Mã thủ tục,Tên thủ tục\n" + "\n".join(f"9.{n:06d},Thủ tục thử số {n} " + "x" * 100
                                                           for n in range(2000)), encoding="utf-8")
    assert run_cli("--data-dir", str(data_dir), "catalog", "import", str(big)).returncode == 0
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8", **SIGN_IN_ENV)
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data_dir), "--json",
                                "catalog", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    process.stdout.readline()  # as `| head -1` does: read a little, then go away
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8")
    process.wait(timeout=120)
    assert "BrokenPipeError" not in stderr and "Traceback" not in stderr and stderr.strip() == ""


def test_an_unexpected_error_is_one_line_and_logged(tmp_path: Path, monkeypatch, capsys) -> None:
    from cli import foundation_cmds
    from cli.parser import run_command

    def broken(context) -> int:
        raise RuntimeError("hỏng bất ngờ trong mã")

    data_dir = tmp_path / "du-lieu"
    data_dir.mkdir()
    monkeypatch.setattr(foundation_cmds, "cmd_version", broken)
    code = run_command(["--data-dir", str(data_dir), "version"], lambda: data_dir)
    err = capsys.readouterr().err
    assert code != 0 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    log = (data_dir / "logs" / "motcua.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "hỏng bất ngờ trong mã" in log

"""Tiny hostile catalog files: refused with one Vietnamese line, in bounded time and memory, nothing changed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from db.catalog_store import read_catalog_file
from models.errors import UserError
from models.table_file import MAX_DATA_ROWS
from tests.security import bombs

ROOT = Path(__file__).resolve().parents[2]
PEAK_LIMIT_MB = 300

_MEASURE = textwrap.dedent("""
    import resource, sys
    sys.path.insert(0, {root!r})
    from db.catalog_store import read_catalog_file
    from models.errors import UserError
    try:
        read_catalog_file({path!r})
        outcome = "read"
    except UserError as error:
        outcome = "refused: " + str(error)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{{peak_mb:.0f}}")
    print(outcome)
""")


def _read_in_subprocess(path: Path) -> tuple[float, str]:
    """(peak RSS in MB, outcome) of reading `path` in a fresh process; the timeout is the 5 s bound,
    generous on purpose (a shared CI machine), not a measurement."""
    script = _MEASURE.format(root=str(ROOT), path=str(path))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    peak, outcome = done.stdout.strip().split("\n", 1)
    return float(peak), outcome


def test_dimension_bomb_is_read_in_bounded_memory(tmp_path: Path) -> None:
    bomb = bombs.dimension_bomb(tmp_path / "bom.xlsx")
    assert bomb.stat().st_size < 10_000
    peak, outcome = _read_in_subprocess(bomb)
    assert peak < PEAK_LIMIT_MB
    assert outcome == "read"  # the declared dimension is ignored: the two real rows are read
    assert [row.code for row in read_catalog_file(bomb).rows] == ["1.000001"]


def test_whitespace_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = bombs.whitespace_bomb(tmp_path / "bom.xlsx", megabytes=1024)
    assert bomb.stat().st_size < 2_000_000
    peak, outcome = _read_in_subprocess(bomb)
    assert peak < PEAK_LIMIT_MB
    assert outcome.startswith("refused: ") and "giải nén" in outcome and "\n" not in outcome


def test_whitespace_just_under_the_part_limit_stays_bounded(tmp_path: Path) -> None:
    bomb = bombs.whitespace_bomb(tmp_path / "bom.xlsx", megabytes=40)
    peak, outcome = _read_in_subprocess(bomb)
    assert peak < PEAK_LIMIT_MB
    assert outcome == "read"


def test_far_cells_do_not_fill_the_gaps(tmp_path: Path) -> None:
    bomb = bombs.far_cell_bomb(tmp_path / "bom.xlsx")
    peak, outcome = _read_in_subprocess(bomb)
    assert peak < PEAK_LIMIT_MB
    assert outcome == "read"


def test_more_rows_than_the_cap_are_refused_not_cut(tmp_path: Path) -> None:
    path = tmp_path / "lon.csv"
    rows = ["Mã thủ tục,Tên thủ tục"] + [f"9.{n:06d},Thủ tục {n}" for n in range(MAX_DATA_ROWS + 1)]
    path.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(UserError, match="20.000 dòng"):
        read_catalog_file(path)
    path.write_text("\n".join(rows[:-1]), encoding="utf-8")
    assert len(read_catalog_file(path).rows) == MAX_DATA_ROWS


def test_header_is_looked_for_in_the_first_50_rows_only(tmp_path: Path) -> None:
    path = tmp_path / "xa.csv"
    path.write_text("\n".join(["tiêu đề"] * 60 + ["Mã thủ tục,Tên thủ tục", "1.000001,Một"]), encoding="utf-8")
    with pytest.raises(UserError, match="dòng tiêu đề"):
        read_catalog_file(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_fifo_does_not_hang_the_import(tmp_path: Path) -> None:
    fifo = tmp_path / "ong.csv"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="không phải là một tệp thông thường"):
        read_catalog_file(fifo)  # opening it for reading would block forever


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="không phải là một tệp thông thường"):
        read_catalog_file(tmp_path)


def test_a_field_over_128_kib_is_said_to_be_too_long(tmp_path: Path) -> None:
    path = tmp_path / "dai.csv"
    path.write_text('Mã thủ tục,Tên thủ tục\n1.000001,"' + "a" * (130 * 1024) + '"\n', encoding="utf-8")
    with pytest.raises(UserError, match="128 KiB") as refused:
        read_catalog_file(path)
    assert "tiêu đề" not in str(refused.value)


def test_a_line_of_a_million_commas_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "phay.csv"
    path.write_text("Mã thủ tục,Tên thủ tục\n" + "," * 2_000_000 + "\n", encoding="utf-8")
    with pytest.raises(UserError, match="dài quá"):
        read_catalog_file(path)


def test_a_changed_compression_byte_is_one_line(tmp_path: Path) -> None:
    good = bombs.dimension_bomb(tmp_path / "tot.xlsx").read_bytes()
    path = tmp_path / "hong.xlsx"
    path.write_bytes(bombs.unknown_compression(good))
    with pytest.raises(UserError, match="cách nén không hỗ trợ|tệp hỏng"):
        read_catalog_file(path)


def test_catalog_import_of_the_bomb_is_one_line_and_changes_nothing(tmp_path: Path, cli) -> None:
    data_dir = tmp_path / "du-lieu"
    before = cli("--data-dir", str(data_dir), "--json", "catalog", "list")
    assert before.returncode == 0, before.stderr
    bomb = bombs.whitespace_bomb(tmp_path / "bom.xlsx", megabytes=1024)
    done = cli("--data-dir", str(data_dir), "catalog", "import", str(bomb))
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("Lỗi:")
    after = cli("--data-dir", str(data_dir), "--json", "catalog", "list")
    assert after.stdout == before.stdout

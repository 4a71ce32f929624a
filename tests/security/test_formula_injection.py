"""An exported `=cmd|...` name is inert: CSV cells get the leading apostrophe, XLSX cells are strings."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from models.sheet_cells import FORMULA_STARTS, csv_cell, from_csv_cell

EVIL = "=cmd|' /C calc'!A0"
EVIL_LINK = '=HYPERLINK("http://ke-gian.example/x","Bấm vào đây")'


def test_the_csv_rule() -> None:
    for start in FORMULA_STARTS:
        assert csv_cell(start + "1+1") == "'" + start + "1+1"
        assert from_csv_cell(csv_cell(start + "1+1")) == start + "1+1"
    assert csv_cell("Nguyễn Văn An") == "Nguyễn Văn An" and csv_cell(12) == 12


def _xlsx_cells(path: Path) -> list:
    workbook = load_workbook(path)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    return cells


def _assert_inert_xlsx(path: Path, needle: str) -> None:
    cells = _xlsx_cells(path)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    holding = [cell for cell in cells if isinstance(cell.value, str) and needle in cell.value]
    assert holding, f"{needle} not exported in {path.name}"
    assert all(cell.data_type == "s" for cell in holding)


def _assert_inert_csv(path: Path, needle: str, *, own_cell: bool = True) -> None:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    if own_cell:  # the name is a cell of its own, so it carries the apostrophe
        assert [cell for cell in cells if cell.startswith("'") and needle in cell]
    else:  # the name sits inside a longer cell (the audit's JSON of an event)
        assert [cell for cell in cells if needle in cell]


def test_every_export_keeps_a_hostile_name_inert(tmp_path: Path, cli) -> None:
    base = ["--data-dir", str(tmp_path / "du-lieu")]
    steps = [
        ["settings", "set", "--unit-name", EVIL_LINK],
        ["catalog", "add", "--code", "9.000001", "--name", EVIL, "--field", EVIL, "--deadline-text",
         "05 ngày làm việc", "--fees", "-50.000 đồng"],
        ["dossier", "receive", "--procedure", "9.000001", "--name", EVIL, "--address", "@SUM(1+1)",
         "--note", "+1", "--received-at", "2026-03-02T09:00"],
        ["catalog", "export", str(tmp_path / "dm.csv")],
        ["catalog", "export", str(tmp_path / "dm.xlsx")],
        ["report", "--from", "01/03/2026", "--to", "31/03/2026", "--xlsx", str(tmp_path / "bc.xlsx")],
        ["logbook", "--from", "01/03/2026", "--to", "31/03/2026", "--xlsx", str(tmp_path / "so.xlsx")],
        ["audit", "export", str(tmp_path / "nk.csv")],
        ["audit", "export", str(tmp_path / "nk.xlsx")],
    ]
    for step in steps:
        done = cli(*base, *step)
        assert done.returncode == 0, (step, done.stderr)
    _assert_inert_csv(tmp_path / "dm.csv", EVIL)
    _assert_inert_xlsx(tmp_path / "dm.xlsx", EVIL)
    _assert_inert_xlsx(tmp_path / "bc.xlsx", "HYPERLINK")
    _assert_inert_xlsx(tmp_path / "so.xlsx", "HYPERLINK")
    _assert_inert_xlsx(tmp_path / "so.xlsx", EVIL)
    _assert_inert_csv(tmp_path / "nk.csv", "cmd|", own_cell=False)
    _assert_inert_xlsx(tmp_path / "nk.xlsx", "cmd|")


def test_export_then_import_gives_back_the_very_text(tmp_path: Path, cli) -> None:
    base = ["--data-dir", str(tmp_path / "du-lieu")]
    assert cli(*base, "catalog", "add", "--code", "9.000001", "--name", EVIL, "--field", "Tư pháp",
               "--fees", "- Lệ phí: 10.000 đồng").returncode == 0
    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"dm.{suffix}"
        assert cli(*base, "catalog", "export", str(path)).returncode == 0
        again = cli(*base, "catalog", "import", str(path), "--dry-run")
        assert again.returncode == 0, again.stderr
        assert "thêm mới: 0, cập nhật: 0," in again.stdout, again.stdout

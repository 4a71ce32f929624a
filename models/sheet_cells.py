"""User text in CSV and XLSX exports stays text: never a formula Excel or LibreOffice would run.

A procedure or unit name such as `=cmd|' /C calc'!A0` or `=HYPERLINK(...)` typed into MotCua (or synced
from another PC) would otherwise run when a clerk opens the export. OWASP's rule for CSV: a cell starting
with = + - @ (or a tab or carriage return, which Excel skips before looking) gets a leading apostrophe,
which Excel hides and never evaluates. In XLSX a cell is written with the string type, never as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """`value` for a CSV cell: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Sequence[object]) -> list[object]:
    return [csv_cell(value) for value in values]


def from_csv_cell(text: str) -> str:
    """Undo csv_cell on import, so export -> import gives back the very text."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def make_inert(workbook) -> None:
    """Every cell of an (openpyxl, not write-only) workbook that openpyxl would save as a formula becomes a
    string: called just before saving, it covers every cell the export wrote, headers and titles too."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"

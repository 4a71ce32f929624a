"""Writing the catalog to XLSX or CSV with the headers the importer reads, so a file round-trips."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from models.catalog import Procedure
from models.catalog_import import HEADERS, SAMPLE_NOTE
from models.catalog_papers import papers_cell
from models.errors import UserError
from models.sheet_cells import csv_row, make_inert
from output.files import write_through_temp

# (column key, header, width in characters): the importer's first header of each key.
COLUMNS = [
    ("code", HEADERS["code"][0], 12),
    ("name", HEADERS["name"][0], 60),
    ("field", HEADERS["field"][0], 18),
    ("deadline_text", HEADERS["deadline_text"][0], 40),
    ("fees", HEADERS["fees"][0], 30),
    ("online_level", HEADERS["online_level"][0], 12),
    ("essential", HEADERS["essential"][0], 10),
    ("own_url", HEADERS["own_url"][0], 40),
    ("papers", HEADERS["papers"][0], 50),
    ("deciding_agency", HEADERS["deciding_agency"][0], 30),
    ("cooperating_agency", HEADERS["cooperating_agency"][0], 30),
    ("verification_text", HEADERS["verification_text"][0], 30),
    ("sample", HEADERS["sample"][0], 20),
    ("paper_result", HEADERS["paper_result"][0], 12),
]
_LEVEL_TEXT = {"toan_trinh": "Toàn trình", "mot_phan": "Một phần", "": ""}


def procedure_cells(procedure: Procedure) -> list[str]:
    """One row of text cells, in COLUMNS order (essential as 'x' or blank, as units mark it)."""
    values = {
        "code": procedure.code, "name": procedure.name, "field": procedure.field,
        "deadline_text": procedure.deadline_text, "fees": procedure.fees,
        "online_level": _LEVEL_TEXT.get(procedure.online_level, ""),
        "essential": "x" if procedure.essential else "", "own_url": procedure.own_url,
        "papers": papers_cell(procedure.papers), "deciding_agency": procedure.deciding_agency,
        "cooperating_agency": procedure.cooperating_agency, "verification_text": procedure.verification_text,
        "sample": SAMPLE_NOTE if procedure.sample else "",
        "paper_result": "x" if procedure.paper_result else "không",
    }
    return [values[key] for key, _, _ in COLUMNS]


def _write_csv(procedures: Iterable[Procedure], target: Path) -> None:
    # UTF-8 with a BOM: without it Excel on Vietnamese Windows reads the file as Windows-1258.
    with open(target, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([header for _, header, _ in COLUMNS])
        writer.writerows(csv_row(procedure_cells(p)) for p in procedures)  # =, +, -, @ stay text


def _write_xlsx(procedures: Iterable[Procedure], target: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh mục TTHC"
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([header for _, header, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = wrap
    for procedure in procedures:
        sheet.append(procedure_cells(procedure))
        for cell in sheet[sheet.max_row]:
            # Text stays text: a name starting with "=" must not become a formula, nor a code a number.
            cell.data_type = "s"
            cell.alignment = wrap
    for index, (_, _, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    make_inert(workbook)
    workbook.save(target)


def export_catalog(procedures: Iterable[Procedure], path: Path | str) -> Path:
    """Write `path` (.xlsx or .csv) through a temporary file, so a failed write leaves no half file."""
    path = Path(path)
    writers = {".xlsx": _write_xlsx, ".csv": _write_csv}
    writer = writers.get(path.suffix.lower())
    if writer is None:
        raise UserError(f"Chỉ xuất được ra tệp .xlsx hoặc .csv, không phải '{path.name}'.")
    rows = list(procedures)
    write_through_temp(path, lambda temporary: writer(rows, temporary))
    return path

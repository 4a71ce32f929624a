"""Reading a catalog file (CSV in any encoding Excel writes, or XLSX) into normalised rows and rejections."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from models.catalog import Procedure, check_procedure_texts
from models.catalog_papers import parse_papers_cell
from models.deadline_text import parse_deadline
from models.errors import UserError
from models.sheet_cells import from_csv_cell
from models.table_file import HEADER_ROWS_SCANNED, csv_table, xlsx_table
from models.text import clean_text, fold

# Column key (a Procedure attribute) -> headers as units write them; matched by _header_key (fold, no
# spaces or punctuation). The exporter writes the first of each list, so export -> import round-trips.
HEADERS = {
    "code": ["Mã thủ tục", "Mã TTHC", "Mã số TTHC", "Mã thủ tục hành chính"],
    "name": ["Tên thủ tục", "Tên TTHC", "Tên thủ tục hành chính"],
    "field": ["Lĩnh vực"],
    "deadline_text": ["Thời hạn giải quyết", "Thời hạn"],
    "fees": ["Phí, lệ phí", "Phí", "Lệ phí", "Phí lệ phí"],
    "online_level": ["Mức độ DVC", "Mức độ", "Mức độ dịch vụ công", "Mức độ DVCTT"],
    "essential": ["Thiết yếu"],
    "own_url": ["Đường dẫn"],
    # What the forms need (issue #12): papers one a line or ';'-separated, the agencies, the longer time.
    "papers": ["Thành phần hồ sơ", "Thành phần, số lượng hồ sơ", "Hồ sơ gồm"],
    "deciding_agency": ["Cơ quan thực hiện", "Cơ quan chủ trì", "Cơ quan giải quyết", "Cơ quan chủ trì giải quyết"],
    "cooperating_agency": ["Cơ quan phối hợp"],
    "verification_text": ["Thời hạn cần xác minh", "Thời hạn xác minh"],
    # The bundled sample marks its rows "DỮ LIỆU MẪU" in this column, and the export writes it back, so
    # the sample stays visibly a sample through an export and an import (issue #12).
    "sample": ["Ghi chú"],
    "paper_result": ["Kết quả là giấy", "Kết quả bản giấy"],
}
SAMPLE_NOTE = "DỮ LIỆU MẪU – thay bằng danh mục của đơn vị"

_FLAG_TRUE = {"x", "co", "1", "yes", "y", "true", "dung", "thiet yeu"}
_FLAG_FALSE = {"", "khong", "0", "no", "n", "false", "-"}
_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)


def _header_key(cell: object) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(cell))


_KEY_OF_HEADER = {_header_key(alias): key for key, aliases in HEADERS.items() for alias in aliases}


@dataclass(frozen=True)
class FileRow:
    """One data row of the file: a valid procedure, or the reason (Vietnamese) it was rejected."""

    row_number: int  # as Excel numbers the rows of this file, so the clerk can find it
    code: str
    name: str
    procedure: Procedure | None = None
    reason: str = ""


@dataclass(frozen=True)
class CatalogFile:
    """What a file holds; `columns` tells which fields it carries (absent ones keep stored values)."""

    source: str
    columns: frozenset[str]
    rows: tuple[FileRow, ...]


def parse_online_level(text: str) -> str | None:
    """'Toàn trình' / 'Mức độ 4' / '4' -> 'toan_trinh'; 'Một phần' / '3' -> 'mot_phan'; 1, 2, blank,
    'Không' -> ''; None when not recognised (Nghị định 42/2022 replaced levels 3-4 by these two)."""
    folded = fold(text).replace("_", " ")
    if "toan trinh" in folded:
        return "toan_trinh"
    if "mot phan" in folded:
        return "mot_phan"
    match = re.fullmatch(r"(?:muc do|md|muc)?\s*([1-4])(?:\.0)?", folded)
    if match:
        return {"4": "toan_trinh", "3": "mot_phan"}.get(match.group(1), "")
    if folded in {"", "khong", "-", "truc tiep", "khong co"}:
        return ""
    return None


def parse_flag(text: str) -> bool | None:
    """The "Thiết yếu" cell: x / có / 1 / yes = True; blank / không / 0 / no = False; else None."""
    folded = fold(text)
    if folded in _FLAG_TRUE:
        return True
    if folded in _FLAG_FALSE:
        return False
    return None


def url_problem(url: str) -> str:
    """'' when `url` is empty or a plausible http(s) link, else the reason in Vietnamese."""
    if url and not _URL.match(url):
        return f"Đường dẫn không hợp lệ (cần bắt đầu bằng http:// hoặc https://): '{_short(url)}'"
    return ""


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- bytes -> table -------------------------------------------------------------------------------

def decode_text(data: bytes) -> str:
    """Decode honestly: a BOM decides; else strict UTF-8; else Windows-1258; else a UserError.

    cp1258 writes tone marks as combining characters, so every cell is later composed to NFC.
    """
    for bom, encoding, label in ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
                                 (codecs.BOM_UTF16_BE, "utf-16", "UTF-16")):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise UserError(f"Tệp đánh dấu bảng mã {label} nhưng nội dung bị hỏng: không đọc được.") from None
            break
    else:
        if b"\x00" in data:
            raise UserError("Tệp không phải văn bản CSV (có byte 0): hãy lưu lại dạng CSV UTF-8 hoặc XLSX.")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1258")
            except UnicodeDecodeError:
                raise UserError("Không nhận ra bảng mã của tệp (không phải UTF-8, UTF-16 hay Windows-1258): "
                                "hãy lưu lại dạng CSV UTF-8 hoặc XLSX.") from None
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        raise UserError("Tệp chứa ký tự điều khiển, không phải văn bản CSV: hãy lưu lại dạng CSV UTF-8 hoặc XLSX.")
    return text


def _find_header(rows: list[list[object]]) -> tuple[int, dict[int, str]] | None:
    """(index of the header row, column index -> key): the first row naming both code and name."""
    for index, row in enumerate(rows[:HEADER_ROWS_SCANNED]):
        mapping: dict[int, str] = {}
        for column, cell in enumerate(row):
            key = _KEY_OF_HEADER.get(_header_key(cell)) if isinstance(cell, str) else None
            if key and key not in mapping.values():
                mapping[column] = key
        if {"code", "name"} <= set(mapping.values()):
            return index, mapping
    return None


# --- table -> rows --------------------------------------------------------------------------------

def _cell_text(value: object, key: str) -> str:
    """A cell as text. Excel turns a code typed as 1.004220 into the number 1.00422: put the six
    decimals of the national format (a digit, a dot, six digits) back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and key == "code" and 0 < value < 10 and round(value, 6) == value:
        return f"{value:.6f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if key == "papers":  # one paper a line: the line breaks are the separators, keep them
        return "\n".join(clean_text(line) for line in str(value).splitlines())
    return from_csv_cell(clean_text(value))  # an exported '=... (models.sheet_cells) reads back as =...


def _file_row(number: int, cells: dict[str, str]) -> FileRow:
    code, name = cells.get("code", ""), cells.get("name", "")
    problems = []
    try:
        check_procedure_texts(cells)
    except UserError as error:
        problems.append(str(error).rstrip("."))
    if not code:
        problems.append("Thiếu mã thủ tục")
    if not name:
        problems.append("Thiếu tên thủ tục")
    level = parse_online_level(cells.get("online_level", ""))
    if level is None:
        problems.append(f"Mức độ DVC không nhận ra: '{_short(cells['online_level'])}' "
                        "(dùng Toàn trình, Một phần, hoặc để trống)")
    essential = parse_flag(cells.get("essential", ""))
    if essential is None:
        problems.append(f"Cột Thiết yếu không nhận ra: '{_short(cells['essential'])}' (dùng x hoặc để trống)")
    if url_problem(cells.get("own_url", "")):
        problems.append(url_problem(cells["own_url"]))
    papers = ""
    try:
        papers = parse_papers_cell(cells.get("papers", ""))
    except UserError as error:
        problems.append(f"Thành phần hồ sơ: {error}")
    # Blank or absent means the default, "the result is a paper" (models.catalog.Procedure.paper_result).
    paper = parse_flag(cells.get("paper_result", "") or "x")
    if paper is None:
        problems.append(f"Cột Kết quả là giấy không nhận ra: '{_short(cells['paper_result'])}' (x, không, "
                        "hoặc để trống)")
    if problems:
        return FileRow(number, code, name, reason="; ".join(problems))
    value, unit = parse_deadline(cells.get("deadline_text", ""))
    procedure = Procedure(
        code=code, name=name, field=cells.get("field", ""), deadline_text=cells.get("deadline_text", ""),
        deadline_value=value, deadline_unit=unit, fees=cells.get("fees", ""), online_level=level or "",
        essential=bool(essential), own_url=cells.get("own_url", ""), papers=papers,
        deciding_agency=cells.get("deciding_agency", ""), cooperating_agency=cells.get("cooperating_agency", ""),
        verification_text=cells.get("verification_text", ""),
        sample="du lieu mau" in fold(cells.get("sample", "")), paper_result=bool(paper),
    )
    return FileRow(number, code, name, procedure=procedure)


def rows_from_table(table: list[list[object]], header: tuple[int, dict[int, str]], source: str) -> CatalogFile:
    """Normalise every data row below the header; blank rows are skipped, a repeated code rejected."""
    header_index, mapping = header
    first_seen: dict[str, int] = {}
    rows = []
    for index in range(header_index + 1, len(table)):
        raw = table[index]
        if not raw:  # a blank row (models.table_file keeps its place, so row numbers stay Excel's)
            continue
        cells = {key: _cell_text(raw[col] if col < len(raw) else None, key) for col, key in mapping.items()}
        if not any(cells.values()):
            continue
        row = _file_row(index + 1, cells)
        if row.code in first_seen:
            reason = f"Mã trùng với dòng {first_seen[row.code]} trong tệp"
            row = FileRow(row.row_number, row.code, row.name, reason="; ".join(filter(None, [row.reason, reason])))
        elif row.code:
            first_seen[row.code] = row.row_number
        rows.append(row)
    return CatalogFile(source=source, columns=frozenset(mapping.values()), rows=tuple(rows))


def parse_catalog_file(data: bytes, name: str) -> CatalogFile:
    """A CSV or XLSX catalog's bytes (db.catalog_store.read_catalog_file reads them, bounded) as rows;
    UserError (Vietnamese) when the file cannot be used at all."""
    path = Path(name)
    if not data.strip():
        raise UserError(f"Tệp {path.name} trống.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError("Tệp Excel dạng cũ (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại dạng .xlsx.")
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() in {".xlsx", ".xlsm"}:
        table, header = xlsx_table(data, path.name, _find_header)
    else:
        table, header = csv_table(decode_text(data), _find_header, path.name)
    if header is None:
        raise UserError(f"Không tìm thấy dòng tiêu đề trong tệp {path.name}: cần ít nhất hai cột "
                        "'Mã thủ tục' (hoặc 'Mã TTHC') và 'Tên thủ tục' (hoặc 'Tên TTHC').")
    return rows_from_table(table, header, path.name)

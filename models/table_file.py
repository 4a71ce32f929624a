"""Reading a spreadsheet (XLSX) or CSV from outside with bounds, so a tiny hostile file cannot exhaust memory.

Pure: it parses bytes handed in (db.outside_files reads them, regular files only, bounded).
A 4.7 KB .xlsx can declare the dimension A1:XFD1048576 (openpyxl's read-only mode trusts it and fills
every row to 16,384 cells) or inflate 1000:1 into whitespace. So: only regular files (a FIFO would hang the
reader), zip members' uncompressed sizes checked before anything is parsed, the declared dimension
ignored, rows and columns capped while streaming, and the header looked for in the first rows only.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator

from models.errors import UserError

MAX_DATA_ROWS = 20_000  # a catalog has hundreds of procedures; a few units' lists merged stay far below
MAX_COLUMNS = 64  # the catalog uses 8 columns; exports from the national portal carry about 20
HEADER_ROWS_SCANNED = 50  # title rows above the header: a few in practice; stop looking after this
MAX_FILE_BYTES = 32 * 1024 * 1024  # 20,000 rows of 1,000-character names fit in about 30 MB
MAX_MEMBER_BYTES = 48 * 1024 * 1024  # one part of the .xlsx (a sheet, the shared strings) once unpacked
MAX_UNPACKED_BYTES = 96 * 1024 * 1024  # every part together, once unpacked
MAX_MEMBERS = 2_000
MAX_FIELD_CHARS = 128 * 1024  # csv's own field limit, said in the message
MAX_ROW_CHARS = 1024 * 1024  # one CSV record (its lines together): bounds the cells of one row
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}

Header = tuple[int, dict[int, str]]  # (index of the header row, column index -> key)
FindHeader = Callable[[list[list[object]]], Header | None]


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def check_zip_members(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse an archive whose parts would unpack too large, too many, or with an unknown method.

    The sizes are the ones the archive declares; zipfile never inflates a member past its declared size
    (it stops there and reports a bad CRC), so checking them bounds what is read.
    """
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UserError(f"Tệp {name} có quá nhiều phần ({len(members):,}): không phải tệp Excel bình thường.")
    total = 0
    for member in members:
        if member.compress_type not in _ZIP_METHODS:
            raise UserError(f"Tệp {name} dùng cách nén không hỗ trợ (phần {member.filename[:60]}): tệp hỏng?")
        if member.file_size > MAX_MEMBER_BYTES:
            raise UserError(f"Tệp {name} có phần {member.filename[:60]} giải nén ra {_mb(member.file_size)} "
                            f"(tối đa {_mb(MAX_MEMBER_BYTES)}): từ chối, có thể là tệp độc hại.")
        total += member.file_size
    if total > MAX_UNPACKED_BYTES:
        raise UserError(f"Tệp {name} giải nén ra {_mb(total)} (tối đa {_mb(MAX_UNPACKED_BYTES)}): từ chối, "
                        "có thể là tệp độc hại.")


def _too_many_rows(name: str) -> UserError:
    return UserError(f"Tệp {name} có hơn {MAX_DATA_ROWS:,} dòng dữ liệu: quá lớn cho một danh mục. "
                     "Hãy tách tệp hoặc xóa các dòng thừa.".replace(",", "."))


_BLANK: list[object] = []


def _is_blank(row: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _collect(rows: Iterator[list[object]], find_header: FindHeader, name: str) -> tuple[list[list[object]], Header | None]:
    """Stream `rows`: the header within the first HEADER_ROWS_SCANNED rows, then at most MAX_DATA_ROWS
    non-blank rows below it; more is refused (never cut silently). Blank rows are skipped cheaply."""
    head: list[list[object]] = []
    for row in rows:
        head.append(row[:MAX_COLUMNS])
        header = find_header(head) if len(head) <= HEADER_ROWS_SCANNED else None
        if header:
            break
        if len(head) >= HEADER_ROWS_SCANNED:
            return [], None
    else:
        return [], None
    width = max(header[1]) + 1
    table = head
    data_rows = 0
    for row in rows:
        if row is _BLANK or _is_blank(row[:width]):
            table.append(_BLANK)  # one shared object: a million blank rows cost pointers only
            continue
        row = row[:width]
        data_rows += 1
        if data_rows > MAX_DATA_ROWS:
            raise _too_many_rows(name)
        table.append(row)
    return table, header


# --- XLSX -----------------------------------------------------------------------------------------

def _sheet_rows(sheet) -> Iterator[list[object]]:
    """A read-only sheet's rows, MAX_COLUMNS wide at most. openpyxl fills a gap of missing rows (a lone
    cell at row 1,048,576) with one shared empty tuple: recognised by identity, a million cost little."""
    empty = None
    for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
        if row is empty:
            yield _BLANK
        elif all(cell is None for cell in row):
            empty = row
            yield _BLANK
        else:
            yield list(row)


def xlsx_table(data: bytes, name: str, find_header: FindHeader) -> tuple[list[list[object]], Header | None]:
    """Rows of the first worksheet that has a header row, read with the bounds above."""
    from openpyxl import load_workbook

    if len(data) > MAX_FILE_BYTES:
        raise UserError(f"Tệp {name} quá lớn ({_mb(len(data))}; tối đa {_mb(MAX_FILE_BYTES)}).")
    source = io.BytesIO(data)
    try:
        with zipfile.ZipFile(source) as archive:
            check_zip_members(archive, name)
        workbook = load_workbook(source, read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets[:MAX_MEMBERS]:
                if not hasattr(sheet, "reset_dimensions"):  # a chartsheet has no cells
                    continue
                sheet.reset_dimensions()  # the declared <dimension> is not trusted: cells decide
                table, header = _collect(_sheet_rows(sheet), find_header, name)
                if header:
                    return table, header
        finally:
            workbook.close()
    except UserError:
        raise
    except Exception as error:  # noqa: BLE001 - zip, XML and openpyxl errors all mean "broken file"
        raise UserError(f"Không đọc được tệp Excel {name}: tệp hỏng hoặc không phải .xlsx "
                        f"({type(error).__name__}).") from None
    return [], None


# --- CSV ------------------------------------------------------------------------------------------

class _BoundedLines:
    """The lines of a text for csv.reader, refusing one record (its lines together) over MAX_ROW_CHARS:
    the number of cells in a row is then bounded too."""

    def __init__(self, text: str, name: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self._name = name
        self.since_row = 0
        self.line_number = 0

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.line_number += 1
        self.since_row += len(line)
        if self.since_row > MAX_ROW_CHARS:
            raise UserError(f"Dòng {self.line_number} của tệp {self._name} dài quá "
                            f"{MAX_ROW_CHARS // 1024} KiB ký tự: không phải danh mục bình thường.")
        return line


def csv_rows(text: str, delimiter: str, name: str) -> Iterator[list[object]]:
    """Records of a CSV text, each bounded; a field over 128 KiB is said as such."""
    lines = _BoundedLines(text, name)
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise UserError(f"Một ô ở dòng {lines.line_number} của tệp {name} dài quá "
                                f"{MAX_FIELD_CHARS // 1024} KiB: không phải danh mục bình thường.") from None
            raise UserError(f"Tệp {name} không đọc được dạng CSV (dòng {lines.line_number}): {error}.") from None
        lines.since_row = 0
        cells: list[object] = list(row)
        yield cells


def csv_table(text: str, find_header: FindHeader, name: str) -> tuple[list[list[object]], Header | None]:
    """Rows of a CSV text with the delimiter (',' ';' or tab) whose header row comes first."""
    best: tuple[str, int] | None = None
    for delimiter in (",", ";", "\t"):
        head = []
        for row in csv_rows(text, delimiter, name):
            head.append(row[:MAX_COLUMNS])
            if len(head) >= HEADER_ROWS_SCANNED:
                break
        header = find_header(head)
        if header and (best is None or header[0] < best[1]):
            best = (delimiter, header[0])
    if best is None:
        return [], None
    return _collect(csv_rows(text, best[0], name), find_header, name)

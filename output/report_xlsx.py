"""The period report and the dossier logbook as XLSX, laid out to print: header, A4, fit to width, page titles."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path

from models import report_rules as rules
from models.errors import UserError
from models.logbook import LOGBOOK_TITLE, MOMENT_KEYS, LogbookLine, logbook_columns
from models.report import (
    FIELD_COLUMNS,
    REPORT_TITLE,
    SAMPLE_FIGURES,
    Report,
    column_value,
    field_label,
    month_label,
    posting_indicators,
)
from models.settings import UnitSettings
from models.sheet_cells import make_inert
from models.text import clean_text
from output.files import write_through_temp

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
COUNT = "#,##0"  # Excel shows its own thousands mark (1.234 on a Vietnamese Windows)
SHARE = "0.0%"
DAYS = "0.0"
MOMENT = "dd/mm/yyyy hh:mm"

_FORMATS = {"count": COUNT, "share": SHARE, "days": DAYS}


@functools.cache
def _styles() -> dict:
    """Made once: a new Font/Border per cell would make openpyxl compare thousands of styles."""
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="606060")
    return {"grid": Border(left=thin, right=thin, top=thin, bottom=thin),
            "wrap": Alignment(wrap_text=True, vertical="top"),
            "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
            "bold": Font(bold=True), "title": Font(bold=True, size=14), "italic": Font(italic=True)}


def _header(sheet, settings: UnitSettings, columns: int, title: str, lines: list[str], form_line: str = "") -> int:
    """Unit (left) and national motto (right), the title and its lines; returns the next free row."""
    from printing.markup import parent_authority  # the same header rule as the printed forms

    s = _styles()
    split = max(columns // 2, 2)
    left = [parent_authority(settings), clean_text(settings.unit_name).upper()]
    left = [text for text in left if text]
    right = [NATION, MOTTO]
    for row, (lt, rt) in enumerate(zip(left + [""] * 2, right, strict=False), start=1):
        for first, last, text in ((1, split, lt), (split + 1, columns, rt)):
            if not text:
                continue
            sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
            cell = sheet.cell(row=row, column=first, value=text)
            cell.font, cell.alignment = s["bold"], s["center"]
    row = 4
    if form_line:
        sheet.merge_cells(start_row=row - 1, start_column=split + 1, end_row=row - 1, end_column=columns)
        cell = sheet.cell(row=row - 1, column=split + 1, value=form_line)
        cell.font, cell.alignment = s["italic"], s["center"]
    for text, font in [(title, s["title"])] + [(line, s["italic"]) for line in lines]:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font, cell.alignment = font, s["center"]
        sheet.row_dimensions[row].height = 22 if font is s["title"] else 16
        row += 1
    return row + 1


def _page_setup(sheet, title_rows: str, landscape: bool = True) -> None:
    """A4, fit to one page wide (as many pages down as needed), the table header on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "Trang &P/&N"


def _row(sheet, row: int, values: list, formats: list[str | None], bold: bool = False) -> None:
    s = _styles()
    for column, (value, number_format) in enumerate(zip(values, formats, strict=True), start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text stays text: a name starting with "=" is not a formula
        cell.border, cell.alignment = s["grid"], s["wrap"] if isinstance(value, str) else s["center"]
        if number_format:
            cell.number_format = number_format
        if bold:
            cell.font = s["bold"]


def _heads(sheet, row: int, heads: list[str]) -> None:
    s = _styles()
    for column, text in enumerate(heads, start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font, cell.alignment, cell.border = s["bold"], s["center"], s["grid"]
    sheet.row_dimensions[row].height = 45


def _section(sheet, row: int, text: str, columns: int) -> int:
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    sheet.cell(row=row, column=1, value=text).font = _styles()["bold"]
    return row + 1


def _report_sheet(workbook, report: Report, settings: UnitSettings) -> None:
    sheet = workbook.active
    sheet.title = "Báo cáo"
    columns = 2 + len(FIELD_COLUMNS)
    lines = [f"Kỳ báo cáo: {report.period.title}. Cách tính: {rules.METHODOLOGY['name']} "
             f"(phiên bản {rules.METHODOLOGY['version']}).",
             f"Hồ sơ đang giải quyết và quá hạn tính đến {report.moment:%H:%M ngày %d/%m/%Y}; "
             f"lập lúc {report.generated_at:%H:%M ngày %d/%m/%Y}"] + ([SAMPLE_FIGURES] if report.sample else [])
    row = _section(sheet, _header(sheet, settings, columns, REPORT_TITLE, lines),
                   "I. TIẾP NHẬN VÀ GIẢI QUYẾT THEO LĨNH VỰC", columns)
    head_row = row
    _heads(sheet, row, ["STT", "Lĩnh vực"] + [head for head, _, _ in FIELD_COLUMNS])
    formats = [None, None] + [_FORMATS[kind] for _, _, kind in FIELD_COLUMNS]
    for number, name in enumerate(report.field_names(), start=1):
        row += 1
        tally = report.by_field[name]
        _row(sheet, row, [number, field_label(name)] + [column_value(tally, src) for _, src, _ in FIELD_COLUMNS], formats)
    row += 1
    _row(sheet, row, ["", "Tổng cộng"] + [column_value(report.total, src) for _, src, _ in FIELD_COLUMNS], formats, bold=True)
    row = _section(sheet, row + 2, "II. CHỈ SỐ THEO QUYẾT ĐỊNH 766/QĐ-TTG (tính từ dữ liệu của xã)", columns)
    _heads(sheet, row, ["STT", "Tiêu chí", "Chỉ số", "Giá trị", "Mục tiêu", "Cách tính"] + [""] * (columns - 6))
    sheet.merge_cells(start_row=row, start_column=6, end_row=row, end_column=columns)
    for number, indicator in enumerate(report.indicators(), start=1):
        row += 1
        row = _indicator_row(sheet, row, number, indicator, columns)
    row = _section(sheet, row + 2, "III. THỜI GIAN GIẢI QUYẾT TRUNG BÌNH THEO THỦ TỤC (QĐ 766, tiêu chí 2.2)",
                   columns)
    _heads(sheet, row, ["STT", "Mã thủ tục", "Đơn vị tính", "Trung bình", "Số hồ sơ"])
    for number, average in enumerate(report.averages, start=1):
        row += 1
        _row(sheet, row, [number, average.procedure_code, average.unit_label, average.average, average.count],
             [None, None, None, DAYS, COUNT])
    t = report.total
    row = _section(sheet, row + 2, "IV. ĐÁNH GIÁ CỦA NGƯỜI DÂN (ghi nhận trong kỳ)", columns)
    _heads(sheet, row, ["STT", "Đánh giá", "Số lượt"])
    for number, (key, label) in enumerate(rules.RATINGS.items(), start=1):
        row += 1
        _row(sheet, row, [number, label, getattr(t, f"rated_{key}")], [None, None, COUNT])
    row += 1
    _row(sheet, row, ["", "Tỷ lệ \"hài lòng\"", rules.satisfied_share(t)], [None, None, SHARE], bold=True)
    row = _section(sheet, row + 2, "V. HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT THEO THÁNG", columns)
    _heads(sheet, row, ["STT", "Tháng", "Tiếp nhận", "Đã giải quyết"])
    for number, month in enumerate(report.months, start=1):
        row += 1
        _row(sheet, row, [number, month_label(month), report.received_by_month.get(month, 0),
                          report.resolved_by_month.get(month, 0)], [None, None, COUNT, COUNT])
    row = _section(sheet, row + 2, "VI. NIÊM YẾT THỦ TỤC (không thuộc chỉ số 766)", columns)
    for number, indicator in enumerate(posting_indicators(report), start=1):
        row += 1
        row = _indicator_row(sheet, row, number, indicator, columns)
    row += 2
    place = clean_text(settings.province) or clean_text(settings.unit_name)
    sheet.cell(row=row, column=columns - 5, value=f"{place}, ngày {report.generated_at:%d} tháng "
               f"{report.generated_at:%m} năm {report.generated_at:%Y}").font = _styles()["italic"]
    for column, text in ((2, "NGƯỜI LẬP BIỂU"), (columns - 5, "THỦ TRƯỞNG ĐƠN VỊ")):
        sheet.cell(row=row + 1, column=column, value=text).font = _styles()["bold"]
    widths = [5, 24] + [11] * len(FIELD_COLUMNS)
    widths[2:6] = [22, 34, 11, 11]  # the indicator table's criterion, name, value, target columns
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(column)].width = width
    _page_setup(sheet, f"{head_row}:{head_row}")


def _indicator_row(sheet, row: int, number: int, indicator, columns: int) -> int:
    """One indicator: criterion, name, value (a share, or why there is none), full-score target, how."""
    if indicator.key == "average_time":
        value = "Xem mục III (theo từng thủ tục)"
    else:
        value = indicator.value if indicator.value is not None else \
            ("Chưa có số liệu" if indicator.computed else "Không tính tại xã")
    _row(sheet, row, [number, indicator.criterion, indicator.name, value, indicator.target, indicator.how]
         + [None] * (columns - 6), [None, None, None, SHARE, SHARE, None] + [None] * (columns - 6))
    sheet.merge_cells(start_row=row, start_column=6, end_row=row, end_column=columns)
    sheet.row_dimensions[row].height = 15 * max(2, len(indicator.how) // 95 + 1)
    return row


def _due_sheet(workbook, report: Report) -> None:
    """The running dossiers overdue or due soon: codes and procedures only (no personal data)."""
    sheet = workbook.create_sheet("Quá hạn, sắp đến hạn")
    until = f"{report.due_soon_until:%H:%M %d/%m/%Y}" if report.due_soon_until else ""
    sheet.cell(row=1, column=1, value=f"Hồ sơ quá hạn ({report.overdue_now}) và sắp đến hạn trước {until} "
               f"({report.due_soon}), lúc {report.generated_at:%H:%M %d/%m/%Y}").font = _styles()["bold"]
    _heads(sheet, 3, ["STT", "Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Tiếp nhận", "Hạn trả", "Tình trạng"])
    for number, item in enumerate(report.due, start=1):
        _row(sheet, 3 + number, [number, item.code, f"{item.procedure_name} ({item.procedure_code})",
                                 field_label(item.field), item.received_at, item.due_at,
                                 "Quá hạn" if item.overdue else "Sắp đến hạn"],
             [None, None, None, None, MOMENT, MOMENT, None])
    for column, width in enumerate([5, 26, 50, 16, 17, 17, 13], start=1):
        sheet.column_dimensions[_letter(column)].width = width
    _page_setup(sheet, "3:3")


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _save(workbook, path: Path | str) -> Path:
    """Write through a temporary file, so a failed write leaves no half file (as catalog exports do)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"Tệp Excel phải có đuôi .xlsx: '{path.name}'.")
    make_inert(workbook)  # a unit name "=HYPERLINK(...)" in the header stays text, as every other cell
    write_through_temp(path, workbook.save)
    return path


def export_report_xlsx(report: Report, settings: UnitSettings, path: Path | str) -> Path:
    """The report (sheet 'Báo cáo') and its due list (second sheet), ready to print on A4 landscape."""
    from openpyxl import Workbook

    workbook = Workbook()
    _report_sheet(workbook, report, settings)
    _due_sheet(workbook, report)
    return _save(workbook, path)


def export_logbook_xlsx(lines: list[LogbookLine], settings: UnitSettings, period_text: str, path: Path | str,
                        *, form_number: str = "06", basis: str = "", printed_at: datetime | None = None) -> Path:
    """Mẫu 06: one row per dossier, moments as real dates (dd/mm/yyyy hh:mm), A4 landscape."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sổ theo dõi hồ sơ"
    layout = logbook_columns(form_number)
    columns = len(layout)
    printed = printed_at or datetime.now()
    form_line = f"Mẫu số {form_number}" + (f" ({basis})" if basis else "")
    row = _header(sheet, settings, columns, LOGBOOK_TITLE,
                  [period_text, f"{len(lines):,} hồ sơ; in lúc {printed:%H:%M ngày %d/%m/%Y}".replace(",", "."),
                   *([SAMPLE_FIGURES] if any(line.sample for line in lines) else [])],
                  form_line)
    head_row = row
    _heads(sheet, row, [head for _, head, _ in layout])
    formats = [MOMENT if key in MOMENT_KEYS else None for key, _, _ in layout]
    for line in lines:
        row += 1
        cells = line.cells()
        _row(sheet, row, [cells[key] for key, _, _ in layout], formats)
    for column, (_, _, width) in enumerate(layout, start=1):
        sheet.column_dimensions[_letter(column)].width = width * 0.55
    sheet.freeze_panes = sheet.cell(row=head_row + 1, column=1)
    _page_setup(sheet, f"{head_row}:{head_row}")
    return _save(workbook, path)

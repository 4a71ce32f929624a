"""Page furniture of the landscape reports (period report, logbook): unit header, ruled tables, 'Trang x/y'."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from models.settings import UnitSettings
from models.text import clean_text
from printing.fonts import SERIF as FONT
from printing.fonts import SERIF_BOLD as FONT_BOLD
from printing.layout import Rule, numbered_canvas, style
from printing.markup import MOTTO, NATION, fit_line, para, parent_authority, upper
from printing.output import check_output, write_output

PAGE = landscape(A4)
MARGIN = 12 * mm
BOTTOM = 15 * mm  # the footer lives here
TOP = 10 * mm
WIDTH = PAGE[0] - 2 * MARGIN - 12  # SimpleDocTemplate's frame keeps 6 pt padding on each side
FRAME_HEIGHT = PAGE[1] - TOP - BOTTOM - 12
GRID = colors.Color(0.3, 0.3, 0.3)
HEAD_FILL = colors.Color(0.88, 0.88, 0.88)
TOTAL_FILL = colors.Color(0.95, 0.95, 0.95)

HEAD = style("report-head", 10, bold=True, align=TA_CENTER, leading=12.5, serif=True)
TITLE = style("report-title", 14, bold=True, align=TA_CENTER, leading=18, spaceBefore=4, spaceAfter=2, serif=True)
SUBTITLE = style("report-subtitle", 10, align=TA_CENTER, leading=13, serif=True)
SECTION = style("report-section", 11, bold=True, leading=14, spaceBefore=8, spaceAfter=4, serif=True)
BODY = style("report-body", 9.5, leading=12, serif=True)
CELL = style("report-cell", 8, leading=10, serif=True)
PLAIN_SIZE = 7.5  # plain-string cells (dates, codes, numbers)
CELL_RIGHT = style("report-cell-right", 8, align=TA_RIGHT, leading=10, serif=True)
CELL_BOLD = style("report-cell-bold", 8, bold=True, leading=10, serif=True)
CELL_BOLD_RIGHT = style("report-cell-bold-right", 8, bold=True, align=TA_RIGHT, leading=10, serif=True)
CELL_HEAD = style("report-cell-head", 8, bold=True, align=TA_CENTER, leading=10, serif=True)
RIGHT_SMALL = style("report-form-number", 9, align=TA_RIGHT, leading=11, serif=True)
DATE_LINE = style("report-date", 10, align=TA_CENTER, leading=13, serif=True)
SIGN = style("report-sign", 10, bold=True, align=TA_CENTER, leading=13, serif=True)


def header(settings: UnitSettings, title: str, lines: Sequence[str], form_line: str = "") -> list[Flowable]:
    """Unit (left) and national motto (right), then the title and its lines (already escaped)."""
    authority = parent_authority(settings)
    left = ([Paragraph(para(authority), HEAD)] if authority else []) + \
        [Paragraph(para(upper(settings.unit_name)), HEAD)]
    right = [Paragraph(NATION, HEAD), Paragraph(MOTTO, HEAD), Rule(WIDTH * 0.2)]
    table = Table([[left, right]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story: list[Flowable] = [Paragraph(form_line, RIGHT_SMALL)] if form_line else []
    story += [table, Spacer(1, 3 * mm), Paragraph(para(title), TITLE)]
    story += [Paragraph(line, SUBTITLE) for line in lines]
    story.append(Spacer(1, 3 * mm))
    return story


def ruled_table(head: Sequence[str], rows: Sequence[Sequence[str | Flowable]], widths: Sequence[float], *,
                right: Sequence[int] = (), bold_last: bool = False, plain: Sequence[int] = (),
                with_head: bool = True) -> Table:
    """Cells as escaped text, wrapped (or a ready Flowable); header shaded and repeated on every page;
    `right` columns aligned right (numbers); `bold_last` for a total row; `plain` columns drawn as plain
    strings (no wrapping, lines split at newlines, far faster for thousands of rows). Without `with_head`
    the rows go on a table drawn just above (same widths and rules), e.g. its last rows kept with what
    follows."""
    data = [[Paragraph(para(h), CELL_HEAD) for h in head]] if with_head else []
    top = len(data)
    for index, row in enumerate(rows):
        bold = bold_last and index == len(rows) - 1
        data.append([cell if isinstance(cell, Flowable) or col in plain else
                     Paragraph(para(cell), (CELL_BOLD_RIGHT if bold else CELL_RIGHT) if col in right
                               else (CELL_BOLD if bold else CELL)) for col, cell in enumerate(row)])
    table = Table(data, colWidths=list(widths), repeatRows=top, splitInRow=1)  # a long cell goes on over the page
    commands = [("GRID", (0, 0), (-1, -1), 0.5, GRID), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, top), (-1, -1), PLAIN_SIZE), ("LEADING", (0, top), (-1, -1), PLAIN_SIZE + 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if with_head:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL))
    commands += [("ALIGN", (col, top), (col, -1), "RIGHT") for col in plain if col in right]
    if bold_last and rows:
        commands.append(("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), TOTAL_FILL))
    table.setStyle(TableStyle(commands))
    return table


def widths(parts: Sequence[float]) -> list[float]:
    """Relative widths -> points across the frame."""
    total = sum(parts)
    return [WIDTH * part / total for part in parts]


def signatures(settings: UnitSettings, dated: datetime) -> Table:
    place = clean_text(settings.province) or clean_text(settings.unit_name)
    date_line = Paragraph(f"<i>{para(place)}, ngày {dated:%d} tháng {dated:%m} năm {dated:%Y}</i>", DATE_LINE)
    blocks = [[Paragraph("&nbsp;", DATE_LINE), Paragraph("NGƯỜI LẬP BIỂU", SIGN),
               Paragraph("<i>(Ký và ghi rõ họ tên)</i>", SUBTITLE)],
              [date_line, Paragraph("THỦ TRƯỞNG ĐƠN VỊ", SIGN), Paragraph("<i>(Ký tên, đóng dấu)</i>", SUBTITLE)]]
    table = Table([blocks], colWidths=[WIDTH / 2] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


SAMPLE_RED = colors.Color(0.69, 0, 0.13)


def footer_painter(text: str, sample: str = "") -> Callable:
    """'<unit> — <what> — <period>' on the left, 'Trang x/y' on the right of every page; `sample`, the
    sample-data line, across the top of every page in red."""
    def paint(canvas, page: int, total: int) -> None:
        y = BOTTOM - 8 * mm
        canvas.saveState()
        if sample:
            canvas.setFillColor(SAMPLE_RED)
            canvas.setFont(FONT_BOLD, 8)
            canvas.drawString(MARGIN, PAGE[1] - 6 * mm, fit_line(sample, FONT_BOLD, 8, PAGE[0] - 2 * MARGIN))
            canvas.setFillColor(colors.black)
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, y + 3.5 * mm, PAGE[0] - MARGIN, y + 3.5 * mm)
        canvas.setFont(FONT, 8)
        right = f"Trang {page}/{total}"
        canvas.drawRightString(PAGE[0] - MARGIN, y, right)
        canvas.drawString(MARGIN, y, fit_line(text, FONT, 8, PAGE[0] - 2 * MARGIN - 30 * mm))
        canvas.restoreState()

    return paint


def build(story: list[Flowable], out: Path | str | BinaryIO, title: str, footer: str, *,
          sample: str = "") -> tuple[bytes, int]:
    """Lay out on A4 landscape, write atomically (or to the stream); returns (PDF bytes, pages). `sample`:
    the line that marks sample data on every page."""
    check_output(out)
    buffer = io.BytesIO()
    pages: list[int] = []
    document = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=TOP, bottomMargin=BOTTOM, title=title, author="MotCua")
    document.build(story, canvasmaker=numbered_canvas(footer_painter(footer, sample), pages))
    data = buffer.getvalue()
    write_output(data, out)
    return data, pages[0]

"""The list sheet: the whole catalog (or a selection) as an A4 table with one QR code per procedure.

Layout: the unit header and title on page 1, then one table with a header row repeated on every page and
a heading row per field ("I. Lĩnh vực Hộ tịch (12 thủ tục)") kept with the first procedure under it;
footer 'Trang x/y' on every page. Names wrap in their column and are never cut.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from models.catalog import Procedure
from models.settings import UnitSettings
from models.text import clean_text
from printing.fonts import FONT
from printing.layout import Rule, centered, numbered_canvas, style
from printing.markup import (
    LIST_HINT,
    MOTTO,
    NATION,
    SAMPLE_MARK,
    code_markup,
    complaints_line,
    date_text,
    deadline_label,
    field_title,
    fit_line,
    para,
    parent_authority,
    publication_line,
    roman,
    upper,
)
from printing.output import CancelHook, Job, PrintCancelled, ProgressHook, render_pdf
from printing.qr import QrFlowable
from printing.select import group_by_field

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 15 * mm
MARGIN_RIGHT = 12 * mm
MARGIN_TOP = 12 * mm
MARGIN_BOTTOM = 16 * mm  # the footer lives in this margin
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

# The QR cell: a square box including the 4-module quiet zone. With the smallest code used (version 4,
# 33 modules) the symbol is 26 mm * 33/41 = 20.9 mm, so every code is at least 2 cm wide.
QR_BOX = 26 * mm
QR_PADDING = 1.5 * mm
CELL_PADDING = 2.5
# Tallest part of a name in one row (points): what is left of a page under the header rows, with room.
NAME_PART_HEIGHT = 560

COLUMN_TITLES = ("STT", "Tên thủ tục", "Mã", "Mức độ DVC", "Thời hạn giải quyết", "Phí, lệ phí", "Mã QR")
_FIXED = {0: 9 * mm, 2: 22 * mm, 3: 18 * mm, 4: 24 * mm, 5: 22 * mm, 6: QR_BOX + 2 * QR_PADDING}
COLUMN_WIDTHS = tuple(
    _FIXED.get(index, FRAME_WIDTH - sum(_FIXED.values())) for index in range(len(COLUMN_TITLES))
)

GRID = colors.Color(0.25, 0.25, 0.25)
HEAD_FILL = colors.Color(0.86, 0.86, 0.86)
GROUP_FILL = colors.Color(0.94, 0.94, 0.94)

QrFactory = Callable[[str, float, Callable[[], None]], Flowable]


def _qr_flowable(text: str, box: float, on_draw: Callable[[], None]) -> Flowable:
    return QrFlowable(text, box, on_draw=on_draw)


class _Styles:
    def __init__(self) -> None:
        self.unit_parent = centered("unit-parent", 10.5)
        self.unit = centered("unit", 10.5, bold=True)
        self.nation = centered("nation", 10.5, bold=True)
        self.motto = centered("motto", 11, bold=True)
        self.title = centered("title", 13.5, bold=True, leading=17, spaceBefore=4 * mm)
        self.subtitle = centered("subtitle", 10, spaceBefore=1.5 * mm)
        self.hint = centered("hint", 10.5, bold=True, leading=14, borderColor=colors.black,
                             borderWidth=0.8, borderPadding=(2 * mm, 3 * mm), leftIndent=3 * mm,
                             rightIndent=3 * mm, spaceBefore=5 * mm,
                             spaceAfter=5 * mm)
        self.head = centered("head", 8.5, bold=True, leading=10.5)
        self.group = style("group", 10, bold=True, leading=12.5)
        self.number = centered("number", 9)
        self.name = style("name", 9.5, leading=12)
        self.small = style("small", 8.5, leading=10.5)
        self.small_center = centered("small-center", 8.5, leading=10.5)




def _header(settings: UnitSettings, styles: _Styles, printed_on: date, count: int,
            sample: bool = False) -> list[Flowable]:
    unit = upper(settings.unit_name)
    left: list[Flowable] = []
    parent = parent_authority(settings)
    if parent:
        left.append(Paragraph(para(parent), styles.unit_parent))
    half = FRAME_WIDTH / 2
    left += [Paragraph(para(unit), styles.unit), Rule(half * 0.3, line_width=0.8)]
    right = [Paragraph(NATION, styles.nation), Paragraph(MOTTO, styles.motto), Rule(half * 0.55, line_width=0.8)]
    top = Table([[left, right]], colWidths=[half * 0.9, half * 1.1])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    title = ("DANH MỤC THỦ TỤC HÀNH CHÍNH<br/>THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA "
             + para(unit))
    story: list[Flowable] = [top, Paragraph(title, styles.title)]
    if publication_line(settings):
        story.append(Paragraph(para(publication_line(settings)), styles.subtitle))
    story.append(Paragraph(f"(In ngày {date_text(printed_on)} — gồm {count} thủ tục)", styles.subtitle))
    if sample:  # the bundled sample catalog stays visibly a sample (shared/domain.md)
        story.append(Paragraph(f'<font color="#b00020">{para(SAMPLE_MARK)}</font>', styles.subtitle))
    if complaints_line(settings):
        story.append(Paragraph(para(complaints_line(settings)), styles.subtitle))
    story.append(Paragraph(LIST_HINT, styles.hint))
    return story


def _parts(paragraph: Paragraph, column: int) -> list[Paragraph]:
    """A cell's paragraph, split at line breaks into parts no taller than NAME_PART_HEIGHT: a table row
    cannot be split across pages, and a name, a processing time or fees of thousands of characters must
    still print whole (in the rows below its first part)."""
    width = COLUMN_WIDTHS[column] - 2 * CELL_PADDING
    parts = [paragraph]
    while parts[-1].wrap(width, PAGE_HEIGHT * 10)[1] > NAME_PART_HEIGHT:
        pieces = parts[-1].split(width, NAME_PART_HEIGHT)
        if len(pieces) < 2:
            break
        parts[-1:] = pieces
    return parts


def _nth(parts: list[Paragraph], index: int) -> Paragraph | str:
    return parts[index] if index < len(parts) else ""


def _name_parts(name: str, styles: _Styles) -> list[Paragraph]:
    return _parts(Paragraph(para(name), styles.name), 1)


def _table(procedures: Sequence[Procedure], settings: UnitSettings, styles: _Styles,
           qr_factory: QrFactory, on_row_drawn: Callable[[], None], on_row_built: Callable[[], None]
           ) -> Table:
    rows: list[list] = [[Paragraph(title, styles.head) for title in COLUMN_TITLES]]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (-1, 1), (-1, -1), QR_PADDING),
        ("RIGHTPADDING", (-1, 1), (-1, -1), QR_PADDING),
        ("TOPPADDING", (-1, 1), (-1, -1), QR_PADDING),
        ("BOTTOMPADDING", (-1, 1), (-1, -1), QR_PADDING),
    ]
    number = 0
    for group_index, (field, members) in enumerate(group_by_field(procedures), start=1):
        row = len(rows)
        heading = f"{roman(group_index)}. {para(field_title(field))} ({len(members)} thủ tục)"
        rows.append([Paragraph(heading, styles.group)] + [""] * (len(COLUMN_TITLES) - 1))
        commands += [("SPAN", (0, row), (-1, row)), ("BACKGROUND", (0, row), (-1, row), GROUP_FILL),
                     ("NOSPLIT", (0, row), (-1, row + 1))]
        for procedure in members:
            number += 1
            name = _name_parts(procedure.name, styles)
            deadline = _parts(Paragraph(para(deadline_label(procedure)), styles.small), 4)
            fees = _parts(Paragraph(para(procedure.fees), styles.small), 5)
            rows.append([
                Paragraph(str(number), styles.number),
                name[0],
                Paragraph(code_markup(procedure.code, styles.small_center, COLUMN_WIDTHS[2] - 5),
                          styles.small_center),
                Paragraph(para(procedure.online_level_label), styles.small_center),
                deadline[0],
                fees[0],
                qr_factory(procedure.qr_url(settings), QR_BOX, on_row_drawn),
            ])
            for index in range(1, max(len(name), len(deadline), len(fees))):  # longer than a page: go on below
                rows.append(["", _nth(name, index), "", "", _nth(deadline, index), _nth(fees, index), ""])
            on_row_built()
    table = Table(rows, colWidths=COLUMN_WIDTHS, repeatRows=1, splitByRow=1)
    table.setStyle(TableStyle(commands))
    return table


def _footer(settings: UnitSettings, printed_on: date):
    left_text = (f"{clean_text(settings.unit_name)} — Danh mục thủ tục hành chính — "
                 f"in ngày {date_text(printed_on)}")

    def paint(canvas, page: int, total: int) -> None:
        y = MARGIN_BOTTOM - 7 * mm
        canvas.saveState()
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_LEFT, y + 3.5 * mm, PAGE_WIDTH - MARGIN_RIGHT, y + 3.5 * mm)
        canvas.setFont(FONT, 8)
        right = f"Trang {page}/{total}"
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, right)
        room = FRAME_WIDTH - canvas.stringWidth(right, FONT, 8) - 8 * mm
        canvas.drawString(MARGIN_LEFT, y, fit_line(left_text, FONT, 8, room))
        canvas.restoreState()

    return paint


def build_list_pdf(
    procedures: Sequence[Procedure],
    settings: UnitSettings,
    printed_on: date,
    job: Job,
    qr_factory: QrFactory = _qr_flowable,
) -> tuple[bytes, int]:
    """Lay out the list sheet and return (PDF bytes, page count).

    `qr_factory(text, box, on_draw)` makes the QR cell; the benchmark swaps in reportlab's own widget.
    """
    styles = _Styles()
    story = _header(settings, styles, printed_on, len(procedures), any(p.sample for p in procedures))
    story.append(_table(procedures, settings, styles, qr_factory, job.step, job.step))
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=f"Danh mục thủ tục hành chính — {clean_text(settings.unit_name)}",
        author=clean_text(settings.unit_name), creator="MotCua", invariant=1,
    )
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, FRAME_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="list", frames=[frame])])
    pages: list[int] = []
    try:
        doc.build(story, canvasmaker=numbered_canvas(_footer(settings, printed_on), pages))
    except PrintCancelled:
        raise PrintCancelled("Đã hủy in.") from None  # reportlab annotates exceptions it passes on
    return buffer.getvalue(), pages[0]


def render_list_sheet(
    procedures: Sequence[Procedure],
    settings: UnitSettings,
    out: Path | BinaryIO,
    printed_on: date | None = None,
    progress: ProgressHook | None = None,
    cancelled: CancelHook | None = None,
) -> int:
    """Print `procedures` (as given: filter with select_procedures first) as the A4 list sheet.

    Writes the PDF to `out` (a path, replaced atomically, or a binary stream) and returns the page
    count. `progress(done, total)` is called as rows are prepared and drawn; when `cancelled()` turns
    true, PrintCancelled is raised and nothing is written. UserError for an empty selection or an
    output that cannot be written.
    """
    procedures = list(procedures)
    return render_pdf(procedures, out,
                      lambda job: build_list_pdf(procedures, settings, printed_on or date.today(), job),
                      "Không có thủ tục nào để in (hãy kiểm tra bộ lọc lĩnh vực/mã thủ tục).",
                      progress, cancelled)

"""The card sheet: six cut-out cards per A4 page (2 columns x 3 rows) for village cultural houses.

Each card: the unit's name, the procedure's name in large type (shrunk to fit the card, truncated with
"…" only when even the smallest size cannot hold it; the list sheet always prints it in full), a large
QR code (symbol 41 mm, quiet zone kept clear) and beside it the code, the online level and the scan hint.
Dashed lines are the cut guides.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from models.catalog import Procedure
from models.settings import UnitSettings
from models.text import clean_text
from printing.fonts import FONT_BOLD, register_fonts
from printing.layout import centered, style
from printing.markup import ELLIPSIS, code_markup, date_text, fit_line, para, scan_hint, upper
from printing.output import CancelHook, Job, ProgressHook, render_pdf
from printing.qr import draw_qr, qr_matrix

PAGE_WIDTH, PAGE_HEIGHT = A4
COLUMNS, ROWS = 2, 3
CARDS_PER_PAGE = COLUMNS * ROWS
PAGE_MARGIN = 8 * mm
CARD_WIDTH = (PAGE_WIDTH - 2 * PAGE_MARGIN) / COLUMNS
CARD_HEIGHT = (PAGE_HEIGHT - 2 * PAGE_MARGIN) / ROWS
CARD_PADDING = 4 * mm
TEXT_GAP = 1.5 * mm  # between text blocks, and between text and a QR code's quiet zone
INNER_WIDTH = CARD_WIDTH - 2 * CARD_PADDING
QR_SYMBOL = 41 * mm  # the code itself; its quiet zone (4 modules) is kept empty around it

NAME_MAX_SIZE = 20.0
NAME_MIN_SIZE = 7.0
NAME_STEP = 0.5
UNIT_SIZE = 7.5
GUIDE = colors.Color(0.45, 0.45, 0.45)


@dataclass(frozen=True)
class FittedName:
    """How a name is set on a card: markup text, font size and whether it had to be cut."""

    text: str  # plain (unescaped) text as printed
    size: float
    truncated: bool
    height: float


def _name_style(size: float):
    return centered(f"card-name-{size}", size, bold=True, leading=round(size * 1.2, 2))


def _height(text: str, size: float, width: float) -> float:
    paragraph = Paragraph(para(text), _name_style(size))
    return paragraph.wrap(width, 10_000)[1]


def fit_card_name(name: str, width: float, height: float) -> FittedName:
    """The largest size from NAME_MAX_SIZE down to NAME_MIN_SIZE at which `name` fits the box;
    at the smallest size, as many whole words as fit followed by "…" (last resort)."""
    text = clean_text(name)
    size = NAME_MAX_SIZE
    while size >= NAME_MIN_SIZE:
        needed = _height(text, size, width)
        if needed <= height:
            return FittedName(text, size, False, needed)
        size -= NAME_STEP
    size = NAME_MIN_SIZE
    words = text.split(" ")
    low, high = 0, len(words)  # words[:low] + "…" fits; words[:high] + "…" does not
    while high - low > 1:
        middle = (low + high) // 2
        if _height(" ".join(words[:middle]) + ELLIPSIS, size, width) <= height:
            low = middle
        else:
            high = middle
    cut = " ".join(words[:low]).rstrip(" ,;:.-") + ELLIPSIS
    if low == 0:  # a single enormous word: cut by characters
        chars = len(words[0])
        while chars > 1 and _height(words[0][:chars] + ELLIPSIS, size, width) > height:
            chars = chars * 3 // 4
        cut = words[0][:chars] + ELLIPSIS
    return FittedName(cut, size, True, _height(cut, size, width))


class _CardStyles:
    def __init__(self) -> None:
        self.label = style("card-label", 7.5, leading=9)
        self.value = style("card-value", 9.5, bold=True, leading=11.5, spaceAfter=2 * mm)
        self.hint = style("card-hint", 8, leading=10)


def _card_slots() -> list[tuple[float, float]]:
    """Lower-left corners of the six cards, row by row from the top."""
    return [
        (PAGE_MARGIN + column * CARD_WIDTH, PAGE_HEIGHT - PAGE_MARGIN - (row + 1) * CARD_HEIGHT)
        for row in range(ROWS)
        for column in range(COLUMNS)
    ]


def _draw_guides(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColor(GUIDE)
    canvas.setLineWidth(0.5)
    canvas.setDash(4, 3)
    left, right = PAGE_MARGIN, PAGE_WIDTH - PAGE_MARGIN
    bottom, top = PAGE_MARGIN, PAGE_HEIGHT - PAGE_MARGIN
    for column in range(COLUMNS + 1):
        x = left + column * CARD_WIDTH
        canvas.line(x, bottom, x, top)
    for row in range(ROWS + 1):
        y = bottom + row * CARD_HEIGHT
        canvas.line(left, y, right, y)
    canvas.restoreState()


def _draw_card(canvas: Canvas, x: float, y: float, procedure: Procedure, settings: UnitSettings,
               styles: _CardStyles, unit_line: str) -> FittedName:
    """One card: unit line on top, the name below it across the card, and at the bottom the QR code
    (with its quiet zone) on the left and the code, online level and scan hint beside it."""
    inner_left = x + CARD_PADDING
    top = y + CARD_HEIGHT - CARD_PADDING
    bottom = y + CARD_PADDING

    canvas.setFont(FONT_BOLD, UNIT_SIZE)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawCentredString(x + CARD_WIDTH / 2, top - UNIT_SIZE, unit_line)
    if procedure.sample:  # a card of the bundled sample catalog says so
        canvas.setFillColorRGB(0.69, 0, 0.13)
        canvas.drawRightString(x + CARD_WIDTH - CARD_PADDING, y + CARD_PADDING / 3, "DỮ LIỆU MẪU")
        canvas.setFillColorRGB(0, 0, 0)
    name_top = top - UNIT_SIZE * 1.25 - TEXT_GAP

    matrix = qr_matrix(procedure.qr_url(settings))
    quiet = matrix.quiet_zone(QR_SYMBOL)
    block = matrix.outer(QR_SYMBOL)  # symbol and quiet zone
    draw_qr(canvas, matrix, inner_left + quiet, bottom + quiet, QR_SYMBOL)

    # Beside the code: what it is, centred on the symbol's height.
    side_left = inner_left + block + TEXT_GAP
    side_width = INNER_WIDTH - block - TEXT_GAP
    side = [
        Paragraph("Mã thủ tục", styles.label),
        Paragraph(code_markup(procedure.code, styles.value, side_width), styles.value),
        Paragraph("Dịch vụ công trực tuyến", styles.label),
        Paragraph(para(procedure.online_level_label), styles.value),
        Paragraph(scan_hint(procedure), styles.hint),
    ]
    heights = [paragraph.wrap(side_width, CARD_HEIGHT)[1] for paragraph in side]
    gaps = [paragraph.style.spaceAfter for paragraph in side]
    cursor = bottom + quiet + QR_SYMBOL / 2 + (sum(heights) + sum(gaps)) / 2
    for paragraph, height, gap in zip(side, heights, gaps, strict=True):
        cursor -= height
        paragraph.drawOn(canvas, side_left, cursor)
        cursor -= gap

    # The name fills what is left between the unit line and the code's quiet zone, centred.
    name_bottom = bottom + block + TEXT_GAP
    fitted = fit_card_name(procedure.name, INNER_WIDTH, name_top - name_bottom)
    name = Paragraph(para(fitted.text), _name_style(fitted.size))
    height = name.wrap(INNER_WIDTH, CARD_HEIGHT)[1]
    name.drawOn(canvas, inner_left, name_bottom + (name_top - name_bottom - height) / 2)
    return fitted


def build_cards_pdf(procedures: Sequence[Procedure], settings: UnitSettings, printed_on: date,
                    job: Job) -> tuple[bytes, int, list[FittedName]]:
    """Draw the cards; return (PDF bytes, page count, how each name was set)."""
    register_fonts()
    for procedure in procedures:  # encode every code first: the slow part, with progress
        qr_matrix(procedure.qr_url(settings))
        job.step()
    buffer = io.BytesIO()
    unit_name = clean_text(settings.unit_name)
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(f"Thẻ mã QR thủ tục hành chính — {unit_name}")
    canvas.setAuthor(unit_name)
    canvas.setCreator("MotCua")
    canvas.setSubject(f"In ngày {date_text(printed_on)}")
    styles = _CardStyles()
    unit_line = fit_line(upper(unit_name), FONT_BOLD, UNIT_SIZE, INNER_WIDTH)
    slots = _card_slots()
    fitted: list[FittedName] = []
    pages = 0
    for start in range(0, len(procedures), CARDS_PER_PAGE):
        pages += 1
        _draw_guides(canvas)
        for (x, y), procedure in zip(slots, procedures[start:start + CARDS_PER_PAGE], strict=False):
            fitted.append(_draw_card(canvas, x, y, procedure, settings, styles, unit_line))
            job.step()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue(), pages, fitted


def render_cards_sheet(
    procedures: Sequence[Procedure],
    settings: UnitSettings,
    out: Path | BinaryIO,
    printed_on: date | None = None,
    progress: ProgressHook | None = None,
    cancelled: CancelHook | None = None,
) -> int:
    """Print `procedures` (as given; see select_procedures and render_sheet for the default of
    essential services) as cards, six per A4 page. Returns the page count; same hooks, errors and
    atomic writing as render_list_sheet."""
    procedures = list(procedures)
    return render_pdf(procedures, out,
                      lambda job: build_cards_pdf(procedures, settings, printed_on or date.today(), job)[:2],
                      "Không có thủ tục nào để in thẻ (hãy kiểm tra bộ lọc lĩnh vực/mã thủ tục).",
                      progress, cancelled)

"""Shared pieces of the dossier forms: the unit header, the form's number, titles, tables, signatures."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from models.dossier import Dossier
from models.dossier_forms import place_date_line
from models.form_acts import FormInput
from printing.fonts import SERIF, SERIF_BOLD
from printing.fonts import SERIF as FONT
from printing.layout import Rule, style
from printing.markup import MOTTO, NATION, para, upper
from printing.output import check_output, write_output

MARGIN = 18 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN - 12  # SimpleDocTemplate's frame keeps 6 pt padding on each side
DESK = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
DOTS = "…" * 20
GRID = colors.Color(0.3, 0.3, 0.3)

BODY = style("form-body", 12.5, leading=15.5, spaceAfter=2, serif=True)
SMALL = style("form-small", 9, leading=11, serif=True)
BOLD = style("form-bold", 12.5, bold=True, leading=15.5, serif=True)
CENTER = style("form-center", 12, align=TA_CENTER, leading=15, serif=True)
CENTER_BOLD = style("form-center-bold", 12, bold=True, align=TA_CENTER, leading=15, serif=True)
HEAD = style("form-head", 12, bold=True, align=TA_CENTER, leading=14.5, serif=True)
HEAD_PLAIN = style("form-head-plain", 12, align=TA_CENTER, leading=14.5, serif=True)
DATE_LINE = style("form-date", 13, align=TA_CENTER, leading=16, serif=True)
TITLE = style("form-title", 14, bold=True, align=TA_CENTER, leading=18, spaceBefore=6, spaceAfter=8, serif=True)
RIGHT_SMALL = style("form-number", 9, align=TA_RIGHT, leading=11, serif=True)
CELL = style("form-cell", 11, leading=13.5, serif=True)
CELL_HEAD = style("form-cell-head", 11, bold=True, align=TA_CENTER, leading=13.5, serif=True)


def day_text(moment: datetime | None) -> str:
    """'ngày 05 tháng 02 năm 2026' (the months 1 and 2 with a leading zero, Nghị định 30/2020)."""
    if moment is None:
        return DOTS
    return place_date_line("", moment).removeprefix(", ")


def clock_text(moment: datetime | None) -> str:
    """'10 giờ 00 phút, ngày 13 tháng 02 năm 2026' (the shape of the 2025 forms)."""
    if moment is None:
        return DOTS
    return f"{moment:%H} giờ {moment:%M} phút, {day_text(moment)}"


def short_moment(moment: datetime | None) -> str:
    """'10:00 24/02/2026' for table cells."""
    return f"{moment:%H:%M %d/%m/%Y}" if moment else ""


def p(text: str, paragraph_style=BODY) -> Paragraph:
    """A paragraph of markup already escaped by the caller (use para() on data)."""
    return Paragraph(text, paragraph_style)


def field_line(label: str, value: object) -> Paragraph:
    """'Label: value' with the value escaped, or a dotted blank when empty."""
    text = para(value) if str(value or "").strip() else DOTS
    return p(f"{label}: {text}")


def header(form: FormInput) -> list[Flowable]:
    """Form number line, the parent body and the one-stop body (with 'Số: …/…' where the form has one) on
    the left, the national motto and the place-and-date line (dated on the act) on the right, the title
    (shared/domain.md, "Dossiers"; Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    settings, forms, kind = form.settings, form.forms, form.kind
    left: list[Flowable] = [p(para(upper(settings.unit_name)), HEAD_PLAIN),
                            p(para(upper(settings.one_stop_body_name)), HEAD), Rule(FRAME_WIDTH * 0.16)]
    if kind in forms.numbered:
        left.append(p(f"Số: {'…' * 6}/{'…' * 6}", CENTER))
    right = [p(NATION, HEAD), p(MOTTO, HEAD), Rule(FRAME_WIDTH * 0.3), Spacer(1, 2 * mm),
             p(f"<i>{para(place_date_line(settings.place, form.act_at))}</i>", DATE_LINE)]
    table = Table([[left, right]], colWidths=[FRAME_WIDTH * 0.44, FRAME_WIDTH * 0.56])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story: list[Flowable] = []
    if forms.number_line(kind):
        story.append(p(para(forms.number_line(kind)), RIGHT_SMALL))
    return [*story, table, Spacer(1, 4 * mm), p(para(forms.titles[kind]), TITLE)]


def intro(dossier: Dossier, *, received: bool = True) -> list[Flowable]:
    """Whose dossier, its code, số định danh, address, phone, email, what is asked: the opening lines of
    the forms after the receipt."""
    applicant = dossier.applicant
    lines = [field_line("Mã hồ sơ", dossier.code), field_line("Ông (Bà)/Tổ chức", applicant.display_name)]
    if applicant.organisation and applicant.name:
        lines.append(field_line("Người đại diện", applicant.name))
    lines += [field_line("Số định danh cá nhân/Mã số tổ chức", applicant.cccd),
              field_line("Địa chỉ", applicant.address),
              p(f"Số điện thoại: {para(applicant.phone) or DOTS}&nbsp;&nbsp;&nbsp; "
                f"Thư điện tử: {para(applicant.email) or DOTS}"),
              field_line("Nội dung yêu cầu giải quyết", f"{dossier.procedure_name} (mã {dossier.procedure_code})")]
    if received:
        lines.append(p(f"Thời gian nhận hồ sơ: {clock_text(dossier.received_at)}"))
    return lines


BLANK_ROW_HEIGHT = 8 * mm  # room for a line written by hand


def grid_table(head: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    """A ruled table; cells are escaped text, wrapped, header repeated on a new page. A row with no text is
    a blank to fill in by hand, as tall as a handwritten line (an empty row would print as a thin line)."""
    data = [[p(para(h), CELL_HEAD) for h in head]]
    data += [[p(para(cell), CELL) for cell in row] for row in rows]
    heights = [None] + [BLANK_ROW_HEIGHT if not any(cell for cell in row) else None for row in rows]
    table = Table(data, colWidths=list(widths), rowHeights=heights, repeatRows=1,
                  splitInRow=1)  # a long cell goes on over the page
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("FONTNAME", (0, 0), (-1, -1), FONT)]))
    return table


def signatures(left: str, right: str, right_name: str = "", left_name: str = "", *,
               hint: str = "(Ký và ghi rõ họ tên)") -> Table:
    """Signature blocks: the title, '(Ký và ghi rõ họ tên)', room to sign, the full name (or a blank for
    the pen); an empty `left` title leaves the left half empty (a single signer on the right)."""
    def block(title: str, name: str) -> list[Flowable]:
        if not title:
            return []
        return [p(para(title), CENTER_BOLD), p(f"<i>{para(hint)}</i>", CENTER), Spacer(1, 18 * mm),
                p(para(name), CENTER_BOLD)]
    table = Table([[block(left, left_name), block(right, right_name)]], colWidths=[FRAME_WIDTH / 2] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


SAMPLE_MARK = "DỮ LIỆU MẪU"


def _marks(form: FormInput | None):
    """The page painter: 'DỮ LIỆU MẪU' across the page while the catalog is the bundled sample, and
    'Bản in lại ngày …' in small print at the foot of a reprint (shared/domain.md)."""
    def paint(canvas, _document) -> None:
        if form is None:
            return
        canvas.saveState()
        if form.sample:
            canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18))
            canvas.setFont(SERIF_BOLD, 54)
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(40)
            canvas.drawCentredString(0, 0, SAMPLE_MARK)
            canvas.restoreState()
            canvas.saveState()
            canvas.setFillColor(colors.Color(0.7, 0.1, 0.1))
            canvas.setFont(SERIF_BOLD, 9)
            canvas.drawString(MARGIN, A4[1] - 9 * mm, f"{SAMPLE_MARK}: danh mục thủ tục mẫu, không dùng làm giấy tờ thật")
        if form.reprinted_at is not None:
            canvas.setFont(SERIF, 7.5)
            canvas.drawRightString(A4[0] - MARGIN, 8 * mm,
                                   f"Bản in lại ngày {form.reprinted_at:%d/%m/%Y} lúc {form.reprinted_at:%H:%M}")
        canvas.restoreState()
    return paint


def build(story: list[Flowable], out: Path | str | BinaryIO, title: str, form: FormInput | None = None) -> int:
    """Lay out on A4 (with the sample and reprint marks of `form`) and write atomically; returns the page
    count."""
    check_output(out)
    buffer = io.BytesIO()
    pages: list[int] = []
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=14 * mm, bottomMargin=14 * mm, title=title, author="MotCua")
    paint = _marks(form)

    def page(canvas, document_) -> None:
        pages.append(document_.page)
        paint(canvas, document_)

    document.build(story, onLaterPages=page, onFirstPage=page)
    write_output(buffer.getvalue(), out)
    return len(pages)

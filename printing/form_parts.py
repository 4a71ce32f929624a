"""Shared pieces of the dossier forms: the unit header, the form's number, titles, tables, signatures."""

from __future__ import annotations

import io
import re
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
from models.dossier_forms import FormSet
from models.settings import UnitSettings
from printing.fonts import SERIF as FONT
from printing.layout import style
from printing.markup import MOTTO, NATION, para, parent_authority, upper
from printing.output import check_output, write_output

MARGIN = 18 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN - 12  # SimpleDocTemplate's frame keeps 6 pt padding on each side
DESK = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
DOTS = "…" * 20
GRID = colors.Color(0.3, 0.3, 0.3)

BODY = style("form-body", 11, leading=15, spaceAfter=3, serif=True)
SMALL = style("form-small", 9, leading=11, serif=True)
BOLD = style("form-bold", 11, bold=True, leading=15, serif=True)
CENTER = style("form-center", 11, align=TA_CENTER, leading=14, serif=True)
CENTER_BOLD = style("form-center-bold", 11, bold=True, align=TA_CENTER, leading=14, serif=True)
HEAD = style("form-head", 10, bold=True, align=TA_CENTER, leading=12.5, serif=True)
TITLE = style("form-title", 14, bold=True, align=TA_CENTER, leading=18, spaceBefore=6, spaceAfter=6, serif=True)
RIGHT_SMALL = style("form-number", 9, align=TA_RIGHT, leading=11, serif=True)
CELL = style("form-cell", 10, leading=12.5, serif=True)
CELL_HEAD = style("form-cell-head", 10, bold=True, align=TA_CENTER, leading=12.5, serif=True)


def moment_text(moment: datetime | None) -> str:
    """'10:00, ngày 24/02/2026' (hh:mm dd/mm/yyyy), or a dotted blank."""
    return f"{moment:%H:%M}, ngày {moment:%d/%m/%Y}" if moment else DOTS


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


def header(settings: UnitSettings, forms: FormSet, kind: str, dated: datetime) -> list[Flowable]:
    """Form number line, then the unit (left) and the national motto (right), then the date line."""
    authority = parent_authority(settings)
    left = [p(para(authority), HEAD)] if authority else []
    left += [p(para(upper(settings.unit_name)), HEAD), p(DESK, HEAD)]
    right = [p(NATION, HEAD), p(f"<u>{MOTTO}</u>", HEAD)]
    table = Table([[left, right]], colWidths=[FRAME_WIDTH * 0.46, FRAME_WIDTH * 0.54])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    place = para(settings.province or re.sub(r"^(UBND|Ủy ban nhân dân)\s+", "", settings.unit_name, flags=re.I))
    return [
        p(f"Mẫu số {forms.numbers[kind]} ({para(forms.basis)})", RIGHT_SMALL),
        table,
        Spacer(1, 2 * mm),
        p(f"<i>{place}, ngày {dated:%d} tháng {dated:%m} năm {dated:%Y}</i>",
          style("form-date", 10.5, align=TA_RIGHT, serif=True)),
        p(para(forms.titles[kind]), TITLE),
    ]


def intro(dossier: Dossier) -> list[Flowable]:
    """Who submitted what, and the dossier's code: the opening lines of forms 02–05."""
    applicant = dossier.applicant
    lines = [field_line("Mã hồ sơ", dossier.code), field_line("Tiếp nhận hồ sơ của", applicant.display_name)]
    if applicant.organisation and applicant.name:
        lines.append(field_line("Người đại diện", applicant.name))
    lines += [field_line("Địa chỉ", applicant.address),
              field_line("Số điện thoại", applicant.phone),
              field_line("Nội dung yêu cầu giải quyết", f"{dossier.procedure_name} (mã {dossier.procedure_code})"),
              p(f"Thời gian nhận hồ sơ: {moment_text(dossier.received_at)}")]
    return lines


def grid_table(head: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    """A ruled table; cells are escaped text, wrapped, header repeated on a new page."""
    data = [[p(para(h), CELL_HEAD) for h in head]]
    data += [[p(para(cell), CELL) for cell in row] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("FONTNAME", (0, 0), (-1, -1), FONT)]))
    return table


def signatures(left: str, right: str, right_name: str = "") -> Table:
    """Two signature blocks: '(Ký và ghi rõ họ tên)' under each title, room to sign."""
    def block(title: str, name: str) -> list[Flowable]:
        return [p(para(title), CENTER_BOLD), p("<i>(Ký và ghi rõ họ tên)</i>", CENTER), Spacer(1, 20 * mm),
                p(para(name), CENTER_BOLD)]
    table = Table([[block(left, ""), block(right, right_name)]], colWidths=[FRAME_WIDTH / 2] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def build(story: list[Flowable], out: Path | str | BinaryIO, title: str) -> int:
    """Lay out on A4 and write atomically; returns the page count."""
    check_output(out)
    buffer = io.BytesIO()
    pages: list[int] = []
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=14 * mm, bottomMargin=14 * mm, title=title, author="MotCua")
    document.build(story, onLaterPages=lambda c, d: pages.append(d.page),
                   onFirstPage=lambda c, d: pages.append(d.page))
    write_output(buffer.getvalue(), out)
    return len(pages)

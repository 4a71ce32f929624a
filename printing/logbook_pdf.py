"""The dossier logbook (sổ theo dõi hồ sơ, Mẫu 06) as PDF: A4 landscape, one row per dossier, header on every page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Paragraph

from models.logbook import COLUMNS, LOGBOOK_TITLE, LogbookLine
from models.settings import UnitSettings
from models.text import clean_text
from printing.layout import style
from printing.markup import para
from printing.report_layout import BODY, CELL, build, header, ruled_table, widths

MOMENT_CELL = style("logbook-moment", 7.5, leading=9.5)


def _cell(key: str, value: object) -> str | Paragraph:
    """A moment as its date over its time, so a narrow column never breaks inside '24/02/2026'; a code
    broken after the unit's part ('000.17.22.H56-' / '210531-0001') rather than anywhere."""
    if isinstance(value, datetime):
        return Paragraph(f"{value:%d/%m/%Y}<br/>{value:%H:%M}", MOMENT_CELL)
    if key == "code" and isinstance(value, str) and value.count("-") >= 2:
        unit, rest = value.rsplit("-", 2)[0], "-".join(value.rsplit("-", 2)[1:])
        return Paragraph(f"{para(unit)}-<br/>{para(rest)}", CELL)
    return "" if value is None else str(value)


def render_logbook_pdf(lines: list[LogbookLine], settings: UnitSettings, period_text: str,
                       out: Path | str | BinaryIO, *, form_number: str = "06", basis: str = "",
                       printed_at: datetime | None = None) -> int:
    """Write the logbook of `lines` to `out`; returns the page count. Blank columns (hand-over to the
    handling office, signature) are left for the clerk's pen, as on the paper register."""
    printed = printed_at or datetime.now()
    count = f"{len(lines):,}".replace(",", ".")
    form_line = para(f"Mẫu số {form_number}" + (f" ({basis})" if basis else ""))
    story = header(settings, LOGBOOK_TITLE, [para(period_text),
                                             para(f"{count} hồ sơ; in lúc {printed:%H:%M ngày %d/%m/%Y}")],
                   form_line)
    rows = [[_cell(key, cells[key]) for key, _, _ in COLUMNS] for cells in (line.cells() for line in lines)]
    if rows:
        story.append(ruled_table([head for _, head, _ in COLUMNS], rows, widths([w for _, _, w in COLUMNS]),
                                 right=(0, 3)))
    else:
        story.append(Paragraph("Không có hồ sơ nào tiếp nhận trong kỳ.", BODY))
    footer = f"{clean_text(settings.unit_name)} — Sổ theo dõi hồ sơ — {period_text}"
    _data, pages = build(story, out, f"Sổ theo dõi hồ sơ {period_text}", footer)
    return pages

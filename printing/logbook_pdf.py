"""The dossier logbook (sổ theo dõi hồ sơ, Mẫu 06) as PDF: A4 landscape, one row per dossier, header on every page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Paragraph

from models.logbook import LOGBOOK_TITLE, LogbookLine, logbook_columns
from models.report import SAMPLE_FIGURES
from models.settings import UnitSettings
from models.text import clean_text
from printing.markup import para
from printing.report_layout import BODY, build, header, ruled_table, widths

CHUNK = 40
# Columns of fixed shape (number, code, sets, moments, blanks) as plain strings; names and addresses wrap.
_PLAIN_KEYS = ("number", "code", "sets", "received", "due", "sent", "back", "returned", "signature", "appointment")


def _cell(key: str, value: object) -> str:
    """A moment as its date over its time, so a narrow column never breaks inside '24/02/2026'; a code
    broken after the unit's part ('000.17.22.H56-' / '210531-0001') rather than anywhere."""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}\n{value:%H:%M}"
    if key == "code" and isinstance(value, str) and value.count("-") >= 2:
        unit, day, number = value.rsplit("-", 2)
        return f"{unit}-\n{day}-{number}"
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
    layout = logbook_columns(form_number)
    plain = tuple(index for index, (key, _, _) in enumerate(layout) if key in _PLAIN_KEYS)
    rows = [[_cell(key, cells[key]) for key, _, _ in layout] for cells in (line.cells() for line in lines)]
    head, parts = [head for _, head, _ in layout], widths([w for _, _, w in layout])
    # Tables of CHUNK rows: reportlab measures a table again each time it splits it across pages, so
    # one table of a month's 17,000 rows takes minutes; chunks keep the work proportional to the rows.
    for first in range(0, len(rows), CHUNK):
        story.append(ruled_table(head, rows[first:first + CHUNK], parts, right=(0,) if len(layout) < 14 else (0, 3),
                                 plain=plain))
    if not rows:
        story.append(Paragraph("Không có hồ sơ nào tiếp nhận trong kỳ.", BODY))
    footer = f"{clean_text(settings.unit_name)} — Sổ theo dõi hồ sơ — {period_text}"
    _data, pages = build(story, out, f"Sổ theo dõi hồ sơ {period_text}", footer,
                         sample=SAMPLE_FIGURES if any(line.sample for line in lines) else "")
    return pages

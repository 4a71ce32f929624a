"""Names offered in save dialogs: what the file is and its date or period, sortable and without accents
(`danh-muc-TTHC-2026-12-06.pdf`, `so-theo-doi-11-2026.xlsx`; issue #14)."""

from __future__ import annotations

import calendar
from datetime import date


def dated_name(stem: str, day: date, suffix: str) -> str:
    """'danh-muc-TTHC', 06/12/2026, 'pdf' -> 'danh-muc-TTHC-2026-12-06.pdf'."""
    return f"{stem}-{day:%Y-%m-%d}.{suffix.lstrip('.')}"


def period_name(stem: str, start: date, end: date, suffix: str) -> str:
    """A whole month 'so-theo-doi-11-2026.xlsx', quarter 'bao-cao-quy-4-2026.xlsx', year
    'bao-cao-2026.xlsx'; any other span 'bao-cao-2026-11-03-den-2026-11-20.xlsx'."""
    suffix = suffix.lstrip(".")
    last = calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and end.day == last and start.year == end.year:
        if start.month == end.month:
            return f"{stem}-{start:%m-%Y}.{suffix}"
        if start.month == 1 and end.month == 12:
            return f"{stem}-{start.year}.{suffix}"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"{stem}-quy-{(start.month - 1) // 3 + 1}-{start.year}.{suffix}"
    return f"{stem}-{start:%Y-%m-%d}-den-{end:%Y-%m-%d}.{suffix}"

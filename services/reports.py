"""Report errands: the period report (figures, XLSX, PDF) and the logbook export, for the window and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from db.ratings import get_rating, set_rating
from db.report_exports import record_logbook_export
from db.report_queries import build_report, logbook_lines
from db.settings_store import load_settings
from models.errors import UserError
from models.logbook import LOGBOOK_NUMBERS, logbook_book
from models.report import Report
from models.report_period import Period
from models.roles import EXPORT_PERSONAL
from models.session import require
from models.settings import UnitSettings
from services.changes import Changes
from services.forms import forms_on

__all__ = ["LogbookExport", "ReportExport", "build_report", "export_logbook", "export_report", "get_rating",
           "set_rating_for", "write_report"]

SUFFIXES = (".xlsx", ".pdf")


def _checked(paths: Sequence[Path | str]) -> list[Path]:
    checked = [Path(p) for p in paths]
    for path in checked:
        if path.suffix.lower() not in SUFFIXES:
            raise UserError(f"Tệp phải có đuôi .xlsx hoặc .pdf: '{path}'.")
    if not checked:
        raise UserError("Cần chọn tệp .xlsx hoặc .pdf để ghi.")
    return checked


@dataclass(frozen=True)
class ReportExport:
    report: Report
    files: list[Path]


def write_report(report: Report, settings: UnitSettings, paths: Sequence[Path | str]) -> list[Path]:
    """Write the report already computed (the one on screen) to each .xlsx/.pdf path; figures are not recomputed."""
    written = []
    for path in _checked(paths):
        if path.suffix.lower() == ".xlsx":
            from output.report_xlsx import export_report_xlsx

            written.append(export_report_xlsx(report, settings, path))
        else:
            from printing.report_pdf import render_report_pdf  # reportlab only for errands that print

            render_report_pdf(report, settings, path)
            written.append(path)
    return written


def export_report(db: Database, period: Period, paths: Sequence[Path | str], at: datetime | None = None) -> ReportExport:
    """Compute the period's report at `at` (default now) and write it to the paths (none: only the figures)."""
    report = build_report(db, period, at)
    return ReportExport(report, write_report(report, load_settings(db), paths) if paths else [])


@dataclass(frozen=True)
class LogbookExport:
    period: Period
    lines: int
    files: list[Path]
    changes: Changes


def export_logbook(db: Database, period: Period, paths: Sequence[Path | str],
                   fields: Sequence[str] = ()) -> LogbookExport:
    """The logbook (Mẫu 06, numbered by the unit's form set) of `period` to each path, with its export event.

    It names applicants: EXPORT_PERSONAL is checked before any file is written, and the export is recorded."""
    require(EXPORT_PERSONAL, "xuất sổ theo dõi hồ sơ (có dữ liệu cá nhân)")
    checked = _checked(paths)
    lines, settings = logbook_book(logbook_lines(db, period), fields), load_settings(db)
    # The set in force when the period begins (Mẫu 07 of 2025 from 15/09/2025), or the unit's pinned set;
    # one book per field or group of fields when `fields` are given (Mẫu 07 is kept per field).
    forms = forms_on(db, period.begins)
    number = LOGBOOK_NUMBERS.get(forms.key, "06")
    title = period.title + (f" — Lĩnh vực: {', '.join(fields)}" if fields else "")
    written = []
    for path in checked:
        if path.suffix.lower() == ".xlsx":
            from output.report_xlsx import export_logbook_xlsx

            written.append(export_logbook_xlsx(lines, settings, title, path, form_number=number,
                                               basis=forms.basis))
        else:
            from printing.logbook_pdf import render_logbook_pdf

            render_logbook_pdf(lines, settings, title, path, form_number=number, basis=forms.basis)
            written.append(path)
    record_logbook_export(db, period, len(lines), written)
    return LogbookExport(period, len(lines), written, Changes(audit=True))


def set_rating_for(db: Database, code: str, rating: str, comment: str = "", at: datetime | None = None):
    """Record a citizen's rating of a returned dossier."""
    saved = set_rating(db, code, rating, comment, at=at)
    return saved, Changes(ratings=True, dossier_codes=frozenset([code]))

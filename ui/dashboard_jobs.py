"""The dashboard's exports as worker jobs: plain functions of plain data that never touch widgets."""

from __future__ import annotations

import io
from pathlib import Path

from PySide6.QtGui import QImage

from models.report import Report
from models.report_period import Period
from models.settings import UnitSettings
from services.reports import LogbookExport, export_logbook, write_report
from ui.app_context import AppContext
from ui.worker import Job, on_connection


def report_job(report: Report, settings: UnitSettings, path: Path) -> Job[Path]:
    """Write the report shown on screen to .xlsx or .pdf: the figures are not computed again."""
    def job(_progress, _cancelled) -> Path:
        return write_report(report, settings, [path])[0]

    return job


def logbook_job(context: AppContext, period: Period, path: Path,
                fields: list[str] | None = None) -> Job[LogbookExport]:
    """The logbook of `period` (of `fields` only, when given: Mẫu 07 is kept per field) to .xlsx or .pdf,
    on the job's own connection, with its export event."""
    return on_connection(context.data_dir, lambda db: export_logbook(db, period, [path], fields or []))


def preview_job(report: Report, settings: UnitSettings, dpi: float) -> Job[tuple[bytes, list[QImage]]]:
    """The report's PDF bytes and its pages as images, for the print preview (same bytes are printed)."""
    def job(_progress, _cancelled) -> tuple[bytes, list[QImage]]:
        from printing.report_pdf import render_report_pdf
        from ui.pdf_view import render_pages

        buffer = io.BytesIO()
        render_report_pdf(report, settings, buffer)
        return buffer.getvalue(), render_pages(buffer.getvalue(), dpi)

    return job

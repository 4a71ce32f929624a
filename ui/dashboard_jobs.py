"""The dashboard's exports as worker jobs: plain functions of plain data that never touch widgets."""

from __future__ import annotations

import io
from pathlib import Path

from db.dossier_rules import load_dossier_rules
from db.report_exports import record_logbook_export
from db.report_queries import logbook_lines
from db.settings_store import load_settings
from models.dossier_forms import form_set_for
from models.logbook import LOGBOOK_NUMBERS
from models.report import Report
from models.report_period import Period
from models.settings import UnitSettings
from ui.app_context import AppContext


def report_job(report: Report, settings: UnitSettings, path: Path):
    """Write the report shown on screen to .xlsx or .pdf: the figures are not computed again."""
    def job(_progress, _cancelled) -> Path:
        if path.suffix.lower() == ".xlsx":
            from models.report_xlsx import export_report_xlsx

            return export_report_xlsx(report, settings, path)
        from printing.report_pdf import render_report_pdf

        render_report_pdf(report, settings, path)
        return path

    return job


def logbook_job(context: AppContext, period: Period, path: Path):
    """The logbook of `period` to .xlsx or .pdf, on the worker's own connection, with its export event."""
    def job(_progress, _cancelled) -> Path:
        db = context.open_worker_connection()
        try:
            lines, settings = logbook_lines(db, period), load_settings(db)
            forms = form_set_for(period.begins, load_dossier_rules(db).form_set)
            number = LOGBOOK_NUMBERS.get(forms.key, "06")
            if path.suffix.lower() == ".xlsx":
                from models.report_xlsx import export_logbook_xlsx

                export_logbook_xlsx(lines, settings, period.title, path, form_number=number, basis=forms.basis)
            else:
                from printing.logbook_pdf import render_logbook_pdf

                render_logbook_pdf(lines, settings, period.title, path, form_number=number, basis=forms.basis)
            record_logbook_export(db, period, len(lines), [path])
        finally:
            db.close()
        return path

    return job


def preview_job(report: Report, settings: UnitSettings, dpi: float):
    """The report's PDF bytes and its pages as images, for the print preview (same bytes are printed)."""
    def job(_progress, _cancelled):
        from printing.report_pdf import render_report_pdf
        from ui.pdf_view import render_pages

        buffer = io.BytesIO()
        render_report_pdf(report, settings, buffer)
        return buffer.getvalue(), render_pages(buffer.getvalue(), dpi)

    return job

"""Sample data is labelled wherever it prints (shared/domain.md): a report or a logbook that takes in dossiers
of the bundled sample catalog's procedures says so on every page, in the Excel files and on the dashboard;
once the unit's own catalog is in use, nothing says so."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import openpyxl
import pytest
from pypdf import PdfReader

from db.dossier_store import receive_dossier
from db.report_queries import build_report, logbook_lines
from db.settings_store import update_settings
from models.dossier_applicant import make_applicant
from models.report import SAMPLE_FIGURES
from models.report_period import Period
from output.report_xlsx import export_logbook_xlsx, export_report_xlsx
from printing.logbook_pdf import render_logbook_pdf
from printing.report_pdf import render_report_pdf

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
NOW = datetime(2026, 4, 2, 9, 0)


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def _pages(path) -> list[str]:
    return [_squash(page.extract_text() or "") for page in PdfReader(str(path)).pages]


def _cells(path) -> str:
    sheet = openpyxl.load_workbook(path).active
    return " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)


def _received(db, count: int) -> None:
    for n in range(count):
        receive_dossier(db, procedure_code="1.004194", applicant=make_applicant(name=f"Lê Văn Tâm {n}"),
                        received_at=datetime(2026, 3, 2 + n % 20, 9, 0), now=NOW)


def test_figures_with_sample_dossiers_say_so_on_every_page_and_the_units_own_do_not(db, tmp_path) -> None:
    settings = update_settings(db, {"unit_name": "UBND xã Hương Mai", "unit_code": "000.17.22.H56"})
    _received(db, 60)  # enough rows for a logbook of several pages
    mark = _squash(SAMPLE_FIGURES)
    report, lines = build_report(db, MARCH, NOW), logbook_lines(db, MARCH)
    assert report.sample and report.to_dict()["sample"] is True and all(line.sample for line in lines)
    render_report_pdf(report, settings, tmp_path / "bc.pdf")
    render_logbook_pdf(lines, settings, "Tháng 3/2026", tmp_path / "so.pdf")
    for name in ("bc.pdf", "so.pdf"):
        pages = _pages(tmp_path / name)
        assert len(pages) > 1 and all(mark in page for page in pages), name
    export_report_xlsx(report, settings, tmp_path / "bc.xlsx")
    export_logbook_xlsx(lines, settings, "Tháng 3/2026", tmp_path / "so.xlsx")
    assert all(SAMPLE_FIGURES in _cells(tmp_path / name) for name in ("bc.xlsx", "so.xlsx"))

    with db.atomic():  # the unit's own catalog: the same procedures, no longer the sample's
        db.execute("UPDATE procedures SET sample = 0")
    report, lines = build_report(db, MARCH, NOW), logbook_lines(db, MARCH)
    assert not report.sample and not any(line.sample for line in lines)
    render_report_pdf(report, settings, tmp_path / "bc2.pdf")
    render_logbook_pdf(lines, settings, "Tháng 3/2026", tmp_path / "so2.pdf")
    export_report_xlsx(report, settings, tmp_path / "bc2.xlsx")
    for name in ("bc2.pdf", "so2.pdf"):
        assert not any(mark in page for page in _pages(tmp_path / name)), name
    assert SAMPLE_FIGURES not in _cells(tmp_path / "bc2.xlsx")


def test_a_sample_dossier_received_before_the_period_still_marks_it(db) -> None:
    """Dossiers carried over count in the figures: one of a sample procedure received earlier marks them."""
    _received(db, 1)
    april = Period(date(2026, 4, 1), date(2026, 4, 30))
    assert build_report(db, april, datetime(2026, 5, 2)).sample
    assert not build_report(db, Period(date(2026, 2, 1), date(2026, 2, 28)), NOW).sample  # before any dossier


@pytest.mark.parametrize("dossiers", [19, 28])
def test_the_signatures_never_stand_alone_on_the_reports_last_page(db, tmp_path, dossiers) -> None:
    """The signature block goes with the last section (the due list), or with its last rows when the section
    is longer than a page: the last page holds due rows too. Without it, 18 to 21 such dossiers left the
    signatures alone on page 4; keeping the whole section with them did the same at 27 to 29."""
    settings = update_settings(db, {"unit_name": "UBND xã Hương Mai", "unit_code": "000.17.22.H56"})
    _received(db, dossiers)
    render_report_pdf(build_report(db, MARCH, NOW), settings, tmp_path / "bc.pdf")
    last = _pages(tmp_path / "bc.pdf")[-1]
    assert "THỦTRƯỞNGĐƠNVỊ" in last and "Quáhạn" in last

"""Every value the entry points accept at its longest still prints: forms 01-05, the report, the logbook,
the posting list and cards. A 10,000-character name used to stop every printout on every PC with
reportlab's LayoutError; now the entry refuses it, and what is accepted wraps and splits."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from db.accounts import create_user
from db.catalog_store import list_procedures, save_procedure
from db.dossier_queries import get_dossier
from db.dossier_rules import load_dossier_rules, save_dossier_rules
from db.dossier_store import extend_dossier, move_dossier, receive_dossier
from db.report_queries import build_report, logbook_lines
from db.settings_store import load_settings, update_settings
from models.catalog import TEXT_LIMITS, Procedure
from models.dossier import MAX_PAPER_NAME, make_paper
from models.dossier_applicant import MAX_ADDRESS, MAX_NAME, make_applicant
from models.dossier_forms import FORM_KINDS
from models.errors import UserError
from models.form_acts import form_input
from models.report_period import Period
from models.session import User, acting_as
from models.text import MAX_LONG_TEXT, MAX_SHORT_TEXT
from printing.forms import render_form
from printing.logbook_pdf import render_logbook_pdf
from printing.report_pdf import render_report_pdf
from printing.sheets import render_sheet

WORDS = ("Chứng thực hợp đồng giao dịch liên quan đến tài sản là động sản bất động sản thửa đất "
         "quyền sử dụng nhà ở ")


def words(length: int) -> str:
    """Real-looking words, exactly `length` characters (no trailing space for clean_text to trim)."""
    text = (WORDS * (length // len(WORDS) + 1))[:length]
    return text[:-1] + "x" if text.endswith(" ") else text


def one_word(length: int) -> str:
    """No space to break at: the worst case for a table cell."""
    return ("Đ" + "ăngkýkhaisinh" * (length // 13 + 1))[:length]


@pytest.fixture(params=["words", "one_word"])
def longest(request, db):
    make = words if request.param == "words" else one_word
    update_settings(db, {"unit_name": make(MAX_SHORT_TEXT), "province": make(MAX_SHORT_TEXT),
                         "district": make(MAX_SHORT_TEXT)})
    save_dossier_rules(db, replace(load_dossier_rules(db), result_place=make(MAX_LONG_TEXT)))
    limits = {key: limit for key, (limit, _) in TEXT_LIMITS.items()}
    procedure = save_procedure(db, Procedure(
        code="9." + "1" * (limits["code"] - 2), name=make(limits["name"]), field=make(limits["field"]),
        deadline_text="05 ngày làm việc " + make(limits["deadline_text"] - 17), fees=make(limits["fees"]),
        online_level="toan_trinh", essential=True,
        own_url="https://dichvucong.gov.vn/" + "a" * (limits["own_url"] - 26)))
    create_user(db, "canbo", "mat-khau-kiem-thu", "admin", full_name=make(MAX_SHORT_TEXT))
    clerk = User("canbo", make(MAX_SHORT_TEXT), "admin")
    person = make_applicant(name=make(MAX_NAME), organisation=make(MAX_NAME), address=make(MAX_ADDRESS),
                            phone="0912345678", today=date(2026, 3, 1))
    papers = [make_paper(make(MAX_PAPER_NAME), "ban_sao", 999) for _ in range(40)]
    with acting_as(clerk):
        dossier = receive_dossier(db, procedure_code=procedure.code, applicant=person, papers=papers,
                                  note=make(MAX_LONG_TEXT), logbook=make(MAX_LONG_TEXT),
                                  received_at=datetime(2026, 3, 2, 9), now=datetime(2026, 3, 2, 9, 5))
        move_dossier(db, dossier.code, "cho_bo_sung", note=make(MAX_LONG_TEXT), at=datetime(2026, 3, 2, 10),
                     now=datetime(2026, 3, 2, 10, 5))
        move_dossier(db, dossier.code, "dang_xu_ly", note=make(MAX_LONG_TEXT), at=datetime(2026, 3, 3, 10),
                     now=datetime(2026, 3, 3, 10, 5))
        extend_dossier(db, dossier.code, reason=make(MAX_LONG_TEXT), days=2, at=datetime(2026, 3, 4, 10),
                       now=datetime(2026, 3, 4, 10, 5))
        move_dossier(db, dossier.code, "tu_choi", note=make(MAX_LONG_TEXT), at=datetime(2026, 3, 5, 10),
                     now=datetime(2026, 3, 5, 10, 5))
    return db, get_dossier(db, dossier.code), procedure


def _pages(data: bytes) -> int:
    reader = PdfReader(io.BytesIO(data))
    assert reader.pages[0].extract_text().strip()
    return len(reader.pages)


@pytest.mark.parametrize("kind", list(FORM_KINDS))
def test_every_form_prints_the_longest_values(longest, kind) -> None:
    db, dossier, _ = longest
    out = io.BytesIO()
    rules = load_dossier_rules(db)
    if kind not in ("tiep_nhan", "bo_sung", "tu_choi", "xin_loi", "kiem_soat"):
        pytest.skip(f"{kind} is not in the default form set")
    try:
        form = form_input(kind, dossier, load_settings(db), result_place=rules.result_place,
                          names={"canbo": "x" * MAX_SHORT_TEXT})
    except UserError:
        pytest.skip(f"{kind}: no act of this dossier prints it")
    render_form(form, out)
    assert _pages(out.getvalue()) >= 1


def test_report_and_logbook_print_the_longest_values(longest) -> None:
    db, _, _ = longest
    period = Period(date(2026, 3, 1), date(2026, 3, 31))
    settings = load_settings(db)
    out = io.BytesIO()
    render_report_pdf(build_report(db, period, datetime(2026, 3, 31, 17)), settings, out)
    assert _pages(out.getvalue()) >= 1
    out = io.BytesIO()
    render_logbook_pdf(logbook_lines(db, period), settings, period.title, out)
    assert _pages(out.getvalue()) >= 1


@pytest.mark.parametrize("layout", ["list", "cards"])
def test_posting_sheets_print_the_longest_values(longest, layout) -> None:
    db, _, procedure = longest
    out = io.BytesIO()
    render_sheet(layout, list_procedures(db), load_settings(db), out, codes=[procedure.code],
                 essential_only=False, printed_on=date(2026, 3, 6))
    assert _pages(out.getvalue()) >= 1


def test_longer_than_the_limits_is_refused_where_entered(db) -> None:
    with pytest.raises(UserError, match="quá dài"):
        save_procedure(db, Procedure(code="9.1", name="n" * 10_000, field="Tư pháp"))
    with pytest.raises(UserError, match="quá dài"):
        update_settings(db, {"unit_name": "u" * 10_000})
    with pytest.raises(UserError, match="quá dài"):
        make_paper("p" * (MAX_PAPER_NAME + 1))

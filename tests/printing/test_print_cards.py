"""The cards sheet: six cards a page, large decodable QR codes, names that fit their card."""

from __future__ import annotations

import io
import math
from datetime import date

import pytest
from printing_checks import (
    SETTINGS,
    long_name,
    make_catalog,
    overlaps,
    page_texts,
    quiet_zone_is_white,
    quiet_zone_px,
    render_pages,
    squash,
)

from models.text import clean_text
from printing import PrintCancelled, render_cards_sheet
from printing.cards_sheet import (
    CARD_HEIGHT,
    CARD_WIDTH,
    NAME_MAX_SIZE,
    NAME_MIN_SIZE,
    PAGE_MARGIN,
    build_cards_pdf,
    fit_card_name,
)
from printing.markup import ELLIPSIS
from printing.output import Job
from printing.qr import qr_matrix

PX_PER_PT = 150 / 72


@pytest.fixture(scope="module")
def catalog():
    return make_catalog(14)


@pytest.fixture(scope="module")
def printed(catalog):
    data, pages, fitted = build_cards_pdf(catalog, SETTINGS, date(2026, 3, 9), Job(28, None, None))
    return {"pdf": data, "pages": pages, "fitted": fitted, "rendered": render_pages(data),
            "texts": page_texts(data)}


def test_six_cards_a_page_every_qr_decodes(printed, catalog):
    assert printed["pages"] == math.ceil(len(catalog) / 6) == 3
    assert [len(page.codes) for page in printed["rendered"]] == [6, 6, 2]
    found = {code.text for page in printed["rendered"] for code in page.codes}
    assert found == {p.qr_url(SETTINGS) for p in catalog}


def test_qr_codes_are_at_least_4cm_and_inside_their_card(printed):
    for page in printed["rendered"]:
        for code in page.codes:
            assert code.width_cm >= 4.0, code
            modules = qr_matrix(code.text).size
            assert quiet_zone_is_white(page, code, modules), code.text
            quiet = quiet_zone_px(code, modules)
            zone = (code.left - quiet, code.top - quiet, code.right + quiet, code.bottom + quiet)
            assert not any(overlaps(zone, box) for box in page.text_boxes), code.text


def _cell(x: float, y: float) -> tuple[int, int]:
    """(column, row) of the card that pixel (x, y) falls in."""
    column = int((x / PX_PER_PT - PAGE_MARGIN) // CARD_WIDTH)
    row = int((y / PX_PER_PT - PAGE_MARGIN) // CARD_HEIGHT)
    return column, row


def test_text_stays_inside_its_card(printed):
    for page in printed["rendered"]:
        for left, top, right, bottom in page.text_boxes:
            assert _cell(left + 0.5, top + 0.5) == _cell(right - 0.5, bottom - 0.5)
            column, row = _cell(left, top)
            assert 0 <= column < 2 and 0 <= row < 3
        cells = [_cell(code.left, code.top) for code in page.codes]
        assert len(set(cells)) == len(cells)  # one code per card


def test_names_shrink_and_truncate_only_as_last_resort(printed, catalog):
    fitted = printed["fitted"]
    text = squash("".join(printed["texts"]))
    for procedure, fit in zip(catalog, fitted, strict=True):
        name = clean_text(procedure.name)
        if fit.truncated:
            assert len(name) >= 600
            assert fit.text.endswith(ELLIPSIS) and squash(fit.text) in text
            assert name.startswith(fit.text[:-1].rstrip())
        else:
            assert fit.text == name and squash(name) in text
    sizes = {clean_text(p.name): f.size for p, f in zip(catalog, fitted, strict=True)}
    assert max(sizes.values()) >= 14
    assert sizes[clean_text(long_name(260, 1))] < NAME_MAX_SIZE
    assert sum(f.truncated for f in fitted) == 1  # only the 900-character name


def test_fit_card_name_boundaries():
    short = fit_card_name("Đăng ký khai sinh", 240, 60)
    assert (short.size, short.truncated) == (NAME_MAX_SIZE, False)
    long = fit_card_name(long_name(900, 3), 240, 60)
    assert long.truncated and long.size == NAME_MIN_SIZE and long.height <= 60
    word = fit_card_name("X" * 2000, 240, 40)
    assert word.truncated and word.text.endswith(ELLIPSIS) and word.height <= 40


def test_card_text_and_unit_header(printed):
    first = squash(printed["texts"][0])
    assert squash("UBND XÃ QUỲNH LƯU & ĐÔNG <SƠN>") in first
    assert squash("Mã thủ tục 1.000000.000.00.00.H56 Dịch vụ công trực tuyến Toàn trình") in first
    assert squash("Quét mã QR bằng camera điện thoại để xem chi tiết thủ tục và nộp hồ sơ trực tuyến") in first


def test_a_card_promises_online_submission_only_with_an_online_service(tmp_path):
    """'nộp hồ sơ trực tuyến' only where the procedure has an online service; a sample card says so."""
    import io

    from printing_checks import SETTINGS
    from pypdf import PdfReader

    from models.catalog import Procedure
    from printing.cards_sheet import render_cards_sheet

    out = io.BytesIO()
    render_cards_sheet([Procedure("1.000001", "Thủ tục trực tuyến", online_level="toan_trinh", sample=True),
                        Procedure("1.000002", "Thủ tục tại quầy")], SETTINGS, out)
    text = squash(PdfReader(out).pages[0].extract_text())
    assert text.count(squash("nộp hồ sơ trực tuyến")) == 1 and text.count(squash("xem chi tiết thủ tục")) == 2
    assert text.count(squash("DỮ LIỆU MẪU")) == 1


def test_render_to_stream_progress_and_cancel(catalog, tmp_path):
    buffer = io.BytesIO()
    calls: list[tuple[int, int]] = []
    assert render_cards_sheet(catalog[:7], SETTINGS, buffer, progress=lambda *args: calls.append(args)) == 2
    assert calls[-1] == (14, 14) and [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(page_texts(buffer.getvalue())) == 2
    out = tmp_path / "the.pdf"
    with pytest.raises(PrintCancelled):
        render_cards_sheet(catalog, SETTINGS, out, cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []

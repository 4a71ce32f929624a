"""The list sheet: every QR decodes to its link, every name prints in full, headers and page numbers."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from printing_checks import (
    SETTINGS,
    TRICKY_NAMES,
    long_name,
    make_catalog,
    overlaps,
    page_texts,
    quiet_zone_is_white,
    quiet_zone_px,
    render_pages,
    squash,
)

from models.catalog import Procedure
from models.errors import UserError
from models.text import clean_text
from printing import PrintCancelled, render_list_sheet
from printing.list_sheet import COLUMN_TITLES, QR_BOX
from printing.qr import qr_matrix

PRINTED_ON = date(2026, 3, 9)


@pytest.fixture(scope="module")
def catalog():
    return make_catalog(162)


@pytest.fixture(scope="module")
def printed(catalog, tmp_path_factory):
    out = tmp_path_factory.mktemp("list") / "danh-muc.pdf"
    calls: list[tuple[int, int]] = []
    pages = render_list_sheet(catalog, SETTINGS, out, printed_on=PRINTED_ON,
                              progress=lambda done, total: calls.append((done, total)))
    data = out.read_bytes()
    return {"pages": pages, "pdf": data, "texts": page_texts(data), "rendered": render_pages(data),
            "progress": calls}


def test_every_qr_decodes_to_its_link(printed, catalog):
    found = [code for page in printed["rendered"] for code in page.codes]
    expected = {p.qr_url(SETTINGS) for p in catalog}
    assert len(expected) == 162
    assert {p.own_url for p in catalog if p.own_url} < expected  # own links and template links both
    assert any(url.startswith("https://dichvucong.example.gov.vn/tthc?ma=") for url in expected)
    assert len(found) == 162
    assert {code.text for code in found} == expected
    assert {code.ec_level for code in found} <= {"M", "Q", "H"}


def test_qr_codes_are_at_least_2cm_with_clear_quiet_zone(printed):
    assert qr_matrix("https://a.vn").symbol_in_box(QR_BOX) >= 2 / 2.54 * 72  # smallest code, by design
    for page in printed["rendered"]:
        boxes = []
        for code in page.codes:
            assert code.width_cm >= 2.0, code
            modules = qr_matrix(code.text).size
            assert quiet_zone_is_white(page, code, modules), code.text
            quiet = quiet_zone_px(code, modules)
            zone = (code.left - quiet, code.top - quiet, code.right + quiet, code.bottom + quiet)
            assert not any(overlaps(zone, box) for box in page.text_boxes), code.text
            boxes.append(zone)
        for index, zone in enumerate(boxes):
            assert not any(overlaps(zone, other) for other in boxes[index + 1:])


def test_every_name_prints_in_full(printed, catalog):
    text = squash("".join(printed["texts"]))
    for procedure in catalog:
        name = clean_text(procedure.name)
        assert squash(name) in text, name[:60]
    for name in TRICKY_NAMES:
        assert squash(name) in text
    assert squash("&amp; d") in text  # printed literally, not taken as markup
    assert len(max((clean_text(p.name) for p in catalog), key=len)) >= 900


def test_decomposed_input_prints_composed(printed):
    raw = "".join(printed["texts"])
    assert "Đăng ký kết hôn có yếu tố nước ngoài" in re.sub(r"\s+", " ", raw)
    assert "\u0300" not in raw and "\u0301" not in raw and "\u0323" not in raw


def test_header_row_on_every_page_and_page_numbers(printed):
    texts = printed["texts"]
    total = printed["pages"]
    assert total == len(texts) > 10
    for number, page in enumerate(texts, start=1):
        flat = squash(page)
        for title in COLUMN_TITLES:
            assert squash(title) in flat, (number, title)
        assert f"Trang{number}/{total}" in flat
    first = squash(texts[0])
    assert squash("DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA UBND XÃ QUỲNH LƯU & ĐÔNG <SƠN>") in first
    assert squash("UBND TỈNH NGHỆ AN") in first
    assert squash("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") in first
    assert squash("Độc lập - Tự do - Hạnh phúc") in first
    assert "09/03/2026" in first
    # The list promises online submission only for the procedures that have an online service (issue #12).
    assert squash("Quét mã QR bằng camera điện thoại để xem chi tiết thủ tục; thủ tục có dịch vụ công trực tuyến") in first


def test_field_headings_with_counts(printed, catalog):
    text = squash("".join(printed["texts"]))
    counts: dict[str, int] = {}
    for procedure in catalog:
        counts[procedure.field] = counts.get(procedure.field, 0) + 1
    for index, (field, count) in enumerate(counts.items()):
        numeral = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"][index]
        assert squash(f"{numeral}. Lĩnh vực {field} ({count} thủ tục)") in text


def test_progress_reaches_the_end(printed):
    calls = printed["progress"]
    assert calls[-1][0] == calls[-1][1] == 2 * 162
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_stream_output_and_page_count(catalog):
    buffer = io.BytesIO()
    pages = render_list_sheet(catalog[:10], SETTINGS, buffer, printed_on=PRINTED_ON)
    assert buffer.getvalue().startswith(b"%PDF")
    assert pages == len(page_texts(buffer.getvalue()))


@pytest.mark.parametrize("stop_after", [5, 170])  # while preparing rows / while drawing pages
def test_cancel_leaves_no_file(catalog, tmp_path, stop_after):
    out = tmp_path / "huy.pdf"
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > stop_after

    with pytest.raises(PrintCancelled):
        render_list_sheet(catalog, SETTINGS, out, printed_on=PRINTED_ON, cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []


def test_cancel_keeps_the_previous_file(catalog, tmp_path):
    out = tmp_path / "cu.pdf"
    out.write_bytes(b"old")
    with pytest.raises(PrintCancelled):
        render_list_sheet(catalog[:3], SETTINGS, out, cancelled=lambda: True)
    assert out.read_bytes() == b"old"


def test_unwritable_outputs_raise_user_error(catalog, tmp_path, monkeypatch):
    with pytest.raises(UserError, match="không tồn tại"):
        render_list_sheet(catalog[:2], SETTINGS, tmp_path / "khong-co" / "a.pdf")
    with pytest.raises(UserError, match="thư mục"):
        render_list_sheet(catalog[:2], SETTINGS, tmp_path)

    def locked(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("printing.output.os.replace", locked)
    with pytest.raises(UserError, match="Không ghi được tệp"):
        render_list_sheet(catalog[:2], SETTINGS, tmp_path / "dang-mo.pdf")
    assert list(tmp_path.iterdir()) == []


def test_name_longer_than_a_page_flows_on(tmp_path):
    monster = Procedure("9.999", long_name(6000, 9), field="Hộ tịch")
    short = Procedure("9.998", "Đăng ký khai sinh", field="Hộ tịch")
    buffer = io.BytesIO()
    pages = render_list_sheet([monster, short], SETTINGS, buffer)
    assert pages >= 3
    text = squash("".join(page_texts(buffer.getvalue())))
    words = clean_text(monster.name).split(" ")
    assert squash(" ".join(words[:50])) in text and squash(" ".join(words[-50:])) in text
    assert {code.text for page in render_pages(buffer.getvalue()) for code in page.codes} == {
        monster.qr_url(SETTINGS), short.qr_url(SETTINGS)}


def test_empty_selection_is_a_user_error(tmp_path):
    with pytest.raises(UserError):
        render_list_sheet([], SETTINGS, tmp_path / "rong.pdf")

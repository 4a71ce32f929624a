"""Mẫu 01 and forms 02–05 checked by independent readers: pypdfium2 render, zxing-cpp QR, pypdf text."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from db.dossier_queries import get_dossier
from db.dossier_store import extend_dossier, move_dossier, receive_dossier
from db.settings_store import update_settings
from models.dossier import parse_paper
from models.dossier_applicant import make_applicant
from models.errors import UserError
from services.forms import render_dossier_form

NOW = datetime(2026, 3, 20, 12, 0)


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def qr_texts(pdf: bytes, dpi: int = 150) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


@pytest.fixture
def dossier(db):
    update_settings(db, {"unit_name": "UBND xã Hương Mai", "unit_code": "000.17.22.H56", "province": "Bắc Ninh"})
    applicant = make_applicant(name="Trần Thị Bình", cccd="027190123456", phone="0912345678",
                               address="Thôn Đông, xã Hương Mai", email="binh@vidu.vn", today=date(2026, 3, 1))
    made = receive_dossier(db, procedure_code="2.001019", applicant=applicant,
                           received_at=datetime(2026, 2, 13, 10, 0), now=NOW, sets=2, logbook="Quyển 1, số 15",
                           papers=[parse_paper("Di chúc|ban_chinh|1"), parse_paper("Căn cước|ban_sao|1")])
    return db, get_dossier(db, made.code)


def render(db, kind: str, dossier) -> bytes:
    printed = render_dossier_form(db, kind, dossier.code)
    assert printed.pages == 1
    return printed.data


def test_receipt_qr_and_text(dossier) -> None:
    db, made = dossier
    pdf = render(db, "tiep_nhan", made)
    assert qr_texts(pdf) == [made.code] == ["000.17.22.H56-260213-1001"]
    text = text_of(pdf)
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mẫu số 01", "Trần Thị Bình", made.code,
                     "10 giờ 00 phút, ngày 24 tháng 02 năm 2026", "ngày 13 tháng 02 năm 2026", "Chứng thực di chúc",
                     "02 ngày làm việc", "Di chúc", "Bản sao", "Số lượng hồ sơ: 02", "Thôn Đông, xã Hương Mai", "0912345678",
                     "binh@vidu.vn", "Quyển 1, số 15", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ",
                     "UBND XÃ HƯƠNG MAI"):
        assert expected in text, expected
    assert "027190123456" in text  # Mẫu 01 of 2025 prints the số định danh
    assert "Hương Mai, ngày 13 tháng 02 năm 2026" in text and "Quản trị kiểm thử" in text


def test_receipt_written_to_a_path(dossier, tmp_path) -> None:
    db, made = dossier

    target = tmp_path / "giay-hen.pdf"
    render_dossier_form(db, "tiep_nhan", made.code, target)
    assert qr_texts(target.read_bytes()) == [made.code]
    with pytest.raises(UserError, match="pdf"):
        render_dossier_form(db, "tiep_nhan", made.code, tmp_path)


def test_supplement_refusal_apology_and_control_forms(dossier) -> None:
    db, made = dossier
    move_dossier(db, made.code, "dang_xu_ly", at=datetime(2026, 2, 13, 11, 0), now=NOW, handover_to="Tư pháp|Lê Hoa")
    move_dossier(db, made.code, "cho_bo_sung", at=datetime(2026, 2, 23, 9, 0), note="Bổ sung giấy chứng tử",
                 now=NOW)
    text = text_of(render(db, "bo_sung", made))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Bổ sung giấy chứng tử" in text
    assert "Mẫu số 02" in text
    move_dossier(db, made.code, "dang_xu_ly", at=datetime(2026, 2, 23, 11, 0), now=NOW)
    with pytest.raises(UserError, match="chưa được gia hạn"):
        render(db, "xin_loi", made)
    extend_dossier(db, made.code, days=3, reason="Cần xác minh nơi cư trú", at=datetime(2026, 2, 23, 11, 30),
                   now=NOW)
    text = text_of(render(db, "xin_loi", made))
    # Due was 24/02 10:00; the wait (23/02 09:00–11:00, 2 h) moved it to 24/02 14:00 (10:00–11:30, then
    # 13:30–14:00); 3 working days more: Fri 27/02/2026 14:00.
    assert "Lý do: Cần xác minh nơi cư trú." in text and "Mẫu số 04" in text
    assert "hồ sơ: 14 giờ 00 phút, ngày 24 tháng 02 năm 2026" in text
    assert "vào 14 giờ 00 phút, ngày 27 tháng 02 năm 2026" in text
    text = text_of(render(db, "kiem_soat", made))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and "Nhận: Lê Hoa, Tư pháp" in text
    assert "Mẫu số 06" in text and "Trước hạn" in text
    move_dossier(db, made.code, "tu_choi", at=datetime(2026, 2, 25, 9, 0), note="Không đủ điều kiện", now=NOW)
    text = text_of(render(db, "khong_du_dieu_kien", made))
    assert "THÔNG BÁO HỒ SƠ KHÔNG ĐỦ ĐIỀU KIỆN GIẢI QUYẾT" in text and "Không đủ điều kiện" in text


def test_form_set_pinned_renumbers(dossier) -> None:
    from db.dossier_rules import DossierRules, save_dossier_rules

    db, made = dossier
    save_dossier_rules(db, DossierRules(form_set="tt01_2018"))
    assert "Mẫu số 05" in text_of(render(db, "kiem_soat", made))
    with pytest.raises(UserError, match="không có mẫu|không bị dừng"):
        render_dossier_form(db, "dung_giai_quyet", made.code)


def test_a_blank_row_of_a_ruled_table_has_room_for_handwriting() -> None:
    """A receipt for a procedure whose papers were not listed prints rows to fill in by hand: an empty row
    is as tall as a written line (8 mm), not the thin line an empty paragraph gives; a row with text keeps
    its own height."""
    from reportlab.lib.units import mm

    from printing.form_parts import grid_table

    table = grid_table(("STT", "Tên loại giấy tờ"), [["1", "Tờ khai"], ["", ""], ["", ""]], (12 * mm, 80 * mm))
    table.wrap(92 * mm, 200 * mm)
    head, written, *blanks = table._rowHeights
    assert all(height >= 8 * mm - 0.01 for height in blanks) and len(blanks) == 2
    assert written < 8 * mm  # one line of text: its own height


def test_a_receipt_without_listed_papers_still_fits_one_page(db) -> None:
    update_settings(db, {"unit_name": "UBND xã Hương Mai", "unit_code": "000.17.22.H56"})
    made = receive_dossier(db, procedure_code="1.004194", applicant=make_applicant(name="Lê Văn Tâm"),
                           received_at=datetime(2026, 2, 13, 10, 0), now=NOW)
    printed = render_dossier_form(db, "tiep_nhan", made.code)
    assert printed.pages == 1 and "Thành phần hồ sơ nộp gồm" in text_of(printed.data)

"""Every form of a dossier's life, with both form sets, read back with pypdf (issue #12, "How it is checked"):
the act's date in the place-and-date line, the signer's full name and never the login, the số định danh,
the form's own title and number, the reason where one is required."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from db.accounts import create_user
from db.dossier_queries import get_dossier
from db.dossier_store import extend_dossier, move_dossier, receive_dossier
from db.settings_store import update_settings
from models.dossier import parse_paper
from models.dossier_applicant import make_applicant, make_delegate
from models.errors import UserError
from models.session import User, acting_as
from services.forms import print_form_to_file, render_dossier_form

NOW = datetime(2026, 3, 20, 12, 0)
CLERK = User("lan", "Nguyễn Thị Lan", "clerk")
OFFICER = User("hung", "Phạm Văn Hùng", "officer")
CCCD = "027190123456"


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def form_text(db, kind: str, code: str) -> str:
    return text_of(render_dossier_form(db, kind, code).data)


@pytest.fixture
def unit(db):
    update_settings(db, {"unit_name": "UBND xã Hương Mai", "unit_code": "000.17.22.H56", "province": "Bắc Ninh",
                         "head_title": "Giám đốc", "head_name": "Đỗ Minh Khoa", "office_phone": "02223855123"})
    create_user(db, "lan", "mat-khau-dai-du-12", "clerk", "Nguyễn Thị Lan")
    create_user(db, "hung", "mat-khau-dai-du-12", "officer", "Phạm Văn Hùng")
    return db


def receive(db, at: datetime):
    applicant = make_applicant(name="Trần Thị Bình", cccd=CCCD, phone="0912345678", address="Thôn Đông, xã Hương Mai",
                               email="binh@vidu.vn", today=date(2026, 3, 1))
    delegate = make_delegate(name="Lê Văn Cường", cccd="001089012345", address="Thôn Tây", phone="0987654321",
                             paper="Giấy ủy quyền số 12/UQ", today=date(2026, 3, 1))
    with acting_as(CLERK):
        return receive_dossier(db, procedure_code="2.001019", applicant=applicant, received_at=at, now=NOW, sets=2,
                               papers=[parse_paper("Di chúc|ban_chinh|1")], delegate=delegate,
                               result_delivery="buu_chinh", logbook="Quyển 1, số 15")


def check_common(text: str, *, title: str, number: str | None, basis: str, dated: str) -> None:
    assert title in text, title
    assert (f"Mẫu số {number} ({basis})" in text) if number else "Mẫu số" not in text
    assert f"Hương Mai, ngày {dated}" in text, dated
    assert "UBND XÃ HƯƠNG MAI" in text and "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ HƯƠNG MAI" in text
    assert "lan" not in text.split() and "hung" not in text.split() and "admin" not in text


def test_whole_life_with_the_2025_forms(unit, tmp_path) -> None:
    db = unit
    code = receive(db, datetime(2026, 2, 5, 9, 0)).code
    basis = "Thông tư số 03/2025/TT-VPCP"
    text = form_text(db, "tiep_nhan", code)
    check_common(text, title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", number="01", basis=basis, dated="05 tháng 02 năm 2026")
    for expected in (CCCD, "Lê Văn Cường", "001089012345", "Giấy ủy quyền số 12/UQ", "Qua dịch vụ bưu chính công ích",
                     "Nguyễn Thị Lan", "09 giờ 00 phút, ngày 05 tháng 02 năm 2026", "Quyển 1, số 15", "Di chúc"):
        assert expected in text, expected
    with pytest.raises(UserError, match="chưa từng được yêu cầu bổ sung"):
        render_dossier_form(db, "02", code)

    with acting_as(OFFICER):
        with pytest.raises(UserError, match="lý do yêu cầu bổ sung"):
            move_dossier(db, code, "cho_bo_sung", at=datetime(2026, 2, 5, 10, 0), now=NOW)
        move_dossier(db, code, "cho_bo_sung", at=datetime(2026, 2, 5, 10, 0), now=NOW,
                     note="Thiếu bản chính giấy tờ nhà đất", items=["Giấy chứng nhận quyền sử dụng đất", "Sơ đồ thửa đất"])
    text = form_text(db, "02", code)
    check_common(text, title="PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", number="02", basis=basis,
                 dated="05 tháng 02 năm 2026")
    assert "1. Giấy chứng nhận quyền sử dụng đất" in text and "2. Sơ đồ thửa đất" in text
    assert "Lý do: Thiếu bản chính giấy tờ nhà đất" in text and CCCD in text
    assert "liên hệ với Phạm Văn Hùng, số điện thoại 02223855123" in text and "NGƯỜI HƯỚNG DẪN" in text
    assert "NGƯỜI NỘP HỒ SƠ" not in text  # one signer

    with acting_as(CLERK):
        move_dossier(db, code, "dang_xu_ly", at=datetime(2026, 2, 9, 8, 0), now=NOW,
                     handover_to="Công an xã Hương Mai|Trần Văn Bảo")
    with acting_as(OFFICER):
        extend_dossier(db, code, days=2, reason="Chờ kết quả xác minh của Công an xã", at=datetime(2026, 2, 9, 9, 0),
                       now=NOW)
        move_dossier(db, code, "co_ket_qua", at=datetime(2026, 2, 25, 9, 0), now=NOW, handover_to="lan")
    with acting_as(CLERK):
        move_dossier(db, code, "da_tra", at=datetime(2026, 2, 25, 10, 0), now=NOW)

    text = form_text(db, "04", code)
    check_common(text, title="VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", number="04", basis=basis,
                 dated="09 tháng 02 năm 2026")
    assert "Kính gửi: Trần Thị Bình" in text and "Ngày 05 tháng 02 năm 2026" in text and CCCD in text
    assert "Lý do: Chờ kết quả xác minh của Công an xã" in text
    assert "GIÁM ĐỐC" in text and "Đỗ Minh Khoa" in text and "Số:" in text

    text = form_text(db, "06", code)
    check_common(text, title="PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", number="06", basis=basis,
                 dated="05 tháng 02 năm 2026")
    assert "Giao: Nguyễn Thị Lan" in text and "Nhận: Trần Văn Bảo, Công an xã Hương Mai" in text
    assert "Giao: Phạm Văn Hùng" in text and "Nhận: Nguyễn Thị Lan" in text
    assert "Người giao ký" in text and "Người nhận ký" in text

    # The receipt keeps the appointment first given (the extension is Mẫu 04's), and says it is a reprint.
    receipt = get_dossier(db, code)
    assert receipt.due_at > receipt.first_due_at
    first = receipt.first_due_at
    assert not print_form_to_file(db, "01", code, tmp_path / "mau-01.pdf").reprint
    again = print_form_to_file(db, "01", code, tmp_path / "mau-01-lai.pdf")
    text = text_of((tmp_path / "mau-01-lai.pdf").read_bytes())
    assert again.reprint and "Bản in lại ngày" in text
    assert f"{first:%H} giờ {first:%M} phút, ngày {first:%d} tháng {first.month:02d} năm {first:%Y}" in text


def test_acts_before_15_09_2025_keep_the_2018_forms(unit) -> None:
    db = unit
    code = receive(db, datetime(2025, 9, 11, 9, 0)).code
    basis = "Thông tư số 01/2018/TT-VPCP"
    check_common(form_text(db, "tiep_nhan", code), title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", number="01",
                 basis=basis, dated="11 tháng 9 năm 2025")
    with acting_as(CLERK):
        move_dossier(db, code, "dang_xu_ly", at=datetime(2025, 9, 11, 10, 0), now=NOW, handover_to="hung")
    with acting_as(OFFICER):
        extend_dossier(db, code, days=1, reason="Chờ ý kiến phối hợp", at=datetime(2025, 9, 11, 14, 0), now=NOW)
        move_dossier(db, code, "cho_bo_sung", at=datetime(2025, 9, 12, 9, 0), now=NOW, note="Thiếu bản sao di chúc")
    text = form_text(db, "02", code)
    check_common(text, title="PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", number="02", basis=basis,
                 dated="12 tháng 9 năm 2025")
    assert "liên hệ với Phạm Văn Hùng" in text
    text = form_text(db, "04", code)
    check_common(text, title="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", number="04", basis=basis,
                 dated="11 tháng 9 năm 2025")
    text = form_text(db, "05", code)  # Mẫu 05 of 2018 is the control sheet
    check_common(text, title="PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", number="05", basis=basis,
                 dated="11 tháng 9 năm 2025")
    assert "Nhận: Phạm Văn Hùng, UBND xã Hương Mai" in text
    with acting_as(OFFICER):
        move_dossier(db, code, "dang_xu_ly", at=datetime(2025, 9, 15, 9, 0), now=NOW)
        move_dossier(db, code, "dung_giai_quyet", at=datetime(2025, 9, 15, 10, 0), now=NOW, note="Người yêu cầu đã mất")
    # The stop is on 15/09/2025: the 2025 set is in force that day, its Mẫu 05 is the stop notice.
    text = form_text(db, "dung_giai_quyet", code)
    check_common(text, title="THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", number="05", basis="Thông tư số 03/2025/TT-VPCP",
                 dated="15 tháng 9 năm 2025")
    assert "Người yêu cầu đã mất" in text


def test_refusal_at_the_counter_and_after_receipt(unit) -> None:
    db = unit
    at_counter = receive(db, datetime(2026, 3, 2, 9, 0)).code
    with acting_as(OFFICER):  # models.roles: refusing needs PROCESS
        with pytest.raises(UserError, match="lý do từ chối"):
            move_dossier(db, at_counter, "tu_choi", at=datetime(2026, 3, 2, 9, 30), now=NOW, note="  ")
        move_dossier(db, at_counter, "tu_choi", at=datetime(2026, 3, 2, 9, 30), now=NOW,
                     note="Không thuộc thẩm quyền của xã")
    text = form_text(db, "03", at_counter)
    check_common(text, title="PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ", number="03",
                 basis="Thông tư số 03/2025/TT-VPCP", dated="02 tháng 3 năm 2026")
    assert "Không thuộc thẩm quyền của xã" in text and CCCD in text and "Phạm Văn Hùng" in text
    with pytest.raises(UserError, match="ngay khi tiếp nhận"):
        render_dossier_form(db, "khong_du_dieu_kien", at_counter)

    later = receive(db, datetime(2026, 3, 3, 9, 0)).code
    with acting_as(CLERK):
        move_dossier(db, later, "dang_xu_ly", at=datetime(2026, 3, 3, 10, 0), now=NOW, handover_to="hung")
    with acting_as(OFFICER):
        move_dossier(db, later, "tu_choi", at=datetime(2026, 3, 4, 15, 0), now=NOW, note="Di chúc không hợp lệ")
    with pytest.raises(UserError, match="không đủ điều kiện"):
        render_dossier_form(db, "03", later)
    text = form_text(db, "khong_du_dieu_kien", later)
    check_common(text, title="THÔNG BÁO HỒ SƠ KHÔNG ĐỦ ĐIỀU KIỆN GIẢI QUYẾT", number=None, basis="",
                 dated="04 tháng 3 năm 2026")
    assert "Di chúc không hợp lệ" in text and "Phạm Văn Hùng" in text and "NGƯỜI XỬ LÝ HỒ SƠ" in text


def test_withdrawal_prints_the_request_and_its_reason(unit) -> None:
    db = unit
    code = receive(db, datetime(2026, 3, 2, 9, 0)).code
    with acting_as(CLERK):
        with pytest.raises(UserError, match="lý do công dân rút"):
            move_dossier(db, code, "rut_ho_so", at=datetime(2026, 3, 2, 11, 0), now=NOW)
        move_dossier(db, code, "rut_ho_so", at=datetime(2026, 3, 2, 11, 0), now=NOW,
                     note="Công dân đề nghị rút để nộp lại sau")
    text = form_text(db, "05", code)
    check_common(text, title="THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", number="05", basis="Thông tư số 03/2025/TT-VPCP",
                 dated="02 tháng 3 năm 2026")
    assert "đề nghị rút hồ sơ" in text and "Công dân đề nghị rút để nộp lại sau" in text
    assert "GIÁM ĐỐC" in text and "Đỗ Minh Khoa" in text


def test_a_unit_may_pin_a_set(unit) -> None:
    from db.dossier_rules import DossierRules, save_dossier_rules

    db = unit
    code = receive(db, datetime(2026, 3, 2, 9, 0)).code
    save_dossier_rules(db, DossierRules(form_set="tt01_2018"))
    assert "Mẫu số 01 (Thông tư số 01/2018/TT-VPCP)" in form_text(db, "tiep_nhan", code)


def test_place_and_date_line() -> None:
    from models.dossier_forms import form_set_for, place_date_line

    assert place_date_line("Hương Mai", date(2026, 8, 20)) == "Hương Mai, ngày 20 tháng 8 năm 2026"
    assert place_date_line("Hương Mai", date(2026, 2, 5)) == "Hương Mai, ngày 05 tháng 02 năm 2026"
    assert place_date_line("Hương Mai", date(2026, 1, 15)) == "Hương Mai, ngày 15 tháng 01 năm 2026"
    assert place_date_line("Hương Mai", date(2026, 12, 1)) == "Hương Mai, ngày 01 tháng 12 năm 2026"
    assert form_set_for(date(2025, 9, 14)).key == "tt01_2018" and form_set_for(date(2025, 9, 15)).key == "tt03_2025"


def test_another_pc_folds_the_same_receipt_fields_and_hand_overs(unit) -> None:
    """sync/fold_dossier.py rebuilds the new receipt columns from the events alone, and the hand-overs
    and signers' names travel inside the events, so another PC prints the same forms."""
    from db.events import events_for
    from models.handover import handovers
    from sync.fold_dossier import FOLDED_COLUMNS, fold_dossier

    db = unit
    code = receive(db, datetime(2026, 3, 2, 9, 0)).code
    with acting_as(CLERK):
        move_dossier(db, code, "dang_xu_ly", at=datetime(2026, 3, 2, 10, 0), now=NOW,
                     handover_to="Công an xã Hương Mai|Trần Văn Bảo")
    dossier = get_dossier(db, code)
    events = [dict(e) for e in events_for(db, "dossier", dossier.uuid)]
    folded = fold_dossier(events).values
    stored = dict(zip(FOLDED_COLUMNS, db.execute(f"SELECT {', '.join(FOLDED_COLUMNS)} FROM dossiers WHERE code = ?",
                                                 [code]).fetchone(), strict=True))
    assert folded == stored
    assert '"Lê Văn Cường"' in folded["delegate"] and folded["result_delivery"] == "buu_chinh"
    [handover] = handovers(events)
    assert (handover.giver.name, handover.receiver.name, handover.receiver.agency) == (
        "Nguyễn Thị Lan", "Trần Văn Bảo", "Công an xã Hương Mai")
    assert events[0]["payload"]["actor_name"] == "Nguyễn Thị Lan"
    # A receive event written before migration 0008a folds to the row's defaults.
    old = {**events[0], "payload": {k: v for k, v in events[0]["payload"].items()
                                    if k not in ("delegate", "result_delivery", "needs_verification",
                                                 "deciding_agency", "cooperating_agency", "first_due_at")}}
    values = fold_dossier([old]).values
    assert values["delegate"] == "" and values["needs_verification"] == 0
    assert values["first_due_at"] == old["payload"]["due_at"]


def test_the_form_command_names_the_forms_by_the_numbers_in_force(cli, data_dir) -> None:
    """`form --help` and a refused name list the 2025 numbers (05 dừng giải quyết, 06 kiểm soát), not the
    2018 list it once remembered; every short name shown is one the command takes."""
    from models.dossier_forms import FORM_SETS, SHORT_NAMES, kinds_help, resolve_kind

    shown = " ".join(cli("--data-dir", str(data_dir), "form", "--help").stdout.split())
    assert "05 dừng giải quyết, 06 kiểm soát" in shown and "05 kiểm soát" not in shown
    for forms in FORM_SETS.values():
        assert all(resolve_kind(SHORT_NAMES[kind], forms) == kind for kind in forms.numbers)
        assert all(resolve_kind(number, forms) == kind for kind, number in forms.numbers.items() if number)
    assert kinds_help(FORM_SETS["tt01_2018"]).endswith("04 xin lỗi, 05 kiểm soát")
    with pytest.raises(UserError, match="05 dừng giải quyết, 06 kiểm soát"):
        resolve_kind("09", FORM_SETS["tt03_2025"])

"""Căn cước numbers, the chip card's QR text, phones and applicants (shared/domain.md, "People")."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from models.citizen_id import PROVINCE_CODES, parse_cccd_qr, validate_cccd
from models.dossier_applicant import applicant_from_card, make_applicant, normalise_phone
from models.errors import UserError

TODAY = date(2026, 3, 1)
# 001 Hà Nội, 0 = male born in the 1900s, 90 -> 1990, then six digits.
MAN_1990 = "001090123456"
WOMAN_2005 = "079305000123"  # 079 Hồ Chí Minh, 3 = female 2000s, 05 -> 2005


def test_valid_numbers_pass_and_are_normalised() -> None:
    assert validate_cccd(MAN_1990, today=TODAY) == MAN_1990
    assert validate_cccd(" 001 090 123 456 ", today=TODAY) == MAN_1990
    assert validate_cccd(WOMAN_2005, dob=date(2005, 7, 1), sex="Nữ", today=TODAY) == WOMAN_2005
    assert validate_cccd(MAN_1990, dob=date(1990, 1, 31), sex="nam", today=TODAY) == MAN_1990


def test_eleven_digits_names_the_count() -> None:
    with pytest.raises(UserError) as error:
        validate_cccd("00109012345", today=TODAY)
    assert str(error.value) == "Số căn cước phải có đúng 12 chữ số (đang có 11)."


def test_letters_refused() -> None:
    with pytest.raises(UserError, match="chỉ gồm chữ số"):
        validate_cccd("00109012345A", today=TODAY)
    with pytest.raises(UserError, match="chỉ gồm chữ số"):
        validate_cccd("００１０９０１２３４５６", today=TODAY)  # full-width digits are not ASCII digits


@pytest.mark.parametrize("province", ["000", "003", "097", "099", "123"])
def test_unknown_province_code_refused(province: str) -> None:
    with pytest.raises(UserError, match=f"mã tỉnh {province}"):
        validate_cccd(province + "090123456", today=TODAY)


def test_province_list_is_the_63_codes_within_001_096() -> None:
    assert len(PROVINCE_CODES) == 63
    assert min(PROVINCE_CODES) == "001" and max(PROVINCE_CODES) == "096"
    assert PROVINCE_CODES["079"] == "Hồ Chí Minh" and "003" not in PROVINCE_CODES


def test_century_digit_must_agree_with_birth_year() -> None:
    # 2 = male born in the 2000s: "90" means 2090, not 1990.
    with pytest.raises(UserError, match="năm sinh 2090, sau năm nay"):
        validate_cccd("001290123456", today=TODAY)
    with pytest.raises(UserError, match="năm sinh 1990, không khớp ngày sinh 15/03/2005"):
        validate_cccd(MAN_1990, dob=date(2005, 3, 15), today=TODAY)
    with pytest.raises(UserError, match="năm sinh 2005, không khớp"):
        validate_cccd(WOMAN_2005, dob=date(1905, 1, 1), today=TODAY)
    with pytest.raises(UserError, match="Chữ số thứ 4"):
        validate_cccd("001690123456", today=TODAY)  # 6 is not a century/sex digit in domain.md


def test_sex_must_agree() -> None:
    with pytest.raises(UserError, match="giới tính Nam, không khớp giới tính đã ghi \\(Nữ\\)"):
        validate_cccd(MAN_1990, sex="Nữ", today=TODAY)
    with pytest.raises(UserError, match="giới tính Nữ"):
        validate_cccd(WOMAN_2005, sex="Nam", today=TODAY)


def test_qr_text_parsed_by_position() -> None:
    card = parse_cccd_qr(f"{MAN_1990}|012345678|Nguyễn Văn An|15031990|Nam|Số 1, thôn Đông, xã Mẫu|01022021",
                         today=TODAY)
    assert card.number == MAN_1990 and card.old_id == "012345678"
    assert card.name == "Nguyễn Văn An" and card.dob == date(1990, 3, 15) and card.sex == "nam"
    assert card.address == "Số 1, thôn Đông, xã Mẫu" and card.issued_on == date(2021, 2, 1)
    assert card.extra == ()


def test_qr_empty_old_number_extra_fields_and_decomposed_text() -> None:
    text = unicodedata.normalize("NFD", f"{WOMAN_2005}||Lê Thị Hoa|01072005|Nữ|Quận 1|10102023|X|Y\r\n")
    card = parse_cccd_qr(text, today=TODAY)
    assert card.old_id == "" and card.sex == "nu" and card.name == "Lê Thị Hoa"
    assert card.extra == ("X", "Y")


@pytest.mark.parametrize("text, message", [
    ("", "trống"),
    ("hello world", "không phải của thẻ căn cước"),
    ("https://example.com|a|b", "không phải của thẻ căn cước"),
    ("00109012345|x|Tên|15031990|Nam|Đ/c|01022021", "đúng 12 chữ số \\(đang có 11\\)"),
    (f"{MAN_1990}||Tên|31021990|Nam|Đ/c|01022021", "Ngày sinh trong mã QR không hợp lệ"),
    (f"{MAN_1990}||Tên|15031990|Nữ|Đ/c|01022021", "không khớp giới tính"),
    (f"{MAN_1990}||Tên|15031991|Nam|Đ/c|01022021", "không khớp ngày sinh"),
    (f"{MAN_1990}|12ab|Tên|15031990|Nam|Đ/c|01022021", "CMND cũ"),
])
def test_malformed_qr_refused(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_cccd_qr(text, today=TODAY)


@pytest.mark.parametrize("typed, stored", [
    ("0912345678", "0912345678"), ("+84 912 345 678", "0912345678"), ("84912345678", "0912345678"),
    ("0912.345.678", "0912345678"), ("(024) 3825 1234", "02438251234"), ("", ""),
])
def test_phone_normalised(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed, message", [
    ("091234567", "đang có 9"), ("09123456789", "10 chữ số"), ("0912abc678", "chỉ gồm chữ số"),
    ("0112345678", "đầu số"), ("1912345678", "bắt đầu bằng 0"), ("0243825123", "11 chữ số"), ("0", "đang có 1"),
])
def test_bad_phone_refused(typed: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        normalise_phone(typed)


def test_applicant_takes_sex_from_number_and_checks_everything() -> None:
    applicant = make_applicant(name="  Nguyễn  Văn An ", cccd=MAN_1990, dob="15/03/1990", phone="+84912345678",
                               email="An@Vidu.VN", today=TODAY)
    assert applicant.name == "Nguyễn Văn An" and applicant.sex == "nam" and applicant.email == "an@vidu.vn"
    assert applicant.dob == date(1990, 3, 15) and applicant.phone == "0912345678"
    organisation = make_applicant(organisation="Công ty TNHH Mẫu", today=TODAY)
    assert organisation.display_name == "Công ty TNHH Mẫu"
    with pytest.raises(UserError, match="Cần họ tên"):
        make_applicant(name="  ", today=TODAY)
    with pytest.raises(UserError, match="Thư điện tử"):
        make_applicant(name="A", email="khong-hop-le", today=TODAY)
    with pytest.raises(UserError, match="Ngày sinh không hợp lệ"):
        make_applicant(name="A", dob="31/02/1990", today=TODAY)


def test_applicant_from_scanned_card() -> None:
    card = parse_cccd_qr(f"{WOMAN_2005}||Lê Thị Hoa|01072005|Nữ|Số 5, phường Bến Nghé|10102023", today=TODAY)
    applicant = applicant_from_card(card, phone="0387654321", today=TODAY)
    assert (applicant.name, applicant.cccd, applicant.dob, applicant.sex, applicant.address, applicant.phone) == (
        "Lê Thị Hoa", WOMAN_2005, date(2005, 7, 1), "nu", "Số 5, phường Bến Nghé", "0387654321")

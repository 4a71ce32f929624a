"""Căn cước numbers and the QR code of a chip căn cước card (shared/domain.md, "People")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from models.errors import UserError
from models.text import clean_text, fold

CCCD_LENGTH = 12

# Province codes of the place of birth registration, Thông tư 07/2016/TT-BCA, Phụ lục (the same
# numbers as the provinces' administrative codes, Quyết định 124/2004/QĐ-TTg), 63 codes in 001–096.
# Written from memory of the published list, not checked against the official text: verify. Codes
# of the 2025 merged provinces are taken from this same set, so old and new cards both pass.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi",
    "052": "Bình Định", "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận",
    "062": "Kon Tum", "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang",
    "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# 4th digit: century of birth and sex, as shared/domain.md gives it (8/9 = 1800s). DISCREPANCY, verify:
# Thông tư 07/2016/TT-BCA, Điều 7 is remembered as giving 6/7 = 2200s and 8/9 = 2300s instead. No
# living citizen is affected either way; 6/7 are refused, and future years of birth are refused too.
CENTURY_DIGITS: dict[str, tuple[int, str]] = {
    "0": (1900, "nam"), "1": (1900, "nu"),
    "2": (2000, "nam"), "3": (2000, "nu"),
    "4": (2100, "nam"), "5": (2100, "nu"),
    "8": (1800, "nam"), "9": (1800, "nu"),
}

SEX_LABELS = {"nam": "Nam", "nu": "Nữ"}
_SEX_INPUT = {"nam": "nam", "m": "nam", "male": "nam", "nu": "nu", "f": "nu", "female": "nu"}


def normalise_sex(value: str | None) -> str:
    """'Nam'/'Nữ' (any case, accents or not) -> 'nam'/'nu'; '' when not given."""
    text = fold(value or "")
    if not text:
        return ""
    if text not in _SEX_INPUT:
        raise UserError(f"Giới tính không hợp lệ: '{clean_text(value)}' (ghi Nam hoặc Nữ).")
    return _SEX_INPUT[text]


def birth_year_of(number: str) -> int:
    """Year of birth coded in a valid number (digits 4–6)."""
    century, _ = CENTURY_DIGITS[number[3]]
    return century + int(number[4:6])


def sex_of(number: str) -> str:
    """'nam' or 'nu', as coded in the 4th digit of a valid number."""
    return CENTURY_DIGITS[number[3]][1]


def validate_cccd(value: str, *, dob: date | None = None, sex: str | None = None,
                  today: date | None = None) -> str:
    """The 12-digit number, spaces removed, or UserError naming the first problem.

    Checks (shared/domain.md): length, digits only, a known province code, a known century/sex
    digit, a year of birth not in the future, and agreement with `dob` and `sex` when given.
    There is no checksum digit: none is checked.
    """
    number = re.sub(r"[\s.\-]", "", clean_text(value))
    if not number:
        raise UserError("Số căn cước không được để trống.")
    if not number.isascii() or not number.isdigit():
        raise UserError(f"Số căn cước chỉ gồm chữ số (đang có ký tự khác: '{clean_text(value)}').")
    if len(number) != CCCD_LENGTH:
        raise UserError(f"Số căn cước phải có đúng 12 chữ số (đang có {len(number)}).")
    province = number[:3]
    if province not in PROVINCE_CODES:
        raise UserError(f"Số căn cước bắt đầu bằng mã tỉnh {province}, không phải mã tỉnh nơi đăng ký "
                        "khai sinh nào (001–096).")
    if number[3] not in CENTURY_DIGITS:
        raise UserError(f"Chữ số thứ 4 của số căn cước ({number[3]}) phải cho biết thế kỷ sinh và giới "
                        "tính (0–5, 8 hoặc 9).")
    year = birth_year_of(number)
    today = today or date.today()
    if year > today.year:
        raise UserError(f"Số căn cước cho năm sinh {year}, sau năm nay: kiểm tra chữ số thứ 4 đến 6.")
    if dob is not None and dob.year != year:
        raise UserError(f"Số căn cước cho năm sinh {year}, không khớp ngày sinh {dob:%d/%m/%Y}.")
    wanted = normalise_sex(sex)
    if wanted and wanted != sex_of(number):
        raise UserError(f"Số căn cước là của người giới tính {SEX_LABELS[sex_of(number)]}, "
                        f"không khớp giới tính đã ghi ({SEX_LABELS[wanted]}).")
    return number


def parse_ddmmyyyy(text: str, what: str) -> date | None:
    """'15031990' or '15/03/1990' -> date; '' -> None; UserError naming `what` otherwise."""
    text = clean_text(text)
    if not text:
        return None
    for fmt in ("%d%m%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise UserError(f"{what} không hợp lệ: '{text}' (cần dd/mm/yyyy).")


@dataclass(frozen=True)
class CitizenCard:
    """What the QR code of a chip căn cước card holds (shared/domain.md, "People")."""

    number: str
    old_id: str  # 9-digit CMND, may be empty
    name: str
    dob: date | None
    sex: str  # 'nam' / 'nu' / ''
    address: str
    issued_on: date | None
    extra: tuple[str, ...] = ()  # fields newer cards add, kept as read


def parse_cccd_qr(text: str, today: date | None = None) -> CitizenCard:
    """Parse the scanned QR text `number|cmnd|name|ddmmyyyy|Nam/Nữ|address|ddmmyyyy[|extra…]`.

    Parsed by position; extra fields are tolerated and kept. Anything whose first field is not a
    valid căn cước number is refused. A USB scanner types the text, so stray line ends are dropped.
    """
    raw = clean_text(str(text or "").replace("\r", " ").replace("\n", " "))
    if not raw:
        raise UserError("Mã QR trống: hãy quét lại mặt trước thẻ căn cước.")
    fields = [clean_text(part) for part in raw.split("|")]
    if len(fields) < 2:
        raise UserError("Mã QR không phải của thẻ căn cước (không có các trường ngăn bởi dấu |).")
    try:
        number = validate_cccd(fields[0], today=today)
    except UserError as error:
        raise UserError(f"Mã QR không phải của thẻ căn cước: {error}") from None
    fields += [""] * (7 - len(fields))
    old_id = re.sub(r"\s", "", fields[1])
    if old_id and not (old_id.isascii() and old_id.isdigit() and len(old_id) in (9, 12)):
        raise UserError(f"Số CMND cũ trong mã QR không hợp lệ: '{old_id}'.")
    dob = parse_ddmmyyyy(fields[3], "Ngày sinh trong mã QR")
    sex = normalise_sex(fields[4])
    validate_cccd(number, dob=dob, sex=sex, today=today)
    issued = parse_ddmmyyyy(fields[6], "Ngày cấp trong mã QR")
    return CitizenCard(number=number, old_id=old_id, name=fields[2], dob=dob, sex=sex,
                       address=fields[5], issued_on=issued, extra=tuple(fields[7:]))

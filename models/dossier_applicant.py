"""Who submits a dossier: a person (căn cước, date of birth, sex, phone…) or an organisation."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from models.citizen_id import (
    SEX_LABELS,
    CitizenCard,
    normalise_sex,
    parse_ddmmyyyy,
    sex_of,
    validate_cccd,
)
from models.errors import UserError
from models.text import clean_text

# Vietnamese numbers since 2017-2018: mobiles have 10 digits starting 03/05/07/08/09, landlines 11
# digits starting 02 (area code 02x/02xx, e.g. 024 3825 1234).
_MOBILE_SECOND_DIGITS = "35789"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 200
MAX_ADDRESS = 500


def normalise_phone(value: str | None) -> str:
    """'+84 912 345 678' / '0912.345.678' -> '0912345678' (mobile, 10 digits), '(024) 3825 1234' ->
    '02438251234' (landline, 11 digits); '' when not given; UserError otherwise."""
    text = clean_text(value)
    if not text:
        return ""
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not (digits.isascii() and digits.isdigit()):
        raise UserError(f"Số điện thoại chỉ gồm chữ số (có thể bắt đầu bằng +84): '{text}'.")
    if not digits.startswith("0"):
        raise UserError(f"Số điện thoại phải bắt đầu bằng 0 hoặc +84: '{text}'.")
    if len(digits) < 10:
        raise UserError(f"Số điện thoại phải có 10 chữ số (di động) hoặc 11 (cố định), đang có {len(digits)}: "
                        f"'{text}'.")
    if digits.startswith("02"):
        if len(digits) != 11:
            raise UserError(f"Số điện thoại cố định phải có 11 chữ số (đang có {len(digits)}: '{text}').")
    elif digits[1] not in _MOBILE_SECOND_DIGITS:
        raise UserError(f"Số điện thoại '{text}' không có đầu số Việt Nam (02x, 03, 05, 07, 08, 09).")
    elif len(digits) != 10:
        raise UserError(f"Số điện thoại di động phải có 10 chữ số (đang có {len(digits)}: '{text}').")
    return digits


def normalise_email(value: str | None) -> str:
    text = clean_text(value)
    if text and not _EMAIL.match(text):
        raise UserError(f"Thư điện tử không hợp lệ: '{text}' (ví dụ ten@vidu.vn).")
    return text.lower()


@dataclass(frozen=True)
class Applicant:
    """The person who submits (họ tên), or an organisation with the person who represents it."""

    name: str = ""
    organisation: str = ""
    cccd: str = ""
    dob: date | None = None
    sex: str = ""  # 'nam' / 'nu' / ''
    phone: str = ""
    address: str = ""
    email: str = ""

    @property
    def display_name(self) -> str:
        """The organisation when there is one (the applicant on paper), else the person."""
        return self.organisation or self.name

    @property
    def sex_label(self) -> str:
        return SEX_LABELS.get(self.sex, "")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["dob"] = self.dob.isoformat() if self.dob else None
        return data


def make_applicant(*, name: str | None = None, organisation: str | None = None, cccd: str | None = None,
                   dob: date | str | None = None, sex: str | None = None, phone: str | None = None,
                   address: str | None = None, email: str | None = None,
                   today: date | None = None) -> Applicant:
    """Clean and check what the clerk typed (or the card's QR gave); UserError for the first problem.

    A name or an organisation is required. The căn cước number is checked against the date of birth
    and sex when given (shared/domain.md); the sex is read from the number when not given.
    """
    name, organisation = clean_text(name), clean_text(organisation)
    if not name and not organisation:
        raise UserError("Cần họ tên người nộp hồ sơ (hoặc tên tổ chức).")
    for text, what in ((name, "Họ tên"), (organisation, "Tên tổ chức")):
        if len(text) > MAX_NAME:
            raise UserError(f"{what} quá dài ({len(text)} ký tự, tối đa {MAX_NAME}).")
    if isinstance(dob, str):
        dob = parse_ddmmyyyy(dob, "Ngày sinh")
    today = today or date.today()
    if dob is not None and not date(1880, 1, 1) <= dob <= today:
        raise UserError(f"Ngày sinh {dob:%d/%m/%Y} không hợp lý.")
    sex = normalise_sex(sex)
    number = ""
    if clean_text(cccd):
        number = validate_cccd(cccd or "", dob=dob, sex=sex, today=today)
        sex = sex or sex_of(number)
    address = clean_text(address)
    if len(address) > MAX_ADDRESS:
        raise UserError(f"Địa chỉ quá dài ({len(address)} ký tự, tối đa {MAX_ADDRESS}).")
    return Applicant(name=name, organisation=organisation, cccd=number, dob=dob, sex=sex,
                     phone=normalise_phone(phone), address=address, email=normalise_email(email))


def applicant_from_card(card: CitizenCard, *, phone: str | None = None, email: str | None = None,
                        today: date | None = None) -> Applicant:
    """The applicant read from a chip card's QR (models.citizen_id.parse_cccd_qr), plus what the card
    does not hold (phone, email); the card's permanent address is the address."""
    return make_applicant(name=card.name, cccd=card.number, dob=card.dob, sex=card.sex, address=card.address,
                          phone=phone, email=email, today=today)


@dataclass(frozen=True)
class Delegate:
    """The authorised person who submits on the applicant's behalf (Mẫu 01, 2025: name, address, số
    định danh, phone, email and the authorisation paper); stored as JSON in dossiers.delegate."""

    name: str = ""
    address: str = ""
    cccd: str = ""
    phone: str = ""
    email: str = ""
    paper: str = ""  # the authorisation: "Giấy ủy quyền số 12/UQ ngày 02/02/2026"

    def to_dict(self) -> dict:
        return asdict(self)


def make_delegate(*, name: str | None = None, address: str | None = None, cccd: str | None = None,
                  phone: str | None = None, email: str | None = None, paper: str | None = None,
                  today: date | None = None) -> Delegate | None:
    """Check the authorised person's block; None when nothing was typed, UserError when it is partial."""
    values = [clean_text(v) for v in (name, address, cccd, phone, email, paper)]
    if not any(values):
        return None
    name, address, cccd, phone, email, paper = values
    if not name:
        raise UserError("Cần họ tên người được ủy quyền nộp hồ sơ.")
    if len(name) > MAX_NAME or len(address) > MAX_ADDRESS or len(paper) > MAX_ADDRESS:
        raise UserError("Thông tin người được ủy quyền quá dài.")
    number = validate_cccd(cccd, today=today or date.today()) if cccd else ""
    return Delegate(name=name, address=address, cccd=number, phone=normalise_phone(phone),
                    email=normalise_email(email), paper=paper)


def delegate_from_dict(data: dict | None) -> Delegate | None:
    if not data:
        return None
    return Delegate(**{k: str(data.get(k) or "") for k in ("name", "address", "cccd", "phone", "email", "paper")})

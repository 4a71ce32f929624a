"""The one-stop forms as data: numbers and titles per legal text with its effective date, which act each
form records, and the place-and-date line (shared/domain.md, "Dossiers", the forms)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models.errors import UserError
from models.text import fold

# What each printable form is for; the number printed on it depends on the set in force.
FORM_KINDS = {
    "tiep_nhan": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "bo_sung": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "tu_choi": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
    "khong_du_dieu_kien": "Thông báo hồ sơ không đủ điều kiện giải quyết",
    "xin_loi": "Văn bản xin lỗi và hẹn lại ngày trả kết quả",
    "dung_giai_quyet": "Thông báo dừng giải quyết hồ sơ",
    "kiem_soat": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}
# Printed without a form number: the written notice that a dossier refused after its receipt does not
# meet the conditions is the processing body's own document, not one of the numbered forms (domain.md).
UNNUMBERED = ("khong_du_dieu_kien",)

# Forms 2025 as printed since 15/09/2025 (Thông tư 03/2025/TT-VPCP, Phụ lục I, as copied in provinces'
# 2025 decisions, shared/domain.md); 2018 forms for acts before that day.
FORMS_2025_FROM = date(2025, 9, 15)


@dataclass(frozen=True)
class FormSet:
    """One legal text's numbering, in force for acts from `effective`."""

    key: str
    basis: str
    effective: date
    numbers: dict[str, str]  # kind -> "01" ('' for the unnumbered notice)
    titles: dict[str, str]  # kind -> title printed in capitals
    # Kinds whose header carries "Số: …/…" (the written notices and letters; the receipts and slips carry
    # the dossier code instead): as the provinces' copies show them, verify against the circular.
    numbered: frozenset[str] = frozenset()

    def number_line(self, kind: str) -> str:
        """'Mẫu số 02 (Thông tư số 03/2025/TT-VPCP)', or '' for the unnumbered notice."""
        return f"Mẫu số {self.numbers[kind]} ({self.basis})" if self.numbers.get(kind) else ""


_NOTICE_TITLE = "THÔNG BÁO HỒ SƠ KHÔNG ĐỦ ĐIỀU KIỆN GIẢI QUYẾT"
FORM_SETS: dict[str, FormSet] = {
    # Thông tư 01/2018/TT-VPCP (guiding Nghị định 61/2018): five forms and the logbook (Mẫu 06).
    "tt01_2018": FormSet(
        key="tt01_2018", basis="Thông tư số 01/2018/TT-VPCP", effective=date(2019, 1, 8),
        numbers={"tiep_nhan": "01", "bo_sung": "02", "tu_choi": "03", "khong_du_dieu_kien": "",
                 "xin_loi": "04", "kiem_soat": "05"},
        titles={
            "tiep_nhan": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "bo_sung": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "tu_choi": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "khong_du_dieu_kien": _NOTICE_TITLE,
            "xin_loi": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "kiem_soat": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        },
        numbered=frozenset({"khong_du_dieu_kien"}),
    ),
    # Thông tư 03/2025/TT-VPCP (guiding Nghị định 118/2025), forms from 15/09/2025: seven, the logbook 07.
    "tt03_2025": FormSet(
        key="tt03_2025", basis="Thông tư số 03/2025/TT-VPCP", effective=FORMS_2025_FROM,
        numbers={"tiep_nhan": "01", "bo_sung": "02", "tu_choi": "03", "khong_du_dieu_kien": "",
                 "xin_loi": "04", "dung_giai_quyet": "05", "kiem_soat": "06"},
        titles={
            "tiep_nhan": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "bo_sung": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "tu_choi": "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
            "khong_du_dieu_kien": _NOTICE_TITLE,
            "xin_loi": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            "dung_giai_quyet": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            "kiem_soat": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        },
        numbered=frozenset({"khong_du_dieu_kien", "xin_loi", "dung_giai_quyet"}),
    ),
}
BY_DATE = ""  # the unit's default: each act's date picks its set
LOGBOOK_NUMBERS = {"tt01_2018": "06", "tt03_2025": "07"}


def form_set(key: str | None) -> FormSet:
    """The set pinned by `key`; '' or None (by date) gives the set in force today."""
    if not key:
        return form_set_for(date.today())
    if key not in FORM_SETS:
        raise UserError(f"Bộ biểu mẫu không hợp lệ: '{key}' (chọn: {', '.join(FORM_SETS)} "
                        "hoặc để trống để chọn theo ngày).")
    return FORM_SETS[key]


def form_set_for(moment: date | datetime, pinned: str | None = None) -> FormSet:
    """The set for an act on `moment`: the unit's pinned set, else the one in force that day."""
    if pinned:
        return form_set(pinned)
    day = moment.date() if isinstance(moment, datetime) else moment
    return FORM_SETS["tt03_2025"] if day >= FORMS_2025_FROM else FORM_SETS["tt01_2018"]


def place_date_line(place: str, moment: date | datetime) -> str:
    """'Hương Mai, ngày 05 tháng 02 năm 2026' (Nghị định 30/2020/NĐ-CP, Phụ lục I): a day below 10 and
    the months 1 and 2 take a leading zero, the other months do not."""
    month = f"{moment.month:02d}" if moment.month < 3 else str(moment.month)
    return f"{place}, ngày {moment.day:02d} tháng {month} năm {moment.year}"


# What a clerk types for each form (resolve_kind folds it back to the kind: 'bổ sung' -> 'bo_sung').
SHORT_NAMES = {"tiep_nhan": "tiếp nhận", "bo_sung": "bổ sung", "tu_choi": "từ chối",
               "khong_du_dieu_kien": "không đủ điều kiện", "xin_loi": "xin lỗi",
               "dung_giai_quyet": "dừng giải quyết", "kiem_soat": "kiểm soát"}


def kinds_help(forms: FormSet) -> str:
    """The forms by the set's own numbers, '02 bổ sung, 03 từ chối, …': the command line's help and its
    refusals follow the forms in force, never a remembered list."""
    return ", ".join(f"{number} {SHORT_NAMES[kind]}" if number else SHORT_NAMES[kind]
                     for kind, number in forms.numbers.items())


def resolve_kind(text: str, forms: FormSet) -> str:
    """'02', '2', 'bo_sung' or 'bổ sung' -> 'bo_sung', by the numbers of the set in force."""
    wanted = fold(text).replace(" ", "_").removeprefix("mau_").removeprefix("so_").strip("_")
    if wanted.isdigit():
        for kind, number in forms.numbers.items():
            if number and int(number) == int(wanted):
                return kind
    elif wanted in forms.numbers:
        return wanted
    raise UserError(f"Không có mẫu '{text}' trong {forms.basis} (chọn: {kinds_help(forms)}).")

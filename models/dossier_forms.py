"""Numbers and titles of the one-stop forms, as data per legal text with its effective date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.errors import UserError
from models.text import fold

# What each printable form is for; the number printed on it depends on the set in force.
FORM_KINDS = {
    "tiep_nhan": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "bo_sung": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "tu_choi": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "xin_loi": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "dung_giai_quyet": "Thông báo dừng giải quyết hồ sơ",
    "kiem_soat": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}


@dataclass(frozen=True)
class FormSet:
    """One legal text's numbering. `effective` None: the date was not checked, so a unit must choose
    the set itself (db.dossier_rules.DossierRules.form_set) rather than have it picked by date."""

    key: str
    basis: str
    effective: date | None
    verified: bool
    numbers: dict[str, str]  # kind -> "01"
    titles: dict[str, str]  # kind -> title printed in capitals


FORM_SETS: dict[str, FormSet] = {
    # Thông tư 01/2018/TT-VPCP (guiding Nghị định 61/2018), effective 08/01/2019 as remembered: verify.
    "tt01_2018": FormSet(
        key="tt01_2018", basis="Thông tư số 01/2018/TT-VPCP", effective=date(2019, 1, 8), verified=False,
        numbers={"tiep_nhan": "01", "bo_sung": "02", "tu_choi": "03", "xin_loi": "04", "kiem_soat": "05"},
        titles={
            "tiep_nhan": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "bo_sung": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "tu_choi": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "xin_loi": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "kiem_soat": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        },
    ),
    # Thông tư 03/2025/TT-VPCP (guiding Nghị định 118/2025): seven forms as REPORTED in shared/domain.md,
    # not checked against the official text; its effective date is not known here.
    "tt03_2025": FormSet(
        key="tt03_2025", basis="Thông tư số 03/2025/TT-VPCP", effective=None, verified=False,
        numbers={"tiep_nhan": "01", "bo_sung": "02", "tu_choi": "03", "xin_loi": "04",
                 "dung_giai_quyet": "05", "kiem_soat": "06"},
        titles={
            "tiep_nhan": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "bo_sung": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "tu_choi": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "xin_loi": "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            "dung_giai_quyet": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            "kiem_soat": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        },
    ),
}
DEFAULT_FORM_SET = "tt01_2018"


def form_set(key: str | None) -> FormSet:
    if not key:
        return FORM_SETS[DEFAULT_FORM_SET]
    if key not in FORM_SETS:
        raise UserError(f"Bộ biểu mẫu không hợp lệ: '{key}' (chọn: {', '.join(FORM_SETS)}).")
    return FORM_SETS[key]


def resolve_kind(text: str, forms: FormSet) -> str:
    """'02', '2', 'bo_sung' or 'bổ sung' -> 'bo_sung', by the numbers of the set in force."""
    wanted = fold(text).replace(" ", "_").removeprefix("mau_").removeprefix("so_").strip("_")
    if wanted.isdigit():
        for kind, number in forms.numbers.items():
            if int(number) == int(wanted):
                return kind
    elif wanted in forms.numbers:
        return wanted
    choices = ", ".join(f"{number} ({kind})" for kind, number in forms.numbers.items())
    raise UserError(f"Không có mẫu '{text}' trong {forms.basis} (chọn: {choices}).")

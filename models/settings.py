"""The unit's settings (commune, codes, QR link template, working hours) and their validation."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import time

from models.errors import UserError
from models.text import MAX_LONG_TEXT, MAX_SHORT_TEXT, check_length, clean_text

# The national portal addresses a procedure's page by an internal id, not by its code, and the older
# code-based address is reported dead (shared/domain.md). Searching the portal by the code is the
# best link that can be built from the code alone; a procedure's own link ("Đường dẫn") wins over it.
DEFAULT_QR_TEMPLATE = "https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword={code}"

# Office hours and the same-day cut-off: shared/domain.md, "Time" (unit settings with these defaults).
DEFAULT_MORNING = ("07:30", "11:30")
DEFAULT_AFTERNOON = ("13:30", "17:00")
DEFAULT_SAME_DAY_CUTOFF = "15:00"

# "Sắp đến hạn" (the list's amber rows, the dashboard's count) and the on-time share below which the
# dashboard and the report's chart warn: no regulation fixes either, so they are unit settings with these
# defaults (the 90% is QĐ 766's full score for on-time results, models/report_rules.py).
DEFAULT_DUE_SOON_WORKING_DAYS = 2
DEFAULT_ON_TIME_ALERT_PERCENT = 90
_INT_FIELDS = ("due_soon_working_days", "on_time_alert_percent")

SAMPLE_UNIT_NAME = "UBND xã Mẫu (dữ liệu mẫu)"
SAMPLE_UNIT_CODE = "000.00.00.H00"

# At commune level since 07/2025 the one-stop body is usually this centre (shared/domain.md); a setting.
DEFAULT_ONE_STOP_BODY = "Trung tâm Phục vụ hành chính công"
_COMMITTEE = re.compile(r"^\s*(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+", re.IGNORECASE)
_RANK = re.compile(r"^\s*(xã|phường|đặc khu|thị trấn|thị xã|thành phố|quận|huyện)\s+", re.IGNORECASE)

# The unit's identifying code, shape ddd.dd.dd.Ldd (shared/domain.md, "Dossiers": e.g. 000.17.22.H56); it
# starts every dossier code (Thông tư 01/2018), so a typo would be printed on every receipt.
UNIT_CODE_SHAPE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
# A prefix typed instead of the unit code: letters, digits, dots and dashes only (it is part of a code).
_PREFIX = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,29}$")


def check_unit_code(text: str) -> str:
    """'000.17.22.h56 ' -> '000.17.22.H56'; UserError naming the expected shape for anything else."""
    code = clean_text(text).upper()
    if not UNIT_CODE_SHAPE.match(code):
        raise UserError(f"Mã đơn vị '{clean_text(text)}' không đúng dạng ddd.dd.dd.Ldd (3 số, 2 số, 2 số, một "
                        "chữ cái và 2 số, cách nhau bằng dấu chấm; ví dụ 000.17.22.H56).")
    return code


_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_clock(value: str) -> time:
    """'07:30' -> time(7, 30); a clear message for anything else."""
    match = _TIME.match(value.strip())
    if not match:
        raise UserError(f"Giờ không hợp lệ: '{value}' (cần dạng HH:MM, ví dụ 07:30).")
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class UnitSettings:
    """What identifies the unit on paper and in dossier codes, and the local rules of its calendar."""

    unit_name: str = SAMPLE_UNIT_NAME
    unit_code: str = SAMPLE_UNIT_CODE
    province: str = ""
    # District level was abolished on 1 July 2025; old records still name it, so it stays optional.
    district: str = ""
    qr_template: str = DEFAULT_QR_TEMPLATE
    # Prefix of dossier codes; empty means "the unit code" (Thông tư 01/2018: <unit code>-YYMMDD-XXXX).
    dossier_prefix: str = ""
    morning_start: str = DEFAULT_MORNING[0]
    morning_end: str = DEFAULT_MORNING[1]
    afternoon_start: str = DEFAULT_AFTERNOON[0]
    afternoon_end: str = DEFAULT_AFTERNOON[1]
    same_day_cutoff: str = DEFAULT_SAME_DAY_CUTOFF
    # --- what the official papers print (shared/domain.md "Dossiers", the forms) ----------------------
    # The place of the place-and-date line, without its rank ('Hương Mai'); '' = taken from unit_name.
    place_name: str = ""
    # The one-stop body under the parent body in every form's header; the name changes by province, so
    # it is a setting: '' = "Trung tâm Phục vụ hành chính công" + the commune ('… xã Hương Mai').
    one_stop_body: str = ""
    # The head of that body, who signs Mẫu 04 and the stop notice (title and full name).
    head_title: str = "Giám đốc"
    head_name: str = ""
    # The office's phone, printed on Mẫu 02 ("liên hệ với …, số điện thoại …").
    office_phone: str = ""
    # The posting sheet: where citizens send complaints and recommendations (phản ánh, kiến nghị), and
    # the decision that published the list of procedures (số, ngày).
    complaints_address: str = ""
    complaints_phone: str = ""
    publish_decision_number: str = ""
    publish_decision_date: str = ""

    @property
    def place(self) -> str:
        """'Hương Mai' for 'UBND xã Hương Mai': the place of the date line, without its rank (Nghị định
        30/2020/NĐ-CP, Phụ lục I)."""
        if self.place_name:
            return self.place_name
        return _RANK.sub("", _COMMITTEE.sub("", self.unit_name)).strip() or self.unit_name

    @property
    def commune(self) -> str:
        """'xã Hương Mai' for 'UBND xã Hương Mai': the unit's name without the people's committee."""
        return _COMMITTEE.sub("", self.unit_name).strip() or self.unit_name

    @property
    def one_stop_body_name(self) -> str:
        return self.one_stop_body or f"{DEFAULT_ONE_STOP_BODY} {self.commune}"
    due_soon_working_days: int = DEFAULT_DUE_SOON_WORKING_DAYS
    on_time_alert_percent: int = DEFAULT_ON_TIME_ALERT_PERCENT

    @property
    def close_of_day(self) -> time:
        """When the working day ends: a due date typed without an hour means this hour of that day."""
        return parse_clock(self.afternoon_end)

    @property
    def on_time_alert(self) -> float:
        """The on-time share (0–1) below which the figures are shown as a warning."""
        return self.on_time_alert_percent / 100

    @property
    def effective_dossier_prefix(self) -> str:
        return self.dossier_prefix or self.unit_code

    def qr_url_for(self, code: str) -> str:
        """The unit's link for a procedure that has no link of its own."""
        return self.qr_template.replace("{code}", code)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> UnitSettings:
        """Build from stored or typed values, ignoring unknown keys, then validate."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        for key, value in list(values.items()):
            if key in _INT_FIELDS:
                try:
                    values[key] = int(str(value).strip())
                except ValueError:
                    raise UserError(f"'{value}' không phải là một số nguyên.") from None
            elif isinstance(value, str):
                values[key] = clean_text(value)
        settings = cls(**values)
        settings.validate(shapes=False)
        return settings

    def check_lengths(self) -> None:
        """Where settings are entered (not when stored ones are read): texts a printout can hold."""
        for key, what in (("unit_name", "Tên đơn vị"), ("unit_code", "Mã đơn vị"), ("province", "Tỉnh/thành phố"),
                          ("district", "Huyện"), ("dossier_prefix", "Tiền tố mã hồ sơ")):
            check_length(getattr(self, key, "") or "", MAX_SHORT_TEXT, what)
        check_length(self.qr_template, MAX_LONG_TEXT, "Mẫu đường dẫn QR")

    def validate(self, *, shapes: bool = True) -> None:
        """Raise UserError with a Vietnamese message for the first invalid value. `shapes=False` (reading
        what is stored or came from another PC) skips the code shapes added later, so old data still opens;
        every save checks them (db.settings_store.save_settings)."""
        if not self.unit_name:
            raise UserError("Tên đơn vị (xã/phường/đặc khu) không được để trống.")
        if not self.unit_code or " " in self.unit_code:
            raise UserError("Mã đơn vị không được để trống và không chứa dấu cách (ví dụ 000.17.22.H56).")
        if shapes:
            check_unit_code(self.unit_code)
        if " " in self.dossier_prefix:
            raise UserError("Tiền tố mã hồ sơ không được chứa dấu cách.")
        if shapes and self.dossier_prefix and not _PREFIX.match(self.dossier_prefix):
            raise UserError(f"Tiền tố mã hồ sơ '{self.dossier_prefix}' chỉ gồm chữ in hoa không dấu, số, dấu chấm "
                            "và gạch ngang (tối đa 30 ký tự).")
        if not (self.qr_template.startswith("https://") or self.qr_template.startswith("http://")):
            raise UserError("Mẫu đường dẫn QR phải bắt đầu bằng http:// hoặc https://.")
        if "{code}" not in self.qr_template:
            raise UserError("Mẫu đường dẫn QR phải chứa {code} (chỗ điền mã thủ tục).")
        clocks = [parse_clock(v) for v in (self.morning_start, self.morning_end,
                                           self.afternoon_start, self.afternoon_end)]
        if not clocks[0] < clocks[1] <= clocks[2] < clocks[3]:
            raise UserError("Giờ làm việc không hợp lệ: cần sáng bắt đầu < sáng kết thúc ≤ chiều bắt đầu < chiều kết thúc.")
        parse_clock(self.same_day_cutoff)
        if not 0 <= self.due_soon_working_days <= 20:
            raise UserError("Số ngày làm việc \"sắp đến hạn\" phải từ 0 đến 20.")
        if not 1 <= self.on_time_alert_percent <= 100:
            raise UserError("Ngưỡng cảnh báo tỷ lệ đúng hạn phải từ 1 đến 100 (%).")

"""The dossier logbook (sổ theo dõi hồ sơ, Mẫu 06 of Thông tư 01/2018): its columns and one line per dossier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from models.dossier import RESULT_DELIVERY, TIMELINESS, state_label
from models.report_rules import result_class

# The form's number in each form set (models.dossier_forms.FORM_SETS keys): Mẫu 06 of Thông tư 01/2018,
# reportedly Mẫu 07 of Thông tư 03/2025 (shared/domain.md; not checked against the official text).
LOGBOOK_NUMBERS = {"tt01_2018": "06", "tt03_2025": "07"}
LOGBOOK_TITLE = "SỔ THEO DÕI HỒ SƠ"

# (key, header, width in mm at A4 landscape, scaled to fit): the columns of Mẫu 06 in its order (shared/domain.md "Dossiers").
# No handling office is recorded: "office" shows the field (the commune's officer of that field handles
# it). Hand-overs are not tracked: "back" is when the result was ready (co_ket_qua), "sent" stays blank.
COLUMNS = (
    ("number", "STT", 9),
    ("code", "Mã hồ sơ", 27),
    ("procedure", "Tên thủ tục hành chính", 38),
    ("sets", "Số lượng hồ sơ (bộ)", 13),
    ("applicant", "Tên cá nhân, tổ chức", 24),
    ("contact", "Địa chỉ, số điện thoại", 27),
    ("office", "Cơ quan chủ trì giải quyết", 17),
    ("received", "Nhận hồ sơ", 19),
    ("due", "Hẹn trả kết quả", 19),
    ("sent", "Chuyển hồ sơ đến cơ quan giải quyết", 16),
    ("back", "Nhận kết quả từ cơ quan giải quyết", 19),
    ("returned", "Trả kết quả cho cá nhân, tổ chức", 19),
    ("signature", "Ký nhận", 12),
    ("note", "Ghi chú", 20),
)
# Mẫu 07 of the 2025 set (shared/domain.md "Dossiers"): kept per field or group of fields; the agency that
# decides comes from the catalog (copied at receipt), the appointment is the one first given, and the way
# the citizen chose to receive the result has its column.
COLUMNS_2025 = (
    ("number", "STT", 9),
    ("code", "Mã hồ sơ", 27),
    ("procedure", "Tên thủ tục hành chính", 40),
    ("applicant", "Tên cá nhân, tổ chức", 26),
    ("contact", "Địa chỉ, số điện thoại", 30),
    ("agency", "Cơ quan chủ trì giải quyết", 24),
    ("received", "Thời gian nhận hồ sơ", 19),
    ("appointment", "Thời gian hẹn trả kết quả", 19),
    ("returned", "Thời gian trả kết quả", 19),
    ("delivery", "Phương thức nhận kết quả", 22),
    ("signature", "Ký nhận", 14),
    ("note", "Ghi chú", 22),
)
COLUMNS_2018 = COLUMNS
MOMENT_KEYS = ("received", "due", "back", "returned", "appointment")


def logbook_book(lines: list[LogbookLine], fields: Sequence[str] = ()) -> list[LogbookLine]:
    """The book of one field or group of fields (Mẫu 07 is kept per field), renumbered from 1; all
    lines when no field is given. Fields match ignoring accents and case."""
    if not fields:
        return lines
    from dataclasses import replace

    from models.text import fold

    wanted = {fold(f) for f in fields}
    kept = [line for line in lines if fold(line.field) in wanted]
    return [replace(line, number=n) for n, line in enumerate(kept, start=1)]


def logbook_columns(form_number: str) -> tuple:
    """The columns of the logbook numbered `form_number`: Mẫu 07 (2025) or Mẫu 06 (2018)."""
    return COLUMNS_2025 if form_number == LOGBOOK_NUMBERS["tt03_2025"] else COLUMNS_2018


@dataclass(frozen=True)
class LogbookLine:
    """One dossier received in the period, as the logbook prints it."""

    number: int
    code: str
    procedure_code: str
    procedure_name: str
    field: str
    sets: int
    applicant: str
    address: str
    phone: str
    state: str
    received_at: datetime
    due_at: datetime
    finished_at: datetime | None
    returned_at: datetime | None
    timeliness: str | None
    supplement_count: int
    logbook: str
    deciding_agency: str = ""
    first_due_at: datetime | None = None
    result_delivery: str = ""
    sample: bool = False  # the procedure is one of the bundled sample catalog's

    @property
    def contact(self) -> str:
        return ", ".join(part for part in (self.address, self.phone) if part)

    @property
    def note(self) -> str:
        """The state when the dossier is not returned yet, the result's timeliness (report_rules), and
        the logbook volume/number the clerk gave."""
        parts = []
        if self.state != "da_tra":
            parts.append(state_label(self.state))
        if self.finished_at is not None:
            verdict = result_class(self.timeliness, self.supplement_count, self.finished_at, self.due_at)
            parts.append(TIMELINESS[verdict])
        if self.logbook:
            parts.append(f"Sổ: {self.logbook}")
        return "; ".join(parts)

    def cells(self) -> dict[str, object]:
        """Column key -> value: text, an int, a datetime (moments) or None (left blank)."""
        return {"number": self.number, "code": self.code,
                "procedure": f"{self.procedure_name} ({self.procedure_code})", "sets": self.sets,
                "applicant": self.applicant, "contact": self.contact, "office": self.field,
                "received": self.received_at, "due": self.due_at, "sent": None, "back": self.finished_at,
                "returned": self.returned_at, "signature": None, "note": self.note,
                "agency": self.deciding_agency, "appointment": self.first_due_at or self.due_at,
                "delivery": RESULT_DELIVERY.get(self.result_delivery, "")}

    def to_dict(self) -> dict:
        values = self.cells()
        return {key: value.isoformat(timespec="seconds") if isinstance(value, datetime) else value
                for key, value in values.items()}


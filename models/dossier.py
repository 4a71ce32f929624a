"""A dossier (hồ sơ): its states and allowed moves, channels, papers and code (shared/domain.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from models.dossier_applicant import Applicant, Delegate
from models.errors import UserError
from models.text import check_length, clean_text, fold

# --- states (shared/domain.md, "Dossiers"; MotCua's names) -----------------------------------------

STATES: dict[str, str] = {
    "tiep_nhan": "Mới tiếp nhận",
    "dang_xu_ly": "Đang xử lý",
    "cho_bo_sung": "Chờ công dân bổ sung",
    "cho_nghia_vu_tai_chinh": "Chờ thực hiện nghĩa vụ tài chính",
    "co_ket_qua": "Đã có kết quả, chờ trả",
    "da_tra": "Đã trả kết quả",
    "tu_choi": "Từ chối giải quyết",
    "rut_ho_so": "Công dân rút hồ sơ",
    "dung_giai_quyet": "Dừng giải quyết",
}

# Allowed moves exactly as shared/domain.md lists them. dung_giai_quyet (Nghị định 118/2025) has no
# listed sources there: it is allowed from the states where processing is under way (assumption).
MOVES: dict[str, tuple[str, ...]] = {
    "tiep_nhan": ("dang_xu_ly", "cho_bo_sung", "tu_choi", "rut_ho_so"),
    "dang_xu_ly": ("cho_bo_sung", "cho_nghia_vu_tai_chinh", "co_ket_qua", "tu_choi", "rut_ho_so",
                   "dung_giai_quyet"),
    "cho_bo_sung": ("dang_xu_ly", "tu_choi", "rut_ho_so", "dung_giai_quyet"),
    "cho_nghia_vu_tai_chinh": ("dang_xu_ly", "dung_giai_quyet"),
    "co_ket_qua": ("da_tra",),
    "da_tra": (),
    "tu_choi": (),
    "rut_ho_so": (),
    "dung_giai_quyet": (),
}
FINAL_STATES = frozenset(state for state, targets in MOVES.items() if not targets)
# The processing clock runs only here; overdue, "due today" and "due this week" look at these alone.
CLOCK_RUNNING_STATES = ("tiep_nhan", "dang_xu_ly")
# Waiting for the citizen stops the clock (Nghị định 61/2018, Điều 18 as practised; domain.md). The
# wait for fees is treated alike (the time to pay is not counted: assumption from land procedures).
PAUSING_STATES = ("cho_bo_sung", "cho_nghia_vu_tai_chinh")
# The national portal's status numbers (shared/domain.md), for a future export.
PORTAL_STATUS = {"tiep_nhan": 2, "dang_xu_ly": 4, "cho_bo_sung": 5, "cho_nghia_vu_tai_chinh": 6,
                 "rut_ho_so": 7, "dung_giai_quyet": 8, "co_ket_qua": 9, "da_tra": 10, "tu_choi": 3}

TIMELINESS = {"truoc_han": "Trước hạn", "dung_han": "Đúng hạn", "qua_han": "Quá hạn"}

# A move into these states needs a reason, printed on its form (shared/domain.md: "a refusal always has a
# reason"; Mẫu 02 its reason; Mẫu 05 the request and reason of a withdrawal or a stop). Rule of the data
# layer: the GUI and the command line get the same refusal.
REASON_REQUIRED: dict[str, str] = {
    "tu_choi": "lý do từ chối (in trên phiếu từ chối hoặc thông báo không đủ điều kiện)",
    "cho_bo_sung": "nội dung và lý do yêu cầu bổ sung (in trên Mẫu 02)",
    "dung_giai_quyet": "lý do dừng giải quyết (in trên thông báo dừng giải quyết)",
    "rut_ho_so": "đề nghị và lý do công dân rút hồ sơ (in trên thông báo dừng giải quyết)",
}


def check_reason(target: str, note: str) -> None:
    """Refuse a move that needs a reason (REASON_REQUIRED) when none was given."""
    if target in REASON_REQUIRED and not clean_text(note):
        raise UserError(f"Chuyển sang '{state_label(target)}' cần ghi {REASON_REQUIRED[target]}: chưa lưu gì.")


# --- channels and papers ----------------------------------------------------------------------------

CHANNELS: dict[str, str] = {
    "truc_tiep": "Trực tiếp",
    "truc_tuyen": "Trực tuyến",
    "buu_chinh": "Bưu chính công ích",
    "ho_tro_truc_tuyen": "Trực tuyến có hỗ trợ",
}
ONLINE_CHANNELS = ("truc_tuyen", "ho_tro_truc_tuyen")  # counted as online (shared/domain.md)
# Where the citizen chose to get the result (Mẫu 01 of 2025; the logbook's "phương thức nhận kết quả").
RESULT_DELIVERY: dict[str, str] = {
    "tai_quay": "Nhận trực tiếp tại bộ phận một cửa",
    "buu_chinh": "Qua dịch vụ bưu chính công ích",
    "truc_tuyen": "Trực tuyến (kết quả điện tử)",
}


def check_result_delivery(value: str | None) -> str:
    key = fold(value or "").replace(" ", "_")
    if key and key not in RESULT_DELIVERY:
        raise UserError(f"Cách nhận kết quả không hợp lệ: '{clean_text(value)}' (chọn: {', '.join(RESULT_DELIVERY)}).")
    return key
PAPER_KINDS: dict[str, str] = {
    "ban_chinh": "Bản chính",
    "ban_sao": "Bản sao",
    "ban_sao_chung_thuc": "Bản sao chứng thực",
}
MAX_SETS = 99
MAX_PAPER_NAME = 500  # the longest real paper names are about 200 characters
MAX_PAPER_COUNT = 999

# --- the dossier code (Thông tư 01/2018/TT-VPCP: <mã đơn vị>-<YYMMDD>-<XXXX>) ------------------------
# The first X is this PC's station number (1–9) and the other three count its dossiers of the day, so
# PCs working offline never collide (shared/domain.md). Whether the 2025 rules (Nghị định 118/2025,
# Thông tư 03/2025) changed the shape is NOT verified: change it here, in this one place.
DOSSIER_CODE_FORMAT = "{prefix}-{day:%y%m%d}-{station:d}{seq:03d}"
MAX_DAILY_SEQUENCE = 999


def dossier_code(prefix: str, day: date, station: int, seq: int) -> str:
    """'000.17.22.H56', 31/05/2021, station 2, 7th of the day -> '000.17.22.H56-210531-2007'."""
    if not 1 <= station <= 9:
        raise UserError("Số máy trạm phải là một chữ số từ 1 đến 9.")
    if not 1 <= seq <= MAX_DAILY_SEQUENCE:
        raise UserError(f"Máy trạm {station} đã tiếp nhận {MAX_DAILY_SEQUENCE} hồ sơ trong ngày "
                        f"{day:%d/%m/%Y}: không cấp thêm mã được trong ngày này.")
    return DOSSIER_CODE_FORMAT.format(prefix=prefix, day=day, station=station, seq=seq)


def state_label(state: str) -> str:
    return STATES.get(state, state)


def check_state(state: str) -> str:
    state = clean_text(state)
    if state not in STATES:
        raise UserError(f"Trạng thái không hợp lệ: '{state}' (chọn một trong: {', '.join(STATES)}).")
    return state


def check_move(current: str, target: str) -> None:
    """Refuse a move shared/domain.md does not allow, naming both states in Vietnamese."""
    check_state(target)
    if target not in MOVES.get(current, ()):
        allowed = ", ".join(f"'{STATES[s]}'" for s in MOVES.get(current, ()))
        hint = f" Từ trạng thái này chỉ chuyển được sang: {allowed}." if allowed else \
            " Đây là trạng thái cuối, không chuyển tiếp được."
        raise UserError(f"Không thể chuyển hồ sơ từ '{state_label(current)}' sang "
                        f"'{state_label(target)}'.{hint}")


# What the note of a move means; it is required where a printed form carries it (Mẫu 02 the missing papers,
# Mẫu 03 the refusal's reason, Thông tư 01/2018) and where processing stops. One rule for the window and
# the command line (services.dossiers.move checks it).
NOTE_LABELS = {"cho_bo_sung": "Nội dung cần bổ sung, hoàn thiện (in trên Mẫu 02)",
               "tu_choi": "Lý do từ chối (in trên phiếu từ chối hoặc thông báo không đủ điều kiện)",
               "dung_giai_quyet": "Lý do dừng giải quyết (in trên thông báo dừng giải quyết)",
               "rut_ho_so": "Đề nghị và lý do rút hồ sơ của công dân (in trên thông báo dừng giải quyết)"}
NOTE_REQUIRED = frozenset(REASON_REQUIRED)


def note_label(target: str) -> str:
    return NOTE_LABELS.get(target, "Ghi chú")


def check_move_note(target: str, note: str) -> None:
    """Refuse a move into a state whose form prints the note when the note is empty."""
    if target in NOTE_REQUIRED and not note.strip():
        raise UserError(f"Cần ghi {NOTE_LABELS[target].split(' (')[0].lower()} "
                        f"khi chuyển sang '{state_label(target)}'.")


def check_channel(channel: str) -> str:
    channel = clean_text(channel) or "truc_tiep"
    if channel not in CHANNELS:
        raise UserError(f"Kênh nộp không hợp lệ: '{channel}' (chọn một trong: {', '.join(CHANNELS)}).")
    return channel


@dataclass(frozen=True)
class Paper:
    """One paper received (thành phần hồ sơ): its name, original or copy, and how many."""

    name: str
    kind: str = "ban_chinh"
    count: int = 1

    @property
    def kind_label(self) -> str:
        return PAPER_KINDS.get(self.kind, self.kind)


def make_paper(name: str, kind: str = "ban_chinh", count: int | str = 1) -> Paper:
    """Check one paper line; the kind may be typed as 'ban_sao' or 'Bản sao'."""
    name = check_length(clean_text(name), MAX_PAPER_NAME, "Tên giấy tờ")
    if not name:
        raise UserError("Tên giấy tờ không được để trống.")
    kind_key = fold(kind).replace(" ", "_") or "ban_chinh"
    if kind_key not in PAPER_KINDS:
        raise UserError(f"Loại giấy tờ '{clean_text(kind)}' không hợp lệ (chọn: {', '.join(PAPER_KINDS)}).")
    try:
        number = int(str(count).strip() or 1)
    except ValueError:
        raise UserError(f"Số lượng giấy tờ '{count}' phải là số nguyên.") from None
    if not 1 <= number <= MAX_PAPER_COUNT:
        raise UserError(f"Số lượng giấy tờ phải từ 1 đến {MAX_PAPER_COUNT} (đang là {number}).")
    return Paper(name=name, kind=kind_key, count=number)


def parse_paper(text: str) -> Paper:
    """'Tờ khai|ban_chinh|1' (kind and count optional) -> Paper."""
    parts = [part.strip() for part in str(text).split("|")]
    if len(parts) > 3:
        raise UserError(f"Giấy tờ '{text}' phải có dạng 'tên|loại|số lượng'.")
    return make_paper(*parts)


def check_sets(sets: int | None) -> int:
    number = 1 if sets is None else sets
    if not isinstance(number, int) or not 1 <= number <= MAX_SETS:
        raise UserError(f"Số bộ hồ sơ phải từ 1 đến {MAX_SETS}.")
    return number


@dataclass(frozen=True)
class Dossier:
    """A stored dossier; moments are naive local time. `papers`, `events`, `attachments` and `group`
    are filled by db.dossier_queries.get_dossier only (lists leave them empty)."""

    id: int
    uuid: str
    code: str
    group_id: str
    procedure_code: str
    procedure_name: str
    field: str
    deadline_text: str
    deadline_value: float | None
    deadline_unit: str | None
    channel: str
    state: str
    applicant: Applicant
    sets: int
    note: str
    received_at: datetime
    due_at: datetime
    due_source: str  # 'law' (procedure's time) or 'clerk' (typed)
    paused_at: datetime | None = None
    supplement_count: int = 0
    extension_count: int = 0
    finished_at: datetime | None = None
    timeliness: str | None = None
    returned_at: datetime | None = None
    closed_at: datetime | None = None
    state_changed_at: datetime | None = None
    logbook: str = ""
    # Captured at receipt (migration 0008a): the authorised person, where the result goes, a case that needs
    # verification (the catalog's longer time from the start), the agencies from the catalog, the
    # appointment first printed on Mẫu 01 (a later date comes only with Mẫu 04).
    delegate: Delegate | None = None
    result_delivery: str = ""
    needs_verification: bool = False
    deciding_agency: str = ""
    cooperating_agency: str = ""
    first_due_at: datetime | None = None
    fee_required: bool = False       # the procedure charges a fee (models.dossier_fees), as at reception
    fee_amount: int | None = None    # đồng collected; None = not collected
    fee_receipt: str | None = None   # the number of the fee receipt (biên lai) issued
    papers: tuple[Paper, ...] = ()
    events: tuple[dict, ...] = ()
    attachments: tuple[dict, ...] = ()
    group: tuple[dict, ...] = ()  # the linked dossiers (liên thông), self excluded
    aliases: tuple[str, ...] = ()  # older codes, printed on receipts before a same-code rename (sync/same_code.py)

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)

    @property
    def result_delivery_label(self) -> str:
        return RESULT_DELIVERY.get(self.result_delivery, "")

    @property
    def appointment(self) -> datetime:
        """The appointment first given on the receipt (reprints keep it: shared/domain.md)."""
        return self.first_due_at or self.due_at

    @property
    def is_online(self) -> bool:
        return self.channel in ONLINE_CHANNELS

    def is_overdue(self, now: datetime) -> bool:
        """Derived, never stored: the clock runs and the due moment has passed (shared/domain.md)."""
        return self.state in CLOCK_RUNNING_STATES and self.due_at < now

    def to_dict(self, now: datetime | None = None) -> dict:
        """Plain JSON-ready values; moments as ISO 8601 local time ('2026-02-24T10:00:00')."""
        now = now or datetime.now()
        data = {
            "code": self.code, "uuid": self.uuid, "group_id": self.group_id, "state": self.state,
            "state_label": self.state_label, "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name, "field": self.field,
            "deadline_text": self.deadline_text, "channel": self.channel,
            "name": self.applicant.display_name, **{f"applicant_{k}": v for k, v in
                                                    self.applicant.to_dict().items()},
            "sets": self.sets, "note": self.note, "logbook": self.logbook,
            "received_at": iso(self.received_at), "due_at": iso(self.due_at), "due_source": self.due_source,
            "paused_at": iso(self.paused_at), "supplement_count": self.supplement_count,
            "extension_count": self.extension_count, "finished_at": iso(self.finished_at),
            "timeliness": self.timeliness, "returned_at": iso(self.returned_at),
            "closed_at": iso(self.closed_at), "overdue": self.is_overdue(now),
            "delegate": self.delegate.to_dict() if self.delegate else None,
            "result_delivery": self.result_delivery, "needs_verification": self.needs_verification,
            "deciding_agency": self.deciding_agency, "cooperating_agency": self.cooperating_agency,
            "first_due_at": iso(self.first_due_at),
            "fee_required": self.fee_required, "fee_amount": self.fee_amount, "fee_receipt": self.fee_receipt,
        }
        if self.papers:
            data["papers"] = [{"name": p.name, "kind": p.kind, "count": p.count} for p in self.papers]
        if self.events:
            from models.handover import handovers

            data["events"] = list(self.events)
            data["handovers"] = [h.to_dict() for h in handovers(self.events)]
        if self.attachments:
            data["attachments"] = list(self.attachments)
        if self.group:
            data["linked"] = list(self.group)
        if self.aliases:
            data["aliases"] = list(self.aliases)
        return data


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def summary_line(dossiers: Iterable[Dossier]) -> str:
    """One text line per dossier for the command line without --json."""
    return "\n".join(f"{d.code}  {d.state_label:<22}  hạn {d.due_at:%H:%M %d/%m/%Y}  "
                     f"{d.applicant.display_name}  ({d.procedure_code})" for d in dossiers)

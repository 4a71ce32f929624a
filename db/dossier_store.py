"""Writing dossiers: receive, move, extend; each write is one transaction with its 'dossier' event."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from sqlite_utils import Database

from db.accounts import signer
from db.calendar_store import load_calendar
from db.catalog_store import get_procedure
from db.device import station_number
from db.dossier_queries import get_dossier, next_day_seq, require_dossier
from db.dossier_rules import load_dossier_rules
from db.events import events_for, record_event
from db.settings_store import load_settings
from models.catalog import Procedure
from models.deadline_text import parse_deadline
from models.dossier import (
    MAX_DAILY_SEQUENCE,
    PAUSING_STATES,
    Dossier,
    Paper,
    check_channel,
    check_move,
    check_reason,
    check_result_delivery,
    check_sets,
    check_state,
    dossier_code,
    iso,
    state_label,
)
from models.dossier_applicant import Applicant, Delegate
from models.dossier_clock import (
    check_extension_in_time,
    check_not_future,
    extended_due,
    local_naive,
    now_local,
    resume_due,
)
from models.dossier_fees import check_receipt, parse_fee_amount, procedure_has_fee
from models.dossier_moves import can_extend, move_effect
from models.errors import UserError
from models.handover import HANDOVER_MOVES, Party, parse_outside_party
from models.report_rules import pauses_of, resolution_time
from models.roles import COUNTER_MOVES, PRINT_FORMS, PROCESS, RECEIVE, counter_permission, move_permission
from models.session import can, current_user, require
from models.text import clean_text, fold

MAX_NOTE = 2000
MAX_LINKED = 5


def _procedure(db: Database, code: str) -> Procedure:
    procedure = get_procedure(db, code)
    if procedure is None:
        raise UserError(f"Không có thủ tục mã '{clean_text(code)}' trong danh mục.")
    if not procedure.active:
        raise UserError(f"Thủ tục {procedure.code} đã ngừng áp dụng: không tiếp nhận hồ sơ mới.")
    return procedure


def _note(text: str | None, what: str = "Ghi chú") -> str:
    note = clean_text(text)
    if len(note) > MAX_NOTE:
        raise UserError(f"{what} quá dài ({len(note)} ký tự, tối đa {MAX_NOTE}).")
    return note


def _replay(at: datetime | None, now: datetime) -> dict:
    """An explicitly given moment is recorded as given, flagged, with the real time of entry."""
    return {"replayed": True, "entered_at": iso(now)} if at is not None else {}


def preview_due(db: Database, procedure_code: str, received_at: datetime | None = None, *,
                needs_verification: bool = False) -> datetime | None:
    """The due moment a dossier received now (or at `received_at`) would get, before saving; None when
    the procedure's processing time is unknown and the clerk must type one (shared/domain.md, "Time").
    `needs_verification`: the catalog's longer time for that case."""
    procedure = _procedure(db, procedure_code)
    moment = local_naive(received_at) if received_at else now_local()
    value, unit = procedure.deadline_value, procedure.deadline_unit
    if needs_verification:
        value, unit = parse_deadline(procedure.verification_text)
    return load_calendar(db).due_at(moment, value, unit)


def search_text(code: str, applicant: Applicant, aliases: Sequence[str] = ()) -> str:
    """What search-as-you-type matches: code, older codes (aliases, sync/same_code.py), names, căn cước and
    phone, folded (models.text.fold)."""
    return fold(" ".join(part for part in (code, *aliases, applicant.name, applicant.organisation, applicant.cccd,
                                           applicant.phone) if part))


def receive_dossier(db: Database, *, procedure_code: str, applicant: Applicant, channel: str = "truc_tiep",
                    papers: Sequence[Paper] = (), sets: int = 1, note: str = "",
                    received_at: datetime | None = None, due_at: datetime | None = None,
                    linked: Sequence[str] = (), logbook: str = "", delegate: Delegate | None = None,
                    result_delivery: str = "", needs_verification: bool = False, actor: str | None = None,
                    now: datetime | None = None, fee_amount: int | str | None = None,
                    fee_receipt: str | None = None) -> Dossier:
    """Receive a complete dossier (and its linked ones, liên thông) and return it with its group.

    Codes follow models.dossier.DOSSIER_CODE_FORMAT with this PC's station number; the due moment is
    the procedure's time on the unit's calendar from `received_at` (default now). When that time is
    unknown `due_at` is required; a given `due_at` applies to every dossier of the group. A given
    `received_at` is a replay: recorded as given, flagged in the event with the real time of entry.
    `needs_verification`: the case the law gives a longer time (the catalog's verification time), from
    the start; it is neither an extension nor late (shared/domain.md "Dossiers").
    """
    require(RECEIVE, "tiếp nhận hồ sơ")
    now = local_naive(now) if now else now_local()
    received = local_naive(received_at) if received_at else now
    check_not_future(received, now, "Thời điểm tiếp nhận")
    channel, sets, note = check_channel(channel), check_sets(sets), _note(note)
    logbook = _note(logbook, "Số sổ theo dõi")
    fee = parse_fee_amount(fee_amount)  # collected for the main procedure (the first of the group)
    receipt = check_receipt(fee_receipt, fee)
    if not isinstance(applicant, Applicant) or not applicant.display_name:
        raise UserError("Cần họ tên người nộp hồ sơ (hoặc tên tổ chức).")
    codes = [clean_text(procedure_code)] + [clean_text(c) for c in linked if clean_text(c)]
    if len(set(codes)) != len(codes):
        raise UserError("Một thủ tục được ghi hai lần trong nhóm liên thông.")
    if len(codes) > 1 + MAX_LINKED:
        raise UserError(f"Một nhóm liên thông có tối đa {MAX_LINKED} thủ tục đi kèm.")
    procedures = [_procedure(db, code) for code in codes]
    explicit = local_naive(due_at) if due_at else None
    if explicit is not None and explicit <= received:
        raise UserError(f"Hạn trả ({explicit:%H:%M %d/%m/%Y}) phải sau thời điểm tiếp nhận "
                        f"({received:%H:%M %d/%m/%Y}).")
    result_delivery = check_result_delivery(result_delivery)
    if delegate is not None and not isinstance(delegate, Delegate):
        raise UserError("Thông tin người được ủy quyền không hợp lệ.")
    calendar = load_calendar(db)
    dues = []
    for procedure in procedures:
        value, unit = procedure.deadline_value, procedure.deadline_unit
        if needs_verification:
            value, unit = parse_deadline(procedure.verification_text)
            if unit is None and explicit is None:
                raise UserError(f"Thủ tục {procedure.code} chưa có thời hạn cho trường hợp cần xác minh trong "
                                "danh mục: hãy nhập hạn trả kết quả hoặc bổ sung danh mục.")
        due = explicit or calendar.due_at(received, value, unit)
        if due is None:
            raise UserError(f"Thủ tục {procedure.code} chưa có thời hạn giải quyết tính được "
                            f"('{procedure.deadline_text or 'trống'}'): hãy nhập hạn trả kết quả.")
        dues.append(due)
    prefix = load_settings(db).effective_dossier_prefix
    station = station_number(db)
    group_id = str(uuid.uuid4())
    papers = tuple(papers)
    with db.atomic():
        first = next_day_seq(db, received.date(), station)
        if first + len(procedures) - 1 > MAX_DAILY_SEQUENCE:
            dossier_code(prefix, received.date(), station, MAX_DAILY_SEQUENCE + 1)  # raises the message
        made = []
        for offset, (procedure, due) in enumerate(zip(procedures, dues, strict=True)):
            code = dossier_code(prefix, received.date(), station, first + offset)
            values = {
                "uuid": str(uuid.uuid4()), "code": code, "claimed_code": code, "group_id": group_id,
                "code_day": received.date().isoformat(), "station": station, "day_seq": first + offset,
                "procedure_code": procedure.code, "procedure_name": procedure.name, "field": procedure.field,
                "deadline_text": procedure.deadline_text, "deadline_value": procedure.deadline_value,
                "deadline_unit": procedure.deadline_unit, "paper_result": int(procedure.paper_result),
                "channel": channel, "state": "tiep_nhan",
                "applicant_name": applicant.name, "organisation": applicant.organisation,
                "cccd": applicant.cccd, "dob": applicant.dob.isoformat() if applicant.dob else None,
                "sex": applicant.sex, "phone": applicant.phone, "address": applicant.address,
                "email": applicant.email, "sets": sets, "note": note, "logbook": logbook,
                "received_at": iso(received), "due_at": iso(due), "first_due_at": iso(due),
                "delegate": json.dumps(delegate.to_dict(), ensure_ascii=False) if delegate else "",
                "result_delivery": result_delivery, "needs_verification": int(bool(needs_verification)),
                "deciding_agency": procedure.deciding_agency, "cooperating_agency": procedure.cooperating_agency,
                "due_source": "clerk" if explicit else "law", "state_changed_at": iso(received),
                "fee_required": int(procedure_has_fee(procedure.fees)),
                "fee_amount": fee if offset == 0 else None, "fee_receipt": receipt if offset == 0 else None,
                "search_text": search_text(code, applicant), "created_at": iso(now), "updated_at": iso(now),
            }
            cursor = db.execute(f"INSERT INTO dossiers ({', '.join(values)}) "
                                f"VALUES ({', '.join('?' for _ in values)})", list(values.values()))
            for position, paper in enumerate(papers, start=1):
                db.execute("INSERT INTO dossier_papers (dossier_id, position, name, kind, count) "
                           "VALUES (?, ?, ?, ?, ?)", [cursor.lastrowid, position, paper.name, paper.kind,
                                                      paper.count])
            made.append(values)
        group_codes = [str(v["code"]) for v in made]
        for values in made:
            payload = {k: v for k, v in values.items()
                       if k not in ("search_text", "created_at", "updated_at", "claimed_code")}
            payload.update(papers=[asdict(p) for p in papers], group_codes=group_codes, **_replay(received_at, now),
                           **_signer())
            record_event(db, entity="dossier", entity_id=str(values["uuid"]), action="receive", payload=payload,
                         actor=actor, at=received.astimezone())
    return get_dossier(db, group_codes[0], with_timeline=False)


def move_dossier(db: Database, code: str, to_state: str, *, note: str = "", at: datetime | None = None,
                 handover_to: str | None = None, items: Sequence[str] = (), actor: str | None = None,
                 now: datetime | None = None) -> Dossier:
    """Move a dossier to `to_state` if shared/domain.md allows it (UserError naming both states if not).

    A refusal, a supplement request, a stop and a withdrawal need a reason (`note`, models.dossier.
    REASON_REQUIRED). `items`: what the citizen must add or fix (Mẫu 02's numbered list). `handover_to`
    names who receives the dossier (an account of the unit, or 'Cơ quan|Họ tên'): the move records the
    hand-over (models.handover), as it does for every move in HANDOVER_MOVES, the giver being the
    signed-in user.

    Into cho_bo_sung / cho_nghia_vu_tai_chinh the clock pauses; back to dang_xu_ly it resumes and the
    due moment moves by the working time waited (or restarts, DossierRules), recorded in the event.
    Into co_ket_qua: finished_at and timeliness (trước hạn / đúng hạn / quá hạn) are stored.
    """
    target = check_state(to_state)
    if target not in {to for (_, to) in COUNTER_MOVES}:  # otherwise checked once the current state is read
        require(move_permission(target), f"chuyển hồ sơ sang '{state_label(target)}'")
    now = local_naive(now) if now else now_local()
    moment = local_naive(at) if at else now
    note = _note(note)
    check_reason(target, note)
    items = [_note(item, "Nội dung cần bổ sung") for item in items if clean_text(item)]
    check_not_future(moment, now, "Thời điểm chuyển trạng thái")
    receiver = _receiver(db, handover_to) if clean_text(handover_to) else None
    with db.atomic():
        dossier = require_dossier(db, code)
        counter = counter_permission(dossier.state, target)
        if counter is None or not can(counter):
            require(move_permission(target), f"chuyển hồ sơ sang '{state_label(target)}'")
        check_move(dossier.state, target)
        if dossier.state_changed_at is not None and moment < dossier.state_changed_at:
            raise UserError(f"Thời điểm chuyển ({moment:%H:%M %d/%m/%Y}) trước lần chuyển trạng thái trước "
                            f"của hồ sơ ({dossier.state_changed_at:%H:%M %d/%m/%Y}).")
        changes: dict = {"updated_at": iso(now)}
        payload: dict = {"code": dossier.code, "from": dossier.state, "to": target, "note": note,
                         **_replay(at, now), **_signer()}
        if items:
            payload["items"] = items
        if receiver is not None or (dossier.state, target) in HANDOVER_MOVES:
            payload["handover"] = {"from": _giver(db).to_dict(), "to": (receiver or Party()).to_dict()}
        due = dossier.due_at
        if dossier.state in PAUSING_STATES and target not in PAUSING_STATES:
            if target == "dang_xu_ly":
                rules = load_dossier_rules(db)
                resumed = resume_due(
                    load_calendar(db), due_at=dossier.due_at, paused_at=dossier.paused_at or moment,
                    resumed_at=moment, restart_value=dossier.deadline_value,
                    restart_unit=dossier.deadline_unit if dossier.due_source == "law" else None,
                    restart=rules.restart_full_time_on_resume and dossier.state == "cho_bo_sung")
                due = resumed.due_at
                changes["due_at"] = iso(due)
                payload.update(due_before=iso(dossier.due_at), waited_hours=resumed.waited_hours,
                               due_rule=resumed.rule)
        changes.update(move_effect(current_state=dossier.state, target=target, moment=moment, due_at=due,
                                   supplement_count=dossier.supplement_count,
                                   extension_count=dossier.extension_count))
        if "timeliness" in changes:
            payload["timeliness"] = changes["timeliness"]
            # QĐ 766 2.2: the time used in the procedure's unit, the waits subtracted; in the event so
            # every PC's fold stores the same value (sync/fold_dossier.py).
            changes["resolution"] = payload["resolution"] = resolution_time(
                load_calendar(db), dossier.deadline_unit, dossier.received_at, moment,
                pauses_of(events_for(db, "dossier", dossier.uuid)))
        payload["due_at"] = iso(due)
        _update(db, dossier, changes)
        record_event(db, entity="dossier", entity_id=dossier.uuid, action="move", payload=payload,
                     actor=actor, at=moment.astimezone())
    return get_dossier(db, dossier.code, with_timeline=False)


def extend_dossier(db: Database, code: str, *, reason: str, hours: float | None = None,
                   days: float | None = None, at: datetime | None = None, actor: str | None = None,
                   now: datetime | None = None) -> Dossier:
    """Gia hạn: move the due moment by N working hours or days, with a reason (Mẫu 04 prints it).

    Unlike a pause this is the unit's delay: the dossier still counts as late (shared/domain.md).
    """
    require(PROCESS, "gia hạn hồ sơ")
    now = local_naive(now) if now else now_local()
    moment = local_naive(at) if at else now
    check_not_future(moment, now, "Thời điểm gia hạn")
    reason = _note(reason, "Lý do gia hạn")
    if not reason:
        raise UserError("Cần ghi lý do gia hạn (in trên phiếu xin lỗi và hẹn lại ngày trả kết quả).")
    with db.atomic():
        dossier = require_dossier(db, code)
        if not can_extend(dossier.state):
            raise UserError(f"Hồ sơ {dossier.code} đang ở trạng thái '{dossier.state_label}': "
                            "không gia hạn được.")
        calendar = load_calendar(db)
        check_extension_in_time(calendar, moment, dossier.due_at, load_dossier_rules(db).extension_margin_days)
        new_due = extended_due(calendar, dossier.due_at, hours=hours, days=days)
        _update(db, dossier, {"due_at": iso(new_due), "extension_count": dossier.extension_count + 1,
                              "updated_at": iso(now)})
        payload = {"code": dossier.code, "due_before": iso(dossier.due_at), "due_at": iso(new_due),
                   "hours": hours, "days": days, "reason": reason, **_replay(at, now), **_signer()}
        record_event(db, entity="dossier", entity_id=dossier.uuid, action="extend", payload=payload,
                     actor=actor, at=moment.astimezone())
    return get_dossier(db, dossier.code, with_timeline=False)


def _signer() -> dict:
    """The signed-in user's full name, carried in the event so that a form printed on any PC names the
    person who acted (forms print full names, never logins: shared/domain.md)."""
    user = current_user()
    return {"actor_name": user.full_name} if user is not None and user.full_name else {}


def _giver(db: Database) -> Party:
    user = current_user()
    if user is None:
        return Party()
    settings = load_settings(db)
    agency = settings.one_stop_body_name if user.role == "clerk" else settings.unit_name
    return Party(name=user.full_name, agency=agency, account=user.username)


def _receiver(db: Database, text: str | None) -> Party:
    """'Cơ quan|Họ tên' or an active account of this PC (its full name; the unit as its agency)."""
    outside = parse_outside_party(text or "")
    if outside is not None:
        return outside
    found = signer(db, text or "")
    if found is None:
        raise UserError(f"Không có tài khoản '{clean_text(text)}': người nhận phải là tên đăng nhập của một tài "
                        "khoản đang hoạt động, hoặc 'Cơ quan|Họ tên' (ví dụ 'Công an xã Hương Mai|Trần Văn Bảo').")
    username, full_name = found
    return Party(name=full_name or username, agency=load_settings(db).unit_name, account=username)


def _update(db: Database, dossier: Dossier, changes: dict) -> None:
    db.execute(f"UPDATE dossiers SET {', '.join(f'{name} = ?' for name in changes)} WHERE id = ?",
               [*changes.values(), dossier.id])


def record_printed(db: Database, code: str, form_kind: str, *, actor: str | None = None) -> None:
    """Record that a form of the dossier was printed; call it only once printing succeeded (shared/
    domain.md, "Lessons": the preview is the document printed, and 'printed' is never recorded early)."""
    require(PRINT_FORMS, "in giấy tờ của hồ sơ")
    with db.atomic():
        dossier = require_dossier(db, code)
        record_event(db, entity="dossier", entity_id=dossier.uuid, action="print",
                     payload={"code": dossier.code, "form": clean_text(form_kind)}, actor=actor)

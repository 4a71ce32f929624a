"""The dossier forms as PDF: Mẫu 01 receipt and forms 02–05, numbered by the set in force (data)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from models.dossier import STATES, TIMELINESS, Dossier
from models.dossier_clock import now_local, timeliness
from models.dossier_forms import FORM_KINDS, FormSet, form_set
from models.dossier_undo import UNDO_ACTION, UNDO_LABEL, standing_events
from models.errors import UserError
from models.settings import UnitSettings
from printing.form_parts import (
    DESK,
    DOTS,
    FRAME_WIDTH,
    build,
    grid_table,
    header,
    intro,
    moment_text,
    p,
    short_moment,
    signatures,
)
from printing.markup import para
from printing.receipt import receipt_story


def _last_event(dossier: Dossier, action: str, to: str | None = None) -> dict | None:
    """The latest event of `action` (and target state `to`) in the dossier's timeline, moves taken back
    (models.dossier_undo) left out."""
    for event in reversed(standing_events(dossier.events)):
        if event["action"] == action and (to is None or event["payload"].get("to") == to):
            return event
    return None


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def _reason(event: dict | None, key: str = "note") -> str:
    return para(event["payload"].get(key, "")) if event and event["payload"].get(key) else DOTS


def _supplement(dossier: Dossier, settings: UnitSettings) -> list[Flowable]:
    """Mẫu 02: what to add or fix and why, and whom to call (the clerk who asked)."""
    event = _last_event(dossier, "move", "cho_bo_sung")
    who = para(event["actor"]) if event else DOTS
    return [*intro(dossier),
            p("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:"),
            p(_reason(event)),
            p(f"Lý do: {DOTS}"),
            p(f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ với {who}, "
              f"{DESK.lower()} {para(settings.unit_name)}, số điện thoại {DOTS} để được hướng dẫn."),
            Spacer(1, 6 * mm), signatures("NGƯỜI NỘP HỒ SƠ", "NGƯỜI HƯỚNG DẪN", event["actor"] if event else "")]


def _refusal(dossier: Dossier, settings: UnitSettings) -> list[Flowable]:
    """Mẫu 03: the reason the dossier is refused."""
    event = _last_event(dossier, "move", "tu_choi")
    return [*intro(dossier),
            p(f"Qua xem xét, {para(settings.unit_name)} thông báo không tiếp nhận, giải quyết hồ sơ này "
              "với lý do cụ thể như sau:"),
            p(_reason(event)),
            p("Xin thông báo để ông/bà được biết và thực hiện."),
            Spacer(1, 6 * mm), signatures("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", event["actor"] if event else "")]


def _apology(dossier: Dossier, settings: UnitSettings) -> list[Flowable]:
    """Mẫu 04: the reason for the delay and the new date (the latest extension, gia hạn)."""
    event = _last_event(dossier, "extend")
    if event is None:
        raise UserError(f"Hồ sơ {dossier.code} chưa được gia hạn: chưa có ngày hẹn mới để in phiếu xin lỗi.")
    before, after = _moment(event["payload"].get("due_before")), _moment(event["payload"]["due_at"])
    return [*intro(dossier),
            p(f"Thời gian hẹn trả kết quả: {moment_text(before)}."),
            p(f"Tuy nhiên đến nay, {para(settings.unit_name)} chưa trả kết quả giải quyết hồ sơ cho ông/bà "
              f"đúng hẹn. Lý do: {_reason(event, 'reason').rstrip('.')}."),
            p("Sự chậm trễ này đã gây phiền hà cho ông/bà. Chúng tôi xin lỗi ông/bà và hẹn trả kết quả vào "
              f"<b>{moment_text(after)}</b>."),
            p("Chúng tôi xin trân trọng cảm ơn sự hợp tác của ông/bà."),
            Spacer(1, 6 * mm), signatures("", "THỦ TRƯỞNG CƠ QUAN")]


def _stopped(dossier: Dossier, settings: UnitSettings) -> list[Flowable]:
    """Thông báo dừng giải quyết (Nghị định 118/2025; a form of the 2025 set only): the reason."""
    event = _last_event(dossier, "move", "dung_giai_quyet")
    return [*intro(dossier),
            p(f"{para(settings.unit_name)} thông báo dừng giải quyết hồ sơ này. Lý do: {_reason(event)}"),
            Spacer(1, 6 * mm), signatures("", "THỦ TRƯỞNG CƠ QUAN")]


def handover_rows(dossier: Dossier) -> list[list[str]]:
    """Mẫu 05 rows from the timeline: who handed over, to which step, when, early/on time/late, note."""
    rows = []
    for event in dossier.events:
        payload = event["payload"]
        at = _moment(event["at"])
        due = _moment(payload.get("due_at"))
        if event["action"] == "receive":
            step, result = f"Tiếp nhận hồ sơ ({event['actor']})", ""
        elif event["action"] == "move":
            step = (f"{event['actor']}: {STATES.get(payload['from'], payload['from'])} → "
                    f"{STATES.get(payload['to'], payload['to'])}")
            result = TIMELINESS[timeliness(at, due)] if at and due else ""
        elif event["action"] == "extend":
            step, result = f"{event['actor']}: gia hạn đến {moment_text(due)}", TIMELINESS["qua_han"]
        elif event["action"] == UNDO_ACTION:  # a move taken back stays on the sheet, followed by this row
            step = (f"{event['actor']}: {UNDO_LABEL.lower()} ({STATES.get(payload.get('from'), '')} → "
                    f"{STATES.get(payload.get('to'), '')})")
            result = ""
        else:
            continue
        note = payload.get("note") or payload.get("reason") or ""
        rows.append([step, short_moment(at), result, note])
    return rows


def _control(dossier: Dossier, settings: UnitSettings) -> list[Flowable]:
    """Mẫu 05: each hand-over with its time and result (early / on time / late) and note."""
    return [*intro(dossier),
            p(f"Thời gian hẹn trả kết quả: {moment_text(dossier.due_at)}"),
            Spacer(1, 2 * mm),
            grid_table(("Giao, nhận hồ sơ (người, bước)", "Thời gian giao, nhận",
                        "Kết quả (trước hạn/đúng hạn/quá hạn)", "Ghi chú"), handover_rows(dossier),
                       (FRAME_WIDTH - 100 * mm, 30 * mm, 30 * mm, 40 * mm))]


_BODIES = {"bo_sung": _supplement, "tu_choi": _refusal, "xin_loi": _apology,
           "dung_giai_quyet": _stopped, "kiem_soat": _control}


def render_form(kind: str, dossier: Dossier, settings: UnitSettings, out: Path | str | BinaryIO, *,
                forms: FormSet | str | None = None, result_place: str = "",
                printed_at: datetime | None = None) -> int:
    """Print form `kind` (models.dossier_forms.FORM_KINDS) of a dossier from db.dossier_queries.get_dossier
    (it needs the events) to a PDF path or stream; returns the page count. `forms` is the set in force
    (default Thông tư 01/2018); a kind the set lacks is refused in Vietnamese."""
    forms = forms if isinstance(forms, FormSet) else form_set(forms)
    if kind not in FORM_KINDS:
        raise UserError(f"Không có loại phiếu '{kind}' (chọn: {', '.join(FORM_KINDS)}).")
    if kind not in forms.numbers:
        raise UserError(f"{forms.basis} không có mẫu '{FORM_KINDS[kind]}'.")
    if kind == "tiep_nhan":
        receive = _last_event(dossier, "receive")
        story = receipt_story(dossier, settings, forms, result_place=result_place,
                              clerk=receive["actor"] if receive else "")
    else:
        story = header(settings, forms, kind, printed_at or now_local()) + _BODIES[kind](dossier, settings)
    return build(story, out, f"{forms.titles[kind]} – {dossier.code}")


def render_receipt(dossier: Dossier, settings: UnitSettings, out: Path | str | BinaryIO, **options) -> int:
    """Mẫu 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết quả); see render_form."""
    return render_form("tiep_nhan", dossier, settings, out, **options)

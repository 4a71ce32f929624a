"""The dossier forms as PDF, each dated on its act and numbered by the set in force that day: Mẫu 01 receipt
(printing/receipt.py), 02 supplement request, 03 refusal at the counter, the notice that a dossier does
not meet the conditions, 04 apology and new date, 05 stop notice, 06 control sheet (shared/domain.md)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from models.dossier import STATES, TIMELINESS
from models.dossier_clock import local_naive
from models.dossier_undo import standing_events
from models.form_acts import FormInput
from models.handover import handovers
from printing.form_parts import (
    CELL,
    CELL_HEAD,
    DOTS,
    FRAME_WIDTH,
    build,
    clock_text,
    day_text,
    field_line,
    header,
    intro,
    p,
    short_moment,
    signatures,
)
from printing.markup import para
from printing.receipt import receipt_story


def _moment(text: str | None) -> datetime | None:
    return local_naive(datetime.fromisoformat(text)) if text else None


def _reason(form: FormInput, key: str = "note") -> str:
    return para(form.payload.get(key)) if form.payload.get(key) else DOTS


def _head_signature(form: FormInput) -> Flowable:
    """The head of the body signs (title and full name from the unit's settings)."""
    settings = form.settings
    return signatures("", settings.head_title.upper() or "THỦ TRƯỞNG CƠ QUAN", settings.head_name,
                      hint="(Ký, ghi rõ họ tên và đóng dấu)")


def _supplement(form: FormInput) -> list[Flowable]:
    """Mẫu 02: the numbered list of what to add or fix, the reason, whom to call (the officer's full name
    and the office phone); one signer, NGƯỜI HƯỚNG DẪN."""
    officer = form.name_of(form.act)
    items = form.payload.get("items") or []
    listed = [p(f"{number}. {para(item)}") for number, item in enumerate(items, start=1)] or \
        [p(f"1. {DOTS}"), p(f"2. {DOTS}")]
    phone = form.settings.office_phone
    return [*intro(form.dossier),
            p("Sau khi xem xét thành phần hồ sơ, đề nghị Ông (Bà)/Tổ chức bổ sung, hoàn thiện hồ sơ gồm "
              "những nội dung sau:"),
            *listed,
            p(f"Lý do: {_reason(form)}"),
            p("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông (Bà)/Tổ chức liên hệ với "
              f"{para(officer) or DOTS}, số điện thoại {para(phone) or DOTS} để được hướng dẫn."),
            Spacer(1, 6 * mm), signatures("", "NGƯỜI HƯỚNG DẪN", officer)]


def _refusal(form: FormInput) -> list[Flowable]:
    """Mẫu 03: a counter document, the dossier is not received; the reason; applicant and clerk sign."""
    dossier = form.dossier
    return [*intro(dossier, received=False),
            p(f"Qua xem xét, {para(form.settings.one_stop_body_name)} thông báo không tiếp nhận, giải quyết "
              "hồ sơ này với lý do cụ thể như sau:"),
            p(_reason(form)),
            p("Xin thông báo để Ông (Bà)/Tổ chức được biết và thực hiện."),
            Spacer(1, 6 * mm),
            signatures("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", form.name_of(form.act),
                       dossier.applicant.name)]


def _not_eligible(form: FormInput) -> list[Flowable]:
    """The written notice for a dossier refused after its receipt: it does not meet the conditions; the
    reason; signed by the processing side (shared/domain.md: not Mẫu 03)."""
    dossier = form.dossier
    body = dossier.deciding_agency or form.settings.unit_name
    return [p(f"Kính gửi: {para(dossier.applicant.display_name)}", CELL_HEAD), Spacer(1, 2 * mm),
            *intro(dossier),
            p(f"Sau khi xem xét, thẩm định hồ sơ, {para(body)} thông báo hồ sơ của Ông (Bà)/Tổ chức không đủ "
              "điều kiện giải quyết. Lý do:"),
            p(_reason(form)),
            p("Xin thông báo để Ông (Bà)/Tổ chức được biết."),
            Spacer(1, 6 * mm), signatures("", "NGƯỜI XỬ LÝ HỒ SƠ", form.name_of(form.act))]


def _apology(form: FormInput) -> list[Flowable]:
    """Mẫu 04: Kính gửi; received date, procedure, số định danh, code, appointment; not yet returned and
    why; the apology and the new date; signed by the head of the body (title and name)."""
    dossier = form.dossier
    before, after = _moment(form.payload.get("due_before")), _moment(form.payload.get("due_at"))
    who = dossier.applicant.display_name
    return [p(f"Kính gửi: {para(who)}", CELL_HEAD), Spacer(1, 2 * mm),
            p(f"Ngày {day_text(dossier.received_at).removeprefix('ngày ')}, {para(form.settings.one_stop_body_name)} "
              f"tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính {para(dossier.procedure_name)} của "
              f"Ông (Bà)/Tổ chức {para(who)}."),
            field_line("Số định danh cá nhân/Mã số tổ chức", dossier.applicant.cccd),
            field_line("Mã hồ sơ", dossier.code),
            p(f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {clock_text(before)}."),
            p(f"Tuy nhiên đến nay, cơ quan giải quyết chưa trả kết quả giải quyết hồ sơ của Ông (Bà)/Tổ chức. "
              f"Lý do: {_reason(form, 'reason').rstrip('.')}."),
            p("Sự chậm trễ này đã gây phiền hà cho Ông (Bà)/Tổ chức. Chúng tôi xin lỗi Ông (Bà)/Tổ chức và "
              f"hẹn trả kết quả vào <b>{clock_text(after)}</b>."),
            p("Chúng tôi xin trân trọng cảm ơn sự hợp tác của Ông (Bà)/Tổ chức."),
            Spacer(1, 6 * mm), _head_signature(form)]


def _stopped(form: FormInput) -> list[Flowable]:
    """Mẫu 05 (2025): the answer to a withdrawal request (Nghị định 118/2025, Điều 21) or a stop of
    processing, stating the request and its reason; signed by the head of the body."""
    dossier = form.dossier
    withdrawn = form.payload.get("to") == "rut_ho_so"
    what = ("Ông (Bà)/Tổ chức có đề nghị rút hồ sơ (dừng giải quyết hồ sơ) với lý do:" if withdrawn
            else "Hồ sơ thuộc trường hợp dừng giải quyết với lý do:")
    return [p(f"Kính gửi: {para(dossier.applicant.display_name)}", CELL_HEAD), Spacer(1, 2 * mm),
            *intro(dossier),
            p(what), p(_reason(form)),
            p(f"{para(form.settings.one_stop_body_name)} thông báo dừng giải quyết hồ sơ nêu trên "
              f"từ {clock_text(form.act_at)}."),
            Spacer(1, 6 * mm), _head_signature(form)]


def control_rows(form: FormInput) -> list[list[Flowable]]:
    """Mẫu 06 rows, one per hand-over: 'Giao: …' and 'Nhận: …', the moment, the step's result (trước
    hạn / đúng hạn / quá hạn), a note, and empty cells for the giver's and receiver's signatures."""
    rows = []
    for handover in handovers(standing_events(form.dossier.events)):
        step = (f"1. Giao: {para(handover.giver.text) or DOTS}<br/>2. Nhận: {para(handover.receiver.text) or DOTS}"
                f"<br/><i>({para(STATES.get(handover.to_state, handover.to_state))})</i>")
        result = TIMELINESS.get(handover.result, "")
        rows.append([p(step, CELL), p(short_moment(handover.at), CELL), p(result, CELL),
                     p(para(handover.note), CELL), p("", CELL), p("", CELL)])
    return rows


def _control(form: FormInput) -> list[Flowable]:
    """Mẫu 06: code, the deciding and cooperating agencies, received and due, one row per hand-over."""
    from reportlab.platypus import Table, TableStyle

    from printing.fonts import SERIF as SERIF_FONT
    from printing.form_parts import GRID

    dossier = form.dossier
    head = ["Tên cơ quan, bộ phận giao, nhận hồ sơ", "Thời gian giao, nhận hồ sơ",
            "Kết quả giải quyết (trước hạn/đúng hạn/quá hạn)", "Ghi chú", "Người giao ký", "Người nhận ký"]
    rows = control_rows(form) or [[p("", CELL) for _ in head]]
    widths = (FRAME_WIDTH - 112 * mm, 23 * mm, 25 * mm, 24 * mm, 20 * mm, 20 * mm)
    table = Table([[p(para(h), CELL_HEAD) for h in head], *rows], colWidths=list(widths), repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("FONTNAME", (0, 0), (-1, -1), SERIF_FONT)]))
    return [field_line("Mã hồ sơ", dossier.code),
            field_line("Cơ quan (bộ phận) giải quyết hồ sơ", dossier.deciding_agency),
            field_line("Cơ quan phối hợp giải quyết hồ sơ", dossier.cooperating_agency),
            field_line("Ông (Bà)/Tổ chức", dossier.applicant.display_name),
            field_line("Thủ tục", f"{dossier.procedure_name} (mã {dossier.procedure_code})"),
            p(f"Thời gian nhận hồ sơ: {clock_text(dossier.received_at)}"),
            p(f"Thời gian trả kết quả giải quyết hồ sơ: {clock_text(dossier.appointment)}"),
            Spacer(1, 2 * mm), table]


_BODIES = {"bo_sung": _supplement, "tu_choi": _refusal, "khong_du_dieu_kien": _not_eligible,
           "xin_loi": _apology, "dung_giai_quyet": _stopped, "kiem_soat": _control}


def render_form(form: FormInput, out: Path | str | BinaryIO) -> int:
    """Print `form` (models.form_acts.form_input) to a PDF path or stream; returns the page count."""
    if form.kind == "tiep_nhan":
        story = receipt_story(form)
    else:
        story = header(form) + _BODIES[form.kind](form)
    return build(story, out, f"{form.forms.titles[form.kind]} – {form.dossier.code}", form)

"""Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with the dossier code as a QR (shared/domain.md)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from models.form_acts import FormInput
from printing.form_parts import (
    BOLD,
    DOTS,
    FRAME_WIDTH,
    SMALL,
    clock_text,
    field_line,
    grid_table,
    header,
    p,
    signatures,
)
from printing.markup import para
from printing.qr import QrFlowable

# The QR box (quiet zone included): at version 4 (33 modules) a module is 30 mm * 33/41 / 33 ≈ 0.73 mm,
# 4 pixels at 150 dpi — enough for a phone or a desk scanner.
QR_BOX = 30 * mm


def _delegate(form: FormInput) -> list[Flowable]:
    """The authorised person's block, when someone submits on the applicant's behalf."""
    delegate = form.dossier.delegate
    if delegate is None:
        return []
    return [p("Người được ủy quyền nộp hồ sơ:"),
            field_line("Họ và tên", delegate.name),
            field_line("Số định danh cá nhân", delegate.cccd),
            field_line("Địa chỉ", delegate.address),
            p(f"Số điện thoại: {para(delegate.phone) or DOTS}&nbsp;&nbsp;&nbsp; "
              f"Thư điện tử: {para(delegate.email) or DOTS}"),
            field_line("Giấy tờ ủy quyền", delegate.paper)]


def receipt_story(form: FormInput) -> list[Flowable]:
    """The receipt: header, code with its QR (plain text: the dossier code only, never personal data,
    shared/domain.md "People"), applicant and số định danh, the authorised person, the request, the
    papers, the times (the appointment first given, also on a reprint), where the result goes, the
    logbook entry, and the two signatures (the receiving clerk by full name)."""
    dossier, settings = form.dossier, form.settings
    applicant = dossier.applicant
    story = header(form)
    code_lines = [p(f"Mã hồ sơ: <b>{para(dossier.code)}</b>", BOLD),
                  p(f"{para(settings.one_stop_body_name)} đã tiếp nhận hồ sơ của:")]
    if dossier.aliases:  # a corrected receipt: the code first printed was given to two dossiers
        code_lines.insert(1, p(f"(Thay cho mã {para(', '.join(dossier.aliases))} trên giấy tiếp nhận đã cấp: "
                               "mã đó trùng với một hồ sơ khác.)"))
    code_table = Table([[code_lines, QrFlowable(dossier.code, QR_BOX)]],
                       colWidths=[FRAME_WIDTH - QR_BOX - 4 * mm, QR_BOX + 4 * mm])
    code_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    story.append(code_table)
    story.append(field_line("Ông (Bà)/Tổ chức", applicant.display_name))
    if applicant.organisation and applicant.name:
        story.append(field_line("Người đại diện", applicant.name))
    story += [field_line("Số định danh cá nhân/Mã số tổ chức", applicant.cccd),
              field_line("Địa chỉ", applicant.address),
              p(f"Số điện thoại: {para(applicant.phone) or DOTS}&nbsp;&nbsp;&nbsp; "
                f"Thư điện tử: {para(applicant.email) or DOTS}"),
              *_delegate(form),
              field_line("Nội dung yêu cầu giải quyết",
                         f"{dossier.procedure_name} (mã thủ tục {dossier.procedure_code})")]
    if dossier.group:
        linked = "; ".join(f"{g['code']} – {g['procedure_name']}" for g in dossier.group)
        story.append(field_line("Hồ sơ liên thông cùng nhóm", linked))
    story.append(p("1. Thành phần hồ sơ nộp gồm:"))
    rows = [[str(i), paper.name, paper.kind_label, str(paper.count)]
            for i, paper in enumerate(dossier.papers, start=1)] or [["", "", "", ""]] * 3  # blanks to fill in
    story.append(grid_table(("STT", "Tên loại giấy tờ", "Hình thức (bản chính, bản sao, bản điện tử)",
                             "Số lượng"), rows, (12 * mm, FRAME_WIDTH - 82 * mm, 50 * mm, 20 * mm)))
    story.append(Spacer(1, 2 * mm))
    verification = " (trường hợp cần xác minh)" if dossier.needs_verification else ""
    delivery = dossier.result_delivery_label or form.result_place or DOTS
    story += [
        p(f"2. Số lượng hồ sơ: {dossier.sets:02d} (bộ)"),
        field_line("3. Thời gian giải quyết hồ sơ theo quy định", f"{dossier.deadline_text}{verification}"),
        p(f"4. Thời gian nhận hồ sơ: {clock_text(dossier.received_at)}"),
        p(f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{clock_text(dossier.appointment)}</b>"),
        p(f"6. Đăng ký nhận kết quả: {para(delivery)}"),
        field_line("Vào Sổ theo dõi hồ sơ, Quyển số/Số thứ tự", dossier.logbook),
        Spacer(1, 4 * mm),
        signatures("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", form.name_of(form.act),
                   (dossier.delegate.name if dossier.delegate else applicant.name) or ""),
        Spacer(1, 4 * mm),
        p("Mang theo giấy này khi đến nhận kết quả. Mã QR chỉ chứa mã hồ sơ để tra cứu.", SMALL),
    ]
    return story

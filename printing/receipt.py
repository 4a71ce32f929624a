"""Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Thông tư 01/2018/TT-VPCP), with the code as a QR."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from models.calendar_recheck import first_appointment
from models.dossier import Dossier
from models.dossier_forms import FormSet
from models.settings import UnitSettings
from printing.form_parts import (
    BOLD,
    DESK,
    DOTS,
    FRAME_WIDTH,
    SMALL,
    field_line,
    grid_table,
    header,
    moment_text,
    p,
    signatures,
)
from printing.markup import para
from printing.qr import QrFlowable

# The QR box (quiet zone included): at version 4 (33 modules) a module is 30 mm * 33/41 / 33 ≈ 0.73 mm,
# 4 pixels at 150 dpi — enough for a phone or a desk scanner.
QR_BOX = 30 * mm


def receipt_story(dossier: Dossier, settings: UnitSettings, forms: FormSet, *, result_place: str = "",
                  clerk: str = "") -> list[Flowable]:
    """The receipt's content: unit header, code with its QR (plain text: the dossier code only, never
    personal data, shared/domain.md "People"), applicant, request, papers, times, signatures."""
    applicant = dossier.applicant
    story = header(settings, forms, "tiep_nhan", dossier.received_at)
    code_lines = [p(f"Mã hồ sơ: <b>{para(dossier.code)}</b>", BOLD),
                  p(f"{DESK.capitalize()} {para(settings.unit_name)} đã tiếp nhận hồ sơ của:")]
    code_table = Table([[code_lines, QrFlowable(dossier.code, QR_BOX)]],
                       colWidths=[FRAME_WIDTH - QR_BOX - 4 * mm, QR_BOX + 4 * mm])
    code_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    story.append(code_table)
    story.append(field_line("Ông/bà (tổ chức)", applicant.display_name))
    if applicant.organisation and applicant.name:
        story.append(field_line("Người đại diện", applicant.name))
    story += [field_line("Địa chỉ", applicant.address),
              p(f"Số điện thoại: {para(applicant.phone) or DOTS}&nbsp;&nbsp;&nbsp; "
                f"Thư điện tử: {para(applicant.email) or DOTS}"),
              field_line("Nội dung yêu cầu giải quyết",
                         f"{dossier.procedure_name} (mã thủ tục {dossier.procedure_code})")]
    if dossier.group:
        linked = "; ".join(f"{g['code']} – {g['procedure_name']}" for g in dossier.group)
        story.append(field_line("Hồ sơ liên thông cùng nhóm", linked))
    story.append(p("1. Thành phần hồ sơ nộp gồm:"))
    rows = [[str(i), paper.name, paper.kind_label, str(paper.count)]
            for i, paper in enumerate(dossier.papers, start=1)] or [["", "", "", ""]]
    story.append(grid_table(("STT", "Tên loại giấy tờ", "Hình thức", "Số lượng"), rows,
                            (12 * mm, FRAME_WIDTH - 70 * mm, 38 * mm, 20 * mm)))
    story.append(Spacer(1, 2 * mm))
    place = result_place or f"{DESK.capitalize()}, {settings.unit_name}"
    story += [
        p(f"2. Số lượng hồ sơ: {dossier.sets} (bộ)"),
        field_line("3. Thời gian giải quyết hồ sơ theo quy định", dossier.deadline_text),
        p(f"4. Thời gian nhận hồ sơ: {moment_text(dossier.received_at)}"),
        p(f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{moment_text(first_appointment(dossier))}</b>"),
        field_line("6. Đăng ký nhận kết quả tại", place),
        field_line("Vào Sổ theo dõi hồ sơ, quyển số/số thứ tự", dossier.logbook),
        Spacer(1, 4 * mm),
        signatures("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", clerk),
        Spacer(1, 4 * mm),
        p("Mang theo giấy này khi đến nhận kết quả. Mã QR chỉ chứa mã hồ sơ để tra cứu.", SMALL),
    ]
    return story

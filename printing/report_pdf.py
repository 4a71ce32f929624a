"""The period report as PDF (A4 landscape): key figures, per field, charts, QĐ 766 indicators, due list."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from models import report_rules as rules
from models.report import (
    FIELD_COLUMNS,
    REPORT_TITLE,
    SAMPLE_FIGURES,
    Report,
    column_value,
    field_label,
    format_value,
    month_label,
    posting_indicators,
)
from models.report_chart import month_chart, on_time_bars
from models.settings import UnitSettings
from models.text import clean_text
from printing.markup import para
from printing.report_charts import month_drawing, share_drawing
from printing.report_layout import (
    BODY,
    FRAME_HEIGHT,
    SECTION,
    WIDTH,
    build,
    header,
    ruled_table,
    signatures,
    widths,
)

CHART_HEIGHT = 62 * mm
DUE_ROWS = 100  # the printed list stops here; the screen and the Excel file hold up to 500

# The key figures printed first, as the dashboard's tiles show them: (label, source, kind).
KEY_FIGURES = (
    ("Kỳ trước chuyển sang", "carried_over", "count"),
    ("Tiếp nhận", "received", "count"),
    ("Đã giải quyết", "resolved", "count"),
    ("Kết thúc không có kết quả", rules.ended_without_result, "count"),
    ("Đang giải quyết", "in_progress", "count"),
    ("Đúng hạn, trong hạn (766)", rules.on_time_share, "share"),
    ("Nộp trực tuyến (766)", rules.online_share, "share"),
    ("Số hóa (766)", rules.digitised_share, "share"),
    ("Mức độ hài lòng (766)", rules.satisfaction_rate, "share"),
)


def _lines(report: Report) -> list[str]:
    return [para(f"Kỳ báo cáo: {report.period.title}. Cách tính: {rules.METHODOLOGY['name']} "
                 f"(phiên bản {rules.METHODOLOGY['version']})."),
            "<i>" + para(f"Hồ sơ đang giải quyết và quá hạn tính đến {report.moment:%H:%M ngày %d/%m/%Y}; "
                         f"lập lúc {report.generated_at:%H:%M ngày %d/%m/%Y}") + "</i>"]


def _key_figures(report: Report) -> Table:
    head = [label for label, _, _ in KEY_FIGURES]
    row = [format_value(column_value(report.total, source), kind) for _, source, kind in KEY_FIGURES]
    return ruled_table(head, [row], widths([1] * len(KEY_FIGURES)), right=range(len(row)))


def _field_table(report: Report) -> Table:
    head = ["STT", "Lĩnh vực"] + [title for title, _, _ in FIELD_COLUMNS]
    rows = []
    for number, name in enumerate(report.field_names(), start=1):
        tally = report.by_field[name]
        rows.append([str(number), field_label(name)]
                    + [format_value(column_value(tally, src), kind) for _, src, kind in FIELD_COLUMNS])
    rows.append(["", "Tổng cộng"] + [format_value(column_value(report.total, src), kind)
                                     for _, src, kind in FIELD_COLUMNS])
    parts = [5, 12] + [7.5 if kind == "share" else 6.5 for _, _, kind in FIELD_COLUMNS]  # 6,5: "199.683" in bold
    return ruled_table(head, rows, widths(parts), right=range(2, 2 + len(FIELD_COLUMNS)), bold_last=True)


def _charts(report: Report, warning: float) -> Table:
    half = WIDTH / 2 - 4 * mm
    bars = on_time_bars(report, warning)
    height = max(CHART_HEIGHT, (len(bars) * 11 + 40) * 1.0)
    table = Table([[month_drawing(month_chart(report), half, height), share_drawing(bars, half, height)]],
                  colWidths=[WIDTH / 2] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _balance(report: Report) -> Paragraph:
    """The balance in words, for the unit (each field's row balances the same way)."""
    t = report.total
    n = lambda value: format_value(value, "count")  # noqa: E731 - a local shorthand
    channels = rules.received_by_channel(t)
    text = (f"Cân đối: kỳ trước chuyển sang {n(t.carried_over)} + tiếp nhận {n(t.received)} (trực tiếp "
            f"{n(channels['truc_tiep'])}, trực tuyến {n(channels['truc_tuyen'])}, bưu chính {n(channels['buu_chinh'])})"
            f" = đã giải quyết {n(t.resolved)} + kết thúc không có kết quả {n(rules.ended_without_result(t))} "
            f"(từ chối {n(t.refused)}, rút {n(t.withdrawn)}, dừng {n(t.stopped)}) + đang giải quyết "
            f"{n(t.in_progress)} (trong hạn {n(rules.in_progress_within_time(t))}, quá hạn {n(t.overdue)})"
            + ("." if rules.balance_holds(t) else " — KHÔNG CÂN: hãy báo cho người quản trị."))
    return Paragraph(para(text), BODY)


def _averages(report: Report) -> Flowable:
    if not report.averages:
        return Paragraph("Chưa có hồ sơ có kết quả trong kỳ.", BODY)
    rows = [[str(n), a.procedure_code, a.unit_label, format_value(a.average, "days"), format_value(a.count, "count")]
            for n, a in enumerate(report.averages, start=1)]
    table = ruled_table(["STT", "Mã thủ tục", "Đơn vị tính", "Trung bình", "Số hồ sơ"], rows,
                        [12 * mm, 30 * mm, 35 * mm, 25 * mm, 25 * mm], right=(3, 4))
    table.hAlign = "LEFT"
    return table


def _indicators(report: Report, which=None) -> Table:
    rows = []
    for number, indicator in enumerate(which if which is not None else report.indicators(), start=1):
        if indicator.key == "average_time":
            value = "Xem mục III"
        elif indicator.computed:
            value = format_value(indicator.value, "share") if indicator.value is not None else "Chưa có số liệu"
        else:
            value = "Không tính tại xã"
        target = f"≥ {format_value(indicator.target, 'share')}" if indicator.target is not None else ""
        rows.append([str(number), indicator.criterion, indicator.name, value, target, indicator.how])
    return ruled_table(["STT", "Tiêu chí", "Chỉ số", "Giá trị", "Điểm tối đa khi", "Cách tính"], rows,
                       widths([4, 14, 20, 9, 8, 52]), right=(3, 4))


def _ratings(report: Report) -> Table:
    t = report.total
    head = list(rules.RATINGS.values()) + ["Tổng số đánh giá", "Tỷ lệ \"hài lòng\"", "Mức độ hài lòng (QĐ 766)"]
    row = [format_value(getattr(t, f"rated_{key}"), "count") for key in rules.RATINGS]
    row += [format_value(t.ratings, "count"), format_value(rules.satisfied_share(t), "share"),
            format_value(rules.satisfaction_rate(t), "share")]
    return ruled_table(head, [row], widths([1] * len(head)), right=range(len(row)))


def _months(report: Report) -> Table:
    rows = [[month_label(m), format_value(report.received_by_month.get(m, 0), "count"),
             format_value(report.resolved_by_month.get(m, 0), "count")] for m in report.months]
    table = ruled_table(["Tháng", "Tiếp nhận", "Đã giải quyết"], rows, [30 * mm, 30 * mm, 30 * mm], right=(1, 2))
    table.hAlign = "LEFT"
    return table


DUE_HEAD = ["STT", "Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Tiếp nhận", "Hạn trả", "Tình trạng"]
KEPT_WITH_SIGNATURES = 3  # the due list's last rows, printed on the page of the signatures


def _height(flowables: list[Flowable]) -> float:
    return sum(f.wrap(WIDTH, FRAME_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


def _due_and_signatures(report: Report, settings: UnitSettings) -> list[Flowable]:
    """The last section and the signatures, which never stand alone on a page: the section goes with them
    when it fits on one page, else its last rows do (a table without its header, continuing the one above)."""
    until = f"{report.due_soon_until:%H:%M %d/%m/%Y}" if report.due_soon_until else ""
    title = (f"VII. HỒ SƠ QUÁ HẠN ({format_value(report.overdue_now, 'count')}) VÀ SẮP ĐẾN HẠN TRƯỚC {until} "
             f"({format_value(report.due_soon, 'count')}), lúc {report.generated_at:%H:%M %d/%m/%Y}")
    ending: list[Flowable] = [Spacer(1, 6 * mm), signatures(settings, report.generated_at)]
    heading = Paragraph(para(title), SECTION)
    if not report.due:
        return [CondPageBreak(40 * mm),
                KeepTogether([heading, Paragraph("Không có hồ sơ quá hạn hoặc sắp đến hạn.", BODY), *ending])]
    rows = [[str(n), item.code, f"{item.procedure_name} ({item.procedure_code})", field_label(item.field),
             f"{item.received_at:%d/%m/%Y %H:%M}", f"{item.due_at:%d/%m/%Y %H:%M}",
             "Quá hạn" if item.overdue else "Sắp đến hạn"] for n, item in enumerate(report.due[:DUE_ROWS], start=1)]
    parts = widths([4, 18, 40, 12, 11, 11, 9])
    shown = min(len(report.due), DUE_ROWS)
    if shown < report.overdue_now + report.due_soon:
        ending.insert(0, Paragraph(para(f"(Chỉ in {shown} hồ sơ đến hạn sớm nhất.)"), BODY))
    whole = [heading, ruled_table(DUE_HEAD, rows, parts), *ending]
    if _height(whole) <= FRAME_HEIGHT or len(rows) <= KEPT_WITH_SIGNATURES:
        return [CondPageBreak(40 * mm), KeepTogether(whole)]
    tail = rows[-KEPT_WITH_SIGNATURES:]
    return [CondPageBreak(40 * mm), heading, ruled_table(DUE_HEAD, rows[:-KEPT_WITH_SIGNATURES], parts),
            KeepTogether([ruled_table(DUE_HEAD, tail, parts, with_head=False), *ending])]


def report_story(report: Report, settings: UnitSettings) -> list[Flowable]:
    story = header(settings, REPORT_TITLE, _lines(report))
    story += [_key_figures(report), Paragraph("I. TIẾP NHẬN VÀ GIẢI QUYẾT THEO LĨNH VỰC", SECTION),
              _field_table(report), _balance(report), Spacer(1, 4 * mm),
              KeepTogether([_charts(report, settings.on_time_alert)]),
              CondPageBreak(50 * mm),
              Paragraph("II. CHỈ SỐ THEO QUYẾT ĐỊNH 766/QĐ-TTG (cách tính của Cổng DVC quốc gia)", SECTION),
              _indicators(report),
              KeepTogether([Paragraph("III. THỜI GIAN GIẢI QUYẾT TRUNG BÌNH THEO THỦ TỤC (766, tiêu chí 2.2)",
                                      SECTION), _averages(report)]),
              KeepTogether([Paragraph("IV. ĐÁNH GIÁ CỦA NGƯỜI DÂN (ghi nhận trong kỳ)", SECTION), _ratings(report)]),
              CondPageBreak(40 * mm), Paragraph("V. HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT THEO THÁNG", SECTION),
              _months(report),
              KeepTogether([Paragraph("VI. NIÊM YẾT THỦ TỤC (không thuộc chỉ số 766)", SECTION),
                            _indicators(report, posting_indicators(report))])]
    story += _due_and_signatures(report, settings)  # a page holding only the signatures is no page of a report
    return story


def render_report_pdf(report: Report, settings: UnitSettings, out: Path | str | BinaryIO) -> int:
    """Write the report's PDF to `out` (atomically for a path); returns the page count."""
    footer = f"{clean_text(settings.unit_name)} — Báo cáo {report.period.title}"
    _data, pages = build(report_story(report, settings), out, f"Báo cáo {report.period.label}", footer,
                         sample=SAMPLE_FIGURES if report.sample else "")
    return pages


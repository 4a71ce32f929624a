"""Commands of the reports: the period report (figures, XLSX, PDF), the logbook, and citizens' ratings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cli.context import Context, parse_day, parse_moment
from models.errors import UserError
from models.report import Report, field_label, format_value
from models.report_period import PRESETS, Period, preset
from models.report_rules import RATINGS
from services.reports import export_logbook, export_report, get_rating, set_rating_for


def register(subparsers, parents) -> None:
    report = subparsers.add_parser("report", parents=parents,
                                   help="báo cáo tiếp nhận, giải quyết hồ sơ của một kỳ (số liệu, Excel, PDF)")
    _period_options(report)
    report.add_argument("--at", metavar="THỜI_ĐIỂM", help="tính tại thời điểm này (mặc định: bây giờ)")
    report.add_argument("--xlsx", metavar="TỆP.xlsx", help="xuất báo cáo ra tệp Excel")
    report.add_argument("--pdf", metavar="TỆP.pdf", help="xuất báo cáo ra tệp PDF")
    report.set_defaults(handler=cmd_report)

    fees = subparsers.add_parser("fees", parents=parents,
                                 help="phí, lệ phí đã thu theo lĩnh vực và thủ tục (không thuộc Mẫu 01–07)")
    _period_options(fees)
    fees.set_defaults(handler=cmd_fees)

    logbook = subparsers.add_parser("logbook", parents=parents, help="sổ theo dõi hồ sơ (Mẫu 06) của một kỳ")
    _period_options(logbook)
    logbook.add_argument("--xlsx", metavar="TỆP.xlsx", help="xuất sổ ra tệp Excel")
    logbook.add_argument("--pdf", metavar="TỆP.pdf", help="xuất sổ ra tệp PDF")
    logbook.add_argument("--field", action="append", default=[], metavar="LĨNH_VỰC",
                         help="sổ của một lĩnh vực (lặp lại cho một nhóm lĩnh vực); mặc định: mọi lĩnh vực")
    logbook.set_defaults(handler=cmd_logbook)

    rating = subparsers.add_parser("rating", parents=parents, help="đánh giá mức độ hài lòng của người dân")
    sub = rating.add_subparsers(dest="action", metavar="VIỆC")
    set_ = sub.add_parser("set", parents=parents, help="ghi đánh giá khi trả kết quả")
    set_.add_argument("code", metavar="MÃ_HỒ_SƠ")
    set_.add_argument("--rating", required=True, choices=list(RATINGS), help="mức đánh giá")
    set_.add_argument("--comment", default="", help="ý kiến của người dân (không bắt buộc)")
    set_.add_argument("--at", metavar="THỜI_ĐIỂM", help="thời điểm đánh giá (nhập lại), mặc định bây giờ")
    set_.set_defaults(handler=cmd_rating_set)
    show = sub.add_parser("show", parents=parents, help="xem đánh giá của một hồ sơ")
    show.add_argument("code", metavar="MÃ_HỒ_SƠ")
    show.set_defaults(handler=cmd_rating_show)


def cmd_fees(context: Context) -> int:
    from services.dossiers import fee_totals

    period = period_from(context.args)
    rows = fee_totals(context.db, period.start, period.end)
    money = lambda amount: f"{amount:,}".replace(",", ".") + " đồng"  # noqa: E731 - one format, here only
    lines = [f"Phí, lệ phí đã thu từ {period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y}"]
    for field in dict.fromkeys(r["field"] for r in rows):
        mine = [r for r in rows if r["field"] == field]
        lines.append(f"{field or '(chưa có lĩnh vực)'}: {money(sum(r['amount'] for r in mine))}")
        lines += [f"  {r['procedure_code']} {r['procedure_name']}: {money(r['amount'])} "
                  f"({r['paid']} đã thu, {r['unpaid']} chưa thu)" for r in mine]
    lines.append(f"Tổng cộng: {money(sum(r['amount'] for r in rows))}")
    context.emit({"from": period.start.isoformat(), "to": period.end.isoformat(), "rows": rows,
                  "total": sum(r["amount"] for r in rows)}, "\n".join(lines))
    return 0


def _period_options(parser) -> None:
    parser.add_argument("--from", dest="start", metavar="NGÀY", help="từ ngày (dd/mm/yyyy hoặc YYYY-MM-DD)")
    parser.add_argument("--to", dest="end", metavar="NGÀY", help="đến ngày (tính cả ngày này)")
    parser.add_argument("--period", choices=[k for k in PRESETS if k != "custom"],
                        help="kỳ có sẵn chứa hôm nay: month, quarter, half_year, year (mặc định: month)")


def period_from(args, today: date | None = None) -> Period:
    """--from/--to (both), or a preset around today (default: this month)."""
    if args.start or args.end:
        if not (args.start and args.end) or args.period:
            raise UserError("Cần cả --from và --to (hoặc chỉ --period).")
        return Period(parse_day(args.start), parse_day(args.end))
    return preset(args.period or "month", today or date.today())


def _pct(value: float | None) -> str:
    return format_value(value, "share")


def _n(value: int) -> str:
    return format_value(value, "count")


def report_text(report: Report) -> str:
    """A few lines for a clerk who runs the command without --json."""
    data = report.to_dict()
    channels = data["received_by_channel"]
    lines = [f"{report.period.title} (cách tính {data['methodology']['name']}, {data['methodology']['version']})",
             f"Kỳ trước chuyển sang {_n(data['carried_over'])} + tiếp nhận {_n(data['received'])} (trực tiếp "
             f"{_n(channels['truc_tiep'])}, trực tuyến {_n(channels['truc_tuyen'])}, bưu chính "
             f"{_n(channels['buu_chinh'])}) = đã giải quyết {_n(data['resolved'])} (trước hạn {_n(data['early'])}, "
             f"đúng hạn {_n(data['on_time'])}, quá hạn {_n(data['late'])}) + từ chối {_n(data['refused'])}, rút "
             f"{_n(data['withdrawn'])}, dừng {_n(data['stopped'])} + đang giải quyết {_n(data['in_progress'])} "
             f"(quá hạn {_n(data['overdue'])})",
             f"Chỉ số 766: đúng hạn, trong hạn {_pct(data['on_time_share'])}; nộp trực tuyến "
             f"{_pct(data['online_share'])}; kết quả điện tử {_pct(data['electronic_result_share'])}; số hóa "
             f"{_pct(data['digitised_share'])}; mức độ hài lòng {_pct(data['satisfaction_rate'])}",
             f"Riêng đơn vị: trước và đúng hạn trên hồ sơ đã giải quyết {_pct(data['resolved_on_time_share'])}"]
    for name in report.field_names():
        t = data["by_field"][name]
        lines.append(f"  {field_label(name)}: kỳ trước {_n(t['carried_over'])}, tiếp nhận {_n(t['received'])}, "
                     f"giải quyết {_n(t['resolved'])}, đang giải quyết {_n(t['in_progress'])}, đúng hạn (766) "
                     f"{_pct(t['on_time_share'])}")
    for average in report.averages:
        lines.append(f"  Thủ tục {average.procedure_code}: trung bình {format_value(average.average, 'days')} "
                     f"{average.unit_label} ({_n(average.count)} hồ sơ)")
    return "\n".join(lines)


def _check_suffix(path: str | None, suffix: str) -> Path | None:
    if path is None:
        return None
    if Path(path).suffix.lower() != suffix:
        raise UserError(f"Tệp phải có đuôi {suffix}: '{path}'.")
    return Path(path)


def cmd_report(context: Context) -> int:
    args = context.args
    at = parse_moment(args.at) if args.at else None
    period = period_from(args, at.date() if at else None)  # a preset holds the --at day, not today
    xlsx, pdf = _check_suffix(args.xlsx, ".xlsx"), _check_suffix(args.pdf, ".pdf")
    done = export_report(context.db, period, [p for p in (xlsx, pdf) if p is not None], at)
    report, written = done.report, done.files
    data = report.to_dict()
    if written:
        data["files"] = [str(path) for path in written]
    text = report_text(report) + "".join(f"\nĐã ghi {path}." for path in written)
    context.emit(data, text)
    return 0


def cmd_logbook(context: Context) -> int:
    args = context.args
    period = period_from(args)
    xlsx, pdf = _check_suffix(args.xlsx, ".xlsx"), _check_suffix(args.pdf, ".pdf")
    if not (xlsx or pdf):
        raise UserError("Cần --xlsx TỆP.xlsx hoặc --pdf TỆP.pdf (hoặc cả hai).")
    done = export_logbook(context.db, period, [p for p in (xlsx, pdf) if p is not None], args.field)
    data = {"period": period.to_dict(), "lines": done.lines, "files": [str(path) for path in done.files]}
    context.emit(data, f"Sổ theo dõi hồ sơ {period.title}: {_n(done.lines)} hồ sơ. "
                       + " ".join(f"Đã ghi {path}." for path in done.files))
    return 0


def cmd_rating_set(context: Context) -> int:
    args = context.args
    rating, _changes = set_rating_for(context.db, args.code, args.rating, args.comment,
                                      at=parse_moment(args.at) if args.at else None)
    context.emit(rating.to_dict(), f"Đã ghi đánh giá '{rating.label}' cho hồ sơ {rating.dossier_code}.")
    return 0


def cmd_rating_show(context: Context) -> int:
    rating = get_rating(context.db, context.args.code)
    if rating is None:
        context.emit({"code": context.args.code, "rating": None}, "Hồ sơ này chưa có đánh giá.")
        return 0
    context.emit(rating.to_dict(), f"{rating.dossier_code}: {rating.label} ({rating.at:%H:%M %d/%m/%Y})"
                                   + (f" – {rating.comment}" if rating.comment else ""))
    return 0

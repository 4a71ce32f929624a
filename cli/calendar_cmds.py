"""Commands of the calendar's sources and recheck: list a year, decide an unverified day, recheck dossiers."""

from __future__ import annotations

from cli.context import Context, bounded_int, parse_day
from models.calendar import UNIT
from models.calendar_recheck import TIMELINESS_LABELS, RecheckRow
from models.dossier_clock import EARLIEST_YEAR, LATEST_YEAR
from services.calendar import apply_corrections, calendar_days, decide_unverified_day, recheck, unit_days


def register(calendar_sub, parents) -> None:
    """Called by cli/foundation_cmds.py on the `calendar` group."""
    listing = calendar_sub.add_parser("list", parents=parents,
                                      help="ngày nghỉ và ngày làm bù của một năm, kèm văn bản quyết định")
    listing.add_argument("--year", type=bounded_int(EARLIEST_YEAR, LATEST_YEAR),
                         help="năm (mặc định: chỉ các ngày đơn vị thêm)")
    listing.set_defaults(handler=cmd_calendar_list)
    for name, keep, text in (("confirm", True, "xác nhận ngày nghỉ chưa xác minh (vẫn nghỉ)"),
                             ("reject", False, "bỏ ngày nghỉ chưa xác minh (làm việc bình thường)")):
        sub = calendar_sub.add_parser(name, parents=parents, help=text)
        sub.add_argument("day", metavar="NGÀY", help="dd/mm/yyyy hoặc YYYY-MM-DD")
        sub.set_defaults(handler=cmd_calendar_decide, keep=keep)
    again = calendar_sub.add_parser("recheck", parents=parents,
                                    help="hồ sơ có hạn trả hoặc kết quả đúng/quá hạn thay đổi theo lịch hiện tại")
    again.add_argument("--from", dest="start", metavar="NGÀY", help="tiếp nhận từ ngày (mặc định 01/01 năm trước)")
    again.add_argument("--to", dest="end", metavar="NGÀY", help="tiếp nhận đến ngày (tính cả ngày này)")
    again.add_argument("--apply", action="store_true", help="sửa hạn trả theo lịch mới (mỗi hồ sơ một sự kiện)")
    again.add_argument("--code", action="append", metavar="MÃ_HỒ_SƠ",
                       help="chỉ sửa hồ sơ này (dùng với --apply, có thể lặp lại)")
    again.add_argument("--reason", default="", help="lý do ghi vào sự kiện (có sẵn lý do mặc định)")
    again.set_defaults(handler=cmd_calendar_recheck)


def _dmy(iso_day: str) -> str:
    return f"{iso_day[8:10]}/{iso_day[5:7]}/{iso_day[:4]}"


def cmd_calendar_list(context: Context) -> int:
    year = context.args.year
    rows = [day.to_dict() for day in calendar_days(context.db, year)] if year else unit_days(context.db)
    lines = []
    for row in rows:
        basis = row["source"] if row["status"] in ("quyet_dinh", UNIT) and row["source"] else row["status_label"]
        kind = "nghỉ" if row["kind"] == "off" else "làm bù" if parse_day(row["day"]).weekday() >= 5 else "làm việc"
        lines.append(f"{_dmy(row['day'])}  {kind:<6} {row['name']}  [{basis}]")
    context.emit(rows, "\n".join(lines) or "Chưa có ngày nào.")
    return 0


def cmd_calendar_decide(context: Context) -> int:
    day = parse_day(context.args.day)
    decided = decide_unverified_day(context.db, day, context.args.keep)
    text = (f"Đã xác nhận {day:%d/%m/%Y} là ngày nghỉ." if context.args.keep
            else f"Đã bỏ ngày nghỉ {day:%d/%m/%Y}: làm việc bình thường.")
    context.emit(decided.to_dict(), text)
    return 0


def _row_text(row: RecheckRow) -> str:
    text = f"{row.code}: hạn {row.stored_due:%H:%M %d/%m/%Y} → {row.recomputed_due:%H:%M %d/%m/%Y}"
    if row.stored_timeliness or row.recomputed_timeliness:
        text += (f"; {TIMELINESS_LABELS.get(row.stored_timeliness or '', '—')} → "
                 f"{TIMELINESS_LABELS.get(row.recomputed_timeliness or '', '—')}")
    if row.resolution_text:
        text += f"; thời gian giải quyết {row.resolution_text}"
    return text


def cmd_calendar_recheck(context: Context) -> int:
    args = context.args
    start = parse_day(args.start) if args.start else None
    end = parse_day(args.end) if args.end else None
    if args.apply:
        rows = apply_corrections(context.db, args.code, start=start, end=end, reason=args.reason)
        head = f"Đã sửa {len(rows)} hồ sơ theo lịch hiện tại."
    else:
        rows = recheck(context.db, start, end)
        if args.code:
            wanted = set(args.code)
            rows = [row for row in rows if row.code in wanted]
        head = (f"{len(rows)} hồ sơ có hạn trả, kết quả hoặc thời gian giải quyết thay đổi theo lịch hiện tại"
                + (" (sửa bằng --apply)." if rows else "."))
    context.emit([row.to_dict() for row in rows], "\n".join([head, *(_row_text(row) for row in rows)]))
    return 0

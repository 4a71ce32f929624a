"""Commands `audit verify|list|export`: the hash-chained event log, checked and read."""

from __future__ import annotations

from pathlib import Path

from cli.context import MAX_OFFSET, Context, bounded_int, parse_day
from models.errors import UserError
from services.audit import EventFilter, describe, export_events, format_moment, list_events, verify
from services.backup import check_data


def register(subparsers, parents) -> None:
    audit = subparsers.add_parser("audit", parents=parents, help="nhật ký thao tác: kiểm tra, xem, xuất")
    sub = audit.add_subparsers(dest="action", metavar="VIỆC")
    verify = sub.add_parser("verify", parents=parents,
                            help="kiểm tra chuỗi mã băm của nhật ký (thoát khác 0 nếu bị sửa)")
    verify.set_defaults(handler=cmd_verify, check_database_first=True)
    listing = sub.add_parser("list", parents=parents, help="liệt kê thao tác, mới nhất trước")
    _filter_options(listing)
    listing.add_argument("--limit", type=bounded_int(1, 1_000_000), default=200, help="số dòng tối đa (mặc định 200)")
    listing.add_argument("--offset", type=bounded_int(0, MAX_OFFSET), default=0, help="bỏ qua bao nhiêu dòng đầu")
    listing.set_defaults(handler=cmd_list)
    export = sub.add_parser("export", parents=parents, help="xuất nhật ký ra .csv hoặc .xlsx")
    export.add_argument("file", metavar="TỆP")
    _filter_options(export)
    export.set_defaults(handler=cmd_export)


def _filter_options(parser) -> None:
    parser.add_argument("--actor", default="", help="người thực hiện")
    parser.add_argument("--dossier", default="", help="mã hồ sơ (hoặc mã đối tượng)")
    parser.add_argument("--action", dest="event_action", default="", help="thao tác (receive, move, update…)")
    parser.add_argument("--entity", default="", help="loại đối tượng (dossier, settings, procedure…)")
    parser.add_argument("--from", dest="since", default="", metavar="NGÀY", help="từ ngày (dd/mm/yyyy)")
    parser.add_argument("--to", dest="until", default="", metavar="NGÀY", help="đến hết ngày (dd/mm/yyyy)")


def _filter(context: Context) -> EventFilter:
    args = context.args
    since = parse_day(args.since).isoformat() if args.since else ""
    until = parse_day(args.until).isoformat() if args.until else ""
    if since and until and since > until:
        raise UserError("Khoảng thời gian không hợp lệ: ngày bắt đầu sau ngày kết thúc.")
    return EventFilter(actor=args.actor.strip(), dossier=args.dossier.strip(), action=args.event_action.strip(),
                       entity=args.entity.strip(), since=since, until=until)


def _db(context: Context):
    """The database after SQLite's quick check: a damaged file gets one line, not a traceback."""
    check_data(context.data_dir)
    return context.db


def cmd_verify(context: Context) -> int:
    db = _db(context)
    report = verify(db, context.data_dir)
    lines = []
    for chain in report.devices:
        state = "hỏng" if chain.broken else "nguyên vẹn"
        lines.append(f"{'Máy này' if chain.local else 'Máy khác'} {chain.device_id}: {chain.events} sự kiện, "
                     f"chuỗi {state}")
    if report.ok:
        lines.append(f"Nhật ký nguyên vẹn: {report.events} sự kiện của {len(report.devices)} máy.")
    else:
        lines += [describe(chain.broken) for chain in report.devices if chain.broken]
        lines += report.problems
    context.emit(report.to_dict(), "\n".join(lines))
    return 0 if report.ok else 1


def cmd_list(context: Context) -> int:
    if context.args.limit < 1 or context.args.offset < 0:
        raise UserError("--limit phải lớn hơn 0 và --offset không âm.")
    events = list_events(_db(context), _filter(context), limit=context.args.limit, offset=context.args.offset)
    text = "\n".join(f"{format_moment(e['at'])}  {e['actor']}  {e['action']}  {e['entity']}  "
                     f"{e['dossier_code'] or e['entity_id']}" for e in events)
    context.emit(events, text or "Không có thao tác nào khớp.")
    return 0


def cmd_export(context: Context) -> int:
    path = Path(context.args.file)
    count = export_events(_db(context), path, _filter(context))
    context.emit({"file": path, "rows": count}, f"Đã xuất {count} dòng nhật ký ra {path}.")
    return 0

"""Commands of the dossier desk: receive, list, show, move, extend, attach, and print the forms."""

from __future__ import annotations

from pathlib import Path

from cli.context import MAX_OFFSET, Context, bounded_int, parse_day, parse_moment
from models.dossier import CHANNELS, RESULT_DELIVERY, STATES, iso, parse_paper, summary_line
from models.dossier_applicant import make_applicant, make_delegate
from models.dossier_fees import fee_text
from models.dossier_forms import BY_DATE, form_set, kinds_help
from models.dossier_timeline import TimelineEntry
from models.errors import UserError
from models.moments import moment_label
from services import dossiers, forms, reception
from services.dossiers import ATTACHMENT_KINDS, DossierRules


def register(subparsers, parents) -> None:
    dossier = subparsers.add_parser("dossier", parents=parents, help="hồ sơ: tiếp nhận, tra cứu, chuyển xử lý")
    sub = dossier.add_subparsers(dest="action", metavar="VIỆC")

    receive = sub.add_parser("receive", parents=parents, help="tiếp nhận hồ sơ, in mã và hạn trả")
    receive.add_argument("--procedure", required=True, metavar="MÃ_TTHC", help="mã thủ tục")
    receive.add_argument("--name", help="họ tên người nộp (hoặc người đại diện tổ chức)")
    receive.add_argument("--organisation", help="tên tổ chức nộp hồ sơ (nếu có)")
    receive.add_argument("--cccd", help="số căn cước 12 chữ số")
    receive.add_argument("--dob", help="ngày sinh dd/mm/yyyy")
    receive.add_argument("--sex", help="giới tính: Nam hoặc Nữ")
    receive.add_argument("--phone", help="số điện thoại")
    receive.add_argument("--address", help="địa chỉ")
    receive.add_argument("--email", help="thư điện tử")
    receive.add_argument("--channel", default="truc_tiep", choices=list(CHANNELS), help="kênh nộp")
    receive.add_argument("--received-at", metavar="THỜI_ĐIỂM", help="thời điểm tiếp nhận (nhập lại hồ sơ cũ)")
    receive.add_argument("--due-at", metavar="THỜI_ĐIỂM", help="hạn trả (bắt buộc khi thủ tục chưa rõ thời hạn)")
    receive.add_argument("--paper", action="append", default=[], metavar="TÊN|LOẠI|SỐ",
                         help="giấy tờ nhận: 'tên|ban_chinh|1' (lặp lại cho nhiều giấy tờ)")
    receive.add_argument("--sets", type=bounded_int(1, 1000), default=1, help="số bộ hồ sơ (mặc định 1)")
    receive.add_argument("--note", default="", help="ghi chú")
    receive.add_argument("--logbook", default="", help="quyển số/số thứ tự trong sổ theo dõi")
    receive.add_argument("--linked", default="", metavar="MÃ2,MÃ3", help="thủ tục liên thông đi kèm")
    receive.add_argument("--fee", metavar="SỐ_TIỀN", help="phí, lệ phí đã thu (đồng), khi thủ tục có thu")
    receive.add_argument("--fee-receipt", metavar="SỐ", help="số biên lai thu phí, lệ phí đã cấp")
    receive.add_argument("--result-delivery", default="", choices=["", *RESULT_DELIVERY],
                         help="cách nhận kết quả: tai_quay, buu_chinh, truc_tuyen")
    receive.add_argument("--needs-verification", action="store_true",
                         help="trường hợp cần xác minh: tính thời hạn dài hơn của thủ tục ngay từ đầu")
    for flag, text in (("name", "họ tên"), ("cccd", "số định danh"), ("address", "địa chỉ"),
                       ("phone", "số điện thoại"), ("email", "thư điện tử"), ("paper", "giấy tờ ủy quyền")):
        receive.add_argument(f"--delegate-{flag}", help=f"người được ủy quyền nộp hồ sơ: {text}")
    receive.set_defaults(handler=cmd_receive)

    preview = sub.add_parser("due", parents=parents, help="xem trước hạn trả của một thủ tục")
    preview.add_argument("--procedure", required=True, metavar="MÃ_TTHC")
    preview.add_argument("--received-at", metavar="THỜI_ĐIỂM")
    preview.set_defaults(handler=cmd_preview_due)

    listing = sub.add_parser("list", parents=parents, help="danh sách hồ sơ, mới nhất trước")
    listing.add_argument("--state", choices=list(STATES), help="trạng thái")
    listing.add_argument("--field", help="lĩnh vực")
    listing.add_argument("--channel", choices=list(CHANNELS), help="kênh nộp")
    listing.add_argument("--from", dest="received_from", metavar="NGÀY", help="nhận từ ngày")
    listing.add_argument("--to", dest="received_to", metavar="NGÀY", help="nhận đến ngày")
    listing.add_argument("--overdue", action="store_true", help="chỉ hồ sơ quá hạn")
    listing.add_argument("--due-today", action="store_true", help="chỉ hồ sơ đến hạn hôm nay")
    listing.add_argument("--due-this-week", action="store_true", help="chỉ hồ sơ đến hạn tuần này")
    listing.add_argument("--search", help="tìm theo mã, họ tên, số căn cước, số điện thoại")
    listing.add_argument("--limit", type=int, default=100, help="số dòng (mặc định 100)")
    listing.add_argument("--offset", type=bounded_int(0, MAX_OFFSET), default=0, help="bỏ qua N dòng đầu")
    listing.add_argument("--count", action="store_true", help="chỉ in số hồ sơ khớp")
    listing.add_argument("--unpaid", action="store_true", help="chỉ hồ sơ có phí, lệ phí chưa thu")
    listing.add_argument("--xlsx", metavar="TỆP.xlsx", help="ghi mọi hồ sơ khớp bộ lọc ra tệp Excel")
    listing.set_defaults(handler=cmd_list)

    show = sub.add_parser("show", parents=parents, help="xem một hồ sơ và lịch sử xử lý")
    show.add_argument("code", metavar="MÃ_HỒ_SƠ")
    show.set_defaults(handler=cmd_show)

    move = sub.add_parser("move", parents=parents, help="chuyển trạng thái hồ sơ")
    move.add_argument("code", metavar="MÃ_HỒ_SƠ")
    move.add_argument("--to", dest="to_state", required=True, choices=list(STATES), help="trạng thái mới")
    move.add_argument("--note", default="", help="ghi chú, lý do")
    move.add_argument("--at", metavar="THỜI_ĐIỂM", help="thời điểm chuyển (nhập lại), mặc định bây giờ")
    move.add_argument("--handover-to", metavar="NGƯỜI_NHẬN",
                      help="người nhận hồ sơ: tên đăng nhập, hoặc 'Cơ quan|Họ tên' (ví dụ 'Công an xã Hương Mai|Trần Văn Bảo')")
    move.add_argument("--item", action="append", default=[], metavar="NỘI_DUNG",
                      help="một nội dung cần bổ sung, hoàn thiện (Mẫu 02; lặp lại cho nhiều mục)")
    move.set_defaults(handler=cmd_move)

    fee = sub.add_parser("fee", parents=parents, help="ghi phí, lệ phí thu sau khi tiếp nhận")
    fee.add_argument("code", metavar="MÃ_HỒ_SƠ")
    fee.add_argument("--amount", required=True, metavar="SỐ_TIỀN", help="số tiền (đồng)")
    fee.add_argument("--receipt", required=True, metavar="SỐ", help="số biên lai")
    fee.set_defaults(handler=cmd_fee)

    undo = sub.add_parser("undo", parents=parents, help="hoàn tác bước chuyển trạng thái gần nhất (có lý do)")
    undo.add_argument("code", metavar="MÃ_HỒ_SƠ")
    undo.add_argument("--reason", required=True, help="lý do hoàn tác")
    undo.set_defaults(handler=cmd_undo)

    extend = sub.add_parser("extend", parents=parents, help="gia hạn (in Mẫu 04 xin lỗi, hẹn lại)")
    extend.add_argument("code", metavar="MÃ_HỒ_SƠ")
    amount = extend.add_mutually_exclusive_group(required=True)
    amount.add_argument("--hours", type=float, help="số giờ làm việc")
    amount.add_argument("--days", type=float, help="số ngày làm việc")
    extend.add_argument("--reason", required=True, help="lý do gia hạn")
    extend.add_argument("--at", metavar="THỜI_ĐIỂM")
    extend.set_defaults(handler=cmd_extend)

    attach = sub.add_parser("attach", parents=parents, help="đính kèm bản số hóa (PDF, JPEG, PNG)")
    attach.add_argument("code", metavar="MÃ_HỒ_SƠ")
    attach.add_argument("file", metavar="TỆP")
    attach.add_argument("--kind", default="ho_so", choices=list(ATTACHMENT_KINDS), help="giấy tờ hay kết quả")
    attach.set_defaults(handler=cmd_attach)

    rules = sub.add_parser("rules", parents=parents, help="xem, sửa quy tắc hồ sơ của đơn vị")
    rules.add_argument("--restart-full-time", choices=["on", "off"],
                       help="sau khi bổ sung: tính lại toàn bộ thời hạn (on) hay cộng thời gian chờ (off)")
    rules.add_argument("--form-set", help="bộ biểu mẫu: tt01_2018 hoặc tt03_2025")
    rules.add_argument("--result-place", help="nơi trả kết quả in trên giấy hẹn")
    rules.set_defaults(handler=cmd_rules)

    receipt = subparsers.add_parser("receipt", parents=parents, help="in giấy tiếp nhận và hẹn trả (Mẫu 01)")
    receipt.add_argument("code", metavar="MÃ_HỒ_SƠ")
    receipt.add_argument("--out", required=True, metavar="TỆP.pdf")
    receipt.set_defaults(handler=cmd_receipt)

    form = subparsers.add_parser("form", parents=parents, help="in một mẫu giấy tờ của hồ sơ (theo ngày của việc)")
    form.add_argument("kind", metavar="MẪU", help=f"số mẫu hoặc tên: {kinds_help(form_set(BY_DATE))}; với việc "
                                                   "trước 15/09/2025, số theo Thông tư 01/2018")
    form.add_argument("code", metavar="MÃ_HỒ_SƠ")
    form.add_argument("--out", required=True, metavar="TỆP.pdf")
    form.set_defaults(handler=cmd_form)


def _maybe_moment(text: str | None):
    return parse_moment(text) if text else None


def cmd_receive(context: Context) -> int:
    args = context.args
    applicant = make_applicant(name=args.name, organisation=args.organisation, cccd=args.cccd, dob=args.dob,
                               sex=args.sex, phone=args.phone, address=args.address, email=args.email)
    papers = [parse_paper(text) for text in args.paper]
    delegate = make_delegate(name=args.delegate_name, cccd=args.delegate_cccd, address=args.delegate_address,
                             phone=args.delegate_phone, email=args.delegate_email, paper=args.delegate_paper)
    done = reception.receive(
        context.db, procedure_code=args.procedure, applicant=applicant, channel=args.channel, papers=papers,
        sets=args.sets, note=args.note, received_at=_maybe_moment(args.received_at),
        due_at=reception.due_from_text(context.db, args.due_at), linked=[c for c in args.linked.split(",") if c.strip()],
        logbook=args.logbook, delegate=delegate, result_delivery=args.result_delivery,
        needs_verification=args.needs_verification, fee_amount=args.fee, fee_receipt=args.fee_receipt)
    context.emit(done.dossier.to_dict(), done.message)
    return 0


def cmd_preview_due(context: Context) -> int:
    received = _maybe_moment(context.args.received_at)
    due = reception.preview_due(context.db, context.args.procedure, received)
    text = f"Hạn trả: {due:%H:%M %d/%m/%Y}" if due else "Thủ tục chưa rõ thời hạn: cần nhập hạn trả."
    context.emit({"procedure_code": context.args.procedure, "due_at": iso(due)}, text)
    return 0


def cmd_list(context: Context) -> int:
    args = context.args
    filters = dict(state=args.state, field=args.field, channel=args.channel,
                   received_from=parse_day(args.received_from) if args.received_from else None,
                   received_to=parse_day(args.received_to) if args.received_to else None,
                   overdue=args.overdue, due_today=args.due_today, due_this_week=args.due_this_week,
                   search=args.search, unpaid=args.unpaid)
    if args.xlsx:
        out = Path(args.xlsx)
        if out.suffix.lower() != ".xlsx":
            raise UserError(f"Tệp Excel phải có đuôi .xlsx: '{out}'.")
        count = dossiers.export_list(context.db, out, filters)
        context.emit({"out": out, "rows": count}, f"Đã ghi {count} hồ sơ ra {out}.")
        return 0
    if args.count:
        total = dossiers.count_dossiers(context.db, **filters)
        context.emit({"count": total}, f"{total} hồ sơ")
        return 0
    found = dossiers.list_dossiers(context.db, **filters, limit=args.limit, offset=args.offset)
    context.emit([d.to_dict() for d in found], summary_line(found) or "Không có hồ sơ nào.")
    return 0


def _show_text(data: dict, entries: list[TimelineEntry]) -> str:
    lines = [f"{data['code']}  {data['state_label']}  hạn {moment_label(data.get('due_at')) or '(chưa có)'}",
             f"{data['name']}  {data['procedure_name']}",
             f"Phí, lệ phí: {fee_text(data.get('fee_amount'), data.get('fee_receipt'), bool(data.get('fee_required')))}"]
    lines += [f"  {e.when}  {e.who}  {e.what}" + (f" – {e.note}" if e.note else "") for e in entries]
    lines += [f"  Giao {_party(h['from'])} → nhận {_party(h['to'])} lúc {moment_label(h['at'])}"
              for h in data.get("handovers", [])]
    return "\n".join(lines)


def _party(party: dict) -> str:
    return ", ".join(part for part in (party.get("name"), party.get("agency")) if part) or "(chưa ghi)"


def cmd_show(context: Context) -> int:
    from services.dossier_codes import show_dossier

    shown = show_dossier(context.db, context.args.code)
    entries = dossiers.timeline(context.db, shown.dossier)
    data = {**shown.to_dict(), "timeline": [entry.to_dict() for entry in entries]}
    context.emit(data, "\n".join([*(f"Lưu ý: {n}" for n in data["notes"]), _show_text(data, entries)]))
    return 0


def cmd_move(context: Context) -> int:
    args = context.args
    done = dossiers.move(context.db, args.code, args.to_state, note=args.note, at=_maybe_moment(args.at),
                         handover_to=args.handover_to, items=args.item)
    context.emit(done.dossier.to_dict(), done.message)
    return 0


def cmd_fee(context: Context) -> int:
    done = dossiers.record_fee(context.db, context.args.code, amount=context.args.amount,
                               receipt=context.args.receipt)
    context.emit(done.dossier.to_dict(), done.message)
    return 0


def cmd_undo(context: Context) -> int:
    done = dossiers.undo_move(context.db, context.args.code, reason=context.args.reason)
    context.emit(done.dossier.to_dict(), done.message)
    return 0


def cmd_extend(context: Context) -> int:
    args = context.args
    done = dossiers.extend(context.db, args.code, hours=args.hours, days=args.days, reason=args.reason,
                           at=_maybe_moment(args.at))
    context.emit(done.dossier.to_dict(), done.message)
    return 0


def cmd_attach(context: Context) -> int:
    record = dossiers.attach(context.db, context.data_dir, context.args.code, context.args.file,
                             kind=context.args.kind).record
    context.emit(record, f"Đã đính kèm '{record['display_name']}' vào hồ sơ {record['code']}.")
    return 0


def cmd_rules(context: Context) -> int:
    args = context.args
    rules = dossiers.load_dossier_rules(context.db)
    if args.restart_full_time or args.form_set or args.result_place is not None:
        rules, _changes = dossiers.store_rules(context.db, DossierRules(
            restart_full_time_on_resume=(args.restart_full_time == "on") if args.restart_full_time
            else rules.restart_full_time_on_resume,
            form_set=args.form_set or rules.form_set,
            result_place=rules.result_place if args.result_place is None else args.result_place))
    data = rules.__dict__
    context.emit(data, "\n".join(f"{k}: {v}" for k, v in data.items()))
    return 0


def _print(context: Context, kind_text: str) -> int:
    out = Path(context.args.out)
    printed = forms.print_form_to_file(context.db, kind_text, context.args.code, out)
    label = f"Mẫu {printed.number}" if printed.number else printed.title.capitalize()
    context.emit({**printed.to_dict(), "out": out},
                 f"Đã in {label} ({printed.basis}) của hồ sơ {printed.code} ra {out}"
                 + (" (bản in lại)." if printed.reprint else "."))
    return 0


def cmd_receipt(context: Context) -> int:
    return _print(context, "tiep_nhan")


def cmd_form(context: Context) -> int:
    return _print(context, context.args.kind)

"""Commands of the sync group: enroll, run, status, export/import by USB file, conflicts, refused events."""

from __future__ import annotations

from cli.context import Context, bounded_int
from models.errors import UserError
from models.moments import moment_label
from services import sync


def register(subparsers, parents) -> None:
    sync = subparsers.add_parser("sync", parents=parents, help="đồng bộ với máy chủ hoặc qua USB")
    sub = sync.add_subparsers(dest="action", metavar="VIỆC")
    enroll = sub.add_parser("enroll", parents=parents, help="đăng ký máy này với máy chủ (một lần)")
    enroll.add_argument("--hub", required=True, metavar="URL", help="địa chỉ máy chủ, ví dụ http://192.168.1.10:8765")
    enroll.add_argument("--pin", default="", metavar="SHA256",
                        help="dấu vân tay SHA-256 chứng chỉ máy chủ tự ký (máy chủ in ra khi chạy với --tls-cert)")
    enroll.add_argument("--new-device", action="store_true",
                        help="thư mục dữ liệu này chép từ máy khác: đăng ký như một máy mới (mã máy mới)")
    enroll.set_defaults(handler=cmd_enroll)
    run = sub.add_parser("run", parents=parents, help="đồng bộ ngay: gửi rồi nhận (mã thoát 0 khi đã gửi hết)")
    run.add_argument("--attempts", type=bounded_int(1, 1000), default=5, help="số lần thử khi mất mạng (mặc định 5)")
    run.set_defaults(handler=cmd_run)
    status = sub.add_parser("status", parents=parents, help="số sự kiện chờ, lần đồng bộ cuối, lỗi cuối")
    status.set_defaults(handler=cmd_status)
    export = sub.add_parser("export", parents=parents, help="ghi các sự kiện chờ ra một tệp (USB)")
    export.add_argument("--out", required=True, metavar="TỆP")
    export.set_defaults(handler=cmd_export)
    import_ = sub.add_parser("import", parents=parents, help="nhập tệp đồng bộ của máy khác cùng đơn vị")
    import_.add_argument("file", metavar="TỆP")
    import_.set_defaults(handler=cmd_import)
    conflicts = sub.add_parser("conflicts", parents=parents, help="các xung đột đã gặp khi đồng bộ")
    conflicts.set_defaults(handler=cmd_conflicts)
    rejected = sub.add_parser("rejected", parents=parents, help="các sự kiện máy chủ từ chối")
    rejected.add_argument("--retry", action="store_true", help="cho gửi lại các sự kiện này ở lần đồng bộ sau")
    rejected.set_defaults(handler=cmd_rejected)


TOKEN_ENV = "MOTCUA_HUB_TOKEN"


def _token() -> str:
    """The enrollment token is a secret: from MOTCUA_HUB_TOKEN or a hidden prompt, never the command line."""
    import getpass
    import os
    import sys

    value = os.environ.get(TOKEN_ENV, "").strip()
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("Mã đăng ký máy (do 'hub enroll' in ra): ").strip()
    raise UserError(f"Cần mã đăng ký máy: hãy đặt biến môi trường {TOKEN_ENV}, hoặc chạy lệnh trong cửa sổ dòng "
                    "lệnh để nhập (không ghi mã trên dòng lệnh).")


def cmd_enroll(context: Context) -> int:
    result = sync.enroll(context.db, context.args.hub, _token(), pin=context.args.pin,
                         new_device=context.args.new_device)
    text = "\n".join([f"Đã đăng ký máy {result['device_id']} với máy chủ {result['hub']} "
                      f"(đơn vị {result['unit_code']}), số máy trạm {result['station']}.",
                      *([result["station_note"]] if result["station_note"] else []),
                      *(f"Cảnh báo: {w}" for w in result["warnings"])])
    context.emit(result, text)
    return 0


def cmd_run(context: Context) -> int:
    if context.args.attempts < 1:
        raise UserError("Số lần thử phải từ 1 trở lên.")
    report = sync.run_sync(context.db, context.data_dir, policy=sync.RetryPolicy(attempts=context.args.attempts))
    lines = [f"Đã gửi {report.pushed} sự kiện ({report.duplicates} đã có trên máy chủ), "
             f"nhận {report.pulled} sự kiện của máy khác.", f"Còn chờ đồng bộ: {report.pending}."]
    if report.recovery_note:
        lines.insert(0, report.recovery_note)
    if report.station_note:
        lines.insert(0, report.station_note)
    if report.rejected:
        lines.append(f"Máy chủ từ chối {report.rejected} sự kiện (xem: sync rejected).")
    if report.conflicts:
        lines.append(f"Có {report.conflicts} xung đột mới (xem: sync conflicts).")
    if report.clock_warning:
        lines.append(f"Cảnh báo: {report.clock_warning}")
    if report.error:
        lines.append(f"Lỗi: {report.error}")
    context.emit(report.to_dict(), "\n".join(lines))
    return 0 if report.all_acknowledged else 1


def cmd_status(context: Context) -> int:
    data = sync.sync_status(context.db)
    text = "\n".join([
        f"Máy: {data['device_id']}",
        f"Máy chủ: {data['hub'] or 'chưa đăng ký'}" + (f" (đơn vị {data['unit_code']})" if data["unit_code"] else ""),
        f"Chờ đồng bộ: {data['pending']}" + (f" (bị từ chối: {data['rejected']})" if data["rejected"] else ""),
        f"Lần đồng bộ thành công cuối: {moment_label(data['last_ok']) or 'chưa có'}",
        f"Lỗi cuối: {data['last_error'] or 'không có'}",
        f"Số máy trạm: {data['station']}" + ("" if not data["enrolled"] else " (máy chủ đã xác nhận)"
                                              if data["station_confirmed"] == data["station"] else
                                              " (chưa được máy chủ xác nhận)"),
        *([f"  {data['station_note']}"] if data["station_note"] else []),
        f"Xung đột: {data['conflicts']}",
        "Hồ sơ các máy khác chưa thấy" + (f" (theo máy chủ lúc {moment_label(data['unit_view_at'])}):"
                                         if data["unit_view_at"] else " (chưa đồng bộ lần nào):"),
        *(f"  {'Máy này' if r['me'] else 'Máy ' + r['device_id'][:8]}, số máy trạm {r['station'] or '–'}: "
          f"{r['unseen']}" + (f" ({r['unsent']} chưa gửi lên máy chủ)" if r["me"] and r["unsent"] else "")
          for r in data["unseen_by_pc"]),
        *([f"Khôi phục: {data['recovery_note']}"] if data["recovery_note"] else []),
        *([f"Cảnh báo: {data['clock_warning']}"] if data["clock_warning"] else []),
    ])
    context.emit(data, text)
    return 0


def cmd_export(context: Context) -> int:
    done = sync.export_usb(context.db, context.data_dir, context.args.out)
    context.emit(done.result, done.message)
    return 0


def cmd_import(context: Context) -> int:
    done = sync.import_usb(context.db, context.data_dir, context.args.file)
    context.emit(done.result, done.message)
    return 0


def cmd_conflicts(context: Context) -> int:
    rows = sync.list_conflicts(context.db)
    text = "\n".join(f"{moment_label(r['detected_at'])}  {r['code'] or r['entity_id']}  {r['message']}" for r in rows)
    context.emit(rows, text or "Chưa có xung đột nào.")
    return 0


def cmd_rejected(context: Context) -> int:
    if context.args.retry:
        count, _changes = sync.retry_rejected(context.db)
        context.emit({"released": count}, f"{count} sự kiện sẽ được gửi lại ở lần đồng bộ sau.")
        return 0
    rows = sync.rejected_events(context.db)
    text = "\n".join(f"{moment_label(r['rejected_at'])}  {r['entity']} {r['action']}  ({r['status']}) {r['reason']}"
                     for r in rows)
    context.emit(rows, text or "Không có sự kiện nào bị từ chối.")
    return 0

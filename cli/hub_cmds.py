"""Commands of the hub (the sync server of a unit or a province): serve, enroll devices and administrators,
import a USB file, status, publish the catalog, the province's figures, backup. Each runs an errand of
sync/hub/commands.py, which the hub's own entry point (`python -m sync.hub`) runs too."""

# The hub's modules are imported only when a hub command runs (the desktop bundle leaves them out).

from __future__ import annotations

import argparse
from pathlib import Path

from cli.context import Context, bounded_int
from models.errors import UserError


def register(subparsers, parents) -> None:
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument("--database-url", metavar="URL",
                       help="PostgreSQL, ví dụ postgresql://motcua@127.0.0.1:5432/motcua_hub (hoặc biến "
                            "MOTCUA_HUB_DATABASE_URL); không có: tệp SQLite trong --data-dir")
    common = [*parents, store]
    hub = subparsers.add_parser("hub", parents=parents, help="máy chủ đồng bộ của đơn vị hoặc của tỉnh (cần --data-dir)")
    sub = hub.add_subparsers(dest="action", metavar="VIỆC")
    serve = sub.add_parser("serve", parents=common, help="chạy máy chủ đồng bộ")
    serve.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    serve.add_argument("--port", type=bounded_int(1, 65535), default=8765, help="cổng (mặc định 8765)")
    serve.add_argument("--tls-cert", default=None, metavar="TỆP", help="chứng chỉ TLS (PEM): máy chủ chạy https")
    serve.add_argument("--tls-key", default=None, metavar="TỆP", help="khóa riêng của chứng chỉ TLS (PEM)")
    serve.add_argument("--workers", type=bounded_int(1, 64), default=1, help="số tiến trình (nhiều tiến trình: nên dùng PostgreSQL)")
    serve.set_defaults(handler=cmd_serve)
    enroll = sub.add_parser("enroll", parents=common, help="tạo mã đăng ký cho một máy của đơn vị")
    enroll.add_argument("--unit-code", required=True, help="mã đơn vị, ví dụ 000.17.22.H56")
    enroll.add_argument("--note", default="", help="ghi chú, ví dụ tên máy")
    enroll.set_defaults(handler=cmd_enroll)
    admin = sub.add_parser("enroll-admin", parents=common,
                           help="tạo mã quản trị tỉnh (công bố danh mục, xem số liệu; không gửi/nhận hồ sơ)")
    admin.add_argument("--note", default="", help="ghi chú, ví dụ tên người quản trị")
    admin.set_defaults(handler=cmd_enroll_admin)
    import_ = sub.add_parser("import", parents=common, help="nhập tệp đồng bộ (USB) của một máy")
    import_.add_argument("file", metavar="TỆP")
    import_.set_defaults(handler=cmd_import)
    stations = sub.add_parser("stations", parents=common, help="số máy trạm của từng máy trong đơn vị")
    stations.add_argument("--unit-code", required=True, help="mã đơn vị, ví dụ 000.17.22.H56")
    stations.add_argument("--release", type=int, metavar="N",
                          help="giải phóng số N (máy đã thôi dùng), để cấp cho máy khác")
    stations.set_defaults(handler=cmd_stations)
    status = sub.add_parser("status", parents=common, help="số sự kiện, các máy đã đăng ký")
    status.set_defaults(handler=cmd_status)
    catalog = sub.add_parser("catalog", parents=parents, help="danh mục thủ tục do tỉnh công bố")
    catalog_sub = catalog.add_subparsers(dest="catalog_action", metavar="VIỆC")
    publish = catalog_sub.add_parser("publish", parents=common, help="công bố danh mục (XLSX/CSV) cho các máy")
    publish.add_argument("file", metavar="TỆP")
    scope = publish.add_mutually_exclusive_group(required=True)
    scope.add_argument("--scope", choices=["province"], help="province: mọi đơn vị của máy chủ")
    scope.add_argument("--unit-code", metavar="MÃ", help="chỉ một đơn vị")
    publish.set_defaults(handler=cmd_catalog_publish)
    report = sub.add_parser("report", parents=common, help="số liệu của tỉnh và từng đơn vị trong kỳ")
    report.add_argument("--from", dest="date_from", required=True, help="ngày đầu kỳ (dd/mm/yyyy hoặc YYYY-MM-DD)")
    report.add_argument("--to", dest="date_to", required=True, help="ngày cuối kỳ")
    report.add_argument("--unit-code", metavar="MÃ", help="chỉ một đơn vị")
    report.set_defaults(handler=cmd_report)
    backup = sub.add_parser("backup", parents=common, help="sao lưu dữ liệu máy chủ khi đang chạy")
    backup.add_argument("--out", required=True, metavar="TỆP", help="tệp sao lưu (SQLite: .sqlite3; PostgreSQL: "
                                                                   "định dạng pg_dump -Fc)")
    backup.set_defaults(handler=cmd_backup)


def _hub_dir(context: Context) -> Path:
    given = getattr(context.args, "data_dir", None)
    if not given:
        raise UserError("Lệnh hub cần --data-dir THƯ_MỤC (thư mục dữ liệu của máy chủ).")
    folder = Path(given)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"Đường dẫn {folder} là một tệp, không phải thư mục dữ liệu của máy chủ.")
    return folder


def _hub_module(name: str):
    """A module of the hub, which the desktop bundle leaves out (pyinstaller.spec)."""
    import importlib

    try:
        return importlib.import_module(f"sync.hub.{name}")
    except ImportError as error:
        raise UserError(f"Bản cài này không có máy chủ đồng bộ (thiếu {error.name}): hãy chạy máy chủ từ mã "
                        "nguồn, sau khi cài: pip install -r requirements-hub.txt") from None


def _url(context: Context) -> str | None:
    return getattr(context.args, "database_url", None)


def _run(context: Context, name: str, *args: object) -> int:
    """One errand of sync/hub/commands.py, printed as the other commands print."""
    data, text = getattr(_hub_module("commands"), name)(_hub_dir(context), *args)
    context.emit(data, text)
    return 0


def cmd_serve(context: Context) -> int:
    args = context.args
    _hub_module("app")  # says plainly when this build has no web stack (Starlette, uvicorn)
    _hub_module("commands").serve(_hub_dir(context), args.host, args.port, _url(context), args.workers,
                                  tls_cert=args.tls_cert, tls_key=args.tls_key)
    return 0


def cmd_enroll(context: Context) -> int:
    return _run(context, "enroll", context.args.unit_code, context.args.note, _url(context))


def cmd_stations(context: Context) -> int:
    return _run(context, "stations", context.args.unit_code, context.args.release, _url(context))


def cmd_enroll_admin(context: Context) -> int:
    return _run(context, "enroll_admin", context.args.note, _url(context))


def cmd_import(context: Context) -> int:
    return _run(context, "import_usb", context.args.file, _url(context))


def cmd_status(context: Context) -> int:
    return _run(context, "status", _url(context))


def cmd_catalog_publish(context: Context) -> int:
    return _run(context, "publish_catalog", context.args.file, context.args.unit_code, _url(context))


def cmd_report(context: Context) -> int:
    from cli.context import parse_day

    return _run(context, "report", parse_day(context.args.date_from).isoformat(),
                parse_day(context.args.date_to).isoformat(), context.args.unit_code, _url(context))


def cmd_backup(context: Context) -> int:
    return _run(context, "backup", context.args.out, _url(context))

"""Commands of the hub (the unit's sync server): serve, enroll a device, import a USB file, status."""

# The hub's modules are imported only when a hub command runs (the desktop bundle leaves them out).

from __future__ import annotations

from pathlib import Path

from cli.context import Context
from models.errors import UserError


def register(subparsers, parents) -> None:
    hub = subparsers.add_parser("hub", parents=parents, help="máy chủ đồng bộ của đơn vị (cần --data-dir)")
    sub = hub.add_subparsers(dest="action", metavar="VIỆC")
    serve = sub.add_parser("serve", parents=parents, help="chạy máy chủ đồng bộ")
    serve.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="cổng (mặc định 8765)")
    serve.add_argument("--tls-cert", default=None, metavar="TỆP", help="chứng chỉ TLS (PEM): máy chủ chạy https")
    serve.add_argument("--tls-key", default=None, metavar="TỆP", help="khóa riêng của chứng chỉ TLS (PEM)")
    serve.set_defaults(handler=cmd_serve)
    enroll = sub.add_parser("enroll", parents=parents, help="tạo mã đăng ký cho một máy của đơn vị")
    enroll.add_argument("--unit-code", required=True, help="mã đơn vị, ví dụ 000.17.22.H56")
    enroll.add_argument("--note", default="", help="ghi chú, ví dụ tên máy")
    enroll.set_defaults(handler=cmd_enroll)
    import_ = sub.add_parser("import", parents=parents, help="nhập tệp đồng bộ (USB) của một máy")
    import_.add_argument("file", metavar="TỆP")
    import_.set_defaults(handler=cmd_import)
    status = sub.add_parser("status", parents=parents, help="số sự kiện, các máy đã đăng ký")
    status.set_defaults(handler=cmd_status)


def _hub_dir(context: Context) -> Path:
    given = getattr(context.args, "data_dir", None)
    if not given:
        raise UserError("Lệnh hub cần --data-dir THƯ_MỤC (thư mục dữ liệu của máy chủ).")
    return Path(given)


def _hub_module(name: str):
    """A module of the hub, which the desktop bundle leaves out (pyinstaller.spec)."""
    import importlib

    try:
        return importlib.import_module(f"sync.hub.{name}")
    except ImportError as error:
        raise UserError(f"Bản cài này không có máy chủ đồng bộ (thiếu {error.name}): hãy chạy máy chủ từ mã "
                        "nguồn, sau khi cài: pip install -r requirements-hub.txt") from None


def cmd_serve(context: Context) -> int:
    args = context.args
    _hub_module("app")  # says plainly when this build has no web stack (Starlette, uvicorn)
    _hub_module("commands").serve(_hub_dir(context), args.host, args.port, tls_cert=args.tls_cert,
                                  tls_key=args.tls_key)
    return 0


def cmd_enroll(context: Context) -> int:
    data, text = _hub_module("commands").enroll(_hub_dir(context), context.args.unit_code, context.args.note)
    context.emit(data, text)
    return 0


def cmd_import(context: Context) -> int:
    data, text = _hub_module("commands").import_usb(_hub_dir(context), context.args.file)
    context.emit(data, text)
    return 0


def cmd_status(context: Context) -> int:
    data, text = _hub_module("commands").status(_hub_dir(context))
    context.emit(data, text)
    return 0

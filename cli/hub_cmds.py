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


def _store(context: Context, *, create: bool = False):
    module = _hub_module("store")
    folder = _hub_dir(context)
    if not create and not (folder / module.HUB_DATABASE).is_file():
        raise UserError(f"Thư mục {folder} chưa có dữ liệu máy chủ đồng bộ (tạo bằng 'hub enroll').")
    return module.SqliteHubStore(folder)


def cmd_serve(context: Context) -> int:
    args = context.args
    if bool(args.tls_cert) != bool(args.tls_key):
        raise UserError("Cần cả --tls-cert và --tls-key để chạy https.")
    for name in (args.tls_cert, args.tls_key):
        if name and not Path(name).is_file():
            raise UserError(f"Không thấy tệp {name}.")
    _hub_module("app").serve(str(_hub_dir(context)), args.host, args.port, tls_cert=args.tls_cert,
                             tls_key=args.tls_key)
    return 0


def cmd_enroll(context: Context) -> int:
    from models.text import clean_text

    code = clean_text(context.args.unit_code)
    if not code:
        raise UserError("Mã đơn vị không được để trống.")
    store = _store(context, create=True)
    try:
        token = store.create_token(code, clean_text(context.args.note))
    finally:
        store.close()
    context.emit({"unit_code": code, "token": token}, token)
    return 0


def cmd_import(context: Context) -> int:
    store = _store(context)
    try:
        result = _hub_module("usb_import").import_to_hub(store, _hub_dir(context), context.args.file)
    finally:
        store.close()
    context.emit(result, f"Đã nhập {result['new']} sự kiện mới ({result['duplicates']} đã có) của máy "
                         f"{result['device_id'][:8]}, đơn vị {result['unit_code']}.")
    return 0


def cmd_status(context: Context) -> int:
    store = _store(context)
    try:
        data = store.stats()
    finally:
        store.close()
    lines = [f"Sự kiện: {data['events']}"] + [
        f"  {d['unit_code']}  máy {d['device_id'] or '(chưa gắn)'}  trạm {d['station'] or '-'}  "
        f"{d['events']} sự kiện" + (f", thiếu {d['gaps']}" if d["gaps"] else "") for d in data["devices"]]
    context.emit(data, "\n".join(lines))
    return 0

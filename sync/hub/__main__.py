"""The hub's own entry point: `python -m sync.hub serve --data-dir H --port P` (also enroll, import, status).

It does not import the desktop program (main.py, cli/, ui/): the hub is a separate server that shares only
the event's canonical form and wire format (models/canonical.py, sync/wire.py) with the desktop."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from models.errors import UserError
from sync.hub import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sync.hub", description="Máy chủ đồng bộ MotCua")
    sub = parser.add_subparsers(dest="action", metavar="VIỆC", required=True)
    for name, text in (("serve", "chạy máy chủ đồng bộ"), ("enroll", "tạo mã đăng ký cho một máy của đơn vị"),
                       ("import", "nhập tệp đồng bộ (USB) của một máy"), ("status", "số sự kiện, các máy")):
        action = sub.add_parser(name, help=text)
        action.add_argument("--data-dir", required=True, metavar="THƯ_MỤC", help="thư mục dữ liệu của máy chủ")
        action.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        if name == "serve":
            action.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
            action.add_argument("--port", type=int, default=8765, help="cổng (mặc định 8765)")
            action.add_argument("--tls-cert", default=None, metavar="TỆP", help="chứng chỉ TLS (PEM): chạy https")
            action.add_argument("--tls-key", default=None, metavar="TỆP", help="khóa riêng của chứng chỉ TLS (PEM)")
        elif name == "enroll":
            action.add_argument("--unit-code", required=True, help="mã đơn vị, ví dụ 000.17.22.H56")
            action.add_argument("--note", default="", help="ghi chú, ví dụ tên máy")
        elif name == "import":
            action.add_argument("file", metavar="TỆP")
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    folder = Path(args.data_dir)
    try:
        if args.action == "serve":
            commands.serve(folder, args.host, args.port, tls_cert=args.tls_cert, tls_key=args.tls_key)
            return 0
        if args.action == "enroll":
            data, text = commands.enroll(folder, args.unit_code, args.note)
        elif args.action == "import":
            data, text = commands.import_usb(folder, args.file)
        else:
            data, text = commands.status(folder)
    except UserError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

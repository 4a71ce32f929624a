"""The hub's own entry point: `python -m sync.hub serve --data-dir H --port P` (and every other hub command).

It does not import the desktop program (main.py, cli/, ui/): the hub is a separate server that shares only
the event's canonical form and wire format (models/canonical.py, sync/wire.py) with the desktop."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from models.errors import UserError
from sync.hub import commands

_URL_HELP = ("PostgreSQL, ví dụ postgresql://motcua@127.0.0.1:5432/motcua_hub (hoặc biến MOTCUA_HUB_DATABASE_URL); "
             "không có: tệp SQLite trong --data-dir")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", required=True, metavar="THƯ_MỤC", help="thư mục dữ liệu của máy chủ")
    common.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    common.add_argument("--database-url", metavar="URL", help=_URL_HELP)
    parser = argparse.ArgumentParser(prog="python -m sync.hub", description="Máy chủ đồng bộ MotCua")
    sub = parser.add_subparsers(dest="action", metavar="VIỆC", required=True)
    serve = sub.add_parser("serve", parents=[common], help="chạy máy chủ đồng bộ")
    serve.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="cổng (mặc định 8765)")
    serve.add_argument("--workers", type=int, default=1, help="số tiến trình (nhiều tiến trình: nên dùng PostgreSQL)")
    serve.add_argument("--tls-cert", default=None, metavar="TỆP", help="chứng chỉ TLS (PEM): chạy https")
    serve.add_argument("--tls-key", default=None, metavar="TỆP", help="khóa riêng của chứng chỉ TLS (PEM)")
    enroll = sub.add_parser("enroll", parents=[common], help="tạo mã đăng ký cho một máy của đơn vị")
    enroll.add_argument("--unit-code", required=True, help="mã đơn vị, ví dụ 000.17.22.H56")
    enroll.add_argument("--note", default="", help="ghi chú, ví dụ tên máy")
    admin = sub.add_parser("enroll-admin", parents=[common], help="tạo mã quản trị tỉnh")
    admin.add_argument("--note", default="", help="ghi chú, ví dụ tên người quản trị")
    import_ = sub.add_parser("import", parents=[common], help="nhập tệp đồng bộ (USB) của một máy")
    import_.add_argument("file", metavar="TỆP")
    sub.add_parser("status", parents=[common], help="số sự kiện, các máy")
    catalog = sub.add_parser("catalog", help="danh mục thủ tục do tỉnh công bố")
    catalog_sub = catalog.add_subparsers(dest="catalog_action", metavar="VIỆC", required=True)
    publish = catalog_sub.add_parser("publish", parents=[common], help="công bố danh mục (XLSX/CSV) cho các máy")
    publish.add_argument("file", metavar="TỆP")
    scope = publish.add_mutually_exclusive_group(required=True)
    scope.add_argument("--scope", choices=["province"], help="province: mọi đơn vị của máy chủ")
    scope.add_argument("--unit-code", metavar="MÃ", help="chỉ một đơn vị")
    report = sub.add_parser("report", parents=[common], help="số liệu của tỉnh và từng đơn vị trong kỳ")
    report.add_argument("--from", dest="date_from", required=True, help="ngày đầu kỳ (YYYY-MM-DD hoặc dd/mm/yyyy)")
    report.add_argument("--to", dest="date_to", required=True, help="ngày cuối kỳ")
    report.add_argument("--unit-code", metavar="MÃ", help="chỉ một đơn vị")
    backup = sub.add_parser("backup", parents=[common], help="sao lưu dữ liệu máy chủ khi đang chạy")
    backup.add_argument("--out", required=True, metavar="TỆP", help="tệp sao lưu")
    return parser


def _day(text: str) -> str:
    """dd/mm/yyyy or YYYY-MM-DD -> YYYY-MM-DD."""
    from datetime import datetime

    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    raise UserError(f"Ngày không hợp lệ: '{text}' (cần dd/mm/yyyy hoặc YYYY-MM-DD).")


def run(args: argparse.Namespace) -> tuple[dict, str] | None:
    folder, url = Path(args.data_dir), args.database_url
    if args.action == "serve":
        commands.serve(folder, args.host, args.port, url, args.workers, tls_cert=args.tls_cert, tls_key=args.tls_key)
        return None
    if args.action == "enroll":
        return commands.enroll(folder, args.unit_code, args.note, url)
    if args.action == "enroll-admin":
        return commands.enroll_admin(folder, args.note, url)
    if args.action == "import":
        return commands.import_usb(folder, args.file, url)
    if args.action == "catalog":
        return commands.publish_catalog(folder, args.file, args.unit_code, url)
    if args.action == "report":
        return commands.report(folder, _day(args.date_from), _day(args.date_to), args.unit_code, url)
    if args.action == "backup":
        return commands.backup(folder, args.out, url)
    return commands.status(folder, url)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        outcome = run(args)
    except UserError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    if outcome is not None:
        data, text = outcome
        print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The `sheet` command: print the posting sheets (QR list or QR cards) of the catalog to a PDF."""

from __future__ import annotations

from pathlib import Path

from cli.context import Context
from services.catalog import list_procedures
from services.settings import load_settings


def register(subparsers, parents) -> None:
    sheet = subparsers.add_parser("sheet", parents=parents,
                                  help="in danh mục niêm yết có mã QR ra PDF (danh sách hoặc thẻ)")
    sheet.add_argument("--layout", choices=["list", "cards"], default="list",
                       help="list: danh sách A4; cards: 6 thẻ QR/trang cho nhà văn hóa thôn")
    sheet.add_argument("--out", required=True, metavar="TỆP.pdf", help="tệp PDF sẽ ghi")
    sheet.add_argument("--field", action="append", default=[], metavar="LĨNH_VỰC",
                       help="chỉ in lĩnh vực này (lặp lại để chọn nhiều)")
    which = sheet.add_mutually_exclusive_group()
    which.add_argument("--essential", action="store_true", help="chỉ dịch vụ thiết yếu")
    which.add_argument("--all", action="store_true",
                       help="in cả thủ tục không thiết yếu (thẻ mặc định chỉ in thủ tục thiết yếu)")
    sheet.add_argument("--codes", default="", metavar="MÃ1,MÃ2", help="chỉ các mã thủ tục này, theo thứ tự")
    sheet.set_defaults(handler=cmd_sheet)


def cmd_sheet(context: Context) -> int:
    from printing.sheets import render_sheet  # reportlab loads only for this command

    args = context.args
    codes = [code.strip() for code in args.codes.split(",") if code.strip()] or None
    essential_only = True if args.essential else (False if args.all else None)
    out = Path(args.out)
    pages = render_sheet(args.layout, list_procedures(context.db), load_settings(context.db), out,
                         fields=args.field or None, codes=codes, essential_only=essential_only)
    context.emit({"out": str(out), "pages": pages, "layout": args.layout},
                 f"Đã ghi {out} ({pages} trang).")
    return 0

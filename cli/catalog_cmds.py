"""Commands of the procedure catalog: import with a row report, list, export, retire, mark, add."""

from __future__ import annotations

import argparse

from cli.context import Context
from models.catalog import DEADLINE_UNITS, Procedure
from models.catalog_import import parse_online_level
from models.catalog_plan import UNCHANGED, ImportPlan
from models.deadline_text import format_deadline
from models.errors import UserError
from services.catalog import (
    apply_import,
    export_catalog_file,
    field_counts,
    get_procedure,
    list_procedures,
    plan_import,
    reactivate_procedure,
    require_procedure,
    retire_procedure,
    save_procedure,
    set_deadline,
    set_essential,
    set_paper_result,
)
from services.settings import load_settings


def _number(text: str) -> float:
    """A number as a clerk types it: '5', '1,5' or '1.5'."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải là số") from None


def register(subparsers, parents) -> None:
    catalog = subparsers.add_parser("catalog", parents=parents, help="danh mục thủ tục hành chính")
    sub = catalog.add_subparsers(dest="action", metavar="VIỆC")

    imp = sub.add_parser("import", parents=parents, help="nhập danh mục từ tệp CSV hoặc XLSX")
    imp.add_argument("file", metavar="TỆP", help="tệp .csv hoặc .xlsx")
    imp.add_argument("--replace", action="store_true",
                     help="thay cả danh mục: thủ tục đang áp dụng không có trong tệp sẽ ngừng áp dụng")
    imp.add_argument("--skip-bad", action="store_true", help="bỏ qua các dòng lỗi, vẫn nhập các dòng đúng")
    imp.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    imp.set_defaults(handler=cmd_import)

    listing = sub.add_parser("list", parents=parents, help="liệt kê thủ tục")
    listing.add_argument("--all", action="store_true", help="gồm cả thủ tục đã ngừng áp dụng")
    listing.add_argument("--search", metavar="CHỮ", help="tìm theo mã hoặc tên, không cần gõ dấu")
    listing.add_argument("--field", action="append", metavar="LĨNH_VỰC", help="chỉ lĩnh vực này (lặp được)")
    listing.add_argument("--essential", action="store_true", help="chỉ thủ tục thiết yếu")
    listing.add_argument("--no-link", action="store_true", help="chỉ thủ tục chưa có đường dẫn riêng")
    listing.set_defaults(handler=cmd_list)

    export = sub.add_parser("export", parents=parents, help="xuất danh mục đang áp dụng ra .xlsx hoặc .csv")
    export.add_argument("file", metavar="TỆP")
    export.set_defaults(handler=cmd_export)

    for name, handler, text in (("retire", cmd_retire, "ngừng áp dụng một thủ tục (không xóa)"),
                                ("activate", cmd_activate, "áp dụng lại một thủ tục đã ngừng")):
        command = sub.add_parser(name, parents=parents, help=text)
        command.add_argument("code", metavar="MÃ")
        command.set_defaults(handler=handler)

    essential = sub.add_parser("essential", parents=parents, help="đánh dấu thủ tục thiết yếu")
    essential.add_argument("code", metavar="MÃ")
    switch = essential.add_mutually_exclusive_group(required=True)
    switch.add_argument("--on", dest="essential", action="store_true", default=None, help="là thiết yếu")
    switch.add_argument("--off", dest="essential", action="store_false", help="không thiết yếu")
    essential.set_defaults(handler=cmd_essential)

    paper = sub.add_parser("paper-result", parents=parents,
                           help="kết quả của thủ tục là giấy tờ hay không (dùng cho chỉ số 766)")
    paper.add_argument("code", metavar="MÃ")
    switch = paper.add_mutually_exclusive_group(required=True)
    switch.add_argument("--on", dest="paper", action="store_true", default=None, help="kết quả là giấy tờ (mặc định)")
    switch.add_argument("--off", dest="paper", action="store_false", help="kết quả không phải giấy tờ")
    paper.set_defaults(handler=cmd_paper_result)

    deadline = sub.add_parser("set-deadline", parents=parents, help="đặt thời hạn giải quyết (số và đơn vị)")
    deadline.add_argument("code", metavar="MÃ")
    deadline.add_argument("--value", type=_number, metavar="SỐ", help="số ngày/giờ (không cần với same_day)")
    deadline.add_argument("--unit", choices=list(DEADLINE_UNITS), help="đơn vị thời hạn")
    deadline.add_argument("--clear", action="store_true", help="bỏ giá trị đã đặt, tính lại từ chữ")
    deadline.set_defaults(handler=cmd_set_deadline)

    add = sub.add_parser("add", parents=parents, help="thêm một thủ tục")
    add.add_argument("--code", required=True, metavar="MÃ")
    add.add_argument("--name", required=True, metavar="TÊN")
    add.add_argument("--field", required=True, metavar="LĨNH_VỰC")
    add.add_argument("--deadline-text", default="", metavar="CHỮ", help="ví dụ: 05 ngày làm việc")
    add.add_argument("--fees", default="", metavar="CHỮ")
    add.add_argument("--level", default="", metavar="MỨC", help="toan_trinh, mot_phan hoặc để trống")
    add.add_argument("--essential", action="store_true", help="là thủ tục thiết yếu")
    add.add_argument("--url", default="", metavar="ĐƯỜNG_DẪN", help="đường dẫn riêng (http/https)")
    add.set_defaults(handler=cmd_add)

    fields = sub.add_parser("fields", parents=parents, help="số thủ tục theo lĩnh vực")
    fields.set_defaults(handler=cmd_fields)


def _report_text(plan: ImportPlan, applied: bool, dry_run: bool) -> str:
    """Every row that matters (unchanged ones only counted), then the totals and what happened."""
    lines = [f"Nhập danh mục từ {plan.source}" + (" (thay cả danh mục)" if plan.replace else "")]
    lines += [row.describe() for row in plan.rows if row.status != UNCHANGED]
    lines.append("Tổng: " + plan.summary() + ".")
    if dry_run:
        lines.append("Chạy thử: chưa ghi gì.")
    elif applied:
        lines.append("Đã ghi vào danh mục." if plan.changed else "Danh mục không có gì thay đổi.")
    return "\n".join(lines)


def cmd_import(context: Context) -> int:
    args = context.args
    plan = plan_import(context.db, args.file, replace=args.replace)
    blocked = bool(plan.rejected) and not args.skip_bad
    applied = not blocked and not args.dry_run
    if applied:
        apply_import(context.db, plan, skip_bad=args.skip_bad)
    data = {"source": plan.source, "replace": plan.replace, "dry_run": args.dry_run, "applied": applied,
            "counts": plan.counts, "rows": [row.to_dict() for row in plan.rows]}
    context.emit(data, _report_text(plan, applied, args.dry_run))
    if blocked:
        raise UserError(f"Có {len(plan.rejected)} dòng bị từ chối: chưa ghi gì. "
                        "Hãy sửa tệp rồi nhập lại, hoặc thêm --skip-bad để bỏ qua các dòng lỗi.")
    return 0


def _record(procedure: Procedure, settings) -> dict:
    return {
        "code": procedure.code, "name": procedure.name, "field": procedure.field,
        "qr_url": procedure.qr_url(settings), "essential": procedure.essential,
        "level": procedure.online_level, "deadline_text": procedure.deadline_text,
        "deadline_value": procedure.deadline_value, "deadline_unit": procedure.deadline_unit,
        "active": procedure.active,
    }


def _line(procedure: Procedure) -> str:
    marks = ("*" if procedure.essential else "") + ("" if procedure.active else " [ngừng]")
    deadline = format_deadline(procedure.deadline_value, procedure.deadline_unit) or "chưa rõ thời hạn"
    return f"{procedure.code}{marks}  {procedure.name}  [{procedure.field or 'chưa có lĩnh vực'}]  ({deadline})"


def cmd_list(context: Context) -> int:
    args = context.args
    procedures = list_procedures(context.db, active_only=not args.all, search=args.search,
                                 fields=args.field, essential_only=args.essential)
    if args.no_link:
        procedures = [p for p in procedures if not p.own_url]
    settings = load_settings(context.db)
    text = "\n".join(_line(p) for p in procedures) + f"\nCó {len(procedures)} thủ tục (* = thiết yếu)."
    context.emit([_record(p, settings) for p in procedures], text if procedures else "Không có thủ tục nào.")
    return 0


def cmd_export(context: Context) -> int:
    done = export_catalog_file(context.db, context.args.file)
    context.emit({"file": str(done.file), "count": done.count}, done.message)
    return 0


def _done(context: Context, code: str, changed: bool, done: str, already: str) -> int:
    procedure = require_procedure(context.db, code)
    message = done if changed else already
    context.emit({"code": procedure.code, "changed": changed, "active": procedure.active,
                  "essential": procedure.essential, "paper_result": procedure.paper_result},
                 f"{procedure.code} – {procedure.name}: {message}.")
    return 0


def cmd_retire(context: Context) -> int:
    changed = retire_procedure(context.db, context.args.code)
    return _done(context, context.args.code, changed, "đã ngừng áp dụng", "đã ngừng áp dụng từ trước")


def cmd_activate(context: Context) -> int:
    changed = reactivate_procedure(context.db, context.args.code)
    return _done(context, context.args.code, changed, "đã áp dụng lại", "đang áp dụng")


def cmd_essential(context: Context) -> int:
    on = context.args.essential
    changed = set_essential(context.db, context.args.code, on)
    state = "là thủ tục thiết yếu" if on else "không là thủ tục thiết yếu"
    return _done(context, context.args.code, changed, f"đã đánh dấu {state}", f"vốn {state}")


def cmd_paper_result(context: Context) -> int:
    on = context.args.paper
    changed = set_paper_result(context.db, context.args.code, on)
    state = "có kết quả là giấy tờ" if on else "có kết quả không phải giấy tờ"
    return _done(context, context.args.code, changed, f"đã ghi {state}", f"vốn {state}")


def cmd_set_deadline(context: Context) -> int:
    args = context.args
    if args.clear == (args.unit is not None):
        raise UserError("Cần --unit (và --value) để đặt thời hạn, hoặc --clear để tính lại từ chữ.")
    procedure = set_deadline(context.db, args.code, args.value, None if args.clear else args.unit)
    shown = format_deadline(procedure.deadline_value, procedure.deadline_unit) or "chưa rõ"
    context.emit({"code": procedure.code, "deadline_value": procedure.deadline_value,
                  "deadline_unit": procedure.deadline_unit, "deadline_set_by_clerk": procedure.deadline_set_by_clerk},
                 f"{procedure.code}: thời hạn {shown}.")
    return 0


def cmd_add(context: Context) -> int:
    args = context.args
    if get_procedure(context.db, args.code) is not None:
        raise UserError(f"Mã '{args.code.strip()}' đã có trong danh mục.")
    level = parse_online_level(args.level)
    if level is None:
        raise UserError(f"Mức độ DVC không nhận ra: '{args.level}' (dùng toan_trinh, mot_phan hoặc để trống).")
    procedure = save_procedure(context.db, Procedure(
        code=args.code, name=args.name, field=args.field, deadline_text=args.deadline_text, fees=args.fees,
        online_level=level, essential=args.essential, own_url=args.url,
    ))
    context.emit(_record(procedure, load_settings(context.db)), f"Đã thêm {procedure.code} – {procedure.name}.")
    return 0


def cmd_fields(context: Context) -> int:
    counts = field_counts(context.db)
    text = "\n".join(f"{name or '(chưa có lĩnh vực)'}: {n}" for name, n in counts.items())
    context.emit([{"field": name, "count": n} for name, n in counts.items()], text or "Danh mục trống.")
    return 0

"""Commands of the foundation: version, init, settings and the unit's calendar."""

from __future__ import annotations

from cli import calendar_cmds
from cli.context import Context, parse_day, parse_moment
from models.app_info import VERSION
from models.deadline_text import check_deadline
from models.errors import UserError
from services.calendar import add_day, load_calendar, remove_day
from services.folder import finish_first_run
from services.settings import change_settings, load_settings, set_station, station_number

_SETTING_OPTIONS = {
    "unit_name": ("--unit-name", "tên đơn vị (ví dụ: UBND xã Hương Mai)"),
    "unit_code": ("--unit-code", "mã định danh đơn vị (ví dụ: 000.17.22.H56)"),
    "province": ("--province", "tỉnh/thành phố"),
    "district": ("--district", "huyện (tùy chọn: cấp huyện đã bỏ từ 01/7/2025)"),
    "qr_template": ("--qr-template", "mẫu đường dẫn QR, có {code} là chỗ điền mã thủ tục"),
    "dossier_prefix": ("--dossier-prefix", "tiền tố mã hồ sơ (mặc định: mã đơn vị)"),
    "place_name": ("--place-name", "địa danh ghi trên giấy tờ, không kèm 'xã' (mặc định: lấy từ tên đơn vị)"),
    "one_stop_body": ("--one-stop-body", "tên bộ phận một cửa (mặc định: Trung tâm Phục vụ hành chính công + xã)"),
    "head_title": ("--head-title", "chức vụ người đứng đầu ký văn bản (mặc định: Giám đốc)"),
    "head_name": ("--head-name", "họ tên người đứng đầu"),
    "office_phone": ("--office-phone", "số điện thoại của bộ phận một cửa (in trên Mẫu 02)"),
    "complaints_address": ("--complaints-address", "địa chỉ tiếp nhận phản ánh, kiến nghị (in trên bảng niêm yết)"),
    "complaints_phone": ("--complaints-phone", "số điện thoại tiếp nhận phản ánh, kiến nghị"),
    "publish_decision_number": ("--publish-decision-number", "số quyết định công bố danh mục thủ tục"),
    "publish_decision_date": ("--publish-decision-date", "ngày quyết định công bố (dd/mm/yyyy)"),
    "due_soon_working_days": ("--due-soon-days", "báo \"sắp đến hạn\" trước bao nhiêu ngày làm việc (mặc định 2)"),
    "on_time_alert_percent": ("--on-time-alert", "cảnh báo khi tỷ lệ đúng hạn dưới N % (mặc định 90)"),
}


def register(subparsers, parents) -> None:
    version = subparsers.add_parser("version", parents=parents, help="in phiên bản")
    version.set_defaults(handler=cmd_version)

    init = subparsers.add_parser("init", parents=parents, help="tạo thư mục dữ liệu, không hỏi gì")
    _add_setting_options(init, required={"unit_name", "unit_code"})
    init.add_argument("--station", type=int, help="số máy trạm 1-9 của máy này (mặc định 1)")
    init.set_defaults(handler=cmd_init)

    settings = subparsers.add_parser("settings", parents=parents, help="xem, sửa cài đặt đơn vị")
    settings_sub = settings.add_subparsers(dest="action", metavar="VIỆC")
    show = settings_sub.add_parser("show", parents=parents, help="xem cài đặt")
    show.set_defaults(handler=cmd_settings_show)
    set_ = settings_sub.add_parser("set", parents=parents, help="sửa cài đặt")
    _add_setting_options(set_, required=set())
    set_.add_argument("--station", type=int, help="số máy trạm 1-9 của máy này")
    set_.set_defaults(handler=cmd_settings_set)

    calendar = subparsers.add_parser("calendar", parents=parents, help="lịch làm việc của đơn vị")
    calendar_sub = calendar.add_subparsers(dest="action", metavar="VIỆC")
    for name, kind, text in (("add-off", "off", "thêm ngày nghỉ của đơn vị"),
                             ("add-work", "work", "thêm ngày làm việc bù (ví dụ thứ Bảy)")):
        sub = calendar_sub.add_parser(name, parents=parents, help=text)
        sub.add_argument("day", metavar="NGÀY", help="dd/mm/yyyy hoặc YYYY-MM-DD")
        sub.add_argument("--note", default="", help="ghi chú")
        sub.set_defaults(handler=cmd_calendar_set, kind=kind)
    remove = calendar_sub.add_parser("remove", parents=parents, help="bỏ một ngày đã thêm")
    remove.add_argument("day", metavar="NGÀY")
    remove.set_defaults(handler=cmd_calendar_remove)
    calendar_cmds.register(calendar_sub, parents)  # list, confirm, reject, recheck (issue #13)
    due = calendar_sub.add_parser("due", parents=parents, help="tính hạn trả từ một thời điểm")
    due.add_argument("--from", dest="start", required=True, metavar="THỜI_ĐIỂM")
    group = due.add_mutually_exclusive_group(required=True)
    group.add_argument("--days", type=float, help="số ngày làm việc")
    group.add_argument("--hours", type=float, help="số giờ làm việc")
    group.add_argument("--same-day", action="store_true", help="trả trong ngày")
    due.set_defaults(handler=cmd_calendar_due)


def _add_setting_options(parser, required: set[str]) -> None:
    for key, (flag, text) in _SETTING_OPTIONS.items():
        parser.add_argument(flag, dest=key, required=key in required, help=text)


def _setting_changes(context: Context) -> dict:
    return {key: getattr(context.args, key, None) for key in _SETTING_OPTIONS}


def cmd_version(context: Context) -> int:
    context.emit({"version": VERSION}, f"MotCua {VERSION}")
    return 0


def _settings_output(context: Context) -> dict:
    return {**load_settings(context.db).to_dict(), "station_number": station_number(context.db),
            "data_dir": str(context.data_dir)}


def cmd_init(context: Context) -> int:
    from cli.account_cmds import make_first_admin, sign_in_command
    from models.session import sign_in

    admin = make_first_admin(context)  # MOTCUA_ADMIN_USER (default admin), password from the environment or asked
    if admin is not None:
        sign_in(admin)
    else:  # accounts exist already: only someone allowed to change the settings may init again
        sign_in_command(context)
    settings = change_settings(context.db, _setting_changes(context))[0]
    if context.args.station is not None:
        set_station(context.db, context.args.station)
    finish_first_run(context.db)
    context.emit(_settings_output(context), f"Đã tạo dữ liệu cho {settings.unit_name} tại {context.data_dir}")
    return 0


def cmd_settings_show(context: Context) -> int:
    data = _settings_output(context)
    context.emit(data, "\n".join(f"{key}: {value}" for key, value in data.items()))
    return 0


def cmd_settings_set(context: Context) -> int:
    changes = _setting_changes(context)
    if not any(value is not None for value in changes.values()) and context.args.station is None:
        raise UserError("Chưa có gì để sửa: hãy cho ít nhất một tùy chọn, ví dụ --unit-name.")
    warning = None
    if context.args.station is not None:
        from services.sync import choose_station

        warning = choose_station(context.db, context.args.station)[0].warning
    change_settings(context.db, changes)
    data = _settings_output(context)
    text = "\n".join(f"{key}: {value}" for key, value in data.items())
    context.emit({**data, "warning": warning}, f"{text}\nCảnh báo: {warning}" if warning else text)
    return 0


def cmd_calendar_set(context: Context) -> int:
    day = parse_day(context.args.day)
    add_day(context.db, day, context.args.kind, context.args.note)
    context.emit({"day": day, "kind": context.args.kind}, f"Đã lưu ngày {day:%d/%m/%Y}.")
    return 0


def cmd_calendar_remove(context: Context) -> int:
    day = parse_day(context.args.day)
    if not remove_day(context.db, day)[0]:
        raise UserError(f"Ngày {day:%d/%m/%Y} không có trong danh sách ngày của đơn vị.")
    context.emit({"day": day, "removed": True}, f"Đã bỏ ngày {day:%d/%m/%Y}.")
    return 0


def cmd_calendar_due(context: Context) -> int:
    calendar = load_calendar(context.db)
    start = parse_moment(context.args.start)
    if context.args.same_day:
        value, unit = None, "same_day"
    elif context.args.hours is not None:
        value, unit = context.args.hours, "working_hours"
    else:
        value, unit = context.args.days, "working_days"
    checked, checked_unit = check_deadline(value, unit)  # the catalog's bounds: > 0, finite, at most 3650
    due = calendar.due_at(start, checked, checked_unit or unit)
    context.emit({"from": start, "due_at": due}, f"Hạn trả: {due:%H:%M %d/%m/%Y}")
    return 0

"""Building the argument parser (Vietnamese help and errors) and dispatching to command modules."""

from __future__ import annotations

import argparse
import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from cli import (
    account_cmds,
    audit_cmds,
    backup_cmds,
    catalog_cmds,
    dossier_cmds,
    foundation_cmds,
    hub_cmds,
    log_cmds,
    report_cmds,
    sheet_cmds,
    sync_cmds,
)
from cli.context import Context, fail
from models.errors import UserError
from models.session import sign_out
from services.logs import fault_line, log_fault, start_logging

# Each module has register(subparsers); its commands set `handler` (Context -> int exit code).
COMMAND_MODULES = [foundation_cmds, catalog_cmds, sheet_cmds, dossier_cmds, sync_cmds, hub_cmds, report_cmds,
                   backup_cmds, audit_cmds, account_cmds, log_cmds]

_ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (.*)", "thiếu tham số bắt buộc: {0}"),
    (r"unrecognized arguments: (.*)", "tham số không nhận ra: {0}"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", "tham số {0}: giá trị {1} không hợp lệ (chọn một trong {2})"),
    (r"argument (\S+): expected one argument", "tham số {0} cần một giá trị"),
    (r"argument (\S+): invalid (\w+) value: (.*)", "tham số {0}: giá trị {2} không hợp lệ"),
    (r"argument (\S+): (.*)", "tham số {0}: {1}"),
]


def _translate(message: str) -> str:
    for pattern, template in _ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message)
        if match:
            return template.format(*match.groups())
    return message


class VietnameseParser(argparse.ArgumentParser):
    """argparse that answers bad input with one Vietnamese line and exit code 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str):  # noqa: D401 - argparse's hook
        self.exit(2, f"Lỗi: {_translate(message)}. Xem: python main.py --help\n")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "Cách dùng:")

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "Cách dùng:")
        return text.replace("options:", "Tùy chọn:").replace("positional arguments:", "Tham số:")


def _add_global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """--data-dir and --json work before or after the command name."""
    default = None if defaults else argparse.SUPPRESS
    parser.add_argument("--data-dir", metavar="THƯ_MỤC", default=default,
                        help="thư mục dữ liệu (mặc định: thư mục dữ liệu ứng dụng của người dùng)")
    parser.add_argument("--json", action="store_true", default=False if defaults else argparse.SUPPRESS,
                        help="in kết quả dạng JSON (cho script)")


def build_parser() -> VietnameseParser:
    parser = VietnameseParser(
        prog="python main.py",
        description="MotCua: phần mềm bộ phận một cửa cấp xã, chạy ngoại tuyến. "
                    "Không có lệnh: mở giao diện.",
    )
    _add_global_options(parser, defaults=True)
    subparsers = parser.add_subparsers(dest="command", metavar="LỆNH", title="Các lệnh",
                                       parser_class=VietnameseParser)
    # A parent parser must not carry its own -h (it would clash with each command's), so use a bare one.
    common = argparse.ArgumentParser(add_help=False)
    _add_global_options(common, defaults=False)
    for module in COMMAND_MODULES:
        module.register(subparsers, [common])
    return parser


def _unexpected(context: Context) -> int:
    try:
        start_logging(context.data_dir)
    except Exception:  # noqa: BLE001 - no data folder to log to: the line still says what happened
        pass
    log_fault(f"Lỗi không mong đợi khi chạy lệnh '{getattr(context.args, 'command', '?')}'")
    return fail(fault_line())


def run_command(argv: Sequence[str], default_data_dir: Callable[[], Path]) -> int | None:
    """Run a command line; None when no command was given (the caller opens the GUI)."""
    for position, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 reach Python as lone surrogates
            return fail(f"Tham số thứ {position} không phải văn bản UTF-8 hợp lệ (có byte lạ). Hãy gõ lại.")
    parser = build_parser()
    args = parser.parse_args(list(argv))
    if not args.command:
        return None
    handler = getattr(args, "handler", None)
    if handler is None:  # a command group given without its sub-command
        parser.parse_args([args.command, "--help"])
        return 2
    context = Context(args=args, data_dir_factory=default_data_dir, as_json=bool(args.json))
    try:
        if getattr(args, "check_database_first", False):  # opening the file (sign-in) may write: check first
            from services.backup import check_data

            check_data(context.data_dir)
        if account_cmds.needs_sign_in(args) and not account_cmds.recovering_damaged_database(context):
            account_cmds.sign_in_command(context)  # the data layer checks this person's role (models.session)
        code = int(handler(context) or 0)
        context.close(succeeded=code == 0)
        return code
    except UserError as error:
        return fail(str(error))
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return fail("Cơ sở dữ liệu đang bận (một chương trình khác đang ghi). Hãy thử lại sau.")
        if "disk" in str(error) and "full" in str(error):
            return fail("Ổ đĩa đã đầy: không ghi được dữ liệu. Không có gì bị thay đổi.")
        return _unexpected(context)
    except KeyboardInterrupt:
        fail("Đã dừng theo yêu cầu (Ctrl+C).")
        return 130
    except BrokenPipeError:
        raise  # the reader of our output went away (| head): main() ends quietly
    except Exception:  # noqa: BLE001 - one Vietnamese line on screen, the traceback in the log
        return _unexpected(context)
    finally:
        context.close()
        sign_out()

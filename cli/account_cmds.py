"""Signing in on the command line, and the `account` commands (add, list, reset-password, passwd, disable, enable).

Passwords never come from the command line, where other users of the PC could read them: from the
environment (MOTCUA_PASSWORD, MOTCUA_ADMIN_PASSWORD, MOTCUA_NEW_PASSWORD) or a hidden prompt on a terminal.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import sys

from cli.context import Context
from models.errors import UserError
from models.roles import ROLES, role_label
from models.session import User, require_signed_in, sign_in
from services.accounts import (
    DEFAULT_ADMIN,
    SignInRefused,
    authenticate,
    change_password,
    create_user,
    ensure_admin,
    has_accounts,
    list_users,
    must_change_password,
    reset_password,
    set_active,
    set_full_name,
    set_role,
)
from services.backup import DamagedDatabaseError, check_data

USER_ENV = "MOTCUA_USER"
PASSWORD_ENV = "MOTCUA_PASSWORD"
ADMIN_USER_ENV = "MOTCUA_ADMIN_USER"
ADMIN_PASSWORD_ENV = "MOTCUA_ADMIN_PASSWORD"
ADMIN_FULL_NAME_ENV = "MOTCUA_ADMIN_FULL_NAME"  # the admin's full name, printed where they sign
NEW_PASSWORD_ENV = "MOTCUA_NEW_PASSWORD"

# Commands that run without signing in: they do not touch the unit's data (version, the hub server's own
# folder), make the first account (init), or only tell whether the database is damaged (backup check).
NO_SIGN_IN = {("version", None), ("hub", None), ("init", None), ("backup", "check"), ("logs", None)}


def register(subparsers, parents) -> None:
    account = subparsers.add_parser("account", parents=parents, help="tài khoản người dùng: thêm, khóa, đổi mật khẩu")
    sub = account.add_subparsers(dest="action", metavar="VIỆC")
    add = sub.add_parser("add", parents=parents, help="thêm tài khoản (mật khẩu từ biến MOTCUA_NEW_PASSWORD hoặc hỏi)")
    add.add_argument("username", metavar="TÊN_ĐĂNG_NHẬP")
    add.add_argument("--role", required=True, choices=list(ROLES),
                     help="clerk: tiếp nhận, trả kết quả; officer: xử lý; leader: lãnh đạo; admin: quản trị")
    add.add_argument("--full-name", default="", metavar="HỌ_TÊN", help="họ tên người dùng")
    add.add_argument("--keep-password", action="store_true",
                     help="không bắt đổi mật khẩu ở lần đăng nhập đầu (mặc định: phải đổi)")
    add.set_defaults(handler=cmd_add)
    listing = sub.add_parser("list", parents=parents, help="danh sách tài khoản")
    listing.set_defaults(handler=cmd_list)
    reset = sub.add_parser("reset-password", parents=parents, help="đặt lại mật khẩu của một người (quản trị)")
    reset.add_argument("username", metavar="TÊN_ĐĂNG_NHẬP")
    reset.set_defaults(handler=cmd_reset)
    passwd = sub.add_parser("passwd", parents=parents, help="đổi mật khẩu của mình")
    passwd.set_defaults(handler=cmd_passwd)
    for name, active, text in (("disable", False, "khóa một tài khoản (không xóa)"),
                               ("enable", True, "mở lại một tài khoản đã khóa")):
        command = sub.add_parser(name, parents=parents, help=text)
        command.add_argument("username", metavar="TÊN_ĐĂNG_NHẬP")
        command.set_defaults(handler=cmd_set_active, active=active)
    role = sub.add_parser("set-role", parents=parents, help="đổi vai trò của một tài khoản")
    role.add_argument("username", metavar="TÊN_ĐĂNG_NHẬP")
    role.add_argument("--role", required=True, choices=list(ROLES))
    role.set_defaults(handler=cmd_set_role)
    name = sub.add_parser("set-name", parents=parents, help="đặt họ tên (in trên giấy tờ) của một tài khoản")
    name.add_argument("username", metavar="TÊN_ĐĂNG_NHẬP")
    name.add_argument("--full-name", required=True, metavar="HỌ_TÊN")
    name.set_defaults(handler=cmd_set_name)


# ----- reading secrets: the environment, else a hidden prompt on a terminal

def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _secret(env_name: str, prompt: str, *, confirm: bool = False) -> str:
    value = _env(env_name)
    if value is not None:
        return value
    if not _interactive():
        raise UserError(f"Cần mật khẩu: hãy đặt biến môi trường {env_name}, hoặc chạy lệnh trong cửa sổ dòng lệnh "
                        "để nhập (không ghi mật khẩu trên dòng lệnh).")
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("Nhập lại mật khẩu: ") != value:
        raise UserError("Hai lần nhập mật khẩu không giống nhau.")
    return value


def _username() -> str:
    value = _env(USER_ENV)
    if value is not None:
        return value
    if not _interactive():
        raise UserError(f"Cần đăng nhập: hãy đặt biến môi trường {USER_ENV} và {PASSWORD_ENV}, hoặc chạy lệnh trong "
                        "cửa sổ dòng lệnh để nhập.")
    return input("Tên đăng nhập: ")


# ----- signing in

def make_first_admin(context: Context) -> User | None:
    """Make the admin account into a database that has none (init, or the first command on a folder):
    named MOTCUA_ADMIN_USER (default admin), its password from MOTCUA_ADMIN_PASSWORD or a prompt."""
    db = context.db
    if has_accounts(db):
        return None
    check_data(context.data_dir)  # once, on first run: never write into a damaged file
    name = _env(ADMIN_USER_ENV) or DEFAULT_ADMIN
    if _env(ADMIN_PASSWORD_ENV) is None and not _interactive():
        raise UserError(f"Dữ liệu này chưa có tài khoản nào. Hãy tạo tài khoản quản trị: chạy 'python main.py init' "
                        f"trong cửa sổ dòng lệnh (sẽ hỏi mật khẩu), hoặc đặt biến môi trường {ADMIN_PASSWORD_ENV}.")
    password = _secret(ADMIN_PASSWORD_ENV, f"Mật khẩu cho tài khoản quản trị '{name}': ", confirm=True)
    account = ensure_admin(db, name, password, os.environ.get(ADMIN_FULL_NAME_ENV, ""))
    return account.user if account else None


def needs_sign_in(args) -> bool:
    command, action = args.command, getattr(args, "action", None)
    return (command, None) not in NO_SIGN_IN and (command, action) not in NO_SIGN_IN


def sign_in_command(context: Context) -> None:
    """Sign in the person running this command (one Vietnamese line and exit 2 when refused)."""
    args = context.args
    try:
        db = context.db
        made = make_first_admin(context) if not has_accounts(db) else None
        if made is not None and _env(USER_ENV) is None:
            user = made  # its password was just typed twice: no need to ask it a third time
        else:
            user = authenticate(db, _username(), _secret(PASSWORD_ENV, "Mật khẩu: "))
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError):
            raise
        context.close()
        check_data(context.data_dir)  # says "bị hỏng" with what to do
        raise UserError(f"Không đọc được cơ sở dữ liệu: {error}.") from None
    except SignInRefused as refused:
        raise SignInRefused(f"Đăng nhập không được: {refused}") from None
    if must_change_password(db, user.username) and (args.command, getattr(args, "action", None)) != \
            ("account", "passwd"):
        raise UserError(f"Tài khoản '{user.username}' đang dùng mật khẩu tạm: hãy đổi mật khẩu trước "
                        "(python main.py account passwd, mật khẩu mới từ biến MOTCUA_NEW_PASSWORD hoặc nhập khi hỏi).")
    sign_in(user)


def recovering_damaged_database(context: Context) -> bool:
    """`backup restore` over a damaged database: nobody can sign in against it, and restoring a good backup
    is the way out (db.backup_restore allows it then without a user)."""
    args = context.args
    if (args.command, getattr(args, "action", None)) != ("backup", "restore"):
        return False
    try:
        check_data(context.data_dir)
    except DamagedDatabaseError:
        return True
    return False


# ----- the commands

def _row(account) -> str:
    state = "đang dùng" if account.active else "đã khóa"
    if account.locked_until is not None:
        state += f", tạm khóa đến {account.locked_until:%H:%M %d/%m/%Y}"
    return f"{account.username:<20} {role_label(account.role):<26} {state:<12} {account.full_name}"


def cmd_add(context: Context) -> int:
    args = context.args
    password = _secret(NEW_PASSWORD_ENV, f"Mật khẩu cho '{args.username}': ", confirm=True)
    account = create_user(context.db, args.username, password, args.role, args.full_name,
                          must_change_password=not args.keep_password)
    context.emit(account.to_dict(), f"Đã tạo tài khoản {account.username} ({role_label(account.role)})"
                 + ("; người dùng phải đổi mật khẩu ở lần đăng nhập đầu." if account.must_change_password else "."))
    return 0


def cmd_list(context: Context) -> int:
    accounts = list_users(context.db)
    context.emit([a.to_dict() for a in accounts], "\n".join(_row(a) for a in accounts))
    return 0


def cmd_reset(context: Context) -> int:
    password = _secret(NEW_PASSWORD_ENV, f"Mật khẩu mới cho '{context.args.username}': ", confirm=True)
    account = reset_password(context.db, context.args.username, password)
    context.emit(account.to_dict(), f"Đã đặt lại mật khẩu của {account.username}; người dùng phải đổi mật khẩu "
                                    "ở lần đăng nhập sau.")
    return 0


def cmd_passwd(context: Context) -> int:
    me = require_signed_in("đổi mật khẩu")
    old = _secret(PASSWORD_ENV, "Mật khẩu hiện tại: ")
    new = _secret(NEW_PASSWORD_ENV, "Mật khẩu mới: ", confirm=True)
    change_password(context.db, old, new)
    context.emit({"username": me.username, "changed": True}, f"Đã đổi mật khẩu của {me.username}.")
    return 0


def cmd_set_active(context: Context) -> int:
    account = set_active(context.db, context.args.username, context.args.active)
    context.emit(account.to_dict(), f"Tài khoản {account.username}: {'đang dùng' if account.active else 'đã khóa'}.")
    return 0


def cmd_set_role(context: Context) -> int:
    account = set_role(context.db, context.args.username, context.args.role)
    context.emit(account.to_dict(), f"Tài khoản {account.username}: vai trò {role_label(account.role)}.")
    return 0


def cmd_set_name(context: Context) -> int:
    account = set_full_name(context.db, context.args.username, context.args.full_name)
    context.emit(account.to_dict(), f"Tài khoản {account.username}: họ tên {account.full_name}.")
    return 0

"""Commands `backup create|list|restore|verify|check|settings`: passwords come from an environment variable or a prompt."""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from pathlib import Path

from cli.context import Context
from models.errors import UserError
from services.backup import (
    PasswordNeeded,
    WrongPassword,
    all_backups,
    check_data,
    current_unit,
    database_path,
    is_outside,
    latest_good_backup,
    make_backup,
    presence,
    readable_stored_key,
    restore,
    second_folder,
    set_backup_password,
    set_second_folder,
    stored_key,
    verified_copy,
)

DEFAULT_PASSWORD_ENV = "MOTCUA_BACKUP_PASSWORD"


def register(subparsers, parents) -> None:
    backup = subparsers.add_parser("backup", parents=parents, help="sao lưu, khôi phục, kiểm tra cơ sở dữ liệu")
    sub = backup.add_subparsers(dest="action", metavar="VIỆC")
    # No abbreviations: `--password SECRET` must be refused, not read as --password-env.
    create = sub.add_parser("create", parents=parents, allow_abbrev=False, help="sao lưu ngay (kiểm tra bản vừa tạo)")
    create.add_argument("--to", metavar="THƯ_MỤC", help="ghi vào thư mục này (ví dụ USB) thay vì backups/")
    create.add_argument("--encrypt", action="store_true", help="đặt mật khẩu cho bản này (hỏi nếu chưa có biến)")
    create.add_argument("--plain", action="store_true",
                        help="cho phép bản không mã hóa khi ghi ra ngoài máy (--to, thư mục thứ hai); cần quyền xem "
                             "đủ số căn cước; bản không mã hóa không chứa mật khẩu tài khoản")
    _password_option(create)
    create.set_defaults(handler=cmd_create, check_database_first=True)
    listing = sub.add_parser("list", parents=parents, help="các bản sao lưu, mới nhất trước")
    listing.set_defaults(handler=cmd_list)
    for name, text, handler in (("restore", "khôi phục từ một bản sao lưu (kiểm tra trước)", cmd_restore),
                                ("verify", "kiểm tra một bản sao lưu, không thay đổi gì", cmd_verify)):
        command = sub.add_parser(name, parents=parents, allow_abbrev=False, help=text)
        command.add_argument("file", metavar="TỆP")
        _password_option(command)
        command.set_defaults(handler=handler)
    check = sub.add_parser("check", parents=parents, help="kiểm tra nhanh cơ sở dữ liệu (không ghi gì)")
    check.set_defaults(handler=cmd_check)
    settings = sub.add_parser("settings", parents=parents, allow_abbrev=False, help="thư mục thứ hai, mật khẩu sao lưu của máy này")
    settings.add_argument("--second-folder", metavar="THƯ_MỤC", help="chép mỗi bản sao lưu sang thư mục này (USB)")
    settings.add_argument("--no-second-folder", action="store_true", help="thôi chép sang thư mục thứ hai")
    settings.add_argument("--set-password", action="store_true",
                          help="sao lưu tự động có mật khẩu (lấy từ biến môi trường hoặc hỏi)")
    settings.add_argument("--remove-password", action="store_true", help="thôi đặt mật khẩu cho bản sao lưu")
    _password_option(settings)
    settings.set_defaults(handler=cmd_settings)


def _password_option(parser) -> None:
    parser.add_argument("--password-env", metavar="BIẾN", default=DEFAULT_PASSWORD_ENV,
                        help=f"tên biến môi trường chứa mật khẩu (mặc định {DEFAULT_PASSWORD_ENV}); "
                             "không bao giờ ghi mật khẩu trên dòng lệnh")


def _password(context: Context, *, required: bool) -> str | None:
    """From the named environment variable, else a hidden prompt on a terminal; never from argv."""
    name = context.args.password_env
    value = os.environ.get(name)
    if value:
        return value
    if not required:
        return None
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("Mật khẩu sao lưu: ")
    raise UserError(f"Cần mật khẩu sao lưu: hãy đặt biến môi trường {name} (không ghi mật khẩu trên dòng lệnh).")


def _size(size: int) -> str:
    return f"{size / 1_048_576:,.1f} MB".replace(",", "X").replace(".", ",").replace("X", ".")


def cmd_create(context: Context) -> int:
    explicit = context.args.password_env != DEFAULT_PASSWORD_ENV  # a named variable that is unset is an error
    password = _password(context, required=context.args.encrypt or explicit)
    done = make_backup(context.data_dir, to=Path(context.args.to) if context.args.to else None, password=password,
                       plain=context.args.plain)
    result = done.backup
    data = {"file": result.path, "copies": result.copies, "removed": result.removed,
            "warnings": result.warnings, "manifest": result.manifest, "attachments_copied": result.attachments_copied}
    context.emit(data, "\n".join(done.lines))
    return 0


def cmd_list(context: Context) -> int:
    backups = all_backups(context.data_dir)
    rows = [{"file": info.path, "created_at": info.created_at, "encrypted": info.encrypted, "size": info.size,
             "unit_code": info.unit_code, "reason": (info.manifest or {}).get("reason"),
             "has_manifest": info.manifest is not None} for info in backups]
    text = "\n".join(f"{info.created_at:%d/%m/%Y %H:%M}  {_size(info.size):>10}  "
                     f"{'có mật khẩu' if info.encrypted else 'không mật khẩu'}  {info.path}" for info in backups)
    context.emit(rows, text or "Chưa có bản sao lưu nào.")
    return 0


def _with_password(context: Context, action):
    """Run `action(password)` with this PC's key first, then the password, asked for only if needed."""
    try:
        return action(_password(context, required=False))
    except WrongPassword:
        raise
    except PasswordNeeded:
        return action(_password(context, required=True))


def cmd_restore(context: Context) -> int:
    context.close()  # the restore needs the database closed (it checks nobody else has it open)
    done = _with_password(context, lambda password: restore(context.data_dir, Path(context.args.file),
                                                             password=password))
    result = done.result
    data = {"restored_from": result.restored_from, "kept_aside": result.kept_aside, "manifest": result.manifest,
            "attachments_restored": result.attachments_restored, "attachments_missing": result.attachments_missing,
            "warnings": result.warnings}
    context.emit(data, "\n".join(done.lines))
    return 0


def cmd_verify(context: Context) -> int:
    path = Path(context.args.file)
    if not path.is_file():
        raise UserError(f"Không thấy tệp sao lưu {path}.")
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "kiem-tra.sqlite3"
        manifest = _with_password(context, lambda password: verified_copy(
            path, probe, password=password, stored=readable_stored_key(context.data_dir),
            expected_unit=current_unit(context.data_dir) if database_path(context.data_dir).exists() else None))
        # beside a backup on another disk; one inside the data folder relies on the originals
        present, missing = presence(probe, path.parent) if is_outside(path.parent, context.data_dir) else (0, [])
    counts = manifest["counts"]
    text = (f"Bản sao lưu tốt: {path.name}, đơn vị {manifest.get('unit_code') or '?'}, "
            f"{counts.get('dossiers', 0)} hồ sơ, {counts.get('events', 0)} sự kiện"
            + ("" if manifest["has_manifest"] else " (không có tệp mô tả: chỉ kiểm tra toàn vẹn)") + ".")
    if present or missing:
        text += (f"\nTệp đính kèm bên cạnh bản sao lưu: {present} có, {len(missing)} thiếu"
                 + (f" ({', '.join(missing[:5])}{'…' if len(missing) > 5 else ''})" if missing else "") + ".")
    context.emit({**manifest, "attachments_present": present, "attachments_missing": missing}, text)
    return 0


def cmd_check(context: Context) -> int:
    try:
        check_data(context.data_dir)
    except UserError as error:
        found = latest_good_backup(context.data_dir, skip_locked=True)
        hint = f" Bản sao lưu tốt gần nhất: {found[0].path}." if found else " Không có bản sao lưu tốt nào."
        raise UserError(str(error) + hint) from None
    context.emit({"ok": True}, "Cơ sở dữ liệu không có lỗi.")
    return 0


def cmd_settings(context: Context) -> int:
    args = context.args
    if args.second_folder and args.no_second_folder or args.set_password and args.remove_password:
        raise UserError("Hai tùy chọn trái ngược nhau: chỉ chọn một.")
    context.db  # noqa: B018 - creates the data folder on first use
    if args.second_folder:
        folder = Path(args.second_folder)
        if not folder.is_dir():
            raise UserError(f"Không thấy thư mục {folder}.")
        set_second_folder(context.data_dir, folder.resolve())
    if args.no_second_folder:
        set_second_folder(context.data_dir, None)
    if args.set_password:
        set_backup_password(context.data_dir, _password(context, required=True))
    if args.remove_password:
        set_backup_password(context.data_dir, None)
    mirror, key = second_folder(context.data_dir), stored_key(context.data_dir)
    data = {"second_folder": mirror, "password": key is not None}
    context.emit(data, f"Thư mục thứ hai: {mirror or '(không)'}\n"
                       f"Mật khẩu sao lưu: {'có' if key else 'không'}")
    return 0

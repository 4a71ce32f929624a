"""Clerks' accounts: scrypt password hashes, sign-in with lockout, and the admin's account management.

Passwords are stored only as a slow salted hash (hashlib.scrypt, n=2**14, r=8, p=1, 16-byte salt) and
compared in constant time. MAX_FAILED_ATTEMPTS wrong tries in a row lock an account for LOCK_MINUTES;
the messages never say whether a user name exists. Every change to an account is one transaction with
an event of entity 'account' whose payload never holds a hash or a password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlite_utils import Database

from db.events import record_event
from db.local import get_local, put_local
from db.rows import scalar
from models.dossier import iso
from models.dossier_clock import local_naive, now_local
from models.errors import UserError
from models.password_rules import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, check_password  # noqa: F401 - the screens read the lengths here
from models.roles import EDIT_SETTINGS, MANAGE_ACCOUNTS, check_role, role_label
from models.session import User, acting_as, require, require_signed_in
from models.text import MAX_SHORT_TEXT, check_length, clean_text

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15
DEFAULT_ADMIN = "admin"
ENTITY = "account"
_BAD_LOGIN = "Sai tên đăng nhập hoặc mật khẩu."
_COLUMNS = "username, full_name, role, active, must_change_password, failed_attempts, locked_until, created_at"


class SignInRefused(UserError):
    """Wrong user name or password, a locked or disabled account: one Vietnamese line, nothing more."""


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    role: str
    active: bool
    must_change_password: bool
    failed_attempts: int
    locked_until: datetime | None
    created_at: str

    @property
    def user(self) -> User:
        return User(self.username, self.full_name, self.role)

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def to_dict(self) -> dict:
        return {"username": self.username, "full_name": self.full_name, "role": self.role,
                "role_label": role_label(self.role), "active": self.active,
                "must_change_password": self.must_change_password, "failed_attempts": self.failed_attempts,
                "locked_until": iso(self.locked_until), "created_at": self.created_at}


# ----- hashing

def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """'scrypt$16384$8$1$<salt hex>$<hash hex>'."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=HASH_BYTES, maxmem=64 * 1024 * 1024)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = bytes.fromhex(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# A hash of nothing anyone types, checked when the user name is unknown so that answering takes as long.
_DUMMY_HASH = hash_password("\x00motcua-khong-co-tai-khoan", salt=b"\x00" * SALT_BYTES)


def check_password_rules(password: str, *user_words: str) -> str:
    """The rules of models.password_rules; `user_words` (user name, full name) must not make it up."""
    return check_password(password, tuple(word for word in user_words if word))


def check_username(username: str) -> str:
    name = clean_text(username).lower()
    if not name:
        raise UserError("Tên đăng nhập không được để trống.")
    if len(name) > 40 or not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in name):
        raise UserError("Tên đăng nhập chỉ gồm chữ không dấu, số và . _ - (tối đa 40 ký tự), ví dụ: nguyen.an")
    return name


# ----- reading

def _account(row: dict) -> Account:
    """A row of `users` read by name (sqlite-utils' db.query)."""
    return Account(username=row["username"], full_name=row["full_name"], role=row["role"],
                   active=bool(row["active"]), must_change_password=bool(row["must_change_password"]),
                   failed_attempts=row["failed_attempts"],
                   locked_until=datetime.fromisoformat(row["locked_until"]) if row["locked_until"] else None,
                   created_at=row["created_at"])


def _find(db: Database, username: str) -> Account | None:
    row = next(db.query(f"SELECT {_COLUMNS} FROM users WHERE username = ?", [clean_text(username).lower()]), None)
    return _account(row) if row else None


def _existing(db: Database, username: str) -> Account:
    """The account just written (inside the same transaction), or a plain error if it vanished."""
    account = _find(db, username)
    if account is None:
        raise UserError(f"Không có tài khoản '{clean_text(username)}'.")
    return account


def has_accounts(db: Database) -> bool:
    """False until the first admin account was made (first run), and after a plain backup was restored
    where no account could keep a password (plain backups carry no hash: db/backup.py)."""
    return db.execute("SELECT 1 FROM users WHERE password_hash != '' LIMIT 1").fetchone() is not None


def list_users(db: Database) -> list[Account]:
    require(MANAGE_ACCOUNTS, "xem danh sách tài khoản")
    return [_account(row) for row in db.query(f"SELECT {_COLUMNS} FROM users ORDER BY role = 'admin' DESC, username")]



def signer(db: Database, username: str) -> tuple[str, str] | None:
    """(username, full name) of an active account of this PC, for naming a colleague who receives a
    dossier; None when there is no such account. Reads no password and needs no permission."""
    row = next(db.query("SELECT username, full_name FROM users WHERE username = ? AND active = 1",
                        [clean_text(username).lower()]), None)
    return (row["username"], row["full_name"]) if row else None


def full_names(db: Database) -> dict[str, str]:
    """Login -> full name of every account of this PC with one (forms print names, never logins)."""
    return dict(db.execute("SELECT username, full_name FROM users WHERE full_name != ''").fetchall())


# ----- signing in

def authenticate(db: Database, username: str, password: str, now: datetime | None = None) -> User:
    """The user when the password is right and the account active and not locked; SignInRefused otherwise.

    Wrong tries are counted in the database (so two windows or a script cannot multiply them); the
    MAX_FAILED_ATTEMPTS-th locks the account for LOCK_MINUTES. A right password resets the count.
    """
    now = local_naive(now) if now else now_local()
    name = clean_text(username or "").lower()
    refusal = None
    with db.atomic():  # the count of wrong tries is committed before the refusal is raised
        row = db.execute("SELECT password_hash, failed_attempts, locked_until, active, username, full_name, role "
                         "FROM users WHERE username = ?", [name]).fetchone()
        if row is None:
            verify_password(password or "", _DUMMY_HASH)
            raise SignInRefused(_BAD_LOGIN)
        stored, failed, locked_until, active, name, full_name, role = row
        lock_end = datetime.fromisoformat(locked_until) if locked_until else None
        if lock_end is not None and now < lock_end:
            left = max(1, round((lock_end - now).total_seconds() / 60))
            raise SignInRefused(f"Tài khoản tạm khóa do nhập sai mật khẩu {MAX_FAILED_ATTEMPTS} lần: "
                                f"hãy thử lại sau {left} phút hoặc nhờ quản trị đặt lại mật khẩu.")
        if not verify_password(password or "", stored):
            failed += 1  # the count restarts from 0 when a lock is set, so an expired lock starts anew
            if failed >= MAX_FAILED_ATTEMPTS:
                db.execute("UPDATE users SET failed_attempts = 0, locked_until = ? WHERE username = ?",
                           [iso(now + timedelta(minutes=LOCK_MINUTES)), name])
                _record(db, name, "lock", {"minutes": LOCK_MINUTES, "failed_attempts": failed}, actor=name)
                refusal = (f"Sai mật khẩu {MAX_FAILED_ATTEMPTS} lần liên tiếp: tài khoản bị tạm khóa "
                           f"{LOCK_MINUTES} phút.")
            else:
                db.execute("UPDATE users SET failed_attempts = ?, locked_until = NULL WHERE username = ?",
                           [failed, name])
                refusal = _BAD_LOGIN
        elif not active:
            refusal = "Tài khoản này đã bị quản trị khóa: hãy liên hệ quản trị."
        elif failed or locked_until:
            db.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE username = ?", [name])
    if refusal is not None:
        raise SignInRefused(refusal)
    return User(name, full_name, role)


def check_own_password(db: Database, user: User, password: str, now: datetime | None = None) -> None:
    """Unlock the screen: the same user's password (counted like a sign-in, so it locks too). The user
    name is not in question here, so a wrong try names only the password."""
    try:
        authenticate(db, user.username, password, now)
    except SignInRefused as refused:
        if str(refused) == _BAD_LOGIN:
            raise SignInRefused("Sai mật khẩu.") from None
        raise


# ----- changes (each with its event, never the hash)

def _record(db: Database, username: str, action: str, payload: dict, actor: str | None = None) -> None:
    record_event(db, entity=ENTITY, entity_id=username, action=action, payload=payload, actor=actor)


def _insert(db: Database, username: str, password: str, role: str, full_name: str, *, must_change: bool,
            now: datetime) -> Account:
    full_name = check_length(full_name, MAX_SHORT_TEXT, "Họ tên")  # the first admin's too
    db.execute("INSERT INTO users (username, full_name, role, password_hash, must_change_password, created_at, "
               "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
               [username, full_name, role, hash_password(password), int(must_change), iso(now), iso(now)])
    _record(db, username, "create", {"full_name": full_name, "role": role})
    return _existing(db, username)


def create_user(db: Database, username: str, password: str, role: str, full_name: str = "", *,
                must_change_password: bool = True, now: datetime | None = None) -> Account:
    """An admin adds an account; by default its owner must choose a new password at first sign-in."""
    require(MANAGE_ACCOUNTS, "tạo tài khoản")
    name, role = check_username(username), check_role(role)
    check_password_rules(password, name, full_name)
    full_name = check_length(clean_text(full_name), MAX_SHORT_TEXT, "Họ tên")
    now = local_naive(now) if now else now_local()
    with db.atomic():
        if _find(db, name) is not None:
            raise UserError(f"Tên đăng nhập '{name}' đã có.")
        return _insert(db, name, password, role, full_name, must_change=must_change_password, now=now)


def ensure_admin(db: Database, username: str, password: str, full_name: str = "",
                 now: datetime | None = None) -> Account | None:
    """First run: make the admin account while the database has none; None when accounts already exist.

    The only account anyone can make without signing in, and only into a database that has no account.
    """
    name = check_username(username or DEFAULT_ADMIN)
    check_password_rules(password, name, full_name)  # the first admin's too
    now = local_naive(now) if now else now_local()
    with db.atomic():
        if has_accounts(db):
            return None
        with acting_as(User(name, clean_text(full_name), "admin")):
            if _find(db, name) is not None:  # restored from a plain backup: the account is there, its hash not
                db.execute("UPDATE users SET password_hash = ?, role = 'admin', active = 1, must_change_password = 0, "
                           "failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE username = ?",
                           [hash_password(password), iso(now), name])
                _record(db, name, "set_password_after_restore", {})
                return _existing(db, name)
            return _insert(db, name, password, "admin", clean_text(full_name), must_change=False, now=now)


def change_password(db: Database, old_password: str, new_password: str, now: datetime | None = None) -> None:
    """The signed-in user changes their own password (the old one is asked: a screen left open is not enough)."""
    me = require_signed_in("đổi mật khẩu")
    authenticate(db, me.username, old_password, now)
    check_password_rules(new_password, me.username, me.full_name)
    if new_password == old_password:
        raise UserError("Mật khẩu mới phải khác mật khẩu cũ.")
    now = local_naive(now) if now else now_local()
    with db.atomic():
        db.execute("UPDATE users SET password_hash = ?, must_change_password = 0, updated_at = ? WHERE username = ?",
                   [hash_password(new_password), iso(now), me.username])
        _record(db, me.username, "change_password", {})


def reset_password(db: Database, username: str, new_password: str, now: datetime | None = None) -> Account:
    """The admin sets a new password (the owner must change it at next sign-in) and lifts a lock."""
    require(MANAGE_ACCOUNTS, "đặt lại mật khẩu")
    check_password_rules(new_password, clean_text(username))
    now = local_naive(now) if now else now_local()
    with db.atomic():
        account = _find(db, username)
        if account is None:
            raise UserError(f"Không có tài khoản '{clean_text(username)}'.")
        db.execute("UPDATE users SET password_hash = ?, must_change_password = 1, failed_attempts = 0, "
                   "locked_until = NULL, updated_at = ? WHERE username = ?",
                   [hash_password(new_password), iso(now), account.username])
        _record(db, account.username, "reset_password", {})
    return _existing(db, account.username)


def set_active(db: Database, username: str, active: bool, now: datetime | None = None) -> Account:
    """Disable (or enable again) an account; the last active admin cannot be disabled, nor yourself."""
    me = require(MANAGE_ACCOUNTS, "khóa hoặc mở tài khoản")
    now = local_naive(now) if now else now_local()
    with db.atomic():
        account = _find(db, username)
        if account is None:
            raise UserError(f"Không có tài khoản '{clean_text(username)}'.")
        if not active and account.username == me.username:
            raise UserError("Không tự khóa tài khoản đang đăng nhập.")
        if not active and account.role == "admin" and _active_admins(db) <= 1:
            raise UserError("Không khóa được quản trị cuối cùng: hãy tạo quản trị khác trước.")
        if account.active == bool(active):
            return account
        db.execute("UPDATE users SET active = ?, failed_attempts = 0, locked_until = NULL, updated_at = ? "
                   "WHERE username = ?", [int(bool(active)), iso(now), account.username])
        _record(db, account.username, "enable" if active else "disable", {})
    return _existing(db, account.username)


def set_role(db: Database, username: str, role: str, now: datetime | None = None) -> Account:
    require(MANAGE_ACCOUNTS, "đổi vai trò tài khoản")
    role = check_role(role)
    now = local_naive(now) if now else now_local()
    with db.atomic():
        account = _find(db, username)
        if account is None:
            raise UserError(f"Không có tài khoản '{clean_text(username)}'.")
        if account.role == "admin" and role != "admin" and account.active and _active_admins(db) <= 1:
            raise UserError("Không đổi vai trò của quản trị cuối cùng: hãy tạo quản trị khác trước.")
        if account.role == role:
            return account
        db.execute("UPDATE users SET role = ?, updated_at = ? WHERE username = ?", [role, iso(now), account.username])
        _record(db, account.username, "set_role", {"role": role, "previous": account.role})
    return _existing(db, account.username)


def _active_admins(db: Database) -> int:
    return scalar(db, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1")


def must_change_password(db: Database, username: str) -> bool:
    return bool(scalar(db, "SELECT must_change_password FROM users WHERE username = ?", [clean_text(username).lower()]))


# ----- locking the screen: this PC's choice (table `local`, never synced)

IDLE_LOCK_KEY = "idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 10
MAX_IDLE_LOCK_MINUTES = 240


def idle_lock_minutes(db: Database) -> int:
    """After how many idle minutes the window locks (default 10)."""
    value = get_local(db, IDLE_LOCK_KEY)
    try:
        return int(value) if value is not None else DEFAULT_IDLE_LOCK_MINUTES
    except ValueError:
        return DEFAULT_IDLE_LOCK_MINUTES


def set_idle_lock_minutes(db: Database, minutes: int) -> int:
    require(EDIT_SETTINGS, "đổi thời gian tự khóa màn hình")
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_IDLE_LOCK_MINUTES:
        raise UserError(f"Thời gian tự khóa màn hình phải từ 1 đến {MAX_IDLE_LOCK_MINUTES} phút.")
    with db.atomic():
        put_local(db, IDLE_LOCK_KEY, str(minutes))
    return minutes


def set_full_name(db: Database, username: str, full_name: str, now: datetime | None = None) -> Account:
    """Set the full name forms print for an account (your own, or any with MANAGE_ACCOUNTS); forms
    never print a login name (shared/domain.md)."""
    me = require_signed_in("đặt họ tên")
    if check_username(username) != me.username.lower():
        require(MANAGE_ACCOUNTS, "đặt họ tên cho tài khoản của người khác")
    full_name = clean_text(full_name)
    if not full_name:
        raise UserError("Họ tên không được để trống (in trên giấy tờ, chỗ ký và ghi rõ họ tên).")
    if len(full_name) > 120:
        raise UserError("Họ tên quá dài (tối đa 120 ký tự).")
    now = local_naive(now) if now else now_local()
    with db.atomic():
        account = _find(db, username)
        if account is None:
            raise UserError(f"Không có tài khoản '{clean_text(username)}'.")
        if account.full_name == full_name:
            return account
        db.execute("UPDATE users SET full_name = ?, updated_at = ? WHERE username = ?",
                   [full_name, iso(now), account.username])
        _record(db, account.username, "set_full_name", {"full_name": full_name})
    if account.username == me.username:
        from models.session import sign_in

        sign_in(User(me.username, full_name, me.role))
    return replace(account, full_name=full_name)

"""Who is signed in, and the permission check every data-layer write and sensitive read starts with.

One person works a desktop process (the window or one command line), so the signed-in user is kept for
the whole process: worker threads act as that person too. `acting_as` overrides it for the current
thread or task only (a contextvars.ContextVar), and `system_work` marks the few things MotCua does on its
own (loading the bundled sample catalog on first run, the automatic backup): they pass every check and
their events name the OS user (db.events.current_actor).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

from models.errors import UserError
from models.roles import has_permission, role_label


@dataclass(frozen=True)
class User:
    username: str
    full_name: str
    role: str

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    @property
    def display(self) -> str:
        """'Nguyễn Văn An (an, Tiếp nhận và trả kết quả)' for the status bar and messages; 'admin (Quản trị)'
        when the full name says nothing more than the login or the role (never 'Quản trị, Quản trị')."""
        if not self.full_name or self.full_name in (self.username, self.role_label):
            return f"{self.username} ({self.role_label})"
        return f"{self.full_name} ({self.username}, {self.role_label})"


class PermissionDenied(UserError):
    """The signed-in user's role does not allow the action (or nobody is signed in); nothing changed."""


class NotSignedIn(PermissionDenied):
    """Nobody is signed in."""


SYSTEM = User("", "MotCua", "system")  # the marker of system work, never a signed-in person
_UNSET = object()
_process_user: User | None = None
_override: contextvars.ContextVar = contextvars.ContextVar("motcua_user", default=_UNSET)


def sign_in(user: User | None) -> None:
    """The process's user from now on (None signs out)."""
    global _process_user
    _process_user = user


def sign_out() -> None:
    sign_in(None)


def current_user() -> User | None:
    """The person acting here, or SYSTEM inside `system_work`, or None."""
    value = _override.get()
    return _process_user if value is _UNSET else value



@contextlib.contextmanager
def acting_as(user: User | None) -> Iterator[User | None]:
    """Act as `user` (None: as nobody) in this thread or task only, for the `with` block."""
    token = _override.set(user)
    try:
        yield user
    finally:
        _override.reset(token)


def system_work() -> contextlib.AbstractContextManager:
    """Mark work MotCua does by itself (first-run sample catalog, automatic backup): no person acts."""
    return acting_as(SYSTEM)


def can(permission: str) -> bool:
    user = current_user()
    return user is not None and (user is SYSTEM or has_permission(user.role, permission))


def require(permission: str, what: str) -> User:
    """The signed-in user if their role has `permission`, else PermissionDenied naming user, role and
    the refused action (`what`, Vietnamese, e.g. "xuất sổ theo dõi hồ sơ")."""
    user = current_user()
    if user is None:
        raise NotSignedIn(f"Chưa đăng nhập: không được {what}. Hãy đăng nhập bằng tài khoản được phân quyền.")
    if user is SYSTEM or has_permission(user.role, permission):
        return user
    raise PermissionDenied(f"Tài khoản '{user.username}' (vai trò {user.role_label}) không có quyền {what}. "
                           "Không có gì bị thay đổi.")


def require_signed_in(what: str) -> User:
    user = current_user()
    if user is None:
        raise NotSignedIn(f"Chưa đăng nhập: không được {what}. Hãy đăng nhập bằng tài khoản được phân quyền.")
    return user

"""Account errands: signing in, the first admin, users and roles, passwords, the idle lock (db.accounts).

Writes that change who may do what answer `ACCOUNTS` so the window re-reads users and the lock time.
"""

from __future__ import annotations

from db.accounts import (
    DEFAULT_ADMIN,
    MAX_IDLE_LOCK_MINUTES,
    MIN_PASSWORD_LENGTH,
    Account,
    SignInRefused,
    authenticate,
    change_password,
    check_own_password,
    create_user,
    ensure_admin,
    has_accounts,
    idle_lock_minutes,
    list_users,
    must_change_password,
    reset_password,
    set_active,
    set_full_name,
    set_idle_lock_minutes,
    set_role,
)
from services.changes import Changes

ACCOUNTS = Changes(accounts=True)

__all__ = ["ACCOUNTS", "DEFAULT_ADMIN", "MAX_IDLE_LOCK_MINUTES", "MIN_PASSWORD_LENGTH", "Account", "SignInRefused",
           "authenticate", "change_password", "check_own_password", "create_user", "ensure_admin", "has_accounts",
           "idle_lock_minutes", "list_users", "must_change_password", "reset_password", "set_active",
           "set_full_name", "set_idle_lock_minutes", "set_role"]

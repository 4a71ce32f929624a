"""Issue #17: no secret in a backup (read with sqlite3), no password hash in a plain one, off-PC backups
encrypted, and the secrets of an older database moved out of it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from db import secret_store
from db.accounts import SignInRefused, authenticate, create_user, ensure_admin, has_accounts
from db.backup import create_backup, set_backup_password
from db.backup_restore import restore_backup
from db.data_folder import open_data_folder
from models.errors import UserError
from models.session import User, sign_in
from sync.signing import public_key
from sync.state import save_state

PASSWORD = "Mật-khẩu-đủ-dài-2026"


@pytest.fixture
def folder(data_dir: Path) -> Path:
    db = open_data_folder(data_dir)
    save_state(db, hub_url="http://hub:8765", token="mc1.abcdef012345.bi-mat-cua-may-nay-khong-lo",
               unit_key="ab" * 32, unit_code="000.17.22.H56")
    public_key(db)  # makes the signing key
    ensure_admin(db, "quantri", PASSWORD, "Quản trị")
    create_user(db, "canbo", PASSWORD, "clerk", "Cán bộ Một")
    db.close()
    set_backup_password(data_dir, "mật khẩu sao lưu thật dài")
    return data_dir


def test_no_secret_in_a_backup_read_with_sqlite3(folder: Path) -> None:
    set_backup_password(folder, None)  # a plain backup: the worst case
    result = create_backup(folder)
    raw = result.path.read_bytes()
    conn = sqlite3.connect(result.path)
    dump = "\n".join(conn.iterdump())
    hashes = conn.execute("SELECT password_hash FROM users").fetchall()
    conn.close()
    for secret in _secrets_after_clear(folder):
        assert secret not in dump and secret.encode() not in raw
    assert hashes and all(h == ("",) for h in hashes)
    assert b"scrypt$" not in raw  # not even in free pages


def _secrets_after_clear(folder: Path) -> list[str]:
    values = [secret_store.get(folder, name) for name in ("token", "unit_key", "signing_key", "audit_key")]
    assert all(values)
    return [v for v in values if v] + [values[0].split(".")[-1]]


def test_restoring_a_plain_backup_keeps_this_pcs_passwords(folder: Path) -> None:
    set_backup_password(folder, None)
    backup = create_backup(folder).path
    restore_backup(folder, backup)
    db = open_data_folder(folder)
    try:
        assert authenticate(db, "canbo", PASSWORD).username == "canbo"
    finally:
        db.close()


def test_a_plain_backup_restored_where_no_password_is_left_asks_for_the_admins(folder: Path, tmp_path) -> None:
    set_backup_password(folder, None)
    backup = create_backup(folder).path
    empty = tmp_path / "may-moi"   # a new PC: nothing in place to take the passwords from
    restore_backup(empty, backup, check_unit=False)
    db = open_data_folder(empty)
    try:
        assert not has_accounts(db)                    # the sign-in screen asks for the admin's password
        ensure_admin(db, "quantri", "Mật-khẩu-mới-sau-khôi-phục", "Quản trị")
        assert authenticate(db, "quantri", "Mật-khẩu-mới-sau-khôi-phục").role == "admin"
        with pytest.raises(SignInRefused):             # the others wait for the admin to reset theirs
            authenticate(db, "canbo", PASSWORD)
    finally:
        db.close()


def test_off_pc_backups_are_encrypted_unless_a_role_with_full_ids_asks(folder: Path, tmp_path) -> None:
    stick = tmp_path / "usb"
    encrypted = create_backup(folder, to=stick)       # the stored key encrypts it
    assert encrypted.manifest["encrypted"]
    set_backup_password(folder, None)
    with pytest.raises(UserError, match="phải có mật khẩu"):
        create_backup(folder, to=stick)
    sign_in(User("lanhdao", "Lãnh đạo", "leader"))   # may back up, may not see full ids
    with pytest.raises(UserError, match="chỉ được tạo bản sao lưu có mật khẩu"):
        create_backup(folder, to=stick, plain=True)
    with pytest.raises(UserError, match="chỉ được tạo bản sao lưu có mật khẩu"):
        create_backup(folder)
    assert create_backup(folder, to=stick, password="mật khẩu của bản này").manifest["encrypted"]


def test_an_older_database_gives_its_secrets_up(data_dir: Path) -> None:
    db = open_data_folder(data_dir)
    db.close()
    secret_store.secrets_path(data_dir).unlink()
    secret_store.forget_cache(data_dir)
    conn = sqlite3.connect(data_dir / "motcua.sqlite3")  # as MotCua kept them before issue #17
    with conn:
        conn.execute("INSERT OR REPLACE INTO sync_state(key, value) VALUES ('token', ?)",
                     [json.dumps("mc1.0123456789ab.cu-trong-csdl")])
        conn.execute("INSERT OR REPLACE INTO sync_state(key, value) VALUES ('unit_key', ?)", [json.dumps("cd" * 32)])
        conn.execute("INSERT OR REPLACE INTO local(key, value) VALUES ('backup_key', '{\"k\": 1}')")
    conn.close()
    db = open_data_folder(data_dir)
    db.close()
    assert secret_store.get(data_dir, "token") == "mc1.0123456789ab.cu-trong-csdl"
    assert secret_store.get(data_dir, "unit_key") == "cd" * 32
    raw = (data_dir / "motcua.sqlite3").read_bytes()
    conn = sqlite3.connect(data_dir / "motcua.sqlite3")
    left = conn.execute("SELECT count(*) FROM sync_state WHERE key IN ('token', 'unit_key')").fetchone()[0]
    left += conn.execute("SELECT count(*) FROM local WHERE key = 'backup_key'").fetchone()[0]
    conn.close()
    assert left == 0 and b"cu-trong-csdl" not in raw  # secure_delete: not even in free pages
    import stat

    assert stat.S_IMODE(secret_store.secrets_path(data_dir).stat().st_mode) == 0o600

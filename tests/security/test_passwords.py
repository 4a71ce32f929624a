"""Common and trivial passwords are refused for every account, the first admin's too."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.accounts import create_user, ensure_admin
from db.data_folder import open_data_folder
from models.errors import UserError
from models.password_rules import password_problem

WEAK = ["12345678", "password", "qwertyui", "11111111", "abcd1234", "iloveyou", "matkhau123", "Matkhau@123",
        "admin@123", "motcua2026", "12341234"]
GOOD = ["mat-khau-kiem-thu", "lua-chin-dong-xa-2026", "Sông Hương chiều nay 7 giờ"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused(password: str) -> None:
    assert password_problem(password)


@pytest.mark.parametrize("password", GOOD)
def test_passphrases_pass(password: str) -> None:
    assert password_problem(password) == ""


def test_the_users_own_name_does_not_make_a_password() -> None:
    assert password_problem("nguyenvanbinh1990", ("binh.nv", "Nguyễn Văn Bình"))


def test_create_user_refuses_a_common_password(db) -> None:
    with pytest.raises(UserError, match="dễ đoán"):
        create_user(db, "an", "password", "clerk", "Nguyễn Văn An")
    assert db.execute("SELECT count(*) FROM users WHERE username = 'an'").fetchone()[0] == 0


def test_first_admin_with_a_common_password_is_refused(tmp_path: Path) -> None:
    db = open_data_folder(tmp_path / "du-lieu")
    try:
        with pytest.raises(UserError, match="dễ đoán"):
            ensure_admin(db, "admin", "12345678")
        assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    finally:
        db.close()


def test_init_with_a_trivial_admin_password_is_one_line(tmp_path: Path, cli) -> None:
    data_dir = tmp_path / "du-lieu"
    done = cli("--data-dir", str(data_dir), "init", "--unit-name", "UBND xã Thử", "--unit-code", "000.00.00.H00",
               env={"MOTCUA_ADMIN_PASSWORD": "12345678", "MOTCUA_PASSWORD": "12345678"})
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1 and "dễ đoán" in done.stderr

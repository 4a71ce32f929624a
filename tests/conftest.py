"""Shared fixtures: a fresh data folder per test, and the offscreen Qt platform for widget tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent

# Every command line a test starts signs in as this admin; the first command on a new data folder makes
# the account (as `init` would). Set for the whole session, so subprocesses started without the `cli`
# fixture (sync tests) sign in too. Tests of signing in itself override or remove these.
TEST_ADMIN = "admin"
TEST_PASSWORD = "mat-khau-kiem-thu"
SIGN_IN_ENV = {"MOTCUA_USER": TEST_ADMIN, "MOTCUA_PASSWORD": TEST_PASSWORD, "MOTCUA_ADMIN_PASSWORD": TEST_PASSWORD}
os.environ.update(SIGN_IN_ENV)


@pytest.fixture(autouse=True)
def signed_in_admin():
    """Direct data-layer calls run as a signed-in admin (models.session), as the app's would after sign-in."""
    from models.session import User, sign_in

    sign_in(User(TEST_ADMIN, "Quản trị kiểm thử", "admin"))
    yield
    sign_in(None)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "du-lieu"


@pytest.fixture
def db(data_dir: Path):
    from db.data_folder import open_data_folder

    database = open_data_folder(data_dir)
    yield database
    database.close()


def run_cli(*args: str, input_text: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python main.py ARGS` as a clerk's script would, from the repository root."""
    full_env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8", **SIGN_IN_ENV)
    full_env.update(env or {})
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", input=input_text, env=full_env, timeout=120)


@pytest.fixture
def cli():
    return run_cli

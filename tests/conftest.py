"""Shared fixtures: a fresh data folder per test, and the offscreen Qt platform for widget tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent


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
    full_env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8", **(env or {}))
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", input=input_text, env=full_env, timeout=120)


@pytest.fixture
def cli():
    return run_cli

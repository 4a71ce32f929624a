"""The floors hold: ruff refuses db/ and sync/ in ui/ and cli/ (they call services/), and Qt outside ui/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lint(path: str, source: str) -> str:
    """ruff's findings for `source` as if it were the file `path` of this repository."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
                             "--stdin-filename", path, "-"], input=source, cwd=ROOT, capture_output=True,
                            text=True, encoding="utf-8", timeout=60)
    return result.stdout


@pytest.mark.parametrize("path", ["ui/some_screen.py", "cli/some_cmds.py"])
@pytest.mark.parametrize("line", ["from db.dossier_store import move_dossier", "import db.events",
                                  "from sync.client import run_sync"])
def test_ui_and_cli_may_not_import_db_or_sync(path, line):
    assert "TID251" in lint(path, f'"""x."""\n\n{line}\n')


@pytest.mark.parametrize("path", ["services/some_area.py", "sync/some_part.py", "db/some_store.py"])
def test_the_floors_below_may(path):
    assert "TID251" not in lint(path, '"""x."""\n\nfrom db.dossier_store import move_dossier\n')


def test_qt_stays_in_ui():
    source = '"""x."""\n\nfrom PySide6.QtCore import QObject\n'
    assert "TID251" not in lint("ui/some_screen.py", source)
    for path in ("cli/some_cmds.py", "services/some_area.py", "models/some_rule.py"):
        assert "TID251" in lint(path, source), path


def test_services_go_through_services_in_ui():
    assert "TID251" not in lint("ui/some_screen.py", '"""x."""\n\nfrom services.dossiers import move\n')

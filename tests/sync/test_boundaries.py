"""The desktop program never needs the hub's web stack: Starlette and uvicorn are imported in sync/hub only."""

from __future__ import annotations

import ast

from sync_helpers import ROOT

SERVER_ONLY = {"starlette", "uvicorn", "anyio", "h11", "psycopg", "psycopg_pool"}


def test_only_the_hub_imports_the_web_stack():
    offenders = []
    files = [ROOT / "main.py"] + [path for package in ("cli", "db", "models", "output", "services", "ui", "printing", "sync")
                                  for path in (ROOT / package).rglob("*.py")]
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("sync/hub/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            offenders += [f"{relative}: {name}" for name in names if name.split(".")[0] in SERVER_ONLY
                          or name.startswith("sync.hub")]
    assert offenders == []


def test_requirements_keep_the_hub_apart():
    runtime = (ROOT / "requirements.txt").read_text(encoding="utf-8").lower()
    hub = (ROOT / "requirements-hub.txt").read_text(encoding="utf-8").lower()
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "starlette==" in hub and "uvicorn==" in hub
    assert "starlette" not in runtime and "uvicorn" not in runtime
    assert "-r requirements-hub.txt" in dev


def test_the_hub_has_its_own_entry_point_without_the_desktop(tmp_path):
    """`python -m sync.hub` runs without main.py, cli/ or ui/; it shares only the canonical form and wire."""
    import subprocess
    import sys

    probe = ("import sys, sync.hub.__main__; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('main', 'cli', 'ui', 'PySide6')))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    empty = subprocess.run([sys.executable, "-m", "sync.hub", "status", "--data-dir", str(tmp_path)], cwd=ROOT,
                           capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert empty.returncode == 2 and "chưa có dữ liệu máy chủ" in empty.stderr

"""The PyInstaller bundle: spec coverage (fast), a real build with smoke tests and the Windows wheel check (slow)."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.app_info import APP_NAME, VERSION

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
NOT_APP_CODE = {"tests", "scripts", "bench", "build", "dist", "resources", "screenshots"}


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"_script_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _spec_local_packages() -> list[str]:
    tree = ast.parse((ROOT / "pyinstaller.spec").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "LOCAL_PACKAGES" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("pyinstaller.spec defines no LOCAL_PACKAGES")


def test_spec_collects_every_package_of_the_app():
    """A new top-level package must be added to the spec, or its lazily imported modules miss the bundle."""
    packages = sorted(p.name for p in ROOT.iterdir()
                      if (p / "__init__.py").is_file() and p.name not in NOT_APP_CODE and not p.name.startswith("."))
    listed = _spec_local_packages()
    assert set(packages) <= set(listed), f"add to LOCAL_PACKAGES in pyinstaller.spec: {set(packages) - set(listed)}"
    assert tuple(listed) == _load_script("build_bundle").LOCAL_PACKAGES


def test_requirements_are_exact_pins():
    checker = _load_script("check_windows_wheels")
    pins = checker.read_pins(ROOT / "requirements.txt", "3.11")
    assert pins and all(pin.version and not pin.problem for pin in pins), [p.line for p in pins if p.problem]
    assert "holidays" in {pin.name for pin in pins}


@pytest.mark.slow
def test_bundle_builds_and_the_built_program_runs():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, str(SCRIPTS / "build_bundle.py")], cwd=ROOT, capture_output=True,
                            text=True, encoding="utf-8", errors="replace", env=env, timeout=3600)
    report = result.stdout[-8000:] + result.stderr[-4000:]
    assert result.returncode == 0, report
    assert f"prints: {APP_NAME} {VERSION}" in result.stdout, report
    assert f"OK: {APP_NAME} {VERSION} built and smoke-tested." in result.stdout, report


@pytest.mark.slow
def test_runtime_pins_have_windows_wheels():
    result = subprocess.run([sys.executable, str(SCRIPTS / "check_windows_wheels.py")], cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: all" in result.stdout

"""One-command set-up, for Windows and Linux alike.

    python run.py            make .venv if missing, install the pinned dependencies, open MotCua
    python run.py test       the same plus the test tools, then the whole test suite, ruff and mypy
    python run.py test -k x  extra arguments go to pytest
    python run.py cli ARGS   run a command of main.py inside the environment (e.g. cli --help)

Only the standard library is used here, since nothing else is installed yet.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
MIN_PYTHON = (3, 11)


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    python = venv_python()
    if not python.exists():
        print(f"Tạo môi trường ảo {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    return python


def _requirements_digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    pending = list(files)
    seen: set[Path] = set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        text = path.read_text(encoding="utf-8")
        digest.update(path.name.encode() + text.encode())
        for line in text.splitlines():
            if line.startswith("-r "):
                pending.append(path.parent / line[3:].strip())
    return digest.hexdigest()


def ensure_requirements(python: Path, requirements: str) -> None:
    """Install a requirements file once; reinstall only when a pinned file changed."""
    file = ROOT / requirements
    marker = VENV / f".installed-{file.stem}"
    digest = _requirements_digest([file])
    if marker.exists() and marker.read_text() == digest:
        return
    print(f"Cài các gói trong {requirements} ...", flush=True)
    subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                    "--upgrade", "pip"], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                    "-r", str(file)], check=True)
    marker.write_text(digest)


def run_tests(python: Path, extra: list[str]) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    code = subprocess.run([str(python), "-m", "pytest", *extra], cwd=ROOT, env=env).returncode
    if code != 0:
        return code
    if extra:  # a partial run (e.g. -k) skips the lint, which is about the whole tree
        return 0
    print("ruff check .", flush=True)
    code = subprocess.run([str(python), "-m", "ruff", "check", "."], cwd=ROOT).returncode
    if code != 0:
        return code
    print("mypy (folders and modes in pyproject.toml)", flush=True)
    return subprocess.run([str(python), "-m", "mypy"], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if sys.version_info < MIN_PYTHON:
        print(f"MotCua cần Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} trở lên (đang có {sys.version.split()[0]}).")
        return 1
    python = ensure_venv()
    if argv[:1] == ["test"]:
        ensure_requirements(python, "requirements-dev.txt")
        return run_tests(python, argv[1:])
    ensure_requirements(python, "requirements.txt")
    args = argv[1:] if argv[:1] == ["cli"] else argv
    return subprocess.run([str(python), str(ROOT / "main.py"), *args], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

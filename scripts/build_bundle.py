"""Build the one-folder MotCua bundle with PyInstaller, then smoke-test the BUILT program.

    .venv/bin/python scripts/build_bundle.py [--no-install] [--keep-tmp]

1. Installs the pinned build tools (requirements-build.txt) into the current venv if missing or different.
2. Runs PyInstaller on pyinstaller.spec into build/ and dist/ from clean (dist/MotCua/, build/pyinstaller/).
3. Checks the bundle's layout: both programs, every file of resources/, the holidays "vi" translations,
   Qt's offscreen platform plugin (and the windows one on Windows); and that every third-party package
   the app's code imports comes from requirements.txt (or its dependencies), since the Windows build
   installs only that file while this venv also has requirements-dev.txt.
4. Runs the built program from a temporary folder (never the repository: nothing can be picked up from
   the source tree) with QT_QPA_PLATFORM=offscreen: `version`, `init`, `calendar list` (holidays with
   Vietnamese names), `catalog list` (the bundled sample catalog; checked only when `python main.py
   --help` from source lists a `catalog` command), `init` into the default data folder (QtCore's
   QStandardPaths; Linux only, where XDG_DATA_HOME can point it at a temporary folder), and the GUI for a
   few seconds (when ui/app.py exists). JSON outputs are compared with the same commands run from source,
   so a missing resource or hidden import shows up here and not on a clerk's PC.

Exits 0 when everything passed, 1 with the failures listed otherwise. Prints timings and the bundle size.
The real target is win_amd64 (see pyinstaller.spec); on Windows the commands run through MotCua-cli.exe,
since MotCua.exe is windowed there and has no stdout.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "pyinstaller.spec"
BUILD_REQUIREMENTS = ROOT / "requirements-build.txt"
DIST_DIR = ROOT / "dist"
WORK_DIR = ROOT / "build"
APP_NAME = "MotCua"
BUNDLE = DIST_DIR / APP_NAME
LOCAL_PACKAGES = ("cli", "db", "models", "output", "services", "ui", "printing", "sync")  # as in pyinstaller.spec
ON_WINDOWS = sys.platform == "win32"
EXE_SUFFIX = ".exe" if ON_WINDOWS else ""
GUI_SECONDS = 8  # how long the GUI must stay up to count as started

_timings: list[tuple[str, float]] = []
_failures: list[str] = []


def say(message: str = "") -> None:
    print(message, flush=True)


def fail(message: str) -> None:
    _failures.append(message)
    say(f"  FAIL: {message}")


class step:
    """Times a step: `with step("name"): ...`."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        say(f"== {self.name}")
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        elapsed = time.perf_counter() - self.start
        _timings.append((self.name, elapsed))
        say(f"   ({elapsed:.1f} s)")
        return False


def app_version() -> str:
    text = (ROOT / "models" / "app_info.py").read_text(encoding="utf-8")
    match = re.search(r'^VERSION\s*=\s*["\']([^"\']+)["\']', text, re.MULTILINE)
    if not match:
        raise SystemExit("build_bundle: cannot read VERSION from models/app_info.py")
    return match.group(1)


def database_file_name() -> str:
    text = (ROOT / "models" / "app_info.py").read_text(encoding="utf-8")
    match = re.search(r'^DATABASE_FILE_NAME\s*=\s*["\']([^"\']+)["\']', text, re.MULTILINE)
    return match.group(1) if match else "motcua.sqlite3"


# --- 0. one build at a time ----------------------------------------------------------------------------

class BuildLock:
    """An exclusive lock on build/.build_bundle.lock: two builds in one tree would wreck each other's dist/."""

    def __init__(self, path: Path, wait_seconds: float = 1800):
        self.path = path
        self.wait_seconds = wait_seconds
        self.handle = None

    def _try_lock(self) -> bool:
        try:
            if ON_WINDOWS:
                import msvcrt

                msvcrt.locking(self.handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a+")
        deadline = time.monotonic() + self.wait_seconds
        told = False
        while not self._try_lock():
            if time.monotonic() > deadline:
                self.handle.close()
                raise SystemExit(f"build_bundle: another build still holds {self.path} after "
                                 f"{self.wait_seconds:.0f} s; giving up")
            if not told:
                say(f"  another build of the bundle is running in this tree: waiting for it ({self.path.name})")
                told = True
            time.sleep(2)
        return self

    def __exit__(self, *exc):
        self.handle.close()  # closing the file releases the lock
        return False


# --- 1. build tools ------------------------------------------------------------------------------------

def pinned_build_tools() -> dict[str, str]:
    pins = {}
    for line in BUILD_REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip()] = version.strip()
    return pins


def ensure_build_tools(allow_install: bool) -> bool:
    pins = pinned_build_tools()
    wrong = []
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong.append(f"{name} {installed or 'missing'} (want {version})")
    if not wrong:
        say(f"  build tools present: {', '.join(f'{n}=={v}' for n, v in pins.items())}")
        return True
    say(f"  to install: {'; '.join(wrong)}")
    if not allow_install:
        fail("build tools missing or at another version, and --no-install was given")
        return False
    if sys.prefix == sys.base_prefix:
        fail(f"{sys.executable} is not a virtualenv's Python: run .venv/bin/python scripts/build_bundle.py "
             "(this script installs PyInstaller only into a venv)")
        return False
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q",
                             "-r", str(BUILD_REQUIREMENTS)], cwd=ROOT)
    if result.returncode != 0:
        fail(f"pip install -r {BUILD_REQUIREMENTS.name} failed (exit {result.returncode})")
        return False
    return True


# --- 2. PyInstaller ------------------------------------------------------------------------------------

def run_pyinstaller() -> bool:
    for stale in (BUNDLE, WORK_DIR / SPEC.stem):
        if stale.exists():
            shutil.rmtree(stale)
    WORK_DIR.mkdir(exist_ok=True)
    # Qt's texts in Vietnamese: the .qm in resources/ is regenerated from its .ts before bundling.
    subprocess.run([sys.executable, str(ROOT / "scripts" / "qt_vi_ts.py")], cwd=ROOT, check=True, timeout=300)
    log_path = WORK_DIR / "pyinstaller.log"
    if not ON_WINDOWS and not (shutil.which("ldd") and shutil.which("objdump")):
        say("  warning: PyInstaller on Linux wants `ldd` and `objdump` (apt-get install libc-bin binutils)")
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "INFO",
               "--distpath", str(DIST_DIR), "--workpath", str(WORK_DIR), str(SPEC)]
    say("  " + " ".join(command))
    env = _clean_env()
    with log_path.open("w", encoding="utf-8") as log:
        result = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env,
                                timeout=3600)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    say(f"  log: {log_path.relative_to(ROOT)}")
    if result.returncode != 0:
        tail = "\n".join(text.splitlines()[-40:])
        fail(f"PyInstaller failed (exit {result.returncode}); last lines of the log:\n{tail}")
        return False
    # A local package that cannot be imported at build time is silently left without its lazily
    # imported modules: that is a broken bundle, not a warning.
    for package, reason in re.findall(r"Failed to collect submodules for '([\w.]+)' because (.*)", text):
        if package.split(".")[0] in LOCAL_PACKAGES:
            fail(f"PyInstaller could not import the app's package '{package}' ({reason.strip()}); its "
                 "lazily imported modules would be missing from the bundle. Fix the source first.")
    for line in text.splitlines():
        if "Hidden import" in line and "not found" in line:
            say(f"  warning: {line.split('WARNING:', 1)[-1].strip()}")
    return True


# --- 3. layout -----------------------------------------------------------------------------------------

def internal_dir() -> Path:
    internal = BUNDLE / "_internal"
    return internal if internal.is_dir() else BUNDLE


def check_layout() -> bool:
    """Check what the bundle must contain; False when there is no program to smoke-test."""
    programs_ok = True
    for name in (APP_NAME, APP_NAME + "-cli"):
        exe = BUNDLE / (name + EXE_SUFFIX)
        if not exe.is_file():
            fail(f"program missing from the bundle: {exe.relative_to(ROOT)}")
            programs_ok = False
    internal = internal_dir()
    resources = ROOT / "resources"
    missing = [p.relative_to(ROOT).as_posix() for p in sorted(resources.rglob("*"))
               if p.is_file() and "__pycache__" not in p.parts
               and not (internal / p.relative_to(ROOT)).is_file()]
    if missing:
        fail(f"resources missing from the bundle: {', '.join(missing)}")
    else:
        count = sum(1 for p in resources.rglob("*") if p.is_file())
        say(f"  resources/: all {count} files bundled")
    vn_mo = internal / "holidays" / "locale" / "vi" / "LC_MESSAGES" / "VN.mo"
    if not vn_mo.is_file():
        fail("holidays' Vietnamese translations (holidays/locale/vi/LC_MESSAGES/VN.mo) are not bundled")
    plugins = internal / "PySide6" / "Qt" / "plugins" / "platforms"
    if not plugins.is_dir():
        plugins = internal / "PySide6" / "plugins" / "platforms"  # the layout of Windows wheels
    wanted = ["qoffscreen"] + (["qwindows"] if ON_WINDOWS else [])
    present = {p.stem.removeprefix("lib") for p in plugins.glob("*")} if plugins.is_dir() else set()
    for plugin in wanted:
        if plugin not in present:
            fail(f"Qt platform plugin '{plugin}' is not bundled (looked in {plugins.relative_to(ROOT)})")
    if all(plugin in present for plugin in wanted):
        say(f"  Qt platform plugins: {', '.join(sorted(present))}")
    return programs_ok


# --- 3b. runtime dependencies ----------------------------------------------------------------------------

def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure() -> set[str]:
    """requirements.txt's pins plus everything they require (read from the installed metadata)."""
    from packaging.requirements import Requirement  # installed with pip/pytest/PyInstaller

    pending = []
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            pending.append(Requirement(line).name)
    closure: set[str] = set()
    while pending:
        name = pending.pop()
        if _normalise(name) in closure:
            continue
        closure.add(_normalise(name))
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return closure


def app_imports() -> dict[str, set[str]]:
    """Top-level modules imported by main.py and the app's packages -> the files importing them."""
    files = [ROOT / "main.py"] + [path for package in LOCAL_PACKAGES for path in (ROOT / package).rglob("*.py")
                                  if "sync/hub" not in path.relative_to(ROOT).as_posix()]  # the hub: a server
    found: dict[str, set[str]] = {}
    for path in files:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.relative_to(ROOT).as_posix())
    return found


def check_runtime_dependencies() -> None:
    """The Windows build installs requirements.txt only: a package the app imports must come from it.

    A package that is installed here only through requirements-dev.txt gets bundled on this machine, so the
    smoke tests pass, while the Windows bundle, built from requirements.txt, would lack it.
    """
    closure = runtime_closure()
    distributions = metadata.packages_distributions()
    missing = 0
    for module, importers in sorted(app_imports().items()):
        for distribution in distributions.get(module, []):
            if _normalise(distribution) not in closure:
                missing += 1
                fail(f"the app imports `{module}` ({', '.join(sorted(importers))}) from the package "
                     f"{distribution}, which requirements.txt neither pins nor pulls in: a Windows build "
                     f"installed from requirements.txt would lack it. Pin it in requirements.txt.")
    if not missing:
        say(f"  requirements.txt with its dependencies: {len(closure)} packages; every third-party "
            "package the app imports is among them")


# --- 4. smoke tests ------------------------------------------------------------------------------------

def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without PYTHON* variables (nothing may leak in from the source tree), offscreen Qt.

    No PYTHONIOENCODING either: main.py itself must make the output UTF-8, as on a clerk's PC."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(QT_QPA_PLATFORM="offscreen")
    # The smoke tests' throwaway data folders: the first command makes the admin account, as `init` would.
    for key in ("MOTCUA_USER", "MOTCUA_PASSWORD", "MOTCUA_ADMIN_PASSWORD"):
        env.setdefault(key, "admin" if key == "MOTCUA_USER" else "kiem-thu-ban-dong-goi")
    env.update(extra)
    return env


def run_built(program: Path, args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([str(program), *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", env=_clean_env(**env), timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return subprocess.CompletedProcess([str(program), *args], -1, "", f"could not run it: {error}")


def run_source(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", errors="replace", env=_clean_env(**env), timeout=300)


def _describe(result: subprocess.CompletedProcess) -> str:
    out = "\n".join(f"      | {line}" for line in (result.stdout or "").strip().splitlines()[-15:])
    err = "\n".join(f"      ! {line}" for line in (result.stderr or "").strip().splitlines()[-25:])
    return f"exit {result.returncode}\n{out}\n{err}".rstrip()


def check_command(program: Path, args: list[str], cwd: Path, source_args: list[str] | None = None,
                  **env: str) -> subprocess.CompletedProcess | None:
    """Run a command with the built program; on failure, tell whether the source fails the same way."""
    label = f"{program.name} {' '.join(args)}"
    started = time.perf_counter()
    result = run_built(program, args, cwd, **env)
    say(f"  {label}  -> exit {result.returncode} ({time.perf_counter() - started:.1f} s)")
    if result.returncode == 0:
        return result
    source = run_source(source_args if source_args is not None else args, cwd, **env)
    if source.returncode != 0:
        fail(f"`{label}` failed, and `python main.py` fails the same way (a bug in the source tree, "
             f"not in the bundle):\n    {_describe(result)}")
    else:
        fail(f"`{label}` failed but works from source: a bundling problem (missing hidden import, "
             f"resource or data file?):\n    {_describe(result)}")
    return None


def parse_json(result: subprocess.CompletedProcess | None, label: str):
    if result is None:
        return None
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as error:
        fail(f"`{label}` did not print JSON ({error}): {result.stdout[:300]!r}")
        return None


def source_commands() -> set[str]:
    """The commands `python main.py --help` lists (run from source)."""
    result = run_source(["--help"], ROOT)
    if result.returncode != 0:
        fail(f"`python main.py --help` from source failed:\n    {_describe(result)}")
        return set()
    return set(re.findall(r"^ {4}([a-z][\w-]*)(?:\s|$)", result.stdout, re.MULTILINE))


def compare_with_source(label: str, built, source_result: subprocess.CompletedProcess) -> None:
    if source_result.returncode != 0:
        fail(f"`python main.py {label}` from source failed:\n    {_describe(source_result)}")
        return
    try:
        expected = json.loads(source_result.stdout)
    except json.JSONDecodeError:
        fail(f"`python main.py {label}` from source did not print JSON")
        return
    if built != expected:
        fail(f"`{label}`: the bundle prints something else than the source:\n"
             f"      bundle: {json.dumps(built, ensure_ascii=False)[:400]}\n"
             f"      source: {json.dumps(expected, ensure_ascii=False)[:400]}")


def smoke_test(version: str, tmp: Path) -> None:
    gui = BUNDLE / (APP_NAME + EXE_SUFFIX)
    cli = BUNDLE / (APP_NAME + "-cli" + EXE_SUFFIX)
    gui_has_console = not ON_WINDOWS or os.environ.get("MOTCUA_CONSOLE") == "1"
    programs = [gui, cli] if gui_has_console else [cli]
    program = programs[0]  # the one that runs the commands below
    work = tmp / "cwd"
    work.mkdir()

    with step("smoke: version"):
        for exe in programs:
            result = check_command(exe, ["version"], work)
            if result is not None:
                line = result.stdout.strip()
                say(f"    prints: {line}")
                if f"{APP_NAME} {version}" not in result.stdout:
                    fail(f"`{exe.name} version` printed {line!r}, expected '{APP_NAME} {version}'")
        data = parse_json(check_command(cli, ["--json", "version"], work), "--json version")
        if data is not None and data != {"version": version}:
            fail(f"`--json version` printed {data!r}, expected {{'version': '{version}'}}")

    commands = source_commands()
    say(f"  commands listed by `python main.py --help` (source): {', '.join(sorted(commands)) or 'none'}")
    bundle_data = tmp / "data-bundle"
    source_data = tmp / "data-source"
    init_args = ["init", "--unit-name", "UBND xã Thử", "--unit-code", "000.00.00.H00"]

    with step("smoke: init"):
        initialised = check_command(program, [*init_args, "--data-dir", str(bundle_data)], work,
                                    source_args=[*init_args, "--data-dir", str(tmp / "data-source-check")])
        initialised = initialised is not None and (bundle_data / database_file_name()).is_file()
        if initialised:
            say(f"    created {database_file_name()} in the data folder")
        run_source([*init_args, "--data-dir", str(source_data)], work)

    if initialised and "calendar" in commands:
        year = str(date.today().year)
        label = f"--json calendar list --year {year}"
        with step("smoke: calendar list (holidays with Vietnamese names)"):
            args = ["--data-dir", str(bundle_data), "--json", "calendar", "list", "--year", year]
            data = parse_json(check_command(program, args, work), label)
            if data is not None:
                say(f"    {len(data)} entries")
                if not data:
                    fail(f"`{label}` lists no holidays")
                compare_with_source(label, data, run_source(
                    ["--data-dir", str(source_data), "--json", "calendar", "list", "--year", year], work))

    if "catalog" not in commands:
        say("== smoke: catalog list: SKIPPED (`python main.py --help` lists no `catalog` command yet)")
    elif initialised:
        with step("smoke: catalog list (the bundled sample catalog)"):
            data = parse_json(check_command(
                program, ["--data-dir", str(bundle_data), "--json", "catalog", "list"], work), "catalog list")
            if data is not None:
                items = data.get("items", data.get("procedures", data)) if isinstance(data, dict) else data
                count = len(items) if isinstance(items, (list, dict)) else 0
                say(f"    {count} procedures")
                if not count:
                    fail("`--json catalog list` printed an empty catalog: is resources/sample_catalog.csv "
                         "bundled and loaded?")
                compare_with_source("--json catalog list", data, run_source(
                    ["--data-dir", str(source_data), "--json", "catalog", "list"], work))

    if not ON_WINDOWS:
        with step("smoke: init into the default data folder (QtCore QStandardPaths)"):
            xdg = tmp / "xdg-data"
            result = check_command(program, init_args, work, HOME=str(tmp / "home"), XDG_DATA_HOME=str(xdg))
            found = sorted(xdg.rglob(database_file_name()))
            if result is not None:
                if found:
                    say(f"    created {found[0].relative_to(tmp)}")
                else:
                    fail(f"`{' '.join(init_args)}` without --data-dir created no {database_file_name()} "
                         f"under XDG_DATA_HOME={xdg}")

    if (ROOT / "ui" / "app.py").is_file() and gui_has_console and initialised:
        with step(f"smoke: GUI starts and stays up {GUI_SECONDS} s (offscreen)"):
            check_gui(gui, bundle_data, work)


def check_gui(gui: Path, data_dir: Path, cwd: Path) -> None:
    """Start the GUI on an initialised data folder (no first-run dialog); it must still run after a while."""
    log_path = cwd / "gui-stderr.txt"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen([str(gui), "--data-dir", str(data_dir)], cwd=cwd, env=_clean_env(),
                                   stdout=subprocess.DEVNULL, stderr=log)
        try:
            code = process.wait(timeout=GUI_SECONDS)
        except subprocess.TimeoutExpired:
            code = None
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    errors = log_path.read_text(encoding="utf-8", errors="replace")
    if code is not None:
        tail = "\n".join(f"      ! {line}" for line in errors.strip().splitlines()[-25:])
        fail(f"the GUI exited after less than {GUI_SECONDS} s with code {code}:\n{tail}")
    elif "Traceback" in errors:
        tail = "\n".join(f"      ! {line}" for line in errors.strip().splitlines()[-25:])
        fail(f"the GUI kept running but printed a Python traceback:\n{tail}")
    else:
        say(f"    the GUI was still running after {GUI_SECONDS} s: stopped it")


# --- summary -------------------------------------------------------------------------------------------

def bundle_size() -> tuple[int, int]:
    files = [p for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-install", action="store_true",
                        help="fail instead of installing missing build tools")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the smoke tests' temporary folder")
    args = parser.parse_args(argv)
    version = app_version()
    started = time.perf_counter()
    say(f"Building {APP_NAME} {version} with {sys.executable} (Python {sys.version.split()[0]}, "
        f"{sys.platform}); real target: win_amd64, CPython 3.11")

    with BuildLock(WORK_DIR / ".build_bundle.lock"):
        return _build_and_test(args, version, started)


def _build_and_test(args: argparse.Namespace, version: str, started: float) -> int:
    with step("build tools (requirements-build.txt)"):
        ok = ensure_build_tools(not args.no_install)
    if ok:
        with step("PyInstaller (clean build of pyinstaller.spec)"):
            ok = run_pyinstaller()
    if ok:
        with step("bundle layout"):
            ok = check_layout()
        with step("runtime dependencies (requirements.txt covers the app's imports)"):
            check_runtime_dependencies()
    if ok:
        tmp = Path(tempfile.mkdtemp(prefix="motcua-bundle-"))
        try:
            smoke_test(version, tmp)
        finally:
            if args.keep_tmp:
                say(f"  kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    elif BUNDLE.is_dir():
        say("== smoke tests: SKIPPED (the bundle has no program to run)")

    say("\n== Timings")
    for name, seconds in _timings:
        say(f"  {seconds:7.1f} s  {name}")
    say(f"  {time.perf_counter() - started:7.1f} s  total")
    if BUNDLE.is_dir():
        size, count = bundle_size()
        say(f"\nBundle: {BUNDLE.relative_to(ROOT)}/  {size / 2**20:.1f} MiB in {count} files")
    if _failures:
        say(f"\nFAILED: {len(_failures)} problem(s):")
        for number, message in enumerate(_failures, 1):
            say(f"  {number}. {message}")
        return 1
    say(f"\nOK: {APP_NAME} {version} built and smoke-tested.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Check that every pinned runtime dependency has a wheel for the bundle's real target (cp311-win_amd64).

    .venv/bin/python scripts/check_windows_wheels.py [-r requirements.txt ...] [--download]

The Windows bundle (pyinstaller.spec) is built on Windows with CPython 3.11 from requirements.txt; a pin
with no wheel for that target would need a compiler there, or fail to install. For each `name==version`
line (comments, blank lines and options such as `-r` are skipped; environment markers are evaluated for
Windows) pip resolves that exact release for win_amd64 / CPython 3.11 with --only-binary=:all:, so only a
wheel can match: cp311, abi3 or pure-python (py3-none-any) wheels all count. By default this is
`pip install --dry-run --report`, which reads the wheel's metadata from the index without downloading the
wheel; --download runs `pip download` into a temporary folder instead.

Then all pins are resolved together WITH their dependencies (one dry run), so an unpinned dependency
that only has a source release for Windows (it would need a compiler there) fails the check too; those
rows say "OK (dep)". pip evaluates dependencies' environment markers for this machine, not for Windows,
so a Windows-only dependency (click's colorama) is not seen there; --no-deps-check skips this step.

Prints a table; exits 1 when any pin lacks a wheel (or is not pinned with ==), 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement

ROOT = Path(__file__).resolve().parent.parent
TARGET_PLATFORM = "win_amd64"
TARGET_PYTHON = "3.11"  # as pyinstaller.spec states


@dataclass
class Pin:
    line: str
    name: str = ""
    version: str = ""
    problem: str = ""  # set when the line is not an exact pin


@dataclass
class Result:
    pin: Pin
    ok: bool
    detail: str  # the wheel's file name, or why there is none
    dependency: bool = False  # not pinned in the file: pulled in by a pin


def windows_environment(python_version: str) -> dict[str, str]:
    env = default_environment()
    env.update(os_name="nt", sys_platform="win32", platform_system="Windows", platform_machine="AMD64",
               implementation_name="cpython", platform_python_implementation="CPython",
               python_version=python_version, python_full_version=python_version + ".0")
    return env


def read_pins(path: Path, python_version: str) -> list[Pin]:
    pins = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        pin = Pin(line)
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            pin.problem = f"cannot parse: {error}"
            pins.append(pin)
            continue
        if requirement.marker and not requirement.marker.evaluate(windows_environment(python_version)):
            continue  # not installed on Windows at all
        pin.name = requirement.name
        specifiers = list(requirement.specifier)
        if len(specifiers) == 1 and specifiers[0].operator == "==" and "*" not in specifiers[0].version:
            pin.version = specifiers[0].version
        else:
            pin.problem = "not pinned with name==version"
        pins.append(pin)
    return pins


def _target_options(platform: str, python_version: str) -> list[str]:
    return ["--only-binary=:all:", "--no-deps", "--platform", platform, "--python-version", python_version,
            "--implementation", "cp", "--disable-pip-version-check", "--no-input"]


def _pip_error(process: subprocess.CompletedProcess) -> str:
    lines = [line.strip() for line in (process.stderr + process.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or [f"pip exited {process.returncode}"])[0]


def check_pin(pin: Pin, platform: str, python_version: str, download: bool) -> Result:
    if pin.problem:
        return Result(pin, False, pin.problem)
    spec = f"{pin.name}=={pin.version}"
    with tempfile.TemporaryDirectory(prefix="wheel-check-") as tmp:
        if download:
            command = [sys.executable, "-m", "pip", "download", *_target_options(platform, python_version),
                       "--quiet", "-d", tmp, spec]
        else:
            report = Path(tmp) / "report.json"
            command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                       *_target_options(platform, python_version), "--report", str(report), spec]
        try:
            process = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return Result(pin, False, "pip timed out")
        if process.returncode != 0:
            return Result(pin, False, _pip_error(process))
        if download:
            files = sorted(p.name for p in Path(tmp).iterdir())
        else:
            installs = json.loads(report.read_text(encoding="utf-8")).get("install", [])
            files = [Path(unquote(urlparse(item["download_info"]["url"]).path)).name for item in installs]
    wheels = [name for name in files if name.endswith(".whl")]
    if not wheels:
        return Result(pin, False, f"pip found no wheel ({', '.join(files) or 'nothing'})")
    return Result(pin, True, wheels[0])


def check_dependencies(pins: list[Pin], platform: str, python_version: str) -> list[Result]:
    """Resolve all pins together, dependencies included; a Result per dependency, or one failure."""
    specs = [f"{pin.name}=={pin.version}" for pin in pins if not pin.problem]
    with tempfile.TemporaryDirectory(prefix="wheel-check-") as tmp:
        report = Path(tmp) / "report.json"
        options = [option for option in _target_options(platform, python_version) if option != "--no-deps"]
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                   *options, "--report", str(report), *specs]
        try:
            process = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return [Result(Pin("(dependencies)", "(dependencies)"), False, "pip timed out")]
        if process.returncode != 0:
            return [Result(Pin("(dependencies)", "(dependencies)"), False, _pip_error(process))]
        installs = json.loads(report.read_text(encoding="utf-8")).get("install", [])
    results = []
    for item in installs:
        if item.get("requested"):
            continue
        name = Path(unquote(urlparse(item["download_info"]["url"]).path)).name
        pin = Pin(item["metadata"]["name"], item["metadata"]["name"], item["metadata"]["version"])
        results.append(Result(pin, name.endswith(".whl"), name, dependency=True))
    return sorted(results, key=lambda result: result.pin.name.lower())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-r", "--requirements", action="append", type=Path,
                        help="requirements file to check (repeatable; default: requirements.txt)")
    parser.add_argument("--platform", default=TARGET_PLATFORM, help=f"wheel platform (default {TARGET_PLATFORM})")
    parser.add_argument("--python-version", default=TARGET_PYTHON,
                        help=f"CPython version (default {TARGET_PYTHON})")
    parser.add_argument("--download", action="store_true",
                        help="really download each wheel (pip download) instead of a dry-run resolution")
    parser.add_argument("--no-deps-check", action="store_true",
                        help="check only the pins, not the dependencies they pull in")
    args = parser.parse_args(argv)
    files = args.requirements or [ROOT / "requirements.txt"]
    pins = [pin for path in files for pin in read_pins(path, args.python_version)]
    if not pins:
        print("check_windows_wheels: no pinned requirements found in " + ", ".join(map(str, files)))
        return 1

    started = time.perf_counter()
    print(f"Wheels for CPython {args.python_version} on {args.platform} "
          f"({'pip download' if args.download else 'pip install --dry-run'}), from "
          + ", ".join(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path) for path in files))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda pin: check_pin(pin, args.platform, args.python_version, args.download),
                                pins))
    if args.no_deps_check:
        pass
    elif all(result.ok for result in results):
        results += check_dependencies(pins, args.platform, args.python_version)
    else:
        print("(dependencies not checked: fix the pins above first)")

    rows = [("package", "version", "result", "wheel / problem")]
    rows += [(r.pin.name or r.pin.line, r.pin.version or "-",
              ("OK" if r.ok else "MISSING") + (" (dep)" if r.dependency else ""), r.detail) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3])
        if number == 0:
            print("  ".join("-" * width for width in widths) + "  " + "-" * 15)
    missing = [r for r in results if not r.ok]
    elapsed = time.perf_counter() - started
    if missing:
        print(f"\nFAILED: {len(missing)} of {len(results)} packages have no {args.platform} wheel for CPython "
              f"{args.python_version}: {', '.join(r.pin.name or r.pin.line for r in missing)} ({elapsed:.1f} s)")
        return 1
    print(f"\nOK: all {len(results)} packages have a wheel for {args.platform}, CPython {args.python_version} "
          f"({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

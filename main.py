"""MotCua's entry point: a command runs the command line, no command opens the window."""

from __future__ import annotations

import sys
from pathlib import Path


def default_data_dir() -> Path:
    """The OS's per-user application data folder (QStandardPaths), e.g. %APPDATA%/MotCua/MotCua."""
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    from models.app_info import APP_NAME, ORGANIZATION_NAME

    QCoreApplication.setOrganizationName(ORGANIZATION_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def _silence_stdout() -> None:
    """The reader of our output has gone (`... --json | head`): point stdout at the null device so the
    interpreter's final flush raises nothing (Python's documented recipe for SIGPIPE)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")  # Vietnamese on a Windows console or a pipe
    argv = sys.argv[1:] if argv is None else argv
    from cli.parser import build_parser, run_command

    try:
        code = run_command(argv, default_data_dir)
        if code is not None:
            sys.stdout.flush()  # a closed pipe (| head) shows here, not at interpreter exit
    except BrokenPipeError:
        _silence_stdout()
        return 141  # as a shell reports a command ended by SIGPIPE; nothing printed on stderr
    if code is not None:
        return code
    args = build_parser().parse_args(argv)
    from ui.app import run

    return run(Path(args.data_dir) if args.data_dir else None, default_data_dir)


if __name__ == "__main__":
    sys.exit(main())

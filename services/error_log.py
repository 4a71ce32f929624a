"""Where an unexpected error's traceback goes: `logs/motcua.log` in the data folder, never the screen.

A minimal stand-in (issue #17): issue #11 builds the real rotating logging module; replace this file's
one function with it, keeping the file name and `log_unexpected`'s contract (returns the log's path or
None, never raises).
"""

from __future__ import annotations

import contextlib
import os
import traceback
from datetime import datetime
from pathlib import Path

LOG_DIR = "logs"
LOG_FILE = "motcua.log"
MAX_LOG_BYTES = 1024 * 1024  # then the file moves to motcua.log.1 (one old file kept)


def log_unexpected(data_dir: Path | None, error: BaseException, what: str = "") -> Path | None:
    """Append `error`'s traceback to the data folder's log; None when there is no folder to write in."""
    if data_dir is None:
        return None
    try:
        folder = Path(data_dir)
        if not folder.is_dir():
            return None
        logs = folder / LOG_DIR
        logs.mkdir(exist_ok=True)
        path = logs / LOG_FILE
        with contextlib.suppress(OSError):
            if path.stat().st_size > MAX_LOG_BYTES:
                os.replace(path, logs / (LOG_FILE + ".1"))
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now().isoformat(timespec='seconds')} {what}\n{text}\n")
        return path
    except (OSError, ValueError):
        return None

"""An OS lock on a file in the data folder: one backup, one sync at a time, released if the process dies."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

from models.errors import UserError


class FolderLock:
    """`with Subclass(data_dir):` holds `data_dir/<FILE_NAME>` or raises `BUSY(MESSAGE)` at once.

    msvcrt on Windows, flock elsewhere; both are dropped by the OS when the holder dies, so a crash
    never leaves the folder locked.
    """

    FILE_NAME = "motcua.lock"
    BUSY: type[UserError] = UserError
    MESSAGE = "Thư mục dữ liệu đang bận: hãy thử lại sau."

    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / self.FILE_NAME
        self._file: BinaryIO | None = None

    def __enter__(self) -> FolderLock:
        handle = self._file = open(self.path, "a+b")  # noqa: SIM115 - held until __exit__
        try:
            if sys.platform == "win32":  # (as mypy reads platforms)
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            self._file = None
            raise self.BUSY(self.MESSAGE) from None
        return self

    def __exit__(self, *exc: object) -> None:
        handle = self._file
        if handle is None:
            return
        try:
            if sys.platform == "win32":  # (as mypy reads platforms)
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        finally:
            handle.close()  # closing releases flock on POSIX
            self._file = None

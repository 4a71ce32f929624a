"""One sender at a time: an OS lock on `sync.lock` in the data folder, released even if the process dies."""

from __future__ import annotations

import os
from pathlib import Path

from models.errors import UserError

LOCK_FILE = "sync.lock"


class SyncBusy(UserError):
    pass


class SyncLock:
    """`with SyncLock(data_dir):` holds the folder's sync lock or raises SyncBusy at once."""

    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / LOCK_FILE
        self._file = None

    def __enter__(self) -> SyncLock:
        self._file = open(self.path, "a+b")  # noqa: SIM115 - held until __exit__
        try:
            if os.name == "nt":
                import msvcrt

                self._file.seek(0)
                msvcrt.locking(self._file.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._file.close()
            self._file = None
            raise SyncBusy("Đang có một phiên đồng bộ khác chạy trên thư mục dữ liệu này: hãy chờ nó xong.") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is None:
            return
        try:
            if os.name == "nt":
                import msvcrt

                self._file.seek(0)
                msvcrt.locking(self._file.fileno(), msvcrt.LK_UNLCK, 1)
        finally:
            self._file.close()  # closing releases flock on POSIX
            self._file = None

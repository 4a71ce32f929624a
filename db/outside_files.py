"""Reading a file a clerk points at (an import): regular files only, and no more bytes than a limit.

stat() comes before open(): opening a FIFO or a device for reading would block or never end, and a file
larger than any real catalog is refused before it is read into memory (models.table_file parses what
is returned, with its own bounds).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from models.errors import UserError, os_reason


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of `path`, refused (one Vietnamese line) unless it is a regular file of at most `limit`.

    stat() comes first: opening a FIFO or a device for reading would block or never end.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp {path}.") from None
    except OSError as error:
        raise UserError(f"Không đọc được tệp {path}: {os_reason(error)}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"{path} không phải là một tệp thông thường (thư mục, ống dẫn hay thiết bị): không đọc.")
    if info.st_size > limit:
        raise UserError(f"Tệp {path.name} quá lớn ({_mb(info.st_size)}; tối đa {_mb(limit)}).")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise UserError(f"Không đọc được tệp {path}: {os_reason(error)}.") from None
    if len(data) > limit:  # grew while we looked
        raise UserError(f"Tệp {path.name} quá lớn (tối đa {_mb(limit)}).")
    return data

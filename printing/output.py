"""Writing a finished PDF without leaving partial files, and the progress/cancel hooks of a print job."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from models.errors import UserError, os_reason

ProgressHook = Callable[[int, int], None]
CancelHook = Callable[[], bool]


class PrintCancelled(Exception):
    """The clerk cancelled the print job; nothing was written."""


class Job:
    """Progress reporting (done, total) and cancellation checks for one rendering."""

    def __init__(self, total: int, progress: ProgressHook | None, cancelled: CancelHook | None):
        self.total = max(total, 1)
        self.done = 0
        self._progress = progress
        self._cancelled = cancelled

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise PrintCancelled("Đã hủy in.")

    def step(self, count: int = 1) -> None:
        """Count `count` units of work done, report it, and stop here if the clerk cancelled."""
        self.done = min(self.done + count, self.total)
        if self._progress is not None:
            self._progress(self.done, self.total)
        self.check()

    def finish(self) -> None:
        self.done = self.total
        if self._progress is not None:
            self._progress(self.total, self.total)


def check_output(out: Path | str | BinaryIO) -> Path | None:
    """Cheap checks of an output path before any rendering work; None for a stream."""
    if not isinstance(out, str | os.PathLike):
        return None
    target = Path(out)
    if target.is_dir():
        raise UserError(f"'{target}' là một thư mục; hãy chọn tên tệp PDF để lưu.")
    if target.suffix.lower() != ".pdf":  # a PDF under another name would be opened by the wrong program
        raise UserError(f"Tệp in phải có đuôi .pdf, không phải '{target.name}'.")
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"Thư mục '{folder}' không tồn tại; hãy chọn nơi lưu khác.")
    return target


def write_output(data: bytes, out: Path | str | BinaryIO) -> None:
    """Write the finished PDF `data` to a path (atomically: temp file, then rename) or a binary stream."""
    if not isinstance(out, str | os.PathLike):
        out.write(data)
        return
    target = Path(out)
    check_output(target)
    folder = target.parent
    temp_name = None
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
        os.replace(temp_name, target)
        temp_name = None
    except PermissionError as error:
        raise UserError(
            f"Không ghi được tệp '{target}': không có quyền ghi, hoặc tệp đang mở trong chương trình "
            "khác (hãy đóng tệp PDF đó rồi in lại, hoặc chọn nơi lưu khác)."
        ) from error
    except OSError as error:
        raise UserError(
            f"Không ghi được tệp '{target}' ({os_reason(error)}). Hãy chọn nơi lưu khác."
        ) from error
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


def render_pdf(procedures: list, out: Path | str | BinaryIO, build: Callable[[Job], tuple[bytes, int]],
               empty_message: str, progress: ProgressHook | None, cancelled: CancelHook | None) -> int:
    """The shape every sheet shares: refuse an empty selection or a bad output before any work, build
    with progress (two units per procedure: prepare, draw) and cancellation, then write atomically.
    Returns the page count."""
    if not procedures:
        raise UserError(empty_message)
    check_output(out)
    job = Job(2 * len(procedures), progress, cancelled)
    job.check()
    data, pages = build(job)
    job.check()
    write_output(data, out)
    job.finish()
    return pages

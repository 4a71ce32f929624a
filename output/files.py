"""Writing an export file whole or not at all: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from models.errors import UserError, os_reason

Result = TypeVar("Result")


def write_through_temp(path: Path | str, write: Callable[[Path], Result]) -> Result:
    """Call `write(temporary)` and move the result onto `path`; a failure leaves no half-written file.

    Errors a clerk can meet (missing folder, file open in Excel, full disk) become one Vietnamese line.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(f"Thư mục {path.parent} không tồn tại.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".motcua-", suffix=path.suffix, dir=path.parent)
    except OSError as error:  # a folder we cannot write in (/proc, read-only media, no permission)
        raise UserError(f"Không ghi được vào thư mục {path.parent}: {os_reason(error)}.") from None
    os.close(handle)
    try:
        result = write(Path(temporary))
        os.replace(temporary, path)
    except PermissionError:
        raise UserError(f"Không ghi được {path.name}: tệp đang mở trong Excel hoặc không có quyền ghi.") from None
    except OSError as error:
        raise UserError(f"Không ghi được {path.name}: {os_reason(error)}.") from None
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return result

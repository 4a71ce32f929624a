"""What every command receives: the parsed arguments, the data folder, and output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlite_utils import Database

from models.errors import UserError
from services.folder import open_folder


@dataclass
class Context:
    args: argparse.Namespace
    data_dir_factory: Callable[[], Path]
    as_json: bool = False
    _db: Database | None = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        given = getattr(self.args, "data_dir", None)
        return Path(given) if given else self.data_dir_factory()

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_folder(self.data_dir)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def emit(self, data: object, text: str | None = None) -> None:
        """Print `data` as JSON with --json, else the human-readable `text` (or JSON if none)."""
        if self.as_json or text is None:
            print(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))
        else:
            print(text)


def _json_default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def parse_day(text: str) -> date:
    """A date typed as dd/mm/yyyy (as clerks write it) or YYYY-MM-DD (as scripts do)."""
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise UserError(f"Ngày không hợp lệ: '{text}' (cần dd/mm/yyyy hoặc YYYY-MM-DD).")


def parse_moment(text: str) -> datetime:
    """An ISO 8601 moment (YYYY-MM-DDTHH:MM[:SS]) or 'dd/mm/yyyy HH:MM'."""
    text = text.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise UserError(f"Thời điểm không hợp lệ: '{text}' (cần YYYY-MM-DDTHH:MM hoặc dd/mm/yyyy HH:MM).")


def fail(message: str) -> int:
    print(f"Lỗi: {message}", file=sys.stderr)
    return 2

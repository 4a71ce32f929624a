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

from models.dossier_clock import check_year
from models.errors import UserError
from services.folder import finish_work, open_folder


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
            # Statistics are written after the command succeeded (close(succeeded=True)), never into a
            # file the command then finds damaged.
            self._db = open_folder(self.data_dir, optimize_now=False)
        return self._db

    def close(self, *, succeeded: bool = False) -> None:
        if self._db is not None:
            if succeeded:
                finish_work(self._db)
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
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        check_year(day, "Ngày")
        return day
    raise UserError(f"Ngày không hợp lệ: '{text}' (cần dd/mm/yyyy hoặc YYYY-MM-DD).")


def parse_moment(text: str) -> datetime:
    """An ISO 8601 moment (YYYY-MM-DDTHH:MM[:SS]) or 'dd/mm/yyyy HH:MM'."""
    text = text.strip()
    moment = None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is not None:
        check_year(moment)
        return moment
    raise UserError(f"Thời điểm không hợp lệ: '{text}' (cần YYYY-MM-DDTHH:MM hoặc dd/mm/yyyy HH:MM).")


MAX_OFFSET = 10**12  # rows to skip in a listing: far beyond any table, well inside SQLite's 64-bit integers


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, else one Vietnamese line."""
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:40]}' không phải số nguyên") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} phải từ {low} đến {high}".replace(",", "."))
        return value
    return parse


def fail(message: str) -> int:
    print(f"Lỗi: {message}", file=sys.stderr)
    return 2

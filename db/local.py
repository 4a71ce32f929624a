"""The `local` table's one accessor: facts about this PC (device id, station, backup choices, sync marks)
that never sync. Works on a sqlite-utils Database or a bare sqlite3 connection; callers own the transaction."""

from __future__ import annotations

import sqlite3
from typing import Protocol


class _Executes(Protocol):
    def execute(self, sql: str, parameters: list = ..., /) -> sqlite3.Cursor: ...


def get_local(db: _Executes, key: str) -> str | None:
    row = db.execute("SELECT value FROM local WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def put_local(db: _Executes, key: str, value: str | None) -> None:
    """Set `key` (None removes it)."""
    if value is None:
        db.execute("DELETE FROM local WHERE key = ?", [key])
    else:
        db.execute("INSERT INTO local(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [key, value])

"""The `local` table's one accessor: facts about this PC (device id, station, backup choices, sync marks)
that never sync. Works on a sqlite-utils Database or a bare sqlite3 connection; callers own the transaction."""

from __future__ import annotations

from db.rows import Executes, scalar


def get_local(db: Executes, key: str) -> str | None:
    return scalar(db, "SELECT value FROM local WHERE key = ?", [key])


def put_local(db: Executes, key: str, value: str | None) -> None:
    """Set `key` (None removes it)."""
    if value is None:
        db.execute("DELETE FROM local WHERE key = ?", [key])
    else:
        db.execute("INSERT INTO local(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [key, value])

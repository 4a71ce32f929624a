"""The `local` table's one accessor: facts about this PC (device id, station, backup choices, sync marks)
that never sync. Works on a sqlite-utils Database or a bare sqlite3 connection; callers own the transaction.

Two places keep their own SQL on purpose: migrations (db/migrations.py: a step is frozen, later code may
change, the step may not) and db.events._FLOOR (a subquery inside every pending-events statement, on the
write path measured by bench/bench_sync.py)."""

from __future__ import annotations

from collections.abc import Sequence

from db.rows import Executes, scalar


def get_local(db: Executes, key: str) -> str | None:
    return scalar(db, "SELECT value FROM local WHERE key = ?", [key])


def local_items(db: Executes, *, keys: Sequence[str] = (), except_prefix: str = "") -> list[tuple[str, str]]:
    """(key, value) pairs in key order: the `keys` given (all when none), leaving out keys that start
    with `except_prefix`."""
    where: list[str] = ["1"]
    params: list[str | int] = []
    if keys:
        where.append(f"key IN ({', '.join('?' for _ in keys)})")
        params += keys
    if except_prefix:
        where.append("substr(key, 1, ?) != ?")
        params += [len(except_prefix), except_prefix]
    return [(key, value) for key, value in db.execute(
        f"SELECT key, value FROM local WHERE {' AND '.join(where)} ORDER BY key", params)]


def put_local(db: Executes, key: str, value: str | None) -> None:
    """Set `key` (None removes it)."""
    if value is None:
        db.execute("DELETE FROM local WHERE key = ?", [key])
    else:
        db.execute("INSERT INTO local(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [key, value])

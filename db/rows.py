"""Reading one value or one column: the only place a result is taken by position, and only where the query
names a single column (`SELECT count(*) ...`, `SELECT value ...`), so nothing depends on column order.

Rows with several columns are read by name: sqlite-utils' `db.query` (dicts), a NamedTuple or sqlite3.Row
(`named` below). Works on a sqlite-utils Database or a bare sqlite3 connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, Protocol


class Executes(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ..., /) -> sqlite3.Cursor: ...


def scalar(db: Executes, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
    """The single value of a one-column query's first row; None when there is no row."""
    row = db.execute(sql, params).fetchone()
    if row is None:
        return None
    (value,) = row  # refuses a query with more than one column
    return value


def column(db: Executes, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
    """The values of a one-column query, in its order."""
    return [value for (value,) in db.execute(sql, params)]


def named(db: Executes, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
    """A query's cursor whose rows are sqlite3.Row, read by column name (`row["hash"]`): for a
    sqlite-utils Database or a bare connection alike, without changing the connection's own row factory."""
    cursor = db.execute(sql, params)
    cursor.row_factory = sqlite3.Row
    return cursor

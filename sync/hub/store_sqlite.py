"""The SQLite engine: the hub's default, one file in the data folder, nothing to install."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sync.hub.schema import VERSION_TABLE, pending_steps, statements
from sync.hub.store import HUB_DATABASE
from sync.hub.store_sql import COLUMNS, SqlHubStore, scalar


class SqliteHubStore(SqlHubStore):
    """One connection behind a lock; WAL with synchronous=NORMAL survives a killed process (SIGKILL).
    Writers take SQLite's write lock first (BEGIN IMMEDIATE), so server_seq values commit in order."""

    engine = "sqlite"
    integrity_errors = (sqlite3.IntegrityError,)

    def __init__(self, data_dir: Path | str):
        path = Path(data_dir)
        path.mkdir(parents=True, exist_ok=True)
        self.path = path / HUB_DATABASE
        self.conn = sqlite3.connect(self.path, timeout=15, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.lock = threading.RLock()
        self._migrate()

    def _migrate(self) -> None:
        with self._tx() as tx:
            tx.execute(VERSION_TABLE)
            version = scalar(tx, "SELECT version FROM hub_schema")
            if version is None:
                tx.execute("INSERT INTO hub_schema(version) VALUES (0)")
            for step in pending_steps(version or 0):
                for statement in statements(step.sqlite):
                    tx.execute(statement)
                tx.execute("UPDATE hub_schema SET version = ?", [step.number])

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            yield self.conn

    def _serialise(self, tx) -> None:
        return None  # BEGIN IMMEDIATE holds the write lock already

    def _insert_events(self, tx, unit_code: str, rows: list[list], moment: str) -> set[str]:
        sql = (f"INSERT INTO events (unit_code, {', '.join(COLUMNS)}, received_at) VALUES "
               f"(?, {', '.join('?' for _ in COLUMNS)}, ?) ON CONFLICT DO NOTHING RETURNING uuid")
        inserted: set[str] = set()
        for row in rows:
            uuid = scalar(tx, sql, [unit_code, *row, moment])  # None: a duplicate, not inserted
            if uuid is not None:
                inserted.add(uuid)
        return inserted

    def _schema_version(self) -> int:
        with self._read() as tx:
            return scalar(tx, "SELECT version FROM hub_schema")

    def backup(self, target: Path) -> Path:
        """SQLite's online backup API (as the desktop's backups): a consistent copy while the hub runs."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        copy = sqlite3.connect(partial)
        try:
            with self.lock:
                self.conn.backup(copy)
        finally:
            copy.close()
        partial.replace(target)
        return target

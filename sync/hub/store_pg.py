"""The PostgreSQL engine (psycopg 3 with a connection pool): a province's hub, several processes, one database.

Cursor order: every push takes one transaction-level advisory lock before its INSERT and keeps it until
COMMIT, so server_seq values (an identity column) are drawn and committed in the same order; a reader
never sees a number while a smaller one is still to commit (sync/README.md, "Several hub processes").
Pushes still check tokens, parse and hash in parallel; only the insert and the commit are one at a time.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg_pool import ConnectionPool

from models.errors import UserError
from sync.hub.schema import VERSION_TABLE, pending_steps, statements
from sync.hub.store import safe_url
from sync.hub.store_sql import COLUMNS, SqlHubStore, scalar

SEQUENCE_LOCK = 0x4D6F7443_0001  # pg_advisory_xact_lock keys: pushes, schema changes, the report's facts
MIGRATION_LOCK = 0x4D6F7443_0002
FACTS_LOCK = 0x4D6F7443_0003
_TYPES = {"seq": "bigint"}


def _configure(conn: psycopg.Connection) -> None:
    """A pull page must read its index range in order and stop after `limit` rows. With statistics that lag
    a bulk load (a USB import, a restore, a new unit's history) the planner picks a bitmap scan of every
    row after the cursor and a sort, per page: a 100,000-event pull went quadratic. The hub's queries are
    key lookups, ordered index ranges and whole-table aggregates, none of which needs a bitmap scan."""
    conn.execute("SET enable_bitmapscan = off")


class _Tx:
    """A psycopg connection that takes the hub's '?' parameters."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def execute(self, sql: str, params: list | tuple = ()):
        return self.conn.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows: list) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(sql.replace("?", "%s"), rows)


class PostgresHubStore(SqlHubStore):
    engine = "postgresql"
    integrity_errors = (psycopg.errors.IntegrityError,)

    def __init__(self, url: str, *, pool_size: int = 4):
        self.url = url
        try:  # one plain connection first: a wrong address or password is told at once, not after retries
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error as error:
            text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise UserError(f"Không kết nối được cơ sở dữ liệu PostgreSQL của máy chủ ({safe_url(url)}): {text}"
                            ) from None
        self.pool = ConnectionPool(url, min_size=1, max_size=max(1, pool_size), kwargs={"autocommit": True},
                                   configure=_configure, open=False, name="motcua-hub")
        try:
            self.pool.open(wait=True, timeout=15)
        except Exception as error:
            self.pool.close()
            raise UserError(f"Không kết nối được cơ sở dữ liệu PostgreSQL của máy chủ ({safe_url(url)}): "
                            f"{str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__}"
                            ) from None
        try:
            self._migrate()
        except BaseException:
            self.pool.close()
            raise

    def _migrate(self) -> None:
        """All pending steps in one transaction under a lock: hub processes starting together migrate once."""
        with self._tx() as tx:
            tx.execute("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK])
            tx.execute(VERSION_TABLE)
            version = scalar(tx, "SELECT version FROM hub_schema")
            if version is None:
                tx.execute("INSERT INTO hub_schema(version) VALUES (0)")
            for step in pending_steps(version or 0):
                for statement in statements(step.postgres):
                    tx.conn.execute(statement)
                tx.execute("UPDATE hub_schema SET version = ?", [step.number])

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def _tx(self) -> Iterator[_Tx]:
        with self.pool.connection() as conn, conn.transaction():
            yield _Tx(conn)

    @contextmanager
    def _read(self) -> Iterator[_Tx]:
        with self.pool.connection() as conn:
            yield _Tx(conn)

    def _serialise(self, tx: _Tx) -> None:
        tx.execute("SELECT pg_advisory_xact_lock(?)", [SEQUENCE_LOCK])

    def _lock_facts(self, tx: _Tx) -> None:
        tx.execute("SELECT pg_advisory_xact_lock(?)", [FACTS_LOCK])

    def _insert_events(self, tx: _Tx, unit_code: str, rows: list[list], moment: str) -> set[str]:
        """The whole batch in one statement (unnest of one array per column), in the batch's order."""
        names = ", ".join(COLUMNS)
        arrays = ", ".join(f"%s::{_TYPES.get(c, 'text')}[]" for c in COLUMNS)
        sql = (f"INSERT INTO events (unit_code, {names}, received_at) SELECT %s, {names}, %s FROM unnest({arrays}) "
               f"WITH ORDINALITY AS batch({names}, ord) ORDER BY ord ON CONFLICT DO NOTHING RETURNING uuid")
        columns = [list(values) for values in zip(*rows, strict=True)]
        return {uuid for (uuid,) in tx.conn.execute(sql, [unit_code, moment, *columns]).fetchall()}

    def _insert_sigs(self, tx: _Tx, signed: list[tuple[str, str]]) -> None:
        uuids, sigs = (list(values) for values in zip(*signed, strict=True))
        tx.conn.execute("INSERT INTO event_sigs(uuid, sig) SELECT * FROM unnest(%s::text[], %s::text[]) "
                        "ON CONFLICT (uuid) DO NOTHING", [uuids, sigs])

    def _relax_commit(self, tx: _Tx) -> None:
        """A pull's mark (how far a PC has read, for the other PCs' unseen counts) is written at every pull: a
        durable flush each would cost as much as a push. Lost in a crash, the mark is behind, so a count errs
        towards "not yet seen" (never hides) and the PC's next pull writes it again."""
        tx.execute("SET LOCAL synchronous_commit = off")

    def _schema_version(self) -> int:
        with self._read() as tx:
            return scalar(tx, "SELECT version FROM hub_schema")

    def backup(self, target: Path) -> Path:
        """pg_dump's custom format (restore with pg_restore), consistent while the hub runs."""
        pg_dump = shutil.which("pg_dump") or next((str(p) for p in sorted(Path("/usr/lib/postgresql").glob(
            "*/bin/pg_dump"), reverse=True)), None)
        if pg_dump is None:
            raise UserError("Không tìm thấy pg_dump: hãy cài gói postgresql-client để sao lưu cơ sở dữ liệu.")
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        done = subprocess.run([pg_dump, "--format=custom", "--file", str(partial), "--dbname", self.url],
                              capture_output=True, text=True)
        if done.returncode != 0:
            partial.unlink(missing_ok=True)
            raise UserError(f"pg_dump không sao lưu được: {done.stderr.strip()[:300]}")
        partial.replace(target)
        return target


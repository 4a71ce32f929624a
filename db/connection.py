"""Opening the data folder's database: WAL, foreign keys, migrations, and refusing a newer schema."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from db.migrations import MIGRATION_SET, migrations
from db.rows import column, scalar
from models.app_info import DATABASE_FILE_NAME
from models.errors import SchemaTooNewError, UserError


class MotCuaDatabase(Database):
    """sqlite-utils' Database whose outermost transaction starts with BEGIN IMMEDIATE.

    A deferred transaction that reads and then writes cannot wait for another writer in WAL mode: SQLite
    answers SQLITE_BUSY at once (its snapshot is stale) and the busy timeout never applies. Taking the
    write lock at BEGIN makes every concurrent writer (another process, the GUI, auto-sync, auto-backup)
    wait its turn for up to busy_timeout instead. Nested blocks stay savepoints, as in sqlite-utils, and
    sqlite-utils' own writes (insert, upsert, ...) go through this method too.
    """

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            with super().atomic():  # a savepoint inside the immediate transaction
                yield self
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise


def database_path(data_dir: Path) -> Path:
    return Path(data_dir) / DATABASE_FILE_NAME


def _applied_names(conn: sqlite3.Connection) -> list[str]:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return []
    return column(conn, "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [MIGRATION_SET])


def check_schema_not_newer(conn: sqlite3.Connection) -> None:
    """Refuse a database that holds migrations this version of MotCua does not know.

    Runs before anything is written, so a refused database is left byte for byte as it was.
    """
    known = {m.name for m in migrations._migrations}
    unknown = [name for name in _applied_names(conn) if name not in known]
    if unknown:
        raise SchemaTooNewError(
            "Cơ sở dữ liệu này do phiên bản MotCua mới hơn tạo ra "
            f"(bước cấu trúc '{unknown[-1]}' không có trong bản này). "
            "Hãy cập nhật MotCua; dữ liệu chưa bị thay đổi."
        )


def check_is_motcua(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database another program made (tables, but none of MotCua's migrations): writing MotCua's
    schema into it would damage that program's file. An empty file or database is MotCua's to fill."""
    tables = scalar(conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table'")
    if tables and not _applied_names(conn):
        raise UserError(f"Tệp {path} là cơ sở dữ liệu của một chương trình khác (không có cấu trúc MotCua): "
                        "MotCua không ghi gì vào đó. Hãy chọn thư mục dữ liệu khác.")


def _backup_before_migrating(conn: sqlite3.Connection, path: Path) -> None:
    """Copy an existing database aside before a schema change, with SQLite's online backup API."""
    backup_dir = path.parent / "backups"
    backup_dir.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = sqlite3.connect(backup_dir / f"truoc-nang-cap-{stamp}.sqlite3")
    try:
        conn.backup(target)
    finally:
        target.close()


def open_database(path: Path, *, optimize_now: bool = True) -> Database:
    """Open (creating if needed) the database at `path`, migrated to this version's schema.

    `optimize_now=False` leaves the planner's statistics for `optimize()` after the work succeeded: a
    command line that finds a damaged file must not have written statistics into it first."""
    path = Path(path)
    existed = path.exists() and path.stat().st_size > 0
    try:
        # isolation_level=None: no implicit deferred BEGIN from Python's sqlite3; every write transaction
        # is an explicit one (MotCuaDatabase.atomic, BEGIN IMMEDIATE) or a single autocommit statement.
        conn = sqlite3.connect(path, timeout=15, isolation_level=None)
        if existed:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        from db.backup_files import SQLITE_MAGIC, check_database

        if existed:
            with open(path, "rb") as handle:
                sqlite_file = handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
            if sqlite_file:
                check_database(path)  # a damaged schema: said as the start-up check says it, with what to do
        raise UserError(f"Không mở được cơ sở dữ liệu {path}: tệp hỏng hoặc không phải SQLite ({error}).") from None
    try:
        check_is_motcua(conn, path)
        check_schema_not_newer(conn)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=15000")
        db = MotCuaDatabase(conn)
        pending = migrations.pending(db)
        if pending and existed and _applied_names(conn):
            _backup_before_migrating(conn, path)
        migrations.apply(db)
        from db.secrets_move import attach

        attach(db, path.parent)  # this PC's secrets live beside the database, never in it (issue #17)
        if optimize_now:
            optimize(db)
    except BaseException:
        conn.close()
        raise
    return db


def optimize(db: Database) -> None:
    """Keep the query planner's statistics fresh on big tables (a million dossiers); the limit makes
    ANALYZE sample instead of reading whole tables, so it stays fast."""
    db.execute("PRAGMA analysis_limit=400")
    db.execute("PRAGMA optimize")


def open_light(path: Path) -> Database:
    """A short-lived connection for a background job: the pragmas only, no migration check.

    The schema was brought up to date once, when the data folder was opened (open_database)."""
    conn = sqlite3.connect(Path(path), timeout=15, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=15000")
    db = MotCuaDatabase(conn)  # a job's writes take the write lock at BEGIN too
    from db.secrets_move import attach_light

    attach_light(db, Path(path).parent)  # the secrets file beside the database (issue #17)
    return db

"""The data folder: opening it (migrations run here, once), the first-run mark, and light connections for jobs."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from db.connection import database_path, open_light
from db.data_folder import first_run_pending, mark_first_run_done, open_data_folder
from services.changes import Changes

__all__ = ["database_path", "finish_first_run", "first_run_pending", "job_connection", "open_folder"]


def open_folder(data_dir: Path) -> Database:
    """Open (creating on first run) the data folder's database, migrated, with the sample catalog."""
    return open_data_folder(Path(data_dir))


def job_connection(data_dir: Path) -> Database:
    """A background job's own short-lived connection (SQLite connections stay in their thread)."""
    return open_light(database_path(Path(data_dir)))


def finish_first_run(db: Database) -> Changes:
    """The unit's settings were confirmed (or the first-run dialog skipped) on this PC."""
    mark_first_run_done(db)
    return Changes(settings=True)

"""The data folder: opening it (migrations run here, once), the first-run mark, and light connections for jobs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from db.connection import database_path, open_light, optimize
from db.data_folder import first_run_pending, mark_first_run_done, open_data_folder
from db.folder_lock import FolderLock
from db.rows import scalar
from services.changes import Changes

__all__ = ["WindowLock", "data_version", "database_path", "finish_first_run", "finish_work", "first_run_pending", "job_connection",
           "open_folder"]


def open_folder(data_dir: Path, *, optimize_now: bool = True) -> Database:
    """Open (creating on first run) the data folder's database, migrated, with the sample catalog."""
    return open_data_folder(Path(data_dir), optimize_now=optimize_now)


def finish_work(db: Database) -> None:
    """After a command succeeded: refresh the planner's statistics (db.connection.optimize); statistics
    are a help, so a busy file leaves them for next time instead of failing the finished work."""
    try:
        optimize(db)
    except sqlite3.Error:
        pass


def job_connection(data_dir: Path) -> Database:
    """A background job's own short-lived connection (SQLite connections stay in their thread)."""
    return open_light(database_path(Path(data_dir)))


def finish_first_run(db: Database) -> Changes:
    """The unit's settings were confirmed (or the first-run dialog skipped) on this PC."""
    mark_first_run_done(db)
    return Changes(settings=True)



class WindowLock(FolderLock):
    """Held by the one window open on a data folder (ui/single_instance.py); the OS drops it if MotCua dies."""

    FILE_NAME = "motcua-cua-so.lock"
    MESSAGE = "Thư mục dữ liệu đang được một cửa sổ MotCua khác dùng."


def data_version(db: Database) -> int:
    """SQLite's PRAGMA data_version: changes when another connection commits to the file."""
    return scalar(db, "PRAGMA data_version")

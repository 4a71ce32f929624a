"""What every screen shares: the data folder, the GUI thread's connection and one typed `changed` broadcast."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from sqlite_utils import Database

from models.settings import UnitSettings
from services.changes import Changes
from services.folder import data_version, job_connection, open_folder
from services.settings import load_settings

# Another process may have changed anything (a restore is announced by its own errand, not guessed here).
OUTSIDE_WRITE = Changes(all_dossiers=True, catalog=True, calendar=True, settings=True, accounts=True, ratings=True,
                        audit=True, sync=True)
OUTSIDE_WRITES_POLL_MS = 2000  # how soon a write from the command line or another window shows


class AppContext(QObject):
    """Screens refresh from `changed(Changes)` (Anki's OpChanges): each asks what it shows, none filters strings."""

    changed = Signal(Changes)

    def __init__(self, data_dir: Path, db: Database):
        super().__init__()
        self.data_dir = Path(data_dir)
        self.db = db
        self._data_version = self.data_version()
        self.watch_timer: QTimer | None = None

    def publish(self, changes: Changes) -> None:
        """Tell every screen once what an errand changed (nothing when nothing did)."""
        if changes:
            self.changed.emit(changes)

    def settings(self) -> UnitSettings:
        return load_settings(self.db)

    def open_worker_connection(self) -> Database:
        """A background job's light connection (pragmas only: migrations ran when the folder opened)."""
        return job_connection(self.data_dir)

    def reopen(self) -> None:
        """A fresh connection after the database file was replaced (restore)."""
        self.db = open_folder(self.data_dir)
        self._data_version = self.data_version()

    # ----- writes made by someone else: the command line, another process, a worker's connection
    def data_version(self) -> int:
        """SQLite's PRAGMA data_version: changes when another connection commits to the file."""
        return data_version(self.db)

    def check_outside_writes(self) -> bool:
        """Publish OUTSIDE_WRITE (as F5 would) when the database was written by another connection."""
        try:
            version = self.data_version()
        except sqlite3.ProgrammingError:  # the connection was closed (signing out, a restore): stop asking
            if self.watch_timer is not None:
                self.watch_timer.stop()
            return False
        if version == self._data_version:
            return False
        self._data_version = version
        self.publish(OUTSIDE_WRITE)
        return True

    def watch_outside_writes(self, interval_ms: int = OUTSIDE_WRITES_POLL_MS) -> QTimer:
        """Poll data_version on a timer (one cheap pragma, no file access when nothing changed)."""
        if self.watch_timer is None:
            self.watch_timer = QTimer(self)
            self.watch_timer.timeout.connect(self.check_outside_writes)
        self._data_version = self.data_version()
        self.watch_timer.start(interval_ms)
        return self.watch_timer

    def ui_settings(self) -> QSettings:
        """Window sizes and other per-user preferences, kept beside the data they belong to."""
        return QSettings(str(self.data_dir / "giao-dien.ini"), QSettings.Format.IniFormat)

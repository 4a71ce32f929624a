"""What every screen shares: the data folder, the GUI thread's connection and one `changed` signal."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from sqlite_utils import Database

from db.connection import database_path, open_database
from db.settings_store import load_settings
from models.settings import UnitSettings


class AppContext(QObject):
    """Screens refresh from `changed` (what changed: 'settings', 'catalog', 'dossier'...), not each other."""

    changed = Signal(str)

    def __init__(self, data_dir: Path, db: Database):
        super().__init__()
        self.data_dir = Path(data_dir)
        self.db = db

    def settings(self) -> UnitSettings:
        return load_settings(self.db)

    def open_worker_connection(self) -> Database:
        """A connection for a worker thread (SQLite connections stay in the thread that made them)."""
        return open_database(database_path(self.data_dir))

    def ui_settings(self) -> QSettings:
        """Window sizes and other per-user preferences, kept beside the data they belong to."""
        return QSettings(str(self.data_dir / "giao-dien.ini"), QSettings.Format.IniFormat)

"""What every screen shares: the data folder, the GUI thread's connection and one typed `changed` broadcast."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from sqlite_utils import Database

from models.settings import UnitSettings
from services.changes import Changes
from services.folder import job_connection, open_folder
from services.settings import load_settings


class AppContext(QObject):
    """Screens refresh from `changed(Changes)` (Anki's OpChanges): each asks what it shows, none filters strings."""

    changed = Signal(Changes)

    def __init__(self, data_dir: Path, db: Database):
        super().__init__()
        self.data_dir = Path(data_dir)
        self.db = db

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

    def ui_settings(self) -> QSettings:
        """Window sizes and other per-user preferences, kept beside the data they belong to."""
        return QSettings(str(self.data_dir / "giao-dien.ini"), QSettings.Format.IniFormat)

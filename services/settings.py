"""Settings errands: the unit's settings, this PC's station number (each write answers what changed)."""

from __future__ import annotations

from sqlite_utils import Database

from db.device import set_station_number, station_number
from db.settings_store import load_settings, save_settings, update_settings
from models.settings import UnitSettings
from services.changes import Changes

__all__ = ["change_settings", "load_settings", "set_station", "station_number", "store_settings"]


def store_settings(db: Database, settings: UnitSettings, actor: str | None = None) -> tuple[UnitSettings, Changes]:
    """Validate and store the whole settings (the dialog); raises UserError and changes nothing when invalid.

    Office hours are the calendar's too: due dates may shift."""
    saved = save_settings(db, settings, actor=actor)
    return saved, Changes(settings=True, calendar=True)


def change_settings(db: Database, changes: dict, actor: str | None = None) -> tuple[UnitSettings, Changes]:
    """Apply a partial change (the command line) on top of the stored settings."""
    saved = update_settings(db, changes, actor=actor)
    return saved, Changes(settings=True, calendar=True)


def set_station(db: Database, number: int) -> Changes:
    """This PC's station number (the first digit of its dossiers' daily sequence)."""
    set_station_number(db, number)
    return Changes(settings=True)

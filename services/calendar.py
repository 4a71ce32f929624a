"""Calendar errands: the unit's own days off and make-up working days (a change moves due dates)."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from db.calendar_store import OVERRIDE_KINDS, list_overrides, load_calendar, remove_override, set_override
from services.changes import Changes

__all__ = ["OVERRIDE_KINDS", "add_day", "list_overrides", "load_calendar", "remove_day"]


def add_day(db: Database, day: date, kind: str, note: str = "", actor: str | None = None) -> Changes:
    """Mark `day` as off or as a working day for this unit."""
    set_override(db, day, kind, note, actor=actor)
    return Changes(calendar=True)


def remove_day(db: Database, day: date, actor: str | None = None) -> tuple[bool, Changes]:
    """Give `day` back to the national calendar; False when it had no override."""
    removed = remove_override(db, day, actor=actor)
    return removed, Changes(calendar=True) if removed else Changes()

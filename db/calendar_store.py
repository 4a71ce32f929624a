"""The unit's own calendar overrides (an extra day off, a make-up working Saturday), and the calendar
they make with the decided years of resources/calendar/ (db/calendar_files.py) and the package's estimates."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from db.events import record_event
from models.errors import UserError
from models.roles import EDIT_SETTINGS
from models.session import require
from models.text import MAX_SHORT_TEXT, check_length, clean_text

OVERRIDE_KINDS = {"off": "Nghỉ", "work": "Làm việc (làm bù)"}


def list_overrides(db: Database) -> list[dict]:
    rows = db.execute("SELECT day, kind, note FROM calendar_overrides ORDER BY day").fetchall()
    return [{"day": day, "kind": kind, "note": note} for day, kind, note in rows]


def set_override(db: Database, day: date, kind: str, note: str = "", actor: str | None = None,
                 extra: dict | None = None) -> None:
    """Add or change one of the unit's days; `extra` (the decision on an unverified day) goes in the event."""
    require(EDIT_SETTINGS, "sửa lịch làm việc của đơn vị")
    if kind not in OVERRIDE_KINDS:
        raise UserError("Loại ngày phải là 'off' (nghỉ) hoặc 'work' (làm việc bù).")
    note = check_length(clean_text(note), MAX_SHORT_TEXT, "Ghi chú của ngày")
    with db.atomic():
        db.execute(
            "INSERT INTO calendar_overrides(day, kind, note) VALUES (?, ?, ?) "
            "ON CONFLICT(day) DO UPDATE SET kind = excluded.kind, note = excluded.note",
            [day.isoformat(), kind, note],
        )
        record_event(db, entity="calendar", entity_id=day.isoformat(), action="set",
                     payload={"kind": kind, "note": note, **(extra or {})}, actor=actor)


def remove_override(db: Database, day: date, actor: str | None = None) -> bool:
    require(EDIT_SETTINGS, "sửa lịch làm việc của đơn vị")
    with db.atomic():
        cursor = db.execute("DELETE FROM calendar_overrides WHERE day = ?", [day.isoformat()])
        if cursor.rowcount == 0:
            return False
        record_event(db, entity="calendar", entity_id=day.isoformat(), action="remove", payload={},
                     actor=actor)
    return True


def load_calendar(db: Database):
    """The unit's working-day calendar: its settings' office hours plus its own days and their notes."""
    from db.calendar_files import decided_years
    from db.settings_store import load_settings
    from models.calendar import WorkCalendar, decided_first

    rows = list_overrides(db)
    overrides = {date.fromisoformat(row["day"]): row["kind"] for row in rows}
    notes = {date.fromisoformat(row["day"]): row["note"] for row in rows if row["note"]}
    return WorkCalendar.from_settings(load_settings(db), overrides, notes=notes,
                                      public_holidays=decided_first(decided_years()))


def due_soon_until(db: Database, now):
    """Until when a running dossier is 'sắp đến hạn': now plus the unit's due-soon working days
    (UnitSettings.due_soon_working_days), for the dossier list, the detail and the dashboard alike."""
    from db.settings_store import load_settings

    return load_calendar(db).add_working_days(now, load_settings(db).due_soon_working_days)

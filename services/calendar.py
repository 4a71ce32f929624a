"""Calendar errands: the unit's own days off and make-up working days (a change moves due dates), the
calendar's days with their sources, the unit's decision on an unverified day, the mark beside a due date
that depends on an estimate, and the recheck of dossiers after a calendar change (issue #13)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlite_utils import Database

from db.calendar_store import OVERRIDE_KINDS, list_overrides, load_calendar, remove_override, set_override
from db.dossier_recalendar import apply_recheck, recheck_rows
from models.calendar import UNVERIFIED, CalendarDay
from models.calendar_recheck import RecheckRow
from models.errors import UserError
from models.roles import EDIT_SETTINGS
from models.session import require
from services.changes import Changes

__all__ = ["OVERRIDE_KINDS", "add_day", "apply_corrections", "calendar_days", "decide_unverified_day", "due_note",
           "list_overrides", "load_calendar", "recheck", "remove_day", "unit_days"]


def add_day(db: Database, day: date, kind: str, note: str = "", actor: str | None = None) -> Changes:
    """Mark `day` as off or as a working day for this unit."""
    set_override(db, day, kind, note, actor=actor)
    return Changes(calendar=True)


def remove_day(db: Database, day: date, actor: str | None = None) -> tuple[bool, Changes]:
    """Give `day` back to the national calendar; False when it had no override."""
    removed = remove_override(db, day, actor=actor)
    return removed, Changes(calendar=True) if removed else Changes()


CONFIRMED_NOTE = "Đơn vị xác nhận là ngày nghỉ: {name}"
REMOVED_NOTE = "Đơn vị bỏ ngày nghỉ chưa xác minh, làm việc bình thường: {name}"


def calendar_days(db: Database, year: int) -> list[CalendarDay]:
    """Days off and make-up working days of `year`, each with its source or 'dự kiến' / 'chưa xác minh'."""
    if not 1900 < year < 2200:
        raise UserError("Năm không hợp lệ.")
    return load_calendar(db).special_days(year)


def decide_unverified_day(db: Database, day: date, keep: bool, *, actor: str | None = None) -> CalendarDay:
    """The administrator confirms (keep) or removes an unverified day off in one step; the decision is a
    calendar event (a unit override with the day's name and the file's source), so it syncs to every PC."""
    require(EDIT_SETTINGS, "xác nhận ngày nghỉ chưa xác minh")
    calendar = load_calendar(db)
    found = calendar.special_day(day)
    if found is None or found.status != UNVERIFIED:
        raise UserError(f"Ngày {day:%d/%m/%Y} không phải ngày nghỉ chưa xác minh.")
    note = (CONFIRMED_NOTE if keep else REMOVED_NOTE).format(name=found.name)
    set_override(db, day, "off" if keep else "work", note, actor=actor,
                 extra={"decision": "confirm" if keep else "remove", "source": found.source})
    decided = load_calendar(db).special_day(day)
    assert decided is not None  # an override was just written for it
    return decided


def due_note(db: Database, start: datetime, due: datetime | None) -> str:
    """'dự kiến' or 'chưa xác minh' when a due date from `start` crosses such a day, else ''."""
    return load_calendar(db).due_note(start, due)


def recheck(db: Database, start: date | None = None, end: date | None = None) -> list[RecheckRow]:
    """Dossiers the current calendar would change: open ones' due date, closed ones' timeliness or resolution
    time (QĐ 766 2.2)."""
    return recheck_rows(db, start, end)


def apply_corrections(db: Database, codes: Sequence[str] | None = None, *, start: date | None = None,
                      end: date | None = None, reason: str = "") -> list[RecheckRow]:
    """Apply the recount to the named dossiers, or (codes None) to every dossier the recheck lists."""
    if codes is None:
        codes = [row.code for row in recheck_rows(db, start, end)]
    return apply_recheck(db, codes, reason)


def unit_days(db: Database) -> list[dict]:
    """The unit's own days (every year), as calendar_days rows: what `calendar list` shows without a year."""
    calendar = load_calendar(db)
    days = [calendar.special_day(date.fromisoformat(row["day"])) for row in list_overrides(db)]
    return [day.to_dict() for day in days if day is not None]

"""The unit's own days, stored and applied by the calendar the rest of the app uses."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from db.calendar_store import list_overrides, load_calendar, remove_override, set_override
from db.events import pending_count
from models.errors import UserError


def test_make_up_saturday_and_extra_day_off_change_the_due_date(db):
    # Thu 2026-10-08 10:00 + 2 working days = Mon 2026-10-12 10:00 with a plain calendar.
    start = datetime(2026, 10, 8, 10, 0)
    assert load_calendar(db).add_working_days(start, 2) == datetime(2026, 10, 12, 10, 0)
    set_override(db, date(2026, 10, 10), "work", "Làm bù")
    assert load_calendar(db).add_working_days(start, 2) == datetime(2026, 10, 10, 10, 0)
    set_override(db, date(2026, 10, 9), "off", "Đại hội")
    calendar = load_calendar(db)
    assert calendar.add_working_days(start, 2) == datetime(2026, 10, 12, 10, 0)
    assert calendar.holiday_name(date(2026, 10, 9)) == "Đại hội"


def test_overrides_are_listed_removed_and_recorded(db):
    before = pending_count(db)
    set_override(db, date(2026, 12, 26), "work", "  làm   bù ")
    assert list_overrides(db) == [{"day": "2026-12-26", "kind": "work", "note": "làm bù"}]
    assert remove_override(db, date(2026, 12, 26)) is True
    assert remove_override(db, date(2026, 12, 26)) is False
    assert list_overrides(db) == []
    assert pending_count(db) == before + 2


def test_unknown_kind_is_refused(db):
    with pytest.raises(UserError):
        set_override(db, date(2026, 12, 26), "holiday")
    assert list_overrides(db) == []

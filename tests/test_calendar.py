"""Working-day calendar: expected values worked out by hand from a paper calendar (shared/domain.md)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from models.calendar import UNIT_DAY_OFF, WorkCalendar, YearHolidays
from models.errors import UserError
from models.settings import UnitSettings

# Reference weekdays: 13/02/2026 Fri, 02/03/2026 Mon, 24/04/2026 Fri, 22/08/2026 Sat,
# 03/02/2027 Wed, 01/05/2027 Sat, 31/12/2026 Thu.


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def no_holidays(year: int) -> YearHolidays:
    return YearHolidays()


# --- which days are working days ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-01-01", False),  # Tết Dương lịch (Thu)
        ("2026-01-02", True),
        ("2026-02-13", True),  # Fri before Tết
        ("2026-02-14", False),  # Sat
        ("2026-02-15", False),  # Sun
        ("2026-02-16", False),  # Tết 2026: 16–20/02
        ("2026-02-18", False),
        ("2026-02-20", False),
        ("2026-02-23", True),
        ("2026-04-26", False),  # Giỗ Tổ on a Sunday
        ("2026-04-27", False),  # ... observed Monday
        ("2026-04-28", True),  # only one observed day
        ("2026-04-30", False),  # Thu
        ("2026-05-01", False),  # Fri
        ("2026-05-04", True),
        ("2026-08-22", True),  # Saturday swapped into a working day
        ("2026-08-29", False),  # an ordinary Saturday
        ("2026-08-31", False),  # day off given for 22/08
        ("2026-09-01", False),
        ("2026-09-02", False),
        ("2026-09-03", True),
        ("2027-02-03", True),
        ("2027-02-04", False),  # Tết 2027: 04–10/02
        ("2027-02-05", False),
        ("2027-02-06", False),  # Sat
        ("2027-02-07", False),  # Sun
        ("2027-02-08", False),
        ("2027-02-10", False),
        ("2027-02-11", True),
        ("2027-04-16", False),  # Giỗ Tổ 2027 (Fri)
        ("2027-04-30", False),  # Fri
        ("2027-05-01", False),  # Sat
        ("2027-05-03", False),  # 1/5 observed on Monday
        ("2027-05-04", True),
    ],
)
def test_is_working_day(cal: WorkCalendar, day: str, working: bool) -> None:
    assert cal.is_working_day(d(day)) is working


def test_years_loaded_in_any_order_give_the_same_days() -> None:
    # Extending one VN holidays object year by year invented an observed 28/04/2026 (holidays 0.109).
    cal = WorkCalendar()
    assert cal.is_working_day(d("2027-05-04"))
    assert cal.is_working_day(d("2026-04-28"))
    assert not cal.is_working_day(d("2026-04-27"))
    assert cal.is_working_day(d("2026-08-22"))


def test_holidays_are_loaded_lazily_and_cached() -> None:
    asked: list[int] = []

    def provider(year: int) -> YearHolidays:
        asked.append(year)
        return YearHolidays(names={date(year, 3, 4): "Test"})

    cal = WorkCalendar(public_holidays=provider)
    assert asked == []
    assert not cal.is_working_day(d("2026-03-04"))
    assert cal.is_working_day(d("2026-03-05"))
    assert cal.holiday_name(d("2026-03-04")) == "Test"
    assert asked == [2026]
    assert cal.is_working_day(d("2027-03-05"))
    assert asked == [2026, 2027]


def test_provider_weekend_workdays_and_no_holidays() -> None:
    cal = WorkCalendar(public_holidays=lambda y: YearHolidays(weekend_workdays=frozenset({date(y, 3, 7)})))
    assert cal.is_working_day(d("2026-02-17"))  # no public holidays from this provider
    assert cal.is_working_day(d("2026-03-07"))  # a Saturday swapped into work
    assert not cal.is_working_day(d("2026-03-08"))


@pytest.mark.parametrize(
    ("overrides", "day", "working"),
    [
        ({d("2026-03-07"): "work"}, "2026-03-07", True),  # make-up Saturday
        ({d("2026-03-09"): "off"}, "2026-03-09", False),  # the unit's extra day off (Mon)
        ({d("2026-04-30"): "work"}, "2026-04-30", True),  # the unit wins over a public holiday
        ({d("2026-08-22"): "off"}, "2026-08-22", False),  # ... and over the package's swap
        ({d("2026-03-07"): "work"}, "2026-03-08", False),  # only the day itself changes
    ],
)
def test_unit_overrides_win(overrides: dict, day: str, working: bool) -> None:
    assert WorkCalendar(overrides).is_working_day(d(day)) is working


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-02-17", "Tết Nguyên Đán"),
        ("2026-04-27", "Giỗ Tổ Hùng Vương (nghỉ bù)"),
        ("2026-09-02", "Quốc khánh"),
        ("2027-05-03", "(nghỉ bù)"),
    ],
)
def test_holiday_name_of_public_holidays(cal: WorkCalendar, day: str, expected: str) -> None:
    name = cal.holiday_name(d(day))
    assert name is not None and expected in name


@pytest.mark.parametrize("day", ["2026-02-13", "2026-02-14", "2026-08-22"])
def test_holiday_name_none_for_ordinary_days(cal: WorkCalendar, day: str) -> None:
    assert cal.holiday_name(d(day)) is None


def test_holiday_name_of_unit_overrides() -> None:
    cal = WorkCalendar(
        {d("2026-03-09"): "off", d("2026-03-10"): "off", d("2026-04-30"): "work"},
        notes={d("2026-03-10"): "Đại hội Đảng bộ xã"},
    )
    assert cal.holiday_name(d("2026-03-09")) == UNIT_DAY_OFF == "Ngày nghỉ của đơn vị"
    assert cal.holiday_name(d("2026-03-10")) == "Đại hội Đảng bộ xã"
    assert cal.holiday_name(d("2026-04-30")) is None  # worked by the unit


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-02-12", "2026-02-13"),
        ("2026-02-13", "2026-02-23"),  # weekend + Tết + weekend
        ("2026-02-15", "2026-02-23"),
        ("2026-04-24", "2026-04-28"),  # Giỗ Tổ observed Monday
        ("2026-04-29", "2026-05-04"),  # 30/4, 1/5, weekend
        ("2026-08-21", "2026-08-22"),  # working Saturday
        ("2026-08-28", "2026-09-03"),  # 29–30 weekend, 31/08–02/09 off
        ("2026-12-31", "2027-01-04"),  # across the year: 1/1/2027 Fri, then weekend
        ("2027-02-03", "2027-02-11"),
        ("2027-04-15", "2027-04-19"),
        ("2027-04-29", "2027-05-04"),
    ],
)
def test_next_working_day(cal: WorkCalendar, day: str, expected: str) -> None:
    assert cal.next_working_day(d(day)) == d(expected)


def test_a_calendar_without_working_days_fails_clearly() -> None:
    start = d("2026-01-01")
    all_off = {start + timedelta(days=i): "off" for i in range(800)}
    with pytest.raises(UserError):
        WorkCalendar(all_off, public_holidays=no_holidays).next_working_day(start)


# --- start of count -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-03-02 06:45", "2026-03-02 07:30"),  # before opening
        ("2026-03-02 07:30", "2026-03-02 07:30"),
        ("2026-03-02 09:15:30", "2026-03-02 09:15:30"),
        ("2026-03-02 11:30", "2026-03-02 13:30"),  # lunch break
        ("2026-03-02 12:10", "2026-03-02 13:30"),
        ("2026-03-02 13:30", "2026-03-02 13:30"),
        ("2026-03-02 16:59", "2026-03-02 16:59"),
        ("2026-03-02 17:00", "2026-03-03 07:30"),  # at close
        ("2026-03-02 19:00", "2026-03-03 07:30"),  # after close
        ("2026-03-01 09:00", "2026-03-02 07:30"),  # Sunday
        ("2026-02-13 17:30", "2026-02-23 07:30"),  # Friday evening before Tết
        ("2026-04-30 09:00", "2026-05-04 07:30"),  # on a holiday
        ("2026-08-22 09:00", "2026-08-22 09:00"),  # working Saturday
    ],
)
def test_start_of_count(cal: WorkCalendar, moment: str, expected: str) -> None:
    assert cal.start_of_count(at(moment)) == at(expected)


# --- working days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "n", "expected"),
    [
        ("2026-02-13 10:00", 2, "2026-02-24 10:00"),  # the domain.md example
        ("2026-02-13 10:00", 1, "2026-02-23 10:00"),
        ("2026-02-12 16:00", 1, "2026-02-13 16:00"),
        ("2026-02-12 16:00", 2, "2026-02-23 16:00"),
        ("2026-02-09 10:00", 5, "2026-02-23 10:00"),
        ("2026-02-02 08:00", 10, "2026-02-23 08:00"),
        ("2026-03-02 10:00", 0, "2026-03-02 10:00"),
        ("2026-03-01 09:00", 0, "2026-03-02 07:30"),  # Sunday, no days: the opening
        ("2026-03-02 17:45", 1, "2026-03-04 07:30"),  # after close: counts from Tue 07:30
        ("2026-03-02 12:00", 1, "2026-03-03 13:30"),  # lunch: counts from 13:30
        ("2026-03-01 09:00", 3, "2026-03-05 07:30"),  # Sunday: counts from Mon 07:30
        ("2026-04-24 09:00", 1, "2026-04-28 09:00"),  # Giỗ Tổ observed Mon 27/04
        ("2026-04-24 09:00", 2, "2026-04-29 09:00"),
        ("2026-04-24 09:00", 3, "2026-05-04 09:00"),  # 30/4 and 1/5 (Thu/Fri)
        ("2026-04-24 09:00", 4, "2026-05-05 09:00"),
        ("2026-08-20 14:00", 2, "2026-08-22 14:00"),  # Saturday 22/08 is a working day
        ("2026-08-20 14:00", 3, "2026-08-24 14:00"),
        ("2026-08-28 10:00", 1, "2026-09-03 10:00"),  # 2/9 2026
        ("2027-02-03 10:00", 1, "2027-02-11 10:00"),  # Tết 2027
        ("2027-02-02 10:00", 3, "2027-02-12 10:00"),
        ("2027-04-29 15:00", 1, "2027-05-04 15:00"),  # 30/4 Fri, 1/5 Sat -> Mon 3/5 off
    ],
)
def test_add_working_days(cal: WorkCalendar, moment: str, n: int, expected: str) -> None:
    assert cal.add_working_days(at(moment), n) == at(expected)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "2026-03-09 10:00"),
        ({d("2026-03-07"): "work"}, "2026-03-07 10:00"),  # make-up Saturday
        ({d("2026-03-09"): "off"}, "2026-03-10 10:00"),  # extra day off
        ({d("2026-03-07"): "work", d("2026-03-09"): "off"}, "2026-03-07 10:00"),
    ],
)
def test_add_working_days_with_unit_overrides(overrides: dict, expected: str) -> None:
    assert WorkCalendar(overrides).add_working_days(at("2026-03-06 10:00"), 1) == at(expected)


def test_extra_day_off_pushes_two_days() -> None:
    cal = WorkCalendar({d("2026-03-09"): "off", d("2026-03-10"): "off"})
    assert cal.add_working_days(at("2026-03-06 10:00"), 2) == at("2026-03-12 10:00")


# --- working hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "hours", "expected"),
    [
        ("2026-03-02 10:00", 1, "2026-03-02 11:00"),
        ("2026-03-02 10:00", 1.5, "2026-03-02 11:30"),  # exactly the end of the morning
        ("2026-03-02 10:00", 2, "2026-03-02 14:00"),  # across lunch
        ("2026-03-02 10:00", 5, "2026-03-02 17:00"),  # exactly the close
        ("2026-03-02 10:00", 5.5, "2026-03-03 08:00"),  # across the night
        ("2026-03-02 10:00", 0.1, "2026-03-02 10:06"),
        ("2026-03-02 12:00", 1, "2026-03-02 14:30"),  # received in the lunch break
        ("2026-03-02 07:30", 16, "2026-03-04 08:30"),  # 7.5 + 7.5 + 1
        ("2026-03-06 16:00", 2, "2026-03-09 08:30"),  # across a weekend
        ("2026-02-13 16:00", 4, "2026-02-23 10:30"),  # across weekend + Tết
        ("2026-03-01 09:00", 0.25, "2026-03-02 07:45"),  # received on a Sunday
        ("2026-03-02 18:00", 0, "2026-03-03 07:30"),
        ("2026-08-21 16:30", 1, "2026-08-22 08:00"),  # into the working Saturday
    ],
)
def test_add_working_hours(cal: WorkCalendar, moment: str, hours: float, expected: str) -> None:
    assert cal.add_working_hours(at(moment), hours) == at(expected)


@pytest.mark.parametrize(
    ("moment", "hours"),
    [("2026-03-02 10:00", 2), ("2026-03-02 08:15", 9.25), ("2026-02-12 15:00", 12), ("2026-04-29 11:00", 30)],
)
def test_working_hours_and_working_time_agree(cal: WorkCalendar, moment: str, hours: float) -> None:
    due = cal.add_working_hours(at(moment), hours)
    assert cal.working_time_between(at(moment), due) == timedelta(hours=hours)


# --- same day -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-03-02 06:30", "2026-03-02 17:00"),  # before opening
        ("2026-03-02 09:00", "2026-03-02 17:00"),
        ("2026-03-02 12:00", "2026-03-02 17:00"),  # lunch break
        ("2026-03-02 14:59", "2026-03-02 17:00"),
        ("2026-03-02 15:00", "2026-03-02 17:00"),  # at the cut-off is not after it
        ("2026-03-02 15:01", "2026-03-03 17:00"),  # after the cut-off
        ("2026-03-02 17:30", "2026-03-03 17:00"),  # after close
        ("2026-03-06 15:30", "2026-03-09 17:00"),  # Friday after cut-off -> Monday close
        ("2026-03-01 10:00", "2026-03-02 17:00"),  # Sunday
        ("2026-02-13 16:00", "2026-02-23 17:00"),  # Friday before Tết
        ("2026-08-21 15:30", "2026-08-22 17:00"),  # the next working day is a Saturday
    ],
)
def test_same_day_deadline(cal: WorkCalendar, moment: str, expected: str) -> None:
    assert cal.same_day_deadline(at(moment)) == at(expected)


def test_same_day_cutoff_after_close_still_means_next_day() -> None:
    cal = WorkCalendar(same_day_cutoff=time(18, 0))
    assert cal.same_day_deadline(at("2026-03-02 16:30")) == at("2026-03-02 17:00")
    assert cal.same_day_deadline(at("2026-03-02 17:30")) == at("2026-03-03 17:00")


# --- calendar days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "n", "expected"),
    [
        ("2026-03-02 10:00", 3, "2026-03-05 10:00"),
        ("2026-03-02 10:00", 5, "2026-03-09 10:00"),  # Sat 07/03 -> Mon
        ("2026-02-10 09:00", 7, "2026-02-23 09:00"),  # Tue 17/02 is Tết -> Mon 23/02
        ("2026-03-01 09:00", 2, "2026-03-04 07:30"),  # Sunday: counts from Mon 07:30
        ("2026-03-01 09:00", 0, "2026-03-02 07:30"),
        ("2026-08-14 10:00", 8, "2026-08-22 10:00"),  # lands on the working Saturday
        ("2027-04-23 10:00", 8, "2027-05-04 10:00"),  # Sat 01/05 -> Mon 03/05 off -> Tue
    ],
)
def test_add_calendar_days(cal: WorkCalendar, moment: str, n: int, expected: str) -> None:
    assert cal.add_calendar_days(at(moment), n) == at(expected)


# --- working time between -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ("2026-03-02 08:00", "2026-03-02 10:00", 2),
        ("2026-03-02 10:00", "2026-03-02 14:00", 2),  # lunch not counted
        ("2026-03-02 12:00", "2026-03-02 13:00", 0),
        ("2026-03-02 18:00", "2026-03-03 07:00", 0),
        ("2026-03-02 06:00", "2026-03-02 20:00", 7.5),
        ("2026-02-13 10:00", "2026-02-24 10:00", 15),  # 5 + 7.5 + 2.5 across Tết
        ("2026-04-24 16:00", "2026-04-28 08:00", 1.5),  # across Giỗ Tổ observed Monday
        ("2026-04-29 16:00", "2026-05-04 08:00", 1.5),  # across 30/4–1/5
        ("2027-02-03 17:00", "2027-02-11 07:30", 0),  # Tết 2027
        ("2026-08-22 08:00", "2026-08-22 09:00", 1),  # working Saturday
        ("2026-03-02 10:00", "2026-03-02 09:00", 0),  # end before start
    ],
)
def test_working_time_between(cal: WorkCalendar, start: str, end: str, hours: float) -> None:
    assert cal.working_time_between(at(start), at(end)) == timedelta(hours=hours)


def test_working_time_between_skips_unit_day_off() -> None:
    cal = WorkCalendar({d("2026-03-03"): "off"})
    assert cal.working_time_between(at("2026-03-02 16:00"), at("2026-03-04 08:30")) == timedelta(hours=2)


# --- due_at -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "value", "unit", "expected"),
    [
        ("2026-02-13 10:00", 2, "working_days", "2026-02-24 10:00"),
        ("2026-02-13 10:00", 2.0, "working_days", "2026-02-24 10:00"),
        ("2026-03-02 10:00", 0.5, "working_days", "2026-03-02 15:45"),  # 3.75 working hours
        ("2026-03-02 10:00", 1.5, "working_days", "2026-03-03 15:45"),  # 11.25 working hours
        ("2026-03-02 10:00", 4, "working_hours", "2026-03-02 16:00"),
        ("2026-03-02 10:00", 3, "calendar_days", "2026-03-05 10:00"),
        ("2026-03-02 10:00", 1.5, "calendar_days", "2026-03-04 10:00"),  # rounded up
        ("2026-03-02 16:00", None, "same_day", "2026-03-03 17:00"),
        ("2026-03-02 10:00", 1, "same_day", "2026-03-02 17:00"),
        ("2026-03-02 10:00", None, "working_days", None),
        ("2026-03-02 10:00", None, "working_hours", None),
        ("2026-03-02 10:00", 3, None, None),
        ("2026-03-02 10:00", None, None, None),
    ],
)
def test_due_at(cal: WorkCalendar, moment: str, value, unit, expected) -> None:
    result = cal.due_at(at(moment), value, unit)
    assert result == (at(expected) if expected else None)


def test_due_at_rejects_an_unknown_unit(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        cal.due_at(at("2026-03-02 10:00"), 3, "weeks")


@pytest.mark.parametrize("method", ["add_working_days", "add_working_hours", "add_calendar_days"])
def test_negative_amounts_are_refused(cal: WorkCalendar, method: str) -> None:
    with pytest.raises(ValueError):
        getattr(cal, method)(at("2026-03-02 10:00"), -1)


# --- settings, validation, time zones -----------------------------------------------------------


def test_from_settings_uses_unit_hours_cutoff_and_overrides() -> None:
    settings = UnitSettings(morning_start="08:00", morning_end="12:00", afternoon_start="13:00",
                            afternoon_end="17:30", same_day_cutoff="16:00")
    cal = WorkCalendar.from_settings(settings, {d("2026-03-07"): "work"})
    assert cal.hours_per_day == 8.5
    assert cal.start_of_count(at("2026-03-02 07:45")) == at("2026-03-02 08:00")
    assert cal.start_of_count(at("2026-03-02 12:30")) == at("2026-03-02 13:00")
    assert cal.same_day_deadline(at("2026-03-02 15:30")) == at("2026-03-02 17:30")
    assert cal.same_day_deadline(at("2026-03-02 16:30")) == at("2026-03-03 17:30")
    assert cal.add_working_hours(at("2026-03-02 11:00"), 2) == at("2026-03-02 14:00")
    assert cal.add_working_days(at("2026-03-06 10:00"), 1) == at("2026-03-07 10:00")


def test_default_hours() -> None:
    assert WorkCalendar().hours_per_day == 7.5


def test_invalid_override_kind_is_refused() -> None:
    with pytest.raises(UserError):
        WorkCalendar({d("2026-03-07"): "holiday"})


def test_invalid_office_hours_are_refused() -> None:
    with pytest.raises(UserError):
        WorkCalendar(morning=(time(11, 30), time(7, 30)))
    with pytest.raises(UserError):
        WorkCalendar(morning=(time(7, 30), time(14, 0)), afternoon=(time(13, 30), time(17, 0)))


def test_time_zone_is_kept() -> None:
    cal = WorkCalendar()
    tz = timezone(timedelta(hours=7))
    friday = datetime(2026, 2, 13, 10, 0, tzinfo=tz)
    assert cal.add_working_days(friday, 2) == datetime(2026, 2, 24, 10, 0, tzinfo=tz)
    assert cal.add_working_days(friday, 2).tzinfo is tz
    assert cal.start_of_count(datetime(2026, 3, 1, 9, 0, tzinfo=tz)).tzinfo is tz
    assert cal.add_working_hours(friday, 2).tzinfo is tz
    assert cal.add_calendar_days(friday, 3).tzinfo is tz
    assert cal.same_day_deadline(friday) == datetime(2026, 2, 13, 17, 0, tzinfo=tz)
    assert cal.working_time_between(friday, datetime(2026, 2, 23, 8, 30, tzinfo=tz)) == timedelta(hours=6)


def test_a_dossier_received_at_an_odd_moment_says_when_its_clock_starts() -> None:
    from models.calendar import WorkCalendar
    from models.dossier_clock import clock_start_notice

    calendar = WorkCalendar()
    assert clock_start_notice(calendar, datetime(2026, 12, 7, 9, 0)) is None  # Monday, office hours
    evening = clock_start_notice(calendar, datetime(2026, 12, 7, 18, 5))
    assert "ngoài giờ làm việc" in evening and "07:30 Thứ Ba, 08/12/2026" in evening
    sunday = clock_start_notice(calendar, datetime(2026, 12, 6, 10, 0))
    assert "ngày nghỉ" in sunday and "07:30 Thứ Hai, 07/12/2026" in sunday
    holiday = clock_start_notice(calendar, datetime(2026, 9, 2, 10, 0))  # Quốc khánh
    assert "ngày nghỉ" in holiday and "Thứ Năm, 03/09/2026" in holiday

"""The unit's working-day calendar and the processing deadlines counted on it (shared/domain.md, "Time")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from models.errors import UserError
from models.settings import UnitSettings, parse_clock

UNIT_DAY_OFF = "Ngày nghỉ của đơn vị"
OVERRIDE_KINDS = ("off", "work")
DEADLINE_UNITS = ("working_days", "calendar_days", "working_hours", "same_day")
# A unit that marks more than this many days in a row as off has made a mistake, not a holiday.
_MAX_DAYS_OFF_IN_A_ROW = 370


# Where a day's status comes from (calendar list, the calendar screen, the mark beside a due date).
DECIDED, ESTIMATED, UNVERIFIED, UNIT = "quyet_dinh", "du_kien", "chua_xac_minh", "don_vi"
STATUS_LABELS = {DECIDED: "đã quyết định", ESTIMATED: "dự kiến", UNVERIFIED: "chưa xác minh", UNIT: "của đơn vị"}


@dataclass(frozen=True)
class YearHolidays:
    """One year of public holidays: names of days off, and weekend days swapped into working days.

    A year read from resources/calendar/<year>.json is decided: each day carries the document that
    decided it (`sources`), and a day whose legal basis is not verified is in `unverified` (it counts as
    a day off, as the package had it, until the unit's administrator confirms or removes it). A year the
    `holidays` package fills is `estimated` (shared/domain.md, "Time": years without a notice yet).
    """

    names: Mapping[date, str] = field(default_factory=dict)
    weekend_workdays: frozenset[date] = frozenset()
    sources: Mapping[date, str] = field(default_factory=dict)
    work_names: Mapping[date, str] = field(default_factory=dict)
    unverified: frozenset[date] = frozenset()
    estimated: bool = False


HolidayProvider = Callable[[int], YearHolidays]


@dataclass(frozen=True)
class CalendarDay:
    """One day that is not an ordinary weekday or weekend: a day off or a make-up working day."""

    day: date
    kind: str  # 'off' or 'work'
    name: str
    source: str  # the deciding document, '' when estimated or the unit's own
    status: str  # DECIDED, ESTIMATED, UNVERIFIED or UNIT

    def to_dict(self) -> dict:
        return {"day": self.day.isoformat(), "kind": self.kind, "name": self.name, "source": self.source,
                "status": self.status, "status_label": STATUS_LABELS[self.status]}


def vietnam_holidays(year: int) -> YearHolidays:
    """Vietnam's public holidays and swaps for `year` from the `holidays` package (shared/domain.md).

    One object per year: extending a VN holidays object year by year can add spurious observed days
    or fail (holidays 0.109), so years are never mixed in one object.
    """
    import holidays  # imported late: only the default provider needs it

    country = holidays.country_holidays("VN", years=year, language="vi")
    names = {day: str(name) for day, name in country.items() if day.year == year}
    swaps = frozenset(d for d in getattr(country, "weekend_workdays", ()) if d.year == year)
    return YearHolidays(names=names, weekend_workdays=swaps, estimated=True)


def decided_first(decided: Mapping[int, YearHolidays], fallback: HolidayProvider = vietnam_holidays
                  ) -> HolidayProvider:
    """Years with a data file come from it; the package fills only the others, as estimates."""
    def provider(year: int) -> YearHolidays:
        return decided[year] if year in decided else fallback(year)
    return provider


class WorkCalendar:
    """Working days and office hours of one unit; every deadline of a dossier is counted here."""

    def __init__(
        self,
        overrides: Mapping[date, str] | None = None,
        morning: tuple[time, time] = (time(7, 30), time(11, 30)),
        afternoon: tuple[time, time] = (time(13, 30), time(17, 0)),
        same_day_cutoff: time = time(15, 0),
        public_holidays: HolidayProvider = vietnam_holidays,
        notes: Mapping[date, str] | None = None,
    ) -> None:
        overrides = dict(overrides or {})
        for day, kind in overrides.items():
            if kind not in OVERRIDE_KINDS:
                raise UserError(f"Loại ngày {day:%d/%m/%Y} phải là 'off' (nghỉ) hoặc 'work' (làm bù).")
        if not morning[0] < morning[1] <= afternoon[0] < afternoon[1]:
            raise UserError("Giờ làm việc không hợp lệ: cần sáng bắt đầu < sáng kết thúc ≤ chiều bắt đầu "
                            "< chiều kết thúc.")
        self.overrides = overrides
        self.notes = dict(notes or {})
        self.periods = (morning, afternoon)
        self.same_day_cutoff = same_day_cutoff
        self._provider = public_holidays
        self._years: dict[int, YearHolidays] = {}

    @classmethod
    def from_settings(
        cls, settings: UnitSettings, overrides: Mapping[date, str], notes: Mapping[date, str] | None = None,
        public_holidays: HolidayProvider = vietnam_holidays,
    ) -> WorkCalendar:
        """Office hours and cut-off are unit settings (shared/domain.md, "Time")."""
        return cls(
            overrides=overrides, public_holidays=public_holidays,
            morning=(parse_clock(settings.morning_start), parse_clock(settings.morning_end)),
            afternoon=(parse_clock(settings.afternoon_start), parse_clock(settings.afternoon_end)),
            same_day_cutoff=parse_clock(settings.same_day_cutoff),
            notes=notes,
        )

    # --- days -------------------------------------------------------------------------------------

    def _year(self, year: int) -> YearHolidays:
        if year not in self._years:
            self._years[year] = self._provider(year)
        return self._years[year]

    @property
    def hours_per_day(self) -> float:
        """Office hours in one working day (7.5 by default); converts fractional working days."""
        return sum(_span(start, end) for start, end in self.periods) / 3600

    def is_working_day(self, d: date) -> bool:
        """Mon–Fri minus public holidays, plus government swaps; the unit's overrides win (domain.md)."""
        kind = self.overrides.get(d)
        if kind is not None:
            return kind == "work"
        year = self._year(d.year)
        if d in year.names:
            return False
        return d.weekday() < 5 or d in year.weekend_workdays

    def holiday_name(self, d: date) -> str | None:
        """Why `d` is a day off beyond the weekend: the unit's note, or the public holiday's name."""
        kind = self.overrides.get(d)
        if kind == "off":
            return self.notes.get(d) or UNIT_DAY_OFF
        if kind == "work":
            return None
        return self._year(d.year).names.get(d)

    def special_day(self, d: date) -> CalendarDay | None:
        """`d` if it is a day off beyond the weekend or a make-up working day, with where that comes from."""
        kind = self.overrides.get(d)
        year = self._year(d.year)
        if kind is not None:
            name = self.notes.get(d) or (UNIT_DAY_OFF if kind == "off" else "Ngày làm việc của đơn vị")
            return CalendarDay(d, kind, name, year.sources.get(d, ""), UNIT)
        status = ESTIMATED if year.estimated else UNVERIFIED if d in year.unverified else DECIDED
        if d in year.names:
            return CalendarDay(d, "off", year.names[d], year.sources.get(d, ""), status)
        if d in year.weekend_workdays:
            name = year.work_names.get(d) or "Ngày làm việc bù"
            return CalendarDay(d, "work", name, year.sources.get(d, ""), status)
        return None

    def special_days(self, year: int) -> list[CalendarDay]:
        """Every day off and make-up working day of `year`, the unit's own included, in order."""
        days = []
        d = date(year, 1, 1)
        while d.year == year:
            found = self.special_day(d)
            if found is not None:
                days.append(found)
            d += timedelta(days=1)
        return days

    def uncertain_days(self, start: date, end: date) -> list[CalendarDay]:
        """Estimated or unverified days from `start` to `end` inclusive that a count over them depends
        on: a due date counted across one is shown "dự kiến" (shared/domain.md, "Time")."""
        found: list[CalendarDay] = []
        d = start
        while d <= end:
            year = self._year(d.year)
            if d not in self.overrides and (year.estimated or d in year.unverified):
                special = self.special_day(d)
                if special is not None:
                    found.append(special)
            d += timedelta(days=1)
        return found

    def due_note(self, start: datetime, due: datetime | None) -> str:
        """'dự kiến' (or 'chưa xác minh') when the due date from `start` crosses such a day, else ''."""
        if due is None:
            return ""
        statuses = {day.status for day in self.uncertain_days(start.date(), due.date())}
        if ESTIMATED in statuses:
            return STATUS_LABELS[ESTIMATED]
        return STATUS_LABELS[UNVERIFIED] if statuses else ""

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        for _ in range(_MAX_DAYS_OFF_IN_A_ROW):
            d += timedelta(days=1)
            if self.is_working_day(d):
                return d
        raise UserError(f"Không có ngày làm việc nào trong hơn một năm sau {d:%d/%m/%Y}: "
                        "kiểm tra lịch nghỉ của đơn vị.")

    # --- moments ----------------------------------------------------------------------------------

    def _at(self, d: date, t: time, like: datetime) -> datetime:
        return datetime.combine(d, t, tzinfo=like.tzinfo)

    def start_of_count(self, moment: datetime) -> datetime:
        """Outside office hours the count starts at the next opening (shared/domain.md, "Time")."""
        d, t = moment.date(), moment.time()
        if self.is_working_day(d):
            for start, end in self.periods:
                if t < start:
                    return self._at(d, start, moment)
                if t < end:
                    return moment
        return self._at(self.next_working_day(d), self.periods[0][0], moment)

    def add_working_days(self, moment: datetime, n: int) -> datetime:
        """Same clock time on the N-th following working day, from the start of count (domain.md)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        start = self.start_of_count(moment)
        d = start.date()
        for _ in range(n):
            d = self.next_working_day(d)
        return datetime.combine(d, start.timetz())

    def add_working_hours(self, moment: datetime, hours: float) -> datetime:
        """Counts office hours only, across lunch, nights and days off (shared/domain.md, "Time").

        Landing exactly on the end of a period keeps that end (11:30, 17:00), not the next opening.
        """
        if hours < 0:
            raise ValueError("hours must be >= 0")
        current = self.start_of_count(moment)
        remaining = timedelta(hours=hours)
        while True:
            end = self._period_end(current)
            available = end - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self.start_of_count(end)

    def _period_end(self, current: datetime) -> datetime:
        t = current.time()
        for start, end in self.periods:
            if start <= t < end:
                return self._at(current.date(), end, current)
        raise AssertionError("moment is not inside office hours")  # start_of_count guarantees it

    def same_day_deadline(self, moment: datetime) -> datetime:
        """"Trong ngày": close of the same working day, or of the next one after the cut-off (domain.md).

        Received on a day off or after closing, the same day is already over: the next day's close.
        Received exactly at the cut-off is not "after" it (read literally; verify with the unit).
        """
        close = self.periods[-1][1]
        d, t = moment.date(), moment.time()
        if self.is_working_day(d) and t <= self.same_day_cutoff and t < close:
            return self._at(d, close, moment)
        return self._at(self.next_working_day(d), close, moment)

    def add_calendar_days(self, moment: datetime, n: int) -> datetime:
        """Plain days from the start of count; a result on a day off moves to the next working day.

        ASSUMPTION (verify): shared/domain.md does not say what happens when a calendar-day limit
        ends on a day off; this keeps the clock time and moves to the next working day. The Civil Code
        (2015, Điều 148) is said to end such a limit at the close of that next working day instead.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        start = self.start_of_count(moment)
        d = start.date() + timedelta(days=n)
        if not self.is_working_day(d):
            d = self.next_working_day(d)
        return datetime.combine(d, start.timetz())

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time between two moments: how far a pause moves a due date (shared/domain.md)."""
        total = timedelta(0)
        if end <= start:
            return total
        d = start.date()
        while d <= end.date():
            if self.is_working_day(d):
                for p_start, p_end in self.periods:
                    lo = max(start, self._at(d, p_start, start))
                    hi = min(end, self._at(d, p_end, start))
                    if hi > lo:
                        total += hi - lo
            d += timedelta(days=1)
        return total

    def due_at(self, moment: datetime, value: float | None, unit: str | None) -> datetime | None:
        """Due moment of a procedure's processing time (value, unit); None when it is not known.

        "same_day" needs no value. Fractional working days (0.5) are counted as working hours.
        """
        if unit is None:
            return None
        if unit not in DEADLINE_UNITS:
            raise ValueError(f"unknown deadline unit: {unit!r}")
        if unit == "same_day":
            return self.same_day_deadline(moment)
        if value is None:
            return None
        if unit == "working_hours":
            return self.add_working_hours(moment, value)
        if unit == "calendar_days":
            return self.add_calendar_days(moment, _whole(value))
        if float(value).is_integer():
            return self.add_working_days(moment, int(value))
        return self.add_working_hours(moment, value * self.hours_per_day)


def _span(start: time, end: time) -> float:
    """Seconds from `start` to `end` on the same day."""
    return (datetime.combine(date.min, end) - datetime.combine(date.min, start)).total_seconds()


def _whole(value: float) -> int:
    """Calendar days are whole days; a fractional value is rounded up rather than shortened."""
    whole = int(value)
    return whole if whole == value else whole + 1

"""A dossier's clock: due dates, pauses for supplements, extensions and timeliness (domain.md, "Time")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from models.calendar import WorkCalendar
from models.errors import UserError

# A moment typed for a replay may be a little ahead of this PC's clock without being an error.
FUTURE_TOLERANCE = timedelta(minutes=5)
# Moments MotCua accepts at all: one-stop shops replay paper dossiers of past years, never of 1990 or
# before; past 2100 is a typing error. Bounded so date arithmetic (timezones, deadlines) cannot overflow.
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100


def check_year(moment: date, what: str = "Thời điểm") -> None:
    """Refuse a date or moment outside EARLIEST_YEAR..LATEST_YEAR with one Vietnamese line."""
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise UserError(f"{what} năm {moment.year} không hợp lệ: cần từ năm {EARLIEST_YEAR} đến {LATEST_YEAR}.")


def local_naive(moment: datetime) -> datetime:
    """Dossier moments are naive local wall-clock time to the second; an offset is converted first."""
    check_year(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0)


def now_local() -> datetime:
    return datetime.now().replace(microsecond=0)


def check_not_future(moment: datetime, now: datetime, what: str) -> None:
    check_year(moment, what)
    if moment > now + FUTURE_TOLERANCE:
        raise UserError(f"{what} ({moment:%H:%M %d/%m/%Y}) ở tương lai so với đồng hồ máy này "
                        f"({now:%H:%M %d/%m/%Y}).")


def timeliness(finished_at: datetime, due_at: datetime, *, extended: bool = False) -> str:
    """'truoc_han' before the due date's day, 'dung_han' on that day at or before the due moment,
    'qua_han' later (shared/domain.md). An extended dossier (Mẫu 04) still counts as late."""
    if extended or finished_at > due_at:
        return "qua_han"
    if finished_at.date() < due_at.date():
        return "truoc_han"
    return "dung_han"


@dataclass(frozen=True)
class Resume:
    """The new due moment when the clock restarts after a pause, and why (recorded in the event)."""

    due_at: datetime
    waited_hours: float
    rule: str  # 'shift' (moved by the waited working time) or 'restart' (full time again)


def resume_due(calendar: WorkCalendar, *, due_at: datetime, paused_at: datetime, resumed_at: datetime,
               restart_value: float | None = None, restart_unit: str | None = None,
               restart: bool = False) -> Resume:
    """The due moment after a pause (Nghị định 61/2018, Điều 18 as practised; shared/domain.md).

    By default the time already used still counts: the due date moves later by the WORKING time the
    dossier waited (calendar.working_time_between), counted on from the old due date in office hours.
    With the unit's "restart the full time" rule and a known processing time, the full time counts
    again from the resumption instead; a due date the clerk typed cannot restart, so it shifts.
    """
    waited = calendar.working_time_between(paused_at, resumed_at)
    hours = round(waited.total_seconds() / 3600, 4)
    if restart and restart_unit is not None:
        new_due = calendar.due_at(resumed_at, restart_value, restart_unit)
        if new_due is not None:
            return Resume(due_at=new_due, waited_hours=hours, rule="restart")
    if waited <= timedelta(0):
        return Resume(due_at=due_at, waited_hours=0.0, rule="shift")
    return Resume(due_at=calendar.add_working_hours(due_at, hours), waited_hours=hours, rule="shift")


def extended_due(calendar: WorkCalendar, due_at: datetime, *, hours: float | None = None,
                 days: float | None = None) -> datetime:
    """Gia hạn: the due moment moved by N working hours or N working days (shared/domain.md)."""
    if (hours is None) == (days is None):
        raise UserError("Gia hạn cần đúng một trong hai: số giờ làm việc hoặc số ngày làm việc.")
    amount = hours if hours is not None else days
    if amount is None or not 0 < amount <= 365:
        raise UserError("Thời gian gia hạn phải lớn hơn 0 (và không quá 365).")
    # Days are counted as office hours (N x hours of a working day): the same clock time N working days
    # later, and a due moment at closing time (17:00) stays at closing time instead of jumping a day.
    working_hours = hours if hours is not None else (days or 0) * calendar.hours_per_day
    return calendar.add_working_hours(due_at, working_hours)


def check_extension_in_time(calendar: WorkCalendar, moment: datetime, due_at: datetime, margin_days: int) -> None:
    """An extension (Mẫu 04) is asked at the latest `margin_days` working days before the due moment
    (01 working day, restated in 2025 provincial rules; shared/domain.md); later it is refused and the
    dossier is simply late."""
    if calendar.add_working_days(moment, margin_days) > due_at:
        when = "sau hạn trả" if moment > due_at else f"khi còn chưa đủ {margin_days} ngày làm việc trước hạn trả"
        raise UserError(f"Không gia hạn được: đề nghị gia hạn {when} ({due_at:%H:%M %d/%m/%Y}); phải gửi "
                        f"chậm nhất {margin_days:02d} ngày làm việc trước hạn. Hồ sơ vẫn tính là quá hạn.")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[00:00 of `day`, 00:00 of the next day)."""
    start = datetime.combine(day, time(0, 0))
    return start, start + timedelta(days=1)


def week_bounds(day: date) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday, time(0, 0))
    return start, start + timedelta(days=7)


_DUE_FORMATS = ("%d/%m/%Y %H:%M", "%H:%M %d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
_DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def parse_due_text(text: str, close_of_day: time) -> datetime | None:
    """A due moment typed by a clerk or a script; None when empty. A date without an hour means the end of
    that working day (`close_of_day`, the unit's afternoon end), in the window and on the command line."""
    text = " ".join(text.split())
    if not text:
        return None
    for fmt in _DUE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    for fmt in _DAY_FORMATS:
        try:
            return datetime.combine(datetime.strptime(text, fmt).date(), close_of_day)
        except ValueError:
            continue
    try:
        return local_naive(datetime.fromisoformat(text))  # a script's full ISO 8601 moment
    except ValueError:
        pass
    raise UserError(f"Hạn trả '{text}' không hợp lệ (cần dd/mm/yyyy hoặc dd/mm/yyyy HH:MM).")


WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def moment_words(moment: datetime) -> str:
    """'07:30 Thứ Hai, 07/12/2026': how the counter says a moment."""
    return f"{moment:%H:%M} {WEEKDAYS[moment.weekday()]}, {moment:%d/%m/%Y}"


def clock_start_notice(calendar: WorkCalendar, received: datetime) -> str | None:
    """Received outside office hours or on a day off, the count starts at the next opening
    (shared/domain.md, "Time"): say when, so the due date shown is no surprise. None in office hours."""
    start = calendar.start_of_count(received)
    if start == received:
        return None
    day = received.date()
    if not calendar.is_working_day(day):
        why = calendar.holiday_name(day) or WEEKDAYS[day.weekday()]
        when = f"hôm nay là ngày nghỉ ({why})"
    else:
        when = "đang ngoài giờ làm việc"
    return f"Nhận lúc {received:%H:%M}, {when}: thời hạn giải quyết tính từ {moment_words(start)}."

"""Rotation keeps the last 10 of the newest day, then the newest of each of the last 7 days, 4 weeks and
12 months that have one."""

from __future__ import annotations

from datetime import datetime, timedelta

from db.backup_rotation import stamps_to_keep


def _daily(start: datetime, days: int) -> list[datetime]:
    return [start + timedelta(days=n) for n in range(days)]


def test_nothing_to_keep_from_nothing() -> None:
    assert stamps_to_keep([]) == set()


def test_a_few_backups_are_all_kept() -> None:
    stamps = _daily(datetime(2026, 3, 1, 17), 5)
    assert stamps_to_keep(stamps) == set(stamps)


def test_several_a_day_keep_the_newest_of_each_earlier_day_and_every_point_of_today() -> None:
    day = datetime(2026, 3, 2)
    stamps = [day.replace(hour=h) for h in (8, 12, 17)] + [day.replace(day=3, hour=h) for h in (9, 16)]
    assert stamps_to_keep(stamps) == {day.replace(hour=17), day.replace(day=3, hour=9), day.replace(day=3, hour=16)}


def test_the_newest_day_keeps_its_last_ten_restore_points() -> None:
    today = [datetime(2026, 12, 7, 7, 30) + timedelta(minutes=40 * n) for n in range(14)]
    yesterday = [datetime(2026, 12, 4, h) for h in (8, 12, 17)]  # Friday
    kept = stamps_to_keep(yesterday + today)
    assert set(today[-10:]) <= kept and not set(today[:4]) & kept  # this morning's points are still there
    assert datetime(2026, 12, 4, 17) in kept and datetime(2026, 12, 4, 8) not in kept  # then one a day


def test_sixty_days_keep_seven_days_four_weeks_and_the_months() -> None:
    # Mon 05/01/2026 .. Thu 05/03/2026, one backup at 17:00 each day.
    stamps = _daily(datetime(2026, 1, 5, 17), 60)
    kept = stamps_to_keep(stamps)
    last = stamps[-1]
    daily = {last - timedelta(days=n) for n in range(7)}  # 27/02 .. 05/03
    sundays = {datetime(2026, 2, 22, 17), datetime(2026, 2, 15, 17)}  # newest of the weeks before
    months = {datetime(2026, 1, 31, 17)}  # newest of January (February's is 28/02, already daily)
    assert kept == daily | sundays | months | {datetime(2026, 2, 28, 17), datetime(2026, 3, 1, 17)}
    assert len(kept) <= 7 + 4 + 12


def test_two_years_of_daily_backups_stay_bounded() -> None:
    stamps = _daily(datetime(2024, 1, 1, 17), 730)
    kept = stamps_to_keep(stamps)
    assert len(kept) <= 7 + 4 + 12
    assert max(stamps) in kept
    assert min(kept) >= max(stamps) - timedelta(days=366)  # nothing older than 12 months of backups
    months = {(s.year, s.month) for s in kept}
    assert len(months) == 12


def test_a_pc_switched_off_for_weeks_keeps_its_last_days_of_work() -> None:
    before = _daily(datetime(2026, 1, 1, 17), 20)
    after = [datetime(2026, 3, 1, 17)]
    kept = stamps_to_keep(before + after)
    # Buckets that hold a backup count, not calendar days: the six last working days before the pause
    # are still there beside the new one.
    assert set(before[-6:]) <= kept
    assert after[0] in kept

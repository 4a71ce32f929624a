"""Which backups rotation keeps: the last 10 of the newest day (restore points: "Sao lưu ngay", the exit
backup, so a clerk can go back to this morning), then the newest of each of the last 7 days, 4 weeks and
12 months that have one."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime

KEEP_WITHIN_DAY = 10  # restore points of the newest day (issue #14)
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12


def _newest_per_bucket(stamps: list[datetime], bucket: Callable[[datetime], Hashable], count: int) -> set[datetime]:
    """The newest stamp of each of the `count` most recent buckets that hold a stamp.

    Buckets that hold a backup are counted, not calendar buckets: a PC switched off for three weeks
    still keeps its last seven days of work instead of losing every daily backup.
    """
    kept: set[datetime] = set()
    seen: set[Hashable] = set()
    for stamp in sorted(stamps, reverse=True):
        key = bucket(stamp)
        if key in seen:
            continue
        if len(seen) == count:
            break
        seen.add(key)
        kept.add(stamp)
    return kept


def stamps_to_keep(stamps: Iterable[datetime], *, daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY,
                   monthly: int = KEEP_MONTHLY, within_day: int = KEEP_WITHIN_DAY) -> set[datetime]:
    """The stamps rotation keeps (a pure function, so the policy is tested on synthetic dates).

    A stamp kept by any rule is kept; the newest backup is always kept, and with it the `within_day`
    newest of its day (each "Sao lưu ngay" and exit backup is a restore point until the day is over).
    """
    stamps = list(stamps)
    if not stamps:
        return set()
    newest = max(stamps)
    kept = set(sorted((s for s in stamps if s.date() == newest.date()), reverse=True)[:within_day])
    kept |= _newest_per_bucket(stamps, lambda s: s.date(), daily)
    kept |= _newest_per_bucket(stamps, lambda s: s.isocalendar()[:2], weekly)
    kept |= _newest_per_bucket(stamps, lambda s: (s.year, s.month), monthly)
    return kept

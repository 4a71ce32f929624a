"""Report periods (this month, quarter, half-year, year, from–to) and their bounds in local time."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from models.errors import UserError

PRESETS = {
    "month": "Tháng này",
    "quarter": "Quý này",
    "half_year": "6 tháng",
    "year": "Năm nay",
    "custom": "Từ ngày – đến ngày",
}
MAX_DAYS = 366 * 10  # a longer span is a typing mistake, and its month chart would be unreadable
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end` inclusive; `kind` is a key of PRESETS."""

    start: date
    end: date
    kind: str = "custom"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UserError(f"Ngày cuối kỳ ({self.end:%d/%m/%Y}) trước ngày đầu kỳ ({self.start:%d/%m/%Y}).")
        if (self.end - self.start).days > MAX_DAYS:
            raise UserError("Kỳ báo cáo dài quá 10 năm: hãy chọn kỳ ngắn hơn.")

    @property
    def begins(self) -> datetime:
        """00:00 of the first day."""
        return datetime.combine(self.start, time(0, 0))

    @property
    def ends(self) -> datetime:
        """00:00 of the day after the last day (exclusive)."""
        return datetime.combine(self.end + timedelta(days=1), time(0, 0))

    def moment(self, now: datetime) -> datetime:
        """When "in progress" and "overdue" are taken: the end of the period, or now if it is not over."""
        return min(self.ends, now)

    @property
    def label(self) -> str:
        """'Tháng 04/2026', 'Quý II/2026', '6 tháng đầu năm 2026', 'Năm 2026' or 'Từ … đến …'."""
        s, e = self.start, self.end
        if self.kind == "month":
            return f"Tháng {s:%m/%Y}"
        if self.kind == "quarter":
            return f"Quý {_ROMAN[(s.month - 1) // 3]}/{s.year}"
        if self.kind == "half_year":
            return f"6 tháng {'đầu' if s.month == 1 else 'cuối'} năm {s.year}"
        if self.kind == "year":
            return f"Năm {s.year}"
        return f"Từ {s:%d/%m/%Y} đến {e:%d/%m/%Y}"

    @property
    def span_text(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def title(self) -> str:
        """The label with its dates: 'Tháng 04/2026 (01/04/2026 – 30/04/2026)'; a from–to period as is."""
        return self.label if self.kind == "custom" else f"{self.label} ({self.span_text})"

    def months(self) -> list[str]:
        """'YYYY-MM' of every month the period touches, in order (the month charts' bars)."""
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def month_slices(self) -> list[tuple[str, datetime, datetime]]:
        """('YYYY-MM', from, to) for each month the period touches, cut to the period's bounds."""
        slices = []
        for month in self.months():
            year, number = int(month[:4]), int(month[5:])
            first = datetime(year, number, 1)
            after = datetime(year + 1, 1, 1) if number == 12 else datetime(year, number + 1, 1)
            slices.append((month, max(first, self.begins), min(after, self.ends)))
        return slices

    def to_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "kind": self.kind,
                "label": self.label}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def preset(kind: str, today: date) -> Period:
    """The calendar month, quarter, half-year (January–June or July–December) or year holding `today`.

    These are calendar periods. The official reporting cut-off (Nghị định 09/2019: data from the 15th
    of the previous period's last month to the 14th of this one; verify for the province) is a
    from–to period.
    """
    if kind == "month":
        return Period(today.replace(day=1), _month_end(today.year, today.month), kind)
    if kind == "quarter":
        first = 3 * ((today.month - 1) // 3) + 1
        return Period(date(today.year, first, 1), _month_end(today.year, first + 2), kind)
    if kind == "half_year":
        first = 1 if today.month <= 6 else 7
        return Period(date(today.year, first, 1), _month_end(today.year, first + 5), kind)
    if kind == "year":
        return Period(date(today.year, 1, 1), date(today.year, 12, 31), kind)
    raise UserError(f"Kỳ báo cáo không hợp lệ: '{kind}' (chọn: {', '.join(k for k in PRESETS if k != 'custom')}).")

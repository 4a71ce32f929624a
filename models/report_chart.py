"""What the report's charts show, shared by the screen (QPainter) and the PDF (reportlab): series, ticks, labels."""

from __future__ import annotations

import math
from dataclasses import dataclass

from models import report_rules as rules
from models.report import Report, field_label, format_value
from models.settings import DEFAULT_ON_TIME_ALERT_PERCENT

TITLE_MONTHS = "Hồ sơ tiếp nhận và đã giải quyết theo tháng"
TITLE_ON_TIME = "Tỷ lệ đúng hạn, trong hạn theo lĩnh vực (766)"
SERIES_NAMES = ("Tiếp nhận", "Đã giải quyết")
# Dark and light: the two series stay apart on a black-and-white printer.
SERIES_COLOURS = ("#1f3b57", "#e8a33d")
BAR_COLOUR = "#2f6ea5"
LATE_COLOUR = "#b42318"  # a field below ON_TIME_WARNING is drawn in this colour (and says so in its label)
ON_TIME_WARNING = DEFAULT_ON_TIME_ALERT_PERCENT / 100  # the default; a unit setting (on_time_alert_percent)


@dataclass(frozen=True)
class MonthChart:
    labels: list[str]
    series: tuple[list[int], list[int]]  # received, resolved
    ticks: list[int]
    caption: str  # under the chart: the year when every label is a month of it


@dataclass(frozen=True)
class ShareBar:
    label: str
    value: float | None  # None: nothing resolved in that field
    text: str  # '92,5% (37/40)' or 'chưa có hồ sơ giải quyết'
    warn: bool


def nice_ticks(top: float, count: int = 5) -> list[int]:
    """0 and round steps (1, 2, 5 × 10^n) up to at least `top`: the value axis."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    return list(range(0, int(math.ceil(top / step)) * step + 1, step))


def month_chart(report: Report) -> MonthChart:
    months = report.months
    years = {m[:4] for m in months}
    if len(years) == 1:
        labels = [f"T{int(m[5:])}" for m in months]
        caption = f"Năm {months[0][:4]}" if months else ""
    else:
        labels = [f"{m[5:]}/{m[2:4]}" for m in months]
        caption = "Tháng/năm"
    received = [report.received_by_month.get(m, 0) for m in months]
    resolved = [report.resolved_by_month.get(m, 0) for m in months]
    # Headroom above the tallest bar for its value label.
    return MonthChart(labels, (received, resolved), nice_ticks(max(received + resolved + [0]) * 1.1), caption)


def on_time_bars(report: Report, warning: float = ON_TIME_WARNING) -> list[ShareBar]:
    """One bar per field that received or resolved anything, then the total; below `warning` in red."""
    bars = []
    for name in report.field_names():
        tally = report.by_field[name]
        if tally.resolved or tally.received:
            bars.append(_bar(field_label(name), tally, warning))
    bars.append(_bar("Toàn đơn vị", report.total, warning))
    return bars


def _bar(label: str, tally: rules.Tally, warning: float) -> ShareBar:
    share = rules.on_time_share(tally)
    if share is None:
        return ShareBar(label, None, "chưa có hồ sơ trong kỳ", False)
    count = format_value(tally.timely, "count")
    text = f"{format_value(share, 'share')} ({count}/{format_value(rules.population(tally), 'count')})"
    return ShareBar(label, share, text, share < warning)

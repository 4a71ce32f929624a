"""The report's two charts as reportlab vector drawings: bars per month, on-time share per field."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from models.report import format_value
from models.report_chart import (
    BAR_COLOUR,
    LATE_COLOUR,
    SERIES_COLOURS,
    SERIES_NAMES,
    TITLE_MONTHS,
    TITLE_ON_TIME,
    MonthChart,
    ShareBar,
)
from printing.fonts import FONT, FONT_BOLD, register_fonts
from printing.markup import fit_line

GRID = colors.Color(0.8, 0.8, 0.8)
AXIS = colors.Color(0.25, 0.25, 0.25)
TEXT = colors.Color(0.1, 0.1, 0.1)
TITLE_SIZE = 10
LABEL_SIZE = 8
VALUE_SIZE = 7


def _title(drawing: Drawing, text: str, width: float, height: float) -> None:
    drawing.add(String(width / 2, height - TITLE_SIZE - 2, text, fontName=FONT_BOLD, fontSize=TITLE_SIZE,
                       textAnchor="middle", fillColor=TEXT))


def month_drawing(chart: MonthChart, width: float, height: float) -> Drawing:
    """Grouped bars (received dark, resolved light) with a value axis, a legend and values on the bars."""
    register_fonts()
    drawing = Drawing(width, height)
    _title(drawing, TITLE_MONTHS, width, height)
    left, right, bottom, top = 34.0, 6.0, 30.0, height - TITLE_SIZE - 30
    plot_w, plot_h = width - left - right, top - bottom
    peak = chart.ticks[-1] or 1
    for tick in chart.ticks:
        y = bottom + plot_h * tick / peak
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(left - 3, y - 2.5, format_value(tick, "count"), fontName=FONT, fontSize=LABEL_SIZE - 1,
                           textAnchor="end", fillColor=TEXT))
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=AXIS, strokeWidth=0.8))
    groups = max(len(chart.labels), 1)
    slot = plot_w / groups
    bar = min(slot * 0.38, 18)
    widest = max((stringWidth(format_value(v, "count"), FONT, VALUE_SIZE) for v in chart.series[0] + chart.series[1]),
                 default=0)
    show_values = widest <= slot / 2 - 1  # each value over its own bar, never over the neighbour's
    for index, label in enumerate(chart.labels):
        centre = left + slot * (index + 0.5)
        for series, (values, colour) in enumerate(zip(chart.series, SERIES_COLOURS, strict=True)):
            value = values[index]
            x = centre - bar + series * bar
            h = plot_h * value / peak
            drawing.add(Rect(x, bottom, bar, h, fillColor=colors.HexColor(colour), strokeColor=AXIS,
                             strokeWidth=0.3))
            if show_values and value:
                drawing.add(String(x + bar / 2, bottom + h + 1.5, format_value(value, "count"), fontName=FONT,
                                   fontSize=VALUE_SIZE, textAnchor="middle", fillColor=TEXT))
        drawing.add(String(centre, bottom - 10, label, fontName=FONT, fontSize=LABEL_SIZE, textAnchor="middle",
                           fillColor=TEXT))
    if chart.caption:
        drawing.add(String(left + plot_w / 2, bottom - 21, chart.caption, fontName=FONT, fontSize=LABEL_SIZE - 1,
                           textAnchor="middle", fillColor=TEXT))
    x = left
    for name, colour in zip(SERIES_NAMES, SERIES_COLOURS, strict=True):
        drawing.add(Rect(x, height - TITLE_SIZE - 15, 9, 7, fillColor=colors.HexColor(colour), strokeColor=AXIS,
                         strokeWidth=0.3))
        drawing.add(String(x + 12, height - TITLE_SIZE - 14, name, fontName=FONT, fontSize=LABEL_SIZE,
                           fillColor=TEXT))
        x += 16 + stringWidth(name, FONT, LABEL_SIZE) + 10
    return drawing


def share_drawing(bars: list[ShareBar], width: float, height: float) -> Drawing:
    """Horizontal bars 0–100% per field, the value written beside each; below 90% drawn in red."""
    register_fonts()
    drawing = Drawing(width, height)
    _title(drawing, TITLE_ON_TIME, width, height)
    label_w = min(max((stringWidth(b.label, FONT, LABEL_SIZE) for b in bars), default=40) + 6, width * 0.3)
    value_w = max((stringWidth(b.text, FONT, VALUE_SIZE) for b in bars), default=40) + 6
    left, right, bottom, top = label_w, value_w, 16.0, height - TITLE_SIZE - 10
    plot_w, plot_h = width - left - right, top - bottom
    for tick in range(0, 101, 20):
        x = left + plot_w * tick / 100
        drawing.add(Line(x, bottom, x, top, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(x, bottom - 10, f"{tick}%", fontName=FONT, fontSize=LABEL_SIZE - 1, textAnchor="middle",
                           fillColor=TEXT))
    drawing.add(Line(left, bottom, left, top, strokeColor=AXIS, strokeWidth=0.8))
    rows = max(len(bars), 1)
    slot = plot_h / rows
    thickness = min(slot * 0.6, 14)
    for index, item in enumerate(bars):
        y = top - slot * (index + 0.5)
        drawing.add(String(left - 4, y - 3, fit_line(item.label, FONT, LABEL_SIZE, label_w - 6), fontName=FONT,
                           fontSize=LABEL_SIZE, textAnchor="end", fillColor=TEXT))
        length = plot_w * (item.value or 0)
        if item.value is not None:
            colour = LATE_COLOUR if item.warn else BAR_COLOUR
            drawing.add(Rect(left, y - thickness / 2, max(length, 0.5), thickness,
                             fillColor=colors.HexColor(colour), strokeColor=AXIS, strokeWidth=0.3))
        drawing.add(String(left + length + 3, y - 2.5, item.text, fontName=FONT, fontSize=VALUE_SIZE,
                           fillColor=TEXT))
    return drawing

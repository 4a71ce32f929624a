"""The dashboard's charts drawn with QPainter from models.report_chart (the PDF draws the same data)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

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

GRID = QColor("#d0d7de")
AXIS = QColor("#3d3d3d")
TEXT = QColor("#1a1a1a")
EMPTY_TEXT = "Chưa có số liệu: bấm \"Xem số liệu\"."


class _Chart(QWidget):
    """A chart that paints into any rectangle of any device (screen, image, printer)."""

    title = ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(360, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(520, 300)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        self.paint(painter, QRectF(self.rect()).adjusted(8, 6, -8, -6))
        painter.end()

    def render_image(self, width: int = 900, height: int = 500) -> QImage:
        """The chart alone as an image (white background), e.g. to check it or paste it elsewhere."""
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRectF(8, 6, width - 16, height - 12))
        painter.end()
        return image

    def _font(self, points: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def _title(self, painter: QPainter, rect: QRectF) -> float:
        painter.setFont(self._font(10.5, bold=True))
        painter.setPen(TEXT)
        height = QFontMetricsF(painter.font()).height()
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), height), Qt.AlignmentFlag.AlignCenter,
                         self.title)
        return rect.top() + height + 4

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        raise NotImplementedError


class MonthChartWidget(_Chart):
    """Received (dark) and resolved (light) bars per month, with a value axis and values on the bars."""

    title = TITLE_MONTHS

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.chart: MonthChart | None = None

    def set_chart(self, chart: MonthChart | None) -> None:
        self.chart = chart
        self.update()

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        top = self._title(painter, rect)
        chart = self.chart
        if chart is None or not chart.labels:
            painter.setFont(self._font(9))
            painter.drawText(rect.adjusted(0, top - rect.top(), 0, 0), Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)
            return
        small, label = self._font(8), self._font(9)
        metrics = QFontMetricsF(small)
        # legend
        painter.setFont(label)
        x = rect.left() + 4
        line = QFontMetricsF(label).height()
        for name, colour in zip(SERIES_NAMES, SERIES_COLOURS, strict=True):
            painter.fillRect(QRectF(x, top + 3, 12, line - 6), QColor(colour))
            painter.drawText(QRectF(x + 16, top, 200, line), Qt.AlignmentFlag.AlignVCenter, name)
            x += 26 + QFontMetricsF(label).horizontalAdvance(name)
        top += line + metrics.height() + 4  # room for the tallest bar's value
        axis_w = metrics.horizontalAdvance(format_value(chart.ticks[-1], "count")) + 8
        bottom = rect.bottom() - 2 * QFontMetricsF(label).height() - 4
        left, right = rect.left() + axis_w, rect.right() - 4
        plot_h, plot_w = bottom - top, right - left
        peak = chart.ticks[-1] or 1
        painter.setFont(small)
        for tick in chart.ticks:
            y = bottom - plot_h * tick / peak
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(int(left), int(y), int(right), int(y))
            painter.setPen(TEXT)
            painter.drawText(QRectF(rect.left(), y - 8, axis_w - 4, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, format_value(tick, "count"))
        groups = len(chart.labels)
        slot = plot_w / groups
        bar = min(slot * 0.38, 28)
        widest = max(metrics.horizontalAdvance(format_value(v, "count")) for v in chart.series[0] + chart.series[1])
        show_values = widest <= slot / 2 - 1  # each value over its own bar, never over the neighbour's
        for index, text in enumerate(chart.labels):
            centre = left + slot * (index + 0.5)
            for series, (values, colour) in enumerate(zip(chart.series, SERIES_COLOURS, strict=True)):
                value = values[index]
                height = plot_h * value / peak
                box = QRectF(centre - bar + series * bar, bottom - height, bar, height)
                painter.fillRect(box, QColor(colour))
                painter.setPen(QPen(AXIS, 0.5))
                painter.drawRect(box)
                if show_values and value:
                    painter.setPen(TEXT)
                    painter.drawText(QRectF(box.left() - 20, box.top() - metrics.height(), box.width() + 40,
                                            metrics.height()), Qt.AlignmentFlag.AlignCenter, format_value(value, "count"))
            painter.setPen(TEXT)
            painter.setFont(label)
            painter.drawText(QRectF(centre - slot / 2, bottom + 2, slot, line), Qt.AlignmentFlag.AlignCenter, text)
            painter.setFont(small)
        painter.setPen(QPen(AXIS, 1.2))
        painter.drawLine(int(left), int(bottom), int(right), int(bottom))
        if chart.caption:
            painter.drawText(QRectF(left, bottom + line + 2, plot_w, line), Qt.AlignmentFlag.AlignCenter, chart.caption)


class ShareChartWidget(_Chart):
    """Horizontal bars 0–100% of the on-time share per field; below 90% in red, value written beside."""

    title = TITLE_ON_TIME

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.bars: list[ShareBar] = []

    def set_bars(self, bars: list[ShareBar]) -> None:
        self.bars = list(bars)
        self.update()

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        top = self._title(painter, rect)
        if not self.bars:
            painter.setFont(self._font(9))
            painter.drawText(rect.adjusted(0, top - rect.top(), 0, 0), Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)
            return
        label, small = self._font(9), self._font(8)
        metrics, small_metrics = QFontMetricsF(label), QFontMetricsF(small)
        label_w = min(max(metrics.horizontalAdvance(b.label) for b in self.bars) + 10, rect.width() * 0.32)
        value_w = max(small_metrics.horizontalAdvance(b.text) for b in self.bars) + 8
        left, right = rect.left() + label_w, rect.right() - value_w
        bottom = rect.bottom() - small_metrics.height() - 4
        plot_w, plot_h = right - left, bottom - top
        painter.setFont(small)
        for tick in range(0, 101, 20):
            x = left + plot_w * tick / 100
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(int(x), int(top), int(x), int(bottom))
            painter.setPen(TEXT)
            painter.drawText(QRectF(x - 25, bottom + 2, 50, small_metrics.height()), Qt.AlignmentFlag.AlignCenter,
                             f"{tick}%")
        slot = plot_h / len(self.bars)
        thickness = min(slot * 0.6, 26)
        for index, item in enumerate(self.bars):
            y = top + slot * (index + 0.5)
            painter.setFont(label)
            painter.setPen(TEXT)
            name = metrics.elidedText(item.label, Qt.TextElideMode.ElideRight, label_w - 10)
            painter.drawText(QRectF(rect.left(), y - slot / 2, label_w - 8, slot),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            length = plot_w * (item.value or 0)
            if item.value is not None:
                box = QRectF(left, y - thickness / 2, max(length, 1), thickness)
                painter.fillRect(box, QColor(LATE_COLOUR if item.warn else BAR_COLOUR))
                painter.setPen(QPen(AXIS, 0.5))
                painter.drawRect(box)
            painter.setFont(small)
            painter.setPen(TEXT)
            painter.drawText(QRectF(left + length + 4, y - slot / 2, value_w + plot_w, slot),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, item.text)
        painter.setPen(QPen(AXIS, 1.2))
        painter.drawLine(int(left), int(top), int(left), int(bottom))

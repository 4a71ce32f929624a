"""Page furniture shared by the sheets: paragraph styles and a canvas that numbers pages 'Trang x/y'."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from printing.fonts import FONT, FONT_BOLD, SERIF, SERIF_BOLD, register_fonts


def style(name: str, size: float, bold: bool = False, align: int = 0, leading: float | None = None,
          serif: bool = False, **extra) -> ParagraphStyle:
    """A paragraph style in DejaVu Sans, or in Liberation Serif (`serif`, official papers: printing.fonts)."""
    register_fonts()
    regular, heavy = (SERIF, SERIF_BOLD) if serif else (FONT, FONT_BOLD)
    return ParagraphStyle(
        name,
        fontName=heavy if bold else regular,
        fontSize=size,
        leading=leading if leading is not None else round(size * 1.25, 2),
        alignment=align,
        splitLongWords=1,
        **extra,
    )


def centered(name: str, size: float, bold: bool = False, **extra) -> ParagraphStyle:
    return style(name, size, bold=bold, align=TA_CENTER, **extra)


FooterPainter = Callable[[Canvas, int, int], None]


def numbered_canvas(footer: FooterPainter, pages_out: list[int]) -> type[Canvas]:
    """A canvas class for doc.build(canvasmaker=…) that holds pages back until the end, so that
    `footer(canvas, page, total)` can print 'Trang x/y' in one layout pass; the page count is
    appended to `pages_out`."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []

        def showPage(self):
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                footer(self, number, total)
                super().showPage()
            pages_out.append(total)
            super().save()

    return NumberedCanvas


class Rule(Flowable):
    """The short centred line under the body's name and under the motto (Nghị định 30/2020), clear of
    the dot below (ộ, ụ) and the descenders of the line above, which an underline crosses."""

    def __init__(self, width: float, line_width: float = 0.7):
        super().__init__()
        self.width, self.height = width, 5.0
        self.line_width = line_width
        self.hAlign = "CENTER"

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self):
        self.canv.setLineWidth(self.line_width)
        self.canv.line(0, 0.6, self.width, 0.6)

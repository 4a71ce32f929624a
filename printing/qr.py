"""QR codes: encoded with the `qrcode` library, drawn into the PDF as vector rectangles.

reportlab's own QR widget builds one Rect object per dark module and renders it through its graphics
layer; here each matrix is encoded once, its dark modules are merged into horizontal runs, and the runs
become one filled path written as literal PDF operators in module units (cached per text), scaled by a
transformation when drawn. That is a few hundred short operators per code and no Python objects per
module when drawing.

Sizes: "symbol" is the code itself without its quiet zone; the quiet zone (QUIET_ZONE modules of white
on every side) is left empty by the caller's layout or included in a box (see `symbol_in_box`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from reportlab.platypus import Flowable

from models.errors import UserError

QUIET_ZONE = 4  # modules of white around the symbol (the QR standard's minimum)
# Smallest version used (33 modules): short links would otherwise give 21-module codes whose 4-module
# quiet zone eats a fifth of the symbol's width in margins; at 2 cm a module is still over 0.6 mm.
MIN_VERSION = 4


@dataclass(frozen=True)
class QrMatrix:
    """An encoded code: `size` modules a side and its dark modules as PDF path operators."""

    text: str
    size: int
    # "x y w h re" for each horizontal run of dark modules, in module units, origin bottom-left.
    path_ops: str

    def quiet_zone(self, symbol: float) -> float:
        """Width of the quiet zone, in the same unit as `symbol` (the symbol's side)."""
        return symbol * QUIET_ZONE / self.size

    def outer(self, symbol: float) -> float:
        """Side of the symbol with its quiet zone on both sides."""
        return symbol + 2 * self.quiet_zone(symbol)

    def symbol_in_box(self, box: float) -> float:
        """Side of the symbol that fits, quiet zone included, in a square of side `box`."""
        return box * self.size / (self.size + 2 * QUIET_ZONE)


def encode_modules(text: str) -> list[list[bool]]:
    """The module matrix (True = dark) of `text`, error correction M, the smallest version from
    MIN_VERSION that fits, mask chosen by the standard's penalty rules (qrcode's default)."""
    code = qrcode.QRCode(version=MIN_VERSION, error_correction=ERROR_CORRECT_M, border=0, box_size=1)
    code.add_data(text)
    try:
        code.make(fit=True)
    except DataOverflowError as error:
        raise UserError(
            f"Đường dẫn quá dài để tạo mã QR ({len(text)} ký tự): {text[:80]}…"
        ) from error
    return [[bool(cell) for cell in row] for row in code.modules]


def _runs_to_ops(modules: list[list[bool]]) -> str:
    size = len(modules)
    ops: list[str] = []
    for row_index, row in enumerate(modules):
        y = size - 1 - row_index
        start = -1
        for x, dark in enumerate(row):
            if dark and start < 0:
                start = x
            elif not dark and start >= 0:
                ops.append(f"{start} {y} {x - start} 1 re")
                start = -1
        if start >= 0:
            ops.append(f"{start} {y} {size - start} 1 re")
    return "\n".join(ops)


@lru_cache(maxsize=4096)
def qr_matrix(text: str) -> QrMatrix:
    """Encode `text` (cached: a catalog is printed again and again with the same links)."""
    modules = encode_modules(text)
    return QrMatrix(text=text, size=len(modules), path_ops=_runs_to_ops(modules))


def draw_qr(canvas, matrix: QrMatrix, x: float, y: float, symbol: float) -> None:
    """Draw the symbol with its lower-left corner at (x, y) and side `symbol` (points).

    The quiet zone is not painted: it is the caller's job to keep it white (nothing drawn there).
    """
    scale = symbol / matrix.size
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(scale, 0, 0, scale, x, y)
    canvas.addLiteral(matrix.path_ops + "\nf")
    canvas.restoreState()


class QrFlowable(Flowable):
    """A square box of side `box` holding the code of `text` centred with its quiet zone.

    `on_draw` (optional) is called after drawing; the list sheet counts drawn rows with it for
    progress and cancellation.
    """

    def __init__(self, text: str, box: float, on_draw=None):
        super().__init__()
        self.matrix = qr_matrix(text)
        self.box = box
        self.on_draw = on_draw
        self.width = self.height = box

    def wrap(self, availWidth, availHeight):
        return self.box, self.box

    def draw(self):
        symbol = self.matrix.symbol_in_box(self.box)
        offset = (self.box - symbol) / 2
        draw_qr(self.canv, self.matrix, offset, offset, symbol)
        if self.on_draw is not None:
            self.on_draw()

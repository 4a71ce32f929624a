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

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import qrcode
import qrcode.util as qrcode_util
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
    """The module matrix (True = dark) of `text`: error correction M, the smallest version from
    MIN_VERSION that fits, the mask chosen by the standard's penalty rules.

    The result is exactly what qrcode's `QRCode.make()` gives (a test checks it), in less than half the
    time: qrcode places the data once per candidate mask (nine placements), here it is placed once and
    the eight candidates are derived by XOR on row bitmasks and scored with string operations.
    """
    code = qrcode.QRCode(version=MIN_VERSION, error_correction=ERROR_CORRECT_M, border=0, box_size=1)
    code.add_data(text)
    try:
        code.best_fit(start=MIN_VERSION)
    except (DataOverflowError, ValueError) as error:  # ValueError: qrcode asked for version 41
        raise UserError(
            f"Đường dẫn quá dài để tạo mã QR ({len(text)} ký tự): {text[:80]}…"
        ) from error
    size = code.version * 4 + 17
    masks = _mask_rows(code.version)
    # Data placed under mask 0 with format and version areas blank, as qrcode scores candidates.
    code.makeImpl(True, 0)
    unmasked = [_row_bits(row) ^ mask for row, mask in zip(code.modules, masks[0], strict=True)]
    best_rows: list[int] = []
    best_pattern, best_score = 0, -1
    for pattern in range(8):
        rows = [row ^ mask for row, mask in zip(unmasked, masks[pattern], strict=True)]
        score = _penalty(rows, size)
        if best_score < 0 or score < best_score:  # first lowest, like qrcode
            best_pattern, best_score, best_rows = pattern, score, rows
    code.modules = [[(row >> (size - 1 - column)) & 1 == 1 for column in range(size)] for row in best_rows]
    code.setup_type_info(False, best_pattern)
    if code.version >= 7:
        code.setup_type_number(False)
    return code.modules


def _row_bits(row: list) -> int:
    """A row of modules as an int, column 0 in the highest bit (None and False are light)."""
    bits = 0
    for cell in row:
        bits = (bits << 1) | (1 if cell else 0)
    return bits


@lru_cache(maxsize=64)
def _mask_rows(version: int) -> tuple[tuple[int, ...], ...]:
    """For each mask pattern: per row, the bits of the data modules that the mask inverts."""
    size = version * 4 + 17
    blank = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    blank.modules_count = size
    blank.modules = [[None] * size for _ in range(size)]
    blank.setup_position_probe_pattern(0, 0)
    blank.setup_position_probe_pattern(size - 7, 0)
    blank.setup_position_probe_pattern(0, size - 7)
    blank.setup_position_adjust_pattern()
    blank.setup_timing_pattern()
    blank.setup_type_info(True, 0)
    if version >= 7:
        blank.setup_type_number(True)
    patterns = []
    for pattern in range(8):
        inverts = qrcode_util.mask_func(pattern)
        rows = []
        for r, row in enumerate(blank.modules):
            bits = 0
            for c, cell in enumerate(row):
                bits = (bits << 1) | (1 if cell is None and inverts(r, c) else 0)
            rows.append(bits)
        patterns.append(tuple(rows))
    return tuple(patterns)


_RUNS = re.compile(r"0{5,}|1{5,}")


def _count(text: str, pattern: str) -> int:
    """Occurrences of `pattern` in `text`, overlapping ones included."""
    count, index = 0, text.find(pattern)
    while index >= 0:
        count += 1
        index = text.find(pattern, index + 1)
    return count


def _penalty(rows: list[int], size: int) -> int:
    """qrcode.util.lost_point, computed on row bitmasks (same rules, same numbers)."""
    lines = [format(row, f"0{size}b") for row in rows]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    text = " ".join(lines)  # rows then columns; the spaces stop runs and patterns at line ends
    runs = _RUNS.findall(text)
    run_points = sum(map(len, runs)) - 2 * len(runs)
    finder_like = _count(text, "10111010000") + _count(text, "00001011101")
    pairs = (1 << (size - 1)) - 1
    blocks = 0
    for upper_row, lower_row in itertools.pairwise(rows):
        dark = upper_row & (upper_row >> 1) & lower_row & (lower_row >> 1)
        light = ~(upper_row | (upper_row >> 1) | lower_row | (lower_row >> 1)) & pairs
        blocks += ((dark | light) & pairs).bit_count()
    dark_count = sum(row.bit_count() for row in rows)
    percent = float(dark_count) / (size**2)
    balance = int(abs(percent * 100 - 50) / 5) * 10
    return run_points + 3 * blocks + 40 * finder_like + balance


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

"""The bundled fonts, registered with reportlab once per process.

reportlab's built-in Helvetica has no Vietnamese letters (ệ, ữ, ợ … print as black boxes); the bundled
faces have every precomposed Vietnamese letter. Official papers (forms, logbook, report) are set in
Liberation Serif, metric-compatible with Times New Roman, which Nghị định 30/2020/NĐ-CP (Phụ lục I)
prescribes for official documents; the posting sheets and QR cards keep DejaVu Sans, which reads better
from a distance. Text must be NFC (clean_text) for the precomposed glyphs to be picked.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from models.errors import UserError
from models.resources import resource_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
SERIF = "LiberationSerif"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"

_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf",
          SERIF: "LiberationSerif-Regular.ttf", SERIF_BOLD: "LiberationSerif-Bold.ttf",
          SERIF_ITALIC: "LiberationSerif-Italic.ttf", SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf"}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the DejaVu Sans and Liberation Serif faces (idempotent, thread-safe).

    DejaVu has no oblique face in the bundle, so <i> in its Paragraph markup maps to the upright faces
    rather than failing; Liberation Serif has all four.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            path = resource_path("fonts", filename)
            try:
                pdfmetrics.registerFont(TTFont(name, str(path)))
            except Exception as error:  # missing or damaged file in a broken install
                raise UserError(
                    f"Không nạp được phông chữ {filename} ({path}). Hãy cài đặt lại phần mềm."
                ) from error
        # Italic faces first: the last mapping of a face name wins in reportlab's reverse table.
        family = FONT.lower()
        addMapping(family, 0, 1, FONT)
        addMapping(family, 1, 1, FONT_BOLD)
        addMapping(family, 0, 0, FONT)
        addMapping(family, 1, 0, FONT_BOLD)
        serif = SERIF.lower()
        addMapping(serif, 0, 0, SERIF)
        addMapping(serif, 1, 0, SERIF_BOLD)
        addMapping(serif, 0, 1, SERIF_ITALIC)
        addMapping(serif, 1, 1, SERIF_BOLD_ITALIC)
        _registered = True

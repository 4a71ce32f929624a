"""The bundled DejaVu Sans fonts, registered with reportlab once per process.

reportlab's built-in Helvetica has no Vietnamese letters (ệ, ữ, ợ … print as black boxes); DejaVu Sans
has every precomposed Vietnamese letter, so all printed text uses it. Text must be NFC (clean_text)
for the precomposed glyphs to be picked.
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

_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register DejaVuSans and DejaVuSans-Bold (idempotent, thread-safe).

    There is no oblique face in the bundle, so <i> in Paragraph markup maps to the upright faces
    rather than failing.
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
        _registered = True

"""Every Vietnamese letter, in both cases, prints with the bundled fonts and reads back letter for letter."""

from __future__ import annotations

import io
import unicodedata

from printing_checks import SETTINGS, page_texts, squash
from reportlab.pdfbase import pdfmetrics

from models.catalog import Procedure
from printing import render_list_sheet
from printing.fonts import FONT, FONT_BOLD, SERIF, SERIF_BOLD, SERIF_BOLD_ITALIC, SERIF_ITALIC, register_fonts

BASES = ["a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b", "u", "u\u031b", "y"]
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


def vietnamese_letters() -> str:
    lower = "".join(unicodedata.normalize("NFC", base + tone) for base in BASES for tone in TONES) + "đ"
    return lower + lower.upper()


def test_alphabet_is_precomposed_and_in_both_fonts():
    letters = vietnamese_letters()
    assert len(letters) == 2 * (12 * 6 + 1)
    assert all(len(unicodedata.normalize("NFC", ch)) == 1 for ch in letters)
    register_fonts()
    register_fonts()  # idempotent
    for name in (FONT, FONT_BOLD, SERIF, SERIF_BOLD, SERIF_ITALIC, SERIF_BOLD_ITALIC):
        glyphs = pdfmetrics.getFont(name).face.charToGlyph
        assert [ch for ch in letters if ord(ch) not in glyphs] == []


def test_alphabet_reads_back_from_the_pdf():
    letters = vietnamese_letters()
    name = f"Thủ tục {letters[:73]} và {letters[73:]}"
    decomposed = unicodedata.normalize("NFD", name)
    buffer = io.BytesIO()
    render_list_sheet([Procedure("1.000001", decomposed, field=letters[:20])], SETTINGS, buffer)
    text = squash("".join(page_texts(buffer.getvalue())))
    assert squash(name) in text
    assert squash(letters[:20]) in text  # the field heading, in bold

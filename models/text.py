"""Vietnamese text: normalisation for storage and folding for accent-insensitive search."""

import re
import unicodedata

from models.errors import UserError

_SPACES = re.compile(r"\s+")
# What a typed or imported text must not carry (issue #17): ANSI escape sequences (they recolour or
# rewrite a terminal that prints the text), other C0/C1 control characters, and the bidi controls that
# reorder what a reader sees (U+202A-U+202E embeddings/overrides, U+2066-U+2069 isolates, U+200E/U+200F
# marks, U+061C), plus the BOM. Vietnamese needs none of them. Whitespace controls become spaces below.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# The longest texts accepted where data is entered, shared by the GUI, the command line and imports.
# Real procedure names reach about 950 characters (national database); the others are generous for
# their use and keep every printed form, list and report printable.
MAX_PROCEDURE_NAME = 1200
MAX_SHORT_TEXT = 200  # a person's or unit's name, a field, a code-like value
MAX_LONG_TEXT = 2000  # a note, fees, a processing time as written, a link
MAX_SEARCH = 200  # a search box: longer is a paste mistake (and a LIKE pattern SQLite refuses)


def clean_text(value: object) -> str:
    """Trim, collapse inner whitespace to single spaces, and compose to Unicode NFC.

    Input arrives decomposed (some keyboards, Windows-1258 files) and with stray spaces; storing one
    form keeps equality, sorting and search honest.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    if not text.isprintable():  # fast path: ordinary text has nothing to strip
        text = _INVISIBLE.sub("", _ANSI.sub("", text))
    return _SPACES.sub(" ", text).strip()


def check_length(text: str, limit: int, what: str) -> str:
    """`text` when it has at most `limit` characters, else one Vietnamese line saying so."""
    if len(text) > limit:
        raise UserError(f"{what} quá dài ({len(text):,} ký tự, tối đa {limit:,}).".replace(",", "."))
    return text


def search_words(text: object) -> list[str]:
    """The folded words of a search box's text, refused over MAX_SEARCH characters."""
    check_length(clean_text(text), MAX_SEARCH, "Chữ tìm kiếm")
    return fold(text).split()


def fold(value: object) -> str:
    """Lower-case, strip tone and vowel marks, and map đ/Đ to d, for search that ignores accents.

    "Đăng ký khai sinh" -> "dang ky khai sinh". (SQLite's remove_diacritics does not fold đ.)
    """
    text = clean_text(value).replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower()

"""Vietnamese text: normalisation for storage and folding for accent-insensitive search."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """Trim, collapse inner whitespace to single spaces, and compose to Unicode NFC.

    Input arrives decomposed (some keyboards, Windows-1258 files) and with stray spaces; storing one
    form keeps equality, sorting and search honest.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _SPACES.sub(" ", text).strip()


def fold(value: object) -> str:
    """Lower-case, strip tone and vowel marks, and map đ/Đ to d, for search that ignores accents.

    "Đăng ký khai sinh" -> "dang ky khai sinh". (SQLite's remove_diacritics does not fold đ.)
    """
    text = clean_text(value).replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower()

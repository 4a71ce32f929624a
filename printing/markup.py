"""Text as printed: NFC-cleaned, escaped for Paragraph markup, and the shared wording of the sheets."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

from models.catalog import DEADLINE_UNITS, Procedure
from models.settings import UnitSettings
from models.text import clean_text, fold

ELLIPSIS = "…"
SCAN_HINT = "Quét mã QR bằng camera điện thoại để xem chi tiết thủ tục và nộp hồ sơ trực tuyến"
# A card promises online submission only where the procedure has an online service (issue #12).
SCAN_HINT_OFFLINE = "Quét mã QR bằng camera điện thoại để xem chi tiết thủ tục"
LIST_HINT = ("Quét mã QR bằng camera điện thoại để xem chi tiết thủ tục; thủ tục có dịch vụ công trực tuyến "
             "(toàn trình, một phần) nộp được hồ sơ trực tuyến")
SAMPLE_MARK = "DỮ LIỆU MẪU – danh mục thủ tục mẫu của MotCua, không phải danh mục của đơn vị"


def scan_hint(procedure: Procedure) -> str:
    return SCAN_HINT if procedure.online_level else SCAN_HINT_OFFLINE


def publication_line(settings: UnitSettings) -> str:
    """'(Công bố kèm theo Quyết định số 123/QĐ-UBND ngày 02/01/2026)', or '' when not set."""
    number, day = clean_text(settings.publish_decision_number), clean_text(settings.publish_decision_date)
    if not number and not day:
        return ""
    return f"(Công bố kèm theo Quyết định số {number or '…'}" + (f" ngày {day}" if day else "") + ")"


def complaints_line(settings: UnitSettings) -> str:
    """Where citizens send complaints and recommendations (phản ánh, kiến nghị), or ''."""
    address, phone = clean_text(settings.complaints_address), clean_text(settings.complaints_phone)
    if not address and not phone:
        return ""
    parts = [f"địa chỉ {address}"] if address else []
    parts += [f"điện thoại {phone}"] if phone else []
    return "Tiếp nhận phản ánh, kiến nghị về thủ tục hành chính: " + ", ".join(parts) + "."
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

_ESCAPES = {'"': "&quot;", "'": "&#39;"}


def para(value: object) -> str:
    """clean_text(value) escaped for reportlab Paragraph markup (&, <, >, quotes)."""
    return escape(clean_text(value), _ESCAPES)


def upper(value: object) -> str:
    return clean_text(value).upper()


def date_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def roman(number: int) -> str:
    """1 -> I, 14 -> XIV (field headings)."""
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, letters in numerals:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def field_title(field: str) -> str:
    """'Hộ tịch' -> 'Lĩnh vực Hộ tịch'; a name that already says 'Lĩnh vực …' is kept."""
    field = clean_text(field)
    return field if fold(field).startswith("linh vuc") else f"Lĩnh vực {field}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def deadline_label(procedure: Procedure) -> str:
    """The processing time as printed: the clerk's value if set, else the catalog's text."""
    parsed = ""
    unit = procedure.deadline_unit
    if unit == "same_day":
        parsed = "Trong ngày"
    elif unit in DEADLINE_UNITS and procedure.deadline_value is not None:
        parsed = f"{_number(procedure.deadline_value)} {DEADLINE_UNITS[unit]}"
    text = clean_text(procedure.deadline_text)
    if procedure.deadline_set_by_clerk and parsed:
        return parsed
    return text or parsed


def parent_authority(settings: UnitSettings) -> str:
    """The line above the unit's name in the header: 'UBND TỈNH …' (or the old district), or ''."""
    for value, kind in ((settings.province, "tỉnh"), (settings.district, "huyện")):
        name = clean_text(value)
        if not name:
            continue
        folded = fold(name)
        if folded.startswith(("ubnd", "uy ban")):
            return upper(name)
        if folded.startswith(("tinh ", "thanh pho ", "huyen ", "quan ", "thi xa ")):
            return "UBND " + upper(name)
        return f"UBND {kind.upper()} {upper(name)}"
    return ""


def fit_line(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis so that it fits `width` on one line (for footers)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def code_markup(code: str, paragraph_style, width: float) -> str:
    """A procedure code as Paragraph markup, broken after dots to fit `width` (1.001193.000.00.00.H56
    -> '1.001193.000.' / '00.00.H56') rather than mid-number; pieces too long still wrap anyway."""
    text = clean_text(code)
    font, size = paragraph_style.fontName, paragraph_style.fontSize
    if stringWidth(text, font, size) <= width or "." not in text:
        return para(text)
    pieces = [piece + "." for piece in text.split(".")]
    pieces[-1] = pieces[-1][:-1]
    lines = [""]
    for piece in pieces:
        if lines[-1] and stringWidth(lines[-1] + piece, font, size) > width:
            lines.append(piece)
        else:
            lines[-1] += piece
    return "<br/>".join(para(line) for line in lines)

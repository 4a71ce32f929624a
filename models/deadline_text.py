"""Reading a processing time as catalogs write it ("05 ngày làm việc", "Trong ngày") into (value, unit)."""

from __future__ import annotations

import re

from models.catalog import DEADLINE_UNITS
from models.errors import UserError
from models.text import fold

# Matched on folded text (no accents, lower case, đ -> d). Longer units first: "ngay lam viec" must win
# over "ngay". A bare "N giờ" is not read: "nhận sau 15 giờ" is a clock time, not a duration.
_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*(ngay lam viec|gio lam viec|ngay)\b")
_UNIT_OF = {"ngay lam viec": "working_days", "gio lam viec": "working_hours", "ngay": "calendar_days"}
_SAME_DAY = re.compile(r"^(?:ngay\s+)?trong\s+ngay\b")
_NEXT_DAY = re.compile(r"\b(?:tiep theo|hom sau|ke tiep)\b")
# "05 (năm) ngày làm việc": a number spelled out in brackets after the digits adds nothing.
_SPELLED = re.compile(r"(\d)\s*\([a-z ]{1,30}\)")
_LEAD_IN = re.compile(r"^(?:khong qua|trong vong|tra ket qua)\s+")
# A clause that only applies in some case ("trường hợp…", "nếu…") is not the procedure's main time.
_CONDITIONAL = re.compile(r"^(?:truong hop|doi voi|neu)\b")
_CLAUSE_BREAK = re.compile(r";|\.\s|\.$|\(|\btruong hop\b|\bneu\b")


def _main_clause(folded: str) -> str:
    """The text before the first clause break: the time that applies when no special case does."""
    match = _CLAUSE_BREAK.search(folded)
    head = folded[: match.start()] if match and match.start() > 0 else folded
    return head.strip(" ,:-")


def parse_deadline(text: str) -> tuple[float | None, str | None]:
    """(value, unit) for a processing time as written, or (None, None) when it cannot be read safely.

    The rule, so a clerk can predict it: only the main clause counts (the text before the first ";",
    ".", "(", "trường hợp" or "nếu"); it must hold exactly one duration ("05 ngày làm
    việc", "03 giờ làm việc", "15 ngày" = calendar days) or be a same-day phrase ("Trong ngày", "Ngay
    trong ngày làm việc"). Anything else (two different durations, months, a case-only text, a
    number without a unit) gives None and the clerk sets the value. "same_day" has no value.
    """
    folded = fold(text)
    if not folded:
        return None, None
    clause = _main_clause(_SPELLED.sub(r"\1", folded))
    if not clause or _CONDITIONAL.match(clause):
        return None, None
    found = {(float(number.replace(",", ".")), _UNIT_OF[unit]) for number, unit in _DURATION.findall(clause)}
    if len(found) == 1:
        value, unit = found.pop()
        return (value, unit) if value > 0 else (None, None)
    if not found and not _NEXT_DAY.search(clause) and _SAME_DAY.match(_LEAD_IN.sub("", clause)):
        return None, "same_day"
    return None, None


def is_parsed(unit: str | None) -> bool:
    """A processing time is known when it has a unit ("same_day" needs no value)."""
    return unit is not None


def format_number(value: float) -> str:
    """5.0 -> '5', 1.5 -> '1,5' (Vietnamese decimal comma)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}".replace(".", ",")


def format_deadline(value: float | None, unit: str | None) -> str:
    """The parsed time for display: '5 ngày làm việc', 'Trong ngày', or '' when not known."""
    if unit == "same_day":
        return "Trong ngày"
    if unit is None or value is None:
        return ""
    return f"{format_number(value)} {DEADLINE_UNITS[unit]}"


MAX_DEADLINE_VALUE = 3650  # ten years of days: beyond any procedure's processing time


def check_deadline(value: float | None, unit: str | None) -> tuple[float | None, str | None]:
    """Validate a value a clerk typed; returns it normalised (same_day drops its value)."""
    if unit not in DEADLINE_UNITS:
        choices = ", ".join(DEADLINE_UNITS)
        raise UserError(f"Đơn vị thời hạn không hợp lệ: '{unit}' (chọn một trong: {choices}).")
    if unit == "same_day":
        return None, unit
    if value is None or not 0 < value <= MAX_DEADLINE_VALUE:  # also refuses NaN and infinity
        raise UserError(f"Thời hạn phải là một số lớn hơn 0 và không quá {MAX_DEADLINE_VALUE} "
                        "(ví dụ 5 hoặc 1,5).")
    return float(value), unit

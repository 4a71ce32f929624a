"""Choosing which procedures go on a sheet, and grouping them by field (lĩnh vực)."""

from __future__ import annotations

from collections.abc import Iterable

from models.catalog import Procedure
from models.errors import UserError
from models.text import clean_text

OTHER_FIELD = "Khác"


def _key(value: str) -> str:
    return clean_text(value).casefold()


def select_procedures(
    procedures: Iterable[Procedure],
    fields: list[str] | None = None,
    essential_only: bool = False,
    codes: list[str] | None = None,
) -> list[Procedure]:
    """The active procedures matching every filter given.

    - `fields`: keep procedures whose field is one of these (compared after clean_text, ignoring case).
      None or empty: any field.
    - `essential_only`: keep only essential services (dịch vụ thiết yếu).
    - `codes`: keep only these procedure codes (clean_text, ignoring case), **in the order given** (the
      clerk's order; duplicates printed once). A code that matches no active procedure raises UserError.
      Without `codes`, the catalog's order is kept.
    """
    active = [p for p in procedures if p.active]
    if fields:
        wanted_fields = {_key(field) for field in fields if clean_text(field)}
        active = [p for p in active if _key(p.field) in wanted_fields]
    if essential_only:
        active = [p for p in active if p.essential]
    if not codes:
        return active
    by_code: dict[str, Procedure] = {}
    for procedure in active:
        by_code.setdefault(_key(procedure.code), procedure)
    chosen: list[Procedure] = []
    seen: set[str] = set()
    missing: list[str] = []
    for code in codes:
        key = _key(code)
        if not key or key in seen:
            continue
        seen.add(key)
        if key in by_code:
            chosen.append(by_code[key])
        else:
            missing.append(clean_text(code))
    if missing:
        raise UserError(
            "Không có thủ tục đang áp dụng nào (trong lĩnh vực/bộ lọc đã chọn) mang mã: "
            + ", ".join(missing)
            + "."
        )
    return chosen


def group_by_field(procedures: Iterable[Procedure]) -> list[tuple[str, list[Procedure]]]:
    """(field, procedures) in order of first appearance; an empty field is grouped as OTHER_FIELD.

    Fields that differ only by case or Unicode form are one group, named as first seen.
    """
    groups: dict[str, tuple[str, list[Procedure]]] = {}
    for procedure in procedures:
        name = clean_text(procedure.field) or OTHER_FIELD
        groups.setdefault(name.casefold(), (name, []))[1].append(procedure)
    return list(groups.values())

"""One entry point for the GUI and the command line: pick the procedures, then print a layout."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import BinaryIO

from models.catalog import Procedure
from models.errors import UserError
from models.settings import UnitSettings
from printing.cards_sheet import render_cards_sheet
from printing.list_sheet import render_list_sheet
from printing.output import CancelHook, ProgressHook
from printing.select import select_procedures

LAYOUTS = {"list": render_list_sheet, "cards": render_cards_sheet}

# Cards are for village cultural houses, where only the essential services (dịch vụ thiết yếu) are
# posted: with no field or code chosen, the cards layout prints the essential ones.
CARDS_ESSENTIAL_BY_DEFAULT = True


def default_essential_only(layout: str, fields: list[str] | None, codes: list[str] | None) -> bool:
    """What `essential_only=None` means: True for cards when no field and no code is chosen."""
    return layout == "cards" and CARDS_ESSENTIAL_BY_DEFAULT and not fields and not codes


def render_sheet(
    layout: str,
    procedures: Iterable[Procedure],
    settings: UnitSettings,
    out: Path | BinaryIO,
    *,
    fields: list[str] | None = None,
    codes: list[str] | None = None,
    essential_only: bool | None = None,
    printed_on: date | None = None,
    progress: ProgressHook | None = None,
    cancelled: CancelHook | None = None,
) -> int:
    """Select (select_procedures) and print with `layout` ("list" or "cards"); returns the page count.

    `essential_only=None` takes the layout's default (default_essential_only): essential services only
    for cards with no other filter, everything for the list. Pass True/False to override.
    """
    if layout not in LAYOUTS:
        raise UserError(f"Kiểu in không hợp lệ: '{layout}' (chọn 'list' hoặc 'cards').")
    if essential_only is None:
        essential_only = default_essential_only(layout, fields, codes)
    chosen = select_procedures(procedures, fields=fields, essential_only=essential_only, codes=codes)
    if not chosen:
        what = "thủ tục thiết yếu" if essential_only else "thủ tục đang áp dụng"
        raise UserError(f"Không có {what} nào khớp bộ lọc đã chọn; không có gì để in.")
    return LAYOUTS[layout](chosen, settings, out, printed_on=printed_on, progress=progress,
                           cancelled=cancelled)

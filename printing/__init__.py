"""Printed output: the QR posting sheets of the procedure catalog, as PDF (reportlab, no Qt)."""

from printing.output import PrintCancelled
from printing.select import select_procedures
from printing.sheets import (
    LAYOUTS,
    default_essential_only,
    render_cards_sheet,
    render_list_sheet,
    render_sheet,
)

__all__ = [
    "LAYOUTS",
    "PrintCancelled",
    "default_essential_only",
    "render_cards_sheet",
    "render_list_sheet",
    "render_sheet",
    "select_procedures",
]

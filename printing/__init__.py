"""Printed output: the QR posting sheets of the procedure catalog, as PDF (reportlab, no Qt).

The public names below are imported on first use (PEP 562), so that `import printing.output` or
`printing.select` does not load reportlab and qrcode for commands that never print.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "PrintCancelled": "printing.output",
    "select_procedures": "printing.select",
    "LAYOUTS": "printing.sheets",
    "default_essential_only": "printing.sheets",
    "render_sheet": "printing.sheets",
    "render_list_sheet": "printing.list_sheet",
    "render_cards_sheet": "printing.cards_sheet",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'printing' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)

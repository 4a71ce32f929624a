"""QDate to datetime.date in one place (PySide6's stubs type QDate.toPython() as object)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())

"""Moments as clerks read them: stored ISO 8601 (with offset) shown in local time, 'HH:MM dd/mm/yyyy'."""

from __future__ import annotations

from datetime import datetime


def local_moment(text: str | None) -> datetime | None:
    """An event's ISO moment (with offset) as local wall-clock time."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def moment_label(text: str | None) -> str:
    """An ISO moment as a clerk reads it, 'HH:MM dd/mm/yyyy' in local time ('' for none; text that is not a
    moment is shown as stored rather than hidden)."""
    try:
        moment = local_moment(text)
    except (TypeError, ValueError):
        return str(text)
    return f"{moment:%H:%M %d/%m/%Y}" if moment else ""

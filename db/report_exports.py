"""Exports that carry personal data (the logbook names applicants): who exported what, as an event."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlite_utils import Database

from db.events import record_event
from models.report_period import Period
from models.roles import EXPORT_PERSONAL
from models.session import require


def record_logbook_export(db: Database, period: Period, lines: int, files: Sequence[Path | str],
                          actor: str | None = None) -> None:
    """Names, addresses and phones are basic personal data: record who exported them, when, for which
    period and to which file names (shared/domain.md "People"; Nghị định 13/2023)."""
    require(EXPORT_PERSONAL, "xuất sổ theo dõi hồ sơ (có dữ liệu cá nhân)")
    with db.atomic():
        record_event(db, entity="report", entity_id="logbook", action="export", actor=actor,
                     payload={"from": period.start.isoformat(), "to": period.end.isoformat(), "lines": lines,
                              "files": [Path(f).name for f in files]})

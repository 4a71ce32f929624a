"""Audit errands: walking the hash chains (with the anchors kept in backups), listing and exporting events."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from db.audit import (
    AuditReport,
    EventFilter,
    count_events,
    describe,
    distinct_values,
    export_events,
    format_moment,
    list_events,
    verify_chain,
)
from db.backup_restore import audit_anchors
from db.events import canonical_json

__all__ = ["AuditReport", "EventFilter", "audit_anchors", "canonical_json", "count_events", "describe",
           "distinct_values", "export_events", "format_moment", "list_events", "verify", "verify_chain"]


def verify(db: Database, data_dir: Path) -> AuditReport:
    """Walk every device's chain, checking it against the heads recorded in this folder's backups and the
    marks of what the hub acknowledged, then check that every projection equals the fold of its events."""
    from sync.audit_fold import projection_problems

    report = verify_chain(db, audit_anchors(Path(data_dir), db))
    report.problems += projection_problems(db)
    return report

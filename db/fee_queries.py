"""Fees collected, summed per field and procedure for a period (issue #14; not on the official forms)."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from models.dossier_clock import day_bounds
from models.roles import VIEW_REPORTS
from models.session import require


def fee_totals(db: Database, start: date, end: date) -> list[dict]:
    """One row per (field, procedure) with dossiers received in [start, end]: how many charge a fee, how
    many paid, how many not yet, and the đồng collected; ordered by field then procedure code."""
    require(VIEW_REPORTS, "xem báo cáo phí, lệ phí")
    return list(db.query(
        "SELECT field, procedure_code, procedure_name, count(*) AS dossiers, sum(fee_amount IS NOT NULL) AS paid, "
        "sum(fee_required = 1 AND fee_amount IS NULL) AS unpaid, coalesce(sum(fee_amount), 0) AS amount "
        "FROM dossiers WHERE received_at >= ? AND received_at < ? AND (fee_required = 1 OR fee_amount IS NOT NULL) "
        "GROUP BY field, procedure_code ORDER BY field, procedure_code",
        [day_bounds(start)[0].isoformat(), day_bounds(end)[1].isoformat()]))

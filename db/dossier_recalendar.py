"""Dossiers checked against the current calendar, and the corrections the unit decides (one event each)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from db.calendar_store import load_calendar
from db.dossier_queries import _COLUMNS, require_dossier, row_to_dossier
from db.events import events_for, record_event
from db.rows import scalar
from models.calendar import WorkCalendar
from models.calendar_recheck import RECALENDAR_ACTION, RecheckRow, recheck_row
from models.dossier import Dossier, iso
from models.dossier_clock import now_local
from models.errors import UserError
from models.roles import EDIT_SETTINGS, VIEW_DOSSIERS
from models.session import require
from models.text import clean_text

MAX_REASON = 500
DEFAULT_REASON = "Lịch ngày nghỉ, ngày làm bù được cập nhật: tính lại hạn trả theo lịch mới."


def default_from(today: date) -> date:
    """Without --from: dossiers received since 1 January of last year (older ones are closed and reported)."""
    return date(today.year - 1, 1, 1)


def _dossiers(db: Database, start: date, end: date | None) -> Iterator[tuple[Dossier, float | None]]:
    """Dossiers received from `start` (to `end` inclusive), and every dossier still open whenever received,
    each with its stored resolution time (QĐ 766 2.2)."""
    after = iso(datetime.combine(end + timedelta(days=1), datetime.min.time())) if end else "9999"
    since = iso(datetime.combine(start, datetime.min.time()))
    sql = (f"SELECT {', '.join(_COLUMNS)}, resolution FROM dossiers WHERE (received_at >= ? AND received_at < ?) "
           "OR (closed_at IS NULL AND finished_at IS NULL AND received_at < ?) ORDER BY received_at, code")
    for *columns, resolution in db.execute(sql, [since, after, after]).fetchall():  # resolution: named last
        yield row_to_dossier(tuple(columns)), resolution


def _row(db: Database, calendar: WorkCalendar, dossier: Dossier, resolution: float | None) -> RecheckRow | None:
    """Every event of the dossier is replayed: a wait for fees pauses the clock without counting a
    supplement, so no column tells which dossiers were never paused."""
    return recheck_row(calendar, dossier, events_for(db, "dossier", dossier.uuid), resolution)


def recheck_rows(db: Database, start: date | None = None, end: date | None = None) -> list[RecheckRow]:
    """Open dossiers whose due date and closed ones whose timeliness the current calendar would change."""
    require(VIEW_DOSSIERS, "xem hồ sơ cần tính lại hạn")
    start = start or default_from(now_local().date())
    if end is not None and end < start:
        raise UserError("Ngày bắt đầu phải trước ngày kết thúc.")
    calendar = load_calendar(db)
    return [row for dossier, resolution in _dossiers(db, start, end)
            if (row := _row(db, calendar, dossier, resolution)) is not None]


def apply_recheck(db: Database, codes: Sequence[str], reason: str = "", *, actor: str | None = None
                  ) -> list[RecheckRow]:
    """Correct the named dossiers to the current calendar (the administrator's decision), one event each
    with the reason; a dossier that no longer needs it is left alone. The receipt printed keeps the first
    appointment (printing reads the receive event); the timeline shows the correction."""
    require(EDIT_SETTINGS, "sửa hạn trả theo lịch mới")
    reason = clean_text(reason) or DEFAULT_REASON
    if len(reason) > MAX_REASON:
        raise UserError(f"Lý do quá dài ({len(reason)} ký tự, tối đa {MAX_REASON}).")
    done = []
    with db.atomic():
        calendar = load_calendar(db)
        for code in dict.fromkeys(clean_text(c) for c in codes):
            dossier = require_dossier(db, code)
            row = _row(db, calendar, dossier, scalar(db, "SELECT resolution FROM dossiers WHERE id = ?", [dossier.id]))
            if row is None:
                continue
            changes: dict[str, object] = {"due_at": iso(row.recomputed_due), "updated_at": iso(now_local())}
            payload: dict[str, object] = {
                "code": dossier.code, "due_before": iso(row.stored_due), "due_at": iso(row.recomputed_due),
                "timeliness_before": row.stored_timeliness, "timeliness": row.recomputed_timeliness, "reason": reason}
            if dossier.finished_at is not None:
                changes["timeliness"] = row.recomputed_timeliness
                changes["resolution"] = payload["resolution"] = row.recomputed_resolution
                payload["resolution_before"] = row.stored_resolution
            db.execute(f"UPDATE dossiers SET {', '.join(f'{k} = ?' for k in changes)} WHERE id = ?",
                       [*changes.values(), dossier.id])
            record_event(db, entity="dossier", entity_id=dossier.uuid, action=RECALENDAR_ACTION, actor=actor,
                         payload=payload)
            done.append(row)
    return done

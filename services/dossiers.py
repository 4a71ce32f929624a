"""Dossier errands after reception: look up, list, move (with the note rule), extend, attach, dossier rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from db.accounts import full_names
from db.attachments import ATTACHMENT_KINDS, attach_file
from db.calendar_store import due_soon_until
from db.dossier_queries import count_dossiers, find_dossier, get_dossier, list_dossiers, require_dossier
from db.dossier_rules import DossierRules, load_dossier_rules, save_dossier_rules
from db.dossier_store import extend_dossier, move_dossier
from models.dossier import Dossier, check_move_note
from models.dossier_timeline import TimelineEntry, timeline_entries
from services.changes import Changes

__all__ = ["ATTACHMENT_KINDS", "Attached", "DossierDone", "DossierRules", "attach", "clock_start_notice", "conflicts_of", "count_dossiers",
           "due_soon_until", "export_list", "fee_totals", "record_fee", "undo_move",
           "extend", "find_dossier", "get_dossier", "list_dossiers", "load_dossier_rules", "move", "require_dossier",
           "store_rules", "timeline"]


@dataclass(frozen=True)
class DossierDone:
    dossier: Dossier
    changes: Changes
    message: str  # one Vietnamese line saying what was done


def move(db: Database, code: str, to_state: str, *, note: str = "", at: datetime | None = None,
         handover_to: str | None = None, items: Sequence[str] = (), now: datetime | None = None) -> DossierDone:
    """Move a dossier; a move whose printed form carries the note needs one (models.dossier.NOTE_REQUIRED)."""
    check_move_note(to_state, note)
    dossier = move_dossier(db, code, to_state, note=note.strip(), at=at, handover_to=handover_to, items=items,
                           now=now)
    return DossierDone(dossier, Changes.dossiers([dossier.code]),
                       f"Hồ sơ {dossier.code}: {dossier.state_label}. Hạn trả: {dossier.due_at:%H:%M %d/%m/%Y}.")


def extend(db: Database, code: str, *, reason: str, hours: float | None = None, days: float | None = None,
           at: datetime | None = None) -> DossierDone:
    """Gia hạn: move the due moment by working hours or days, with the reason Mẫu 04 prints."""
    dossier = extend_dossier(db, code, reason=reason, hours=hours, days=days, at=at)
    return DossierDone(dossier, Changes.dossiers([dossier.code]),
                       f"Đã gia hạn hồ sơ {dossier.code} đến {dossier.due_at:%H:%M %d/%m/%Y}.")


@dataclass(frozen=True)
class Attached:
    record: dict
    changes: Changes


def attach(db: Database, data_dir: Path, code: str, source: str | Path, kind: str = "ho_so") -> Attached:
    """Store a scanned file (by content hash) and attach it to the dossier, with its event."""
    record = attach_file(db, data_dir, code, source, kind=kind)
    return Attached(record, Changes.dossiers([record["code"]]))


def store_rules(db: Database, rules: DossierRules) -> tuple[DossierRules, Changes]:
    """The unit's dossier rules (restart after a supplement, form set, result place)."""
    return save_dossier_rules(db, rules), Changes(settings=True)


def conflicts_of(db: Database, dossier: Dossier) -> list[dict]:
    """Sync conflicts about this dossier, shown on its detail (none when sync is not part of this build)."""
    try:
        from sync.conflicts import conflicts_for
    except ImportError:
        return []
    return conflicts_for(db, "dossier", dossier.uuid)


def timeline(db: Database, dossier: Dossier) -> list[TimelineEntry]:
    """The dossier's timeline as the detail screen and `dossier show` print it: full names (the event's, else
    this PC's accounts'), local times, and the sync conflicts about it."""
    return timeline_entries(dossier.events, conflicts_of(db, dossier), full_names(db))


def undo_move(db: Database, code: str, *, reason: str, now: datetime | None = None) -> DossierDone:
    """Take back the dossier's latest move (models.dossier_undo says who may and when): a new
    'undo_move' event with the reason, and the row put back exactly as the fold on every PC does it."""
    from db.events import events_for, record_event
    from models.dossier_clock import now_local
    from models.dossier_undo import UNDO_ACTION, check_undo, undo_payload
    from models.errors import UserError
    from models.roles import UNDO_ANY_MOVE, VIEW_DOSSIERS
    from models.session import can, require
    from sync.fold_dossier import UNDONE_COLUMNS, fold_dossier

    user = require(VIEW_DOSSIERS, "hoàn tác chuyển trạng thái")
    now = now or now_local()
    with db.atomic():
        dossier = require_dossier(db, code)
        events = events_for(db, "dossier", dossier.uuid)
        move_event = check_undo(events, username=user.username, may_undo_any=can(UNDO_ANY_MOVE),
                                author_same_day=load_dossier_rules(db).author_undo_same_day, reason=reason,
                                now=now)
        event = record_event(db, entity="dossier", entity_id=dossier.uuid, action=UNDO_ACTION,
                             payload=undo_payload(move_event, dossier.code, reason))
        folded = fold_dossier(events_for(db, "dossier", dossier.uuid))
        if folded.values is None or any(c.event_uuid == event.uuid for c in folded.conflicts):
            raise UserError(f"Không hoàn tác được bước chuyển của hồ sơ {dossier.code}: lịch sử hồ sơ "
                            "trên máy này chưa đủ để dựng lại.")
        restored = {name: folded.values[name] for name in UNDONE_COLUMNS}
        restored["updated_at"] = now.isoformat(timespec="seconds")
        db.execute(f"UPDATE dossiers SET {', '.join(f'{k} = ?' for k in restored)} WHERE id = ?",
                   [*restored.values(), dossier.id])
    undone = get_dossier(db, dossier.code, with_timeline=False)
    return DossierDone(undone, Changes.dossiers([undone.code]),
                       f"Đã hoàn tác: hồ sơ {undone.code} trở lại '{undone.state_label}'. "
                       f"Hạn trả: {undone.due_at:%H:%M %d/%m/%Y}.")


def clock_start_notice(db: Database, received: datetime | None = None) -> str | None:
    """What the reception screen says when a dossier received now would start its clock later."""
    from db.calendar_store import load_calendar
    from models.dossier_clock import clock_start_notice as notice
    from models.dossier_clock import now_local

    return notice(load_calendar(db), received or now_local())


def record_fee(db: Database, code: str, *, amount: int | str, receipt: str) -> DossierDone:
    """A fee collected after reception (the citizen paid later): amount in đồng and the receipt number,
    as a 'fee' event the fold applies on every PC."""
    from db.events import record_event
    from models.dossier_fees import FEE_ACTION, check_receipt, fee_text, parse_fee_amount
    from models.errors import UserError
    from models.roles import RECEIVE
    from models.session import require

    require(RECEIVE, "ghi phí, lệ phí đã thu")
    fee = parse_fee_amount(amount)
    if fee is None:
        raise UserError("Cần ghi số tiền phí, lệ phí đã thu.")
    number = check_receipt(receipt, fee)
    with db.atomic():
        dossier = require_dossier(db, code)
        db.execute("UPDATE dossiers SET fee_amount = ?, fee_receipt = ? WHERE id = ?", [fee, number, dossier.id])
        record_event(db, entity="dossier", entity_id=dossier.uuid, action=FEE_ACTION,
                     payload={"code": dossier.code, "fee_amount": fee, "fee_receipt": number})
    saved = get_dossier(db, dossier.code, with_timeline=False)
    return DossierDone(saved, Changes.dossiers([saved.code]),
                       f"Hồ sơ {saved.code}: đã thu {fee_text(fee, number, True)}.")


def fee_totals(db: Database, start, end) -> list[dict]:
    """Fees per field and procedure for dossiers received from `start` to `end` (both dates included)."""
    from db.fee_queries import fee_totals as totals

    return totals(db, start, end)


def export_list(db: Database, path: Path, filters: dict, *, limit: int | None = None) -> int:
    """Exactly the dossiers the list shows with `filters` (every page), written to an Excel file; it
    names applicants, so it needs EXPORT_PERSONAL and is recorded, like the logbook."""
    from db.events import record_event
    from db.settings_store import load_settings
    from models.roles import EXPORT_PERSONAL
    from models.session import require
    from output.dossier_list_xlsx import write_dossier_list

    require(EXPORT_PERSONAL, "xuất danh sách hồ sơ (có dữ liệu cá nhân)")
    rows: list[Dossier] = []
    page = 1000
    while limit is None or len(rows) < limit:
        batch = list_dossiers(db, **filters, limit=page, offset=len(rows))
        rows.extend(batch)
        if len(batch) < page:
            break
    count = write_dossier_list(Path(path), rows, load_settings(db), filters)
    with db.atomic():
        record_event(db, entity="report", entity_id="dossier_list", action="export",
                     payload={"path": Path(path).name, "rows": count,
                              "filters": {k: str(v) for k, v in filters.items() if v not in (None, False, "")}})
    return count

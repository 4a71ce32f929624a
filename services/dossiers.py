"""Dossier errands of the service floor (issue #14 adds: take a wrong move back)."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

import models.dossier_clock
from db.calendar_store import load_calendar
from db.dossier_queries import get_dossier, require_dossier
from db.dossier_rules import load_dossier_rules
from db.events import events_for, record_event
from models.dossier import Dossier
from models.dossier_clock import now_local
from models.dossier_undo import UNDO_ACTION, check_undo, undo_payload
from models.errors import UserError
from models.roles import UNDO_ANY_MOVE, VIEW_DOSSIERS
from models.session import can, require
from sync.fold_dossier import UNDONE_COLUMNS, fold_dossier


def clock_start_notice(db: Database, received: datetime | None = None) -> str | None:
    """What the reception screen says when a dossier received now would start its clock later."""
    return models.dossier_clock.clock_start_notice(load_calendar(db), received or now_local())


def undo_move(db: Database, code: str, *, reason: str, now=None) -> Dossier:
    """Take back the dossier's latest move (models.dossier_undo says who may and when): a new
    'undo_move' event with the reason, and the row put back exactly as the fold on every PC does it."""
    user = require(VIEW_DOSSIERS, "hoàn tác chuyển trạng thái")
    now = now or now_local()
    with db.atomic():
        dossier = require_dossier(db, code)
        events = events_for(db, "dossier", dossier.uuid)
        move = check_undo(events, username=user.username, may_undo_any=can(UNDO_ANY_MOVE),
                          author_same_day=load_dossier_rules(db).author_undo_same_day, reason=reason, now=now)
        event = record_event(db, entity="dossier", entity_id=dossier.uuid, action=UNDO_ACTION,
                             payload=undo_payload(move, dossier.code, reason))
        folded = fold_dossier(events_for(db, "dossier", dossier.uuid))
        if folded.values is None or any(c.event_uuid == event.uuid for c in folded.conflicts):
            raise UserError(f"Không hoàn tác được bước chuyển của hồ sơ {dossier.code}: lịch sử hồ sơ "
                            "trên máy này chưa đủ để dựng lại.")
        restored = {name: folded.values[name] for name in UNDONE_COLUMNS}
        restored["updated_at"] = now.isoformat(timespec="seconds")
        db.execute(f"UPDATE dossiers SET {', '.join(f'{k} = ?' for k in restored)} WHERE id = ?",
                   [*restored.values(), dossier.id])
    return get_dossier(db, dossier.code, with_timeline=False)

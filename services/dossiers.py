"""Dossier errands after reception: look up, list, move (with the note rule), extend, attach, dossier rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from db.attachments import ATTACHMENT_KINDS, attach_file
from db.calendar_store import due_soon_until
from db.dossier_queries import count_dossiers, find_dossier, get_dossier, list_dossiers, require_dossier
from db.dossier_rules import DossierRules, load_dossier_rules, save_dossier_rules
from db.dossier_store import extend_dossier, move_dossier
from models.dossier import Dossier, check_move_note
from services.changes import Changes

__all__ = ["ATTACHMENT_KINDS", "Attached", "DossierDone", "DossierRules", "attach", "conflicts_of", "count_dossiers", "due_soon_until",
           "extend", "find_dossier", "get_dossier", "list_dossiers", "load_dossier_rules", "move", "require_dossier",
           "store_rules"]


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

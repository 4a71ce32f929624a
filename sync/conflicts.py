"""Conflicts met while folding events (table `conflicts`): kept, counted and shown, never dropped."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from db.rows import named, scalar
from sync.state import now_iso


@dataclass(frozen=True)
class Conflict:
    """An event that met a state its author had not seen: applied anyway or skipped (sync/README.md)."""

    event_uuid: str
    kind: str
    outcome: str  # 'applied' | 'skipped'
    message: str


def store_conflicts(db: Database, entity: str, entity_id: str, found: list[Conflict], *,
                    only_kind: str | None = None, except_kind: str | None = None) -> int:
    """Make the stored conflicts of one entity equal to `found` (a fold is the whole truth each time);
    returns how many are new. A conflict already known keeps the moment it was first seen. `only_kind` /
    `except_kind` limit what is replaced: a dossier's own fold and its code group (sync/same_code.py) each
    own their kinds."""
    wanted = {(c.event_uuid, c.kind): c for c in found}
    stored = {(row["event_uuid"], row["kind"]): row["id"] for row in named(
        db, "SELECT event_uuid, kind, id FROM conflicts WHERE entity = ? AND entity_id = ?", [entity, entity_id])
        if (only_kind is None or row["kind"] == only_kind) and (except_kind is None or row["kind"] != except_kind)}
    for key, row_id in stored.items():
        if key not in wanted:
            db.execute("DELETE FROM conflicts WHERE id = ?", [row_id])
        else:
            c = wanted[key]
            db.execute("UPDATE conflicts SET outcome = ?, message = ? WHERE id = ?", [c.outcome, c.message, row_id])
    new = [c for key, c in wanted.items() if key not in stored]
    db.conn.executemany(
        "INSERT INTO conflicts (entity, entity_id, event_uuid, kind, outcome, message, detected_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(entity, entity_id, c.event_uuid, c.kind, c.outcome, c.message, now_iso()) for c in new])
    return len(new)


_COLUMNS = ("entity", "entity_id", "event_uuid", "kind", "outcome", "message", "detected_at")


def conflicts_for(db: Database, entity: str, entity_id: str) -> list[dict]:
    """One entity's conflicts, e.g. to mark them on a dossier's timeline (by event_uuid)."""
    rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM conflicts WHERE entity = ? AND entity_id = ? "
                      "ORDER BY id", [entity, entity_id]).fetchall()
    return [dict(zip(_COLUMNS, row, strict=True)) for row in rows]


def list_conflicts(db: Database, limit: int = 200) -> list[dict]:
    """The newest conflicts first, with the dossier code when the entity is a dossier."""
    rows = db.execute(
        f"SELECT {', '.join('c.' + c for c in _COLUMNS)}, d.code FROM conflicts c "
        "LEFT JOIN dossiers d ON c.entity = 'dossier' AND d.uuid = c.entity_id ORDER BY c.id DESC LIMIT ?",
        [limit]).fetchall()
    return [dict(zip((*_COLUMNS, "code"), row, strict=True)) for row in rows]


def conflict_count(db: Database) -> int:
    return scalar(db, "SELECT count(*) FROM conflicts")

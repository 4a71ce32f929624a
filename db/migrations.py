"""The schema, built step by step by sqlite-utils' Migrations and recorded in `_sqlite_migrations`.

Append new steps at the end; never edit or reorder a step that has shipped.
"""

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "motcua"
migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_foundation")
def foundation(db: Database) -> None:
    """Settings, calendar overrides, the procedure catalog and the event log (outbox)."""
    db.execute(
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL  -- JSON
        )"""
    )
    db.execute(
        """CREATE TABLE local (
            key TEXT PRIMARY KEY,                        -- this PC only, never synced: device_id, station
            value TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE calendar_overrides (
            day TEXT PRIMARY KEY,                        -- YYYY-MM-DD
            kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
            note TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute(
        """CREATE TABLE procedures (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            field TEXT NOT NULL DEFAULT '',
            deadline_text TEXT NOT NULL DEFAULT '',
            deadline_value REAL,                          -- NULL when the text cannot be parsed
            deadline_unit TEXT CHECK (deadline_unit IN
                ('working_days', 'calendar_days', 'working_hours', 'same_day')),
            deadline_set_by_clerk INTEGER NOT NULL DEFAULT 0,
            fees TEXT NOT NULL DEFAULT '',
            online_level TEXT NOT NULL DEFAULT '' CHECK (online_level IN ('', 'toan_trinh', 'mot_phan')),
            essential INTEGER NOT NULL DEFAULT 0,
            own_url TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            search_text TEXT NOT NULL DEFAULT '',         -- folded code + name, see models.text.fold
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX procedures_field ON procedures(field, name)")
    db.execute(
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            device_id TEXT NOT NULL,
            seq INTEGER NOT NULL,                         -- per-device sequence number
            actor TEXT NOT NULL,
            at TEXT NOT NULL,                             -- ISO 8601 with offset
            entity TEXT NOT NULL,                         -- 'settings', 'procedure', 'dossier'...
            entity_id TEXT NOT NULL,
            action TEXT NOT NULL,
            payload TEXT NOT NULL,                        -- JSON
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            acked_at TEXT,                                -- NULL while the hub has not acknowledged it
            UNIQUE (device_id, seq)
        )"""
    )
    db.execute("CREATE INDEX events_entity ON events(entity, entity_id)")
    db.execute("CREATE INDEX events_pending ON events(acked_at) WHERE acked_at IS NULL")

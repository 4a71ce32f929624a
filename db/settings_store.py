"""Reading and writing the unit's settings; every change is one transaction with its event."""

from __future__ import annotations

import json

from sqlite_utils import Database

from db.events import record_event
from db.rows import scalar
from models.roles import EDIT_SETTINGS
from models.session import require
from models.settings import UnitSettings

_UNIT_KEY = "unit"


def load_settings(db: Database) -> UnitSettings:
    value = scalar(db, "SELECT value FROM settings WHERE key = ?", [_UNIT_KEY])
    if value is None:
        return UnitSettings()
    return UnitSettings.from_dict(json.loads(value))



def save_settings(db: Database, settings: UnitSettings, actor: str | None = None) -> UnitSettings:
    """Validate and store; raises UserError (and changes nothing) on an invalid value."""
    require(EDIT_SETTINGS, "sửa cài đặt đơn vị")
    settings.check_lengths()
    settings.validate()
    data = settings.to_dict()
    with db.atomic():
        db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [_UNIT_KEY, json.dumps(data, ensure_ascii=False)],
        )
        record_event(db, entity="settings", entity_id=_UNIT_KEY, action="update", payload=data, actor=actor)
    return settings


def update_settings(db: Database, changes: dict, actor: str | None = None) -> UnitSettings:
    """Apply a partial change (e.g. from the command line) on top of the stored settings."""
    merged = {**load_settings(db).to_dict(), **{k: v for k, v in changes.items() if v is not None}}
    return save_settings(db, UnitSettings.from_dict(merged), actor=actor)

"""`audit verify`: every projection (dossier rows, catalog, settings) must equal the fold of its events.

A row edited with sqlite3 (no event), a dossier whose events were deleted, or data with no events at all are
found here; the folds are the ones sync applies (sync/projection.py, sync/fold_dossier.py), so what a PC
shows is exactly what its log says. The first few differences are named, then a count.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from db.catalog_store import get_procedure
from db.events import events_for, pending_by_entity
from models.catalog import Procedure
from sync.fold_dossier import FOLDED_COLUMNS, fold_dossier
from sync.projection import fold_procedure

NAMED = 10


def projection_problems(db: Database) -> list[str]:
    pending = pending_by_entity(db)
    found: list[str] = []
    found += _dossiers(db, pending)
    found += _settings(db, pending)
    found += _catalog(db, pending)
    if len(found) > NAMED:
        return found[:NAMED] + [f"… và {len(found) - NAMED} chỗ khác dữ liệu không khớp nhật ký."]
    return found


def _dossiers(db: Database, pending) -> list[str]:
    problems = []
    rows = db.execute(f"SELECT {', '.join(FOLDED_COLUMNS)} FROM dossiers ORDER BY id")
    for row in rows:
        stored = dict(zip(FOLDED_COLUMNS, row, strict=True))
        events = events_for(db, "dossier", stored["uuid"], pending=pending)
        folded = fold_dossier(events).values
        if folded is None:
            problems.append(f"Hồ sơ {stored['code']} có trong dữ liệu nhưng nhật ký không có sự kiện tiếp nhận "
                            "nào: đã bị thêm hoặc nhật ký bị xóa bên ngoài MotCua.")
            continue
        changed = [name for name in FOLDED_COLUMNS if stored[name] != folded[name]]
        if changed:
            problems.append(f"Hồ sơ {stored['code']}: {', '.join(changed[:4])} khác với nhật ký thao tác "
                            "(bị sửa bên ngoài MotCua, hoặc sự kiện bị xóa).")
    return problems


def _settings(db: Database, pending) -> list[str]:
    problems = []
    for key, value in db.execute("SELECT key, value FROM settings ORDER BY key").fetchall():
        events = events_for(db, "settings", key, pending=pending)
        if not events:
            problems.append(f"Cài đặt '{key}' có trong dữ liệu nhưng không có sự kiện nào trong nhật ký.")
            continue
        try:
            same = json.loads(value) == events[-1]["payload"]
        except ValueError:
            same = False
        if not same:
            problems.append(f"Cài đặt '{key}' khác với lần lưu cuối trong nhật ký (bị sửa bên ngoài MotCua).")
    return problems


def _catalog(db: Database, pending) -> list[str]:
    problems = []
    for (code,) in db.execute("SELECT code FROM procedures ORDER BY code").fetchall():
        record, _conflicts = fold_procedure(code, events_for(db, "procedure", code, pending=pending))
        if record is None:
            problems.append(f"Thủ tục {code} có trong danh mục nhưng không có sự kiện nào trong nhật ký.")
        elif Procedure(**record) != get_procedure(db, code):
            problems.append(f"Thủ tục {code} khác với nhật ký thao tác (bị sửa bên ngoài MotCua).")
    return problems

"""The province's catalog published once on the hub: catalog events every PC of the scope pulls at its next sync.

The file is read by the desktop's own parser (db.outside_files + models.catalog_import.parse_catalog_file) and compared with what
this scope has published before by the desktop's import plan (models.catalog_plan.make_plan), so a second
publish sends only what changed. The events come from a publisher of the scope (device id 'danhmuc-…', its
own hash chain, seq numbers after its last stored event) and carry source 'province:…': on a PC the
procedure applier lets the unit's own edits and essential marks win over them, and shows the difference as
a conflict (sync/projection.py).
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path

from db.outside_files import read_regular_file
from models.canonical import GENESIS_HASH, event_hash
from models.catalog import Procedure
from models.catalog_import import CatalogFile, parse_catalog_file
from models.catalog_plan import ADDED, make_plan
from models.errors import UserError
from models.table_file import MAX_FILE_BYTES
from sync.hub.store import PROVINCE, HubStore, StoreConflict
from sync.wire import HASHED_FIELDS

SOURCE_PREFIX = "province:"
_PAGE = 1000
_PROCEDURE_FIELDS = {f.name for f in fields(Procedure)}


def publisher_device(scope: str) -> str:
    """One publisher per scope, so every PC receives a whole chain (its unit's and the province's)."""
    return "danhmuc-" + hashlib.sha256(scope.encode("utf-8")).hexdigest()[:16]


def _published(store: HubStore, device: str) -> tuple[dict[str, Procedure], int, str]:
    """What the scope has published (code -> procedure), its last seq and hash."""
    current: dict[str, Procedure] = {}
    seq, last_hash = 0, GENESIS_HASH
    while True:
        page = store.own_events(device, seq, _PAGE)
        for event in page:
            record = {k: v for k, v in event["payload"].get("procedure", {}).items() if k in _PROCEDURE_FIELDS}
            if record:
                current[event["entity_id"]] = Procedure(**record)
            seq, last_hash = event["seq"], event["hash"]
        if len(page) < _PAGE:
            return current, seq, last_hash


def publish_catalog(store: HubStore, catalog: CatalogFile, unit_code: str | None, *,
                    actor: str = "Quản trị tỉnh") -> dict:
    """Publish the file's procedures for a unit or (None) the whole province; all or nothing."""
    scope = unit_code or PROVINCE
    device = publisher_device(scope)
    published, seq, prev_hash = _published(store, device)
    plan = make_plan(catalog, published)
    if plan.rejected:
        lines = ", ".join(str(row.row_number) for row in plan.rejected[:10]) + ("…" if len(plan.rejected) > 10 else "")
        raise UserError(f"Có {len(plan.rejected)} dòng bị từ chối (dòng {lines}): chưa công bố gì. Hãy sửa tệp "
                        "rồi công bố lại.")
    moment = datetime.now().astimezone().isoformat(timespec="seconds")
    events = []
    for row in plan.changed:
        assert row.after is not None  # added and updated rows carry what to store
        seq += 1
        event = {"uuid": str(uuid.uuid4()), "device_id": device, "seq": seq, "actor": actor[:200], "at": moment,
                 "entity": "procedure", "entity_id": row.code, "action": "add" if row.status == ADDED else "update",
                 "payload": {"procedure": asdict(row.after), "changes": list(row.changes),
                             "source": f"{SOURCE_PREFIX}{scope}:{Path(catalog.source).name}"}}
        event["prev_hash"] = prev_hash
        event["hash"] = prev_hash = event_hash(prev_hash, {k: event[k] for k in HASHED_FIELDS})
        events.append(event)
    if events:
        try:
            store.store_events(scope, events)
        except StoreConflict:
            raise UserError("Một lần công bố khác cho cùng phạm vi vừa ghi xong: hãy công bố lại.") from None
    counts = plan.counts
    return {"scope": scope, "scope_label": "toàn tỉnh" if scope == PROVINCE else f"đơn vị {scope}",
            "publisher": device, "events": len(events), "added": counts["added"], "updated": counts["updated"],
            "unchanged": counts["unchanged"], "rejected": counts["rejected"]}


def publish_file(store: HubStore, path: Path | str, unit_code: str | None, *, actor: str = "Quản trị tỉnh") -> dict:
    # The desktop's bounded reader and parser (db.catalog_store.read_catalog_file does the same).
    catalog = parse_catalog_file(read_regular_file(Path(path), MAX_FILE_BYTES), Path(path).name)
    return publish_catalog(store, catalog, unit_code, actor=actor)


def publish_bytes(store: HubStore, data: bytes, name: str, unit_code: str | None, *,
                  actor: str = "Quản trị tỉnh") -> dict:
    """A file sent over HTTP by an administrator: read from a temporary copy by the same parser."""
    suffix = ".csv" if name.lower().endswith(".csv") else ".xlsx"
    with tempfile.TemporaryDirectory(prefix="motcua-hub-") as folder:
        path = Path(folder) / f"danh_muc{suffix}"
        path.write_bytes(data)
        return publish_file(store, path, unit_code, actor=actor)

"""A data folder copied to another PC (or folder) holds the same device id twice: noticed and resolved here.

The secrets file keeps a fingerprint of the machine and folder it was made for (db/secret_store.py). When
it does not match, this PC must not sync in the other PC's name (the hub would see one device's chain
fork): `sync enroll --new-device` with a new token gives it a new device id, a new signing key and a new
audit key; its own events not yet acknowledged are re-numbered into the new device's chain (nobody else
has them), the acknowledged ones stay the original PC's history.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlite_utils import Database

from db import secret_store
from db.device import _DEVICE_ID_ATTRIBUTE, device_id
from db.events import AUDIT_KEY_ATTRIBUTE, GENESIS_HASH, PENDING, advance_acked_floor, event_hash, event_mac
from db.local import put_local
from db.secrets_move import data_dir_of, seal_all
from sync.signing import SIGNING_SECRET

COPIED_MESSAGE = ("Thư mục dữ liệu này được chép từ máy khác hoặc thư mục khác (hoặc tệp khóa của máy không đọc "
                  "được): để không ghi đè dữ liệu của máy gốc, máy này chưa đồng bộ. Hãy xin quản trị máy chủ một "
                  "mã đăng ký mới rồi đăng ký máy này như một máy mới (màn hình Đồng bộ, khung Đăng ký; hoặc lệnh "
                  "sync enroll --new-device).")


def folder_copied(db: Database) -> bool:
    return secret_store.copied(data_dir_of(db))


def become_new_device(db: Database) -> dict:
    """Give this PC its own identity; returns the old and new ids and how many pending events moved."""
    folder: Path = data_dir_of(db)
    old = device_id(db)
    new = str(uuid.uuid4())
    secret_store.put(folder, **{SIGNING_SECRET: None, "token": None, "hub_pin": None,
                                "audit_key": secret_store.new_key_hex()})
    setattr(db, AUDIT_KEY_ATTRIBUTE, bytes.fromhex(secret_store.get(folder, "audit_key") or ""))
    with db.atomic():
        pending = db.execute(f"SELECT id, uuid, actor, at, entity, entity_id, action, payload FROM events "
                             f"WHERE {PENDING} ORDER BY seq", [old]).fetchall()
        put_local(db, "device_id", new)
        setattr(db, _DEVICE_ID_ATTRIBUTE, new)
        prev = GENESIS_HASH
        for seq, (row_id, event_uuid, actor, at, entity, entity_id, action, payload) in enumerate(pending, 1):
            fields = {"uuid": event_uuid, "device_id": new, "seq": seq, "actor": actor, "at": at, "entity": entity,
                      "entity_id": entity_id, "action": action, "payload": json.loads(payload)}
            link = event_hash(prev, fields)
            db.execute("UPDATE events SET device_id = ?, seq = ?, prev_hash = ?, hash = ?, mac = ? WHERE id = ?",
                       [new, seq, prev, link, event_mac(db, link), row_id])
            prev = link
        # The original PC's events (acknowledged ones of the old id) are another device's from now on.
        db.execute("UPDATE events SET acked_at = coalesce(acked_at, 'tiep-nhan-tu-may-goc') WHERE device_id = ?",
                   [old])
        db.execute("DELETE FROM sync_state WHERE key IN ('cursor', 'enrolled_at', 'recover_needed', "
                   "'restore_checked', 'last_error')")
        db.execute("DELETE FROM sync_rejected")
        advance_acked_floor(db)
    seal_all(db)
    secret_store.accept_here(folder)
    return {"old_device_id": old, "device_id": new, "renumbered": len(pending)}

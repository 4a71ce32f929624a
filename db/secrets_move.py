"""At open: this PC's secrets attached to the connection from the secrets file, legacy secrets moved out of
the database, and events written before the audit key existed sealed with it once (db/secret_store.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from sqlite_utils import Database

from db import secret_store
from db.events import AUDIT_KEY_ATTRIBUTE, mac_with
from db.local import get_local, put_local

DATA_DIR_ATTRIBUTE = "_motcua_data_dir"
AUDIT_KEY_ID = "audit_key_id"      # `local`: which audit key sealed this database's events
BACKUP_KEY_SECRET = "backup_key"   # the secret's name, and the `local` key it was kept under before #17
_SYNC_SECRETS = ("token", "unit_key")


def data_dir_of(db: Database) -> Path:
    """The data folder of a database opened by db.connection.open_database."""
    folder = getattr(db, DATA_DIR_ATTRIBUTE, None)
    if folder is None:
        raise RuntimeError("database opened without its data folder: no secrets")
    return folder


def key_id(key: bytes) -> str:
    return hmac.new(key, b"motcua-audit-key-id", hashlib.sha256).hexdigest()[:16]


def attach_light(db: Database, data_dir: Path) -> None:
    """The data folder and audit key on a connection (a background job's: the folder was opened already)."""
    data_dir = Path(data_dir)
    setattr(db, DATA_DIR_ATTRIBUTE, data_dir)
    setattr(db, AUDIT_KEY_ATTRIBUTE, bytes.fromhex(secret_store.ensure(data_dir, "audit_key",
                                                                       secret_store.new_key_hex)))


def attach(db: Database, data_dir: Path) -> None:
    """At open: attach_light, legacy secrets moved out of the database, old events sealed once."""
    attach_light(db, data_dir)
    _move_legacy(db, Path(data_dir))
    if get_local(db, AUDIT_KEY_ID) is None:
        seal_all(db, only_unsealed=True)


def seal_all(db: Database, *, only_unsealed: bool = False) -> int:
    """Mark events with this PC's audit key: once for events written before it existed (an upgrade), or
    all of them after a verified restore onto a PC whose key differs. Returns how many were sealed."""
    key = getattr(db, AUDIT_KEY_ATTRIBUTE)
    where = " WHERE mac IS NULL" if only_unsealed else ""
    with db.atomic():
        rows = db.execute(f"SELECT id, hash FROM events{where}").fetchall()
        db.conn.executemany("UPDATE events SET mac = ? WHERE id = ?", [(mac_with(key, h), i) for i, h in rows])
        put_local(db, AUDIT_KEY_ID, key_id(key))
        _reseal_marks(db, key)
    return len(rows)


def _reseal_marks(db: Database, key: bytes) -> None:
    from db.audit_marks import MARKS_KEY, _mac

    stored = get_local(db, MARKS_KEY)
    try:
        marks = json.loads(stored)["marks"] if stored is not None else None
    except (ValueError, KeyError, TypeError):
        marks = None
    if isinstance(marks, dict):  # a stored record: resealed in place
        put_local(db, MARKS_KEY, json.dumps({"marks": marks, "mac": _mac(key, marks)}))


def _move_legacy(db: Database, data_dir: Path) -> None:
    """Before issue #17 the token and unit key sat in `sync_state` and the backup key in `local`: every
    plain backup carried them. Moved to the secrets file, then deleted from the database."""
    found = dict(db.execute(f"SELECT key, value FROM sync_state WHERE key IN "
                            f"({', '.join('?' for _ in _SYNC_SECRETS)})", list(_SYNC_SECRETS)).fetchall())
    backup = get_local(db, BACKUP_KEY_SECRET)
    if not found and backup is None:
        return
    moved = {name: json.loads(value) for name, value in found.items() if json.loads(value)}
    if backup is not None:
        moved[BACKUP_KEY_SECRET] = backup
    # A restored old backup brings its old values: the secrets file's own win.
    moved = {name: value for name, value in moved.items() if secret_store.get(data_dir, name) is None}
    if moved:
        secret_store.put(data_dir, **moved)
    db.execute("PRAGMA secure_delete=ON")  # the old values must not stay readable in free pages
    try:
        with db.atomic():
            db.execute(f"DELETE FROM sync_state WHERE key IN ({', '.join('?' for _ in _SYNC_SECRETS)})",
                       list(_SYNC_SECRETS))
            put_local(db, BACKUP_KEY_SECRET, None)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # and not in the write-ahead log either
    finally:
        db.execute("PRAGMA secure_delete=OFF")

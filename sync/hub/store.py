"""The hub's storage: an interface a PostgreSQL store can fill later, and the SQLite store used today."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from models.canonical import canonical_json
from sync.tokens import new_token, token_hash, token_id_of, usb_key
from sync.wire import HASHED_FIELDS

HUB_DATABASE = "hub.sqlite3"


@dataclass(frozen=True)
class Device:
    token_id: str
    unit_code: str
    device_id: str | None  # None until the token is claimed by `sync enroll`
    usb_key: str
    station: int | None = None

    @property
    def enrolled_id(self) -> str:
        """The device id of a claimed token (the hub refuses unclaimed ones before asking)."""
        if self.device_id is None:
            raise ValueError("token not enrolled")
        return self.device_id


class StoreConflict(Exception):
    """The batch holds events that contradict stored ones (a uuid or a device's seq reused); nothing stored."""

    def __init__(self, rejected: list[dict]):
        super().__init__(f"{len(rejected)} sự kiện mâu thuẫn với dữ liệu đã có")
        self.rejected = rejected


class HubStore(ABC):
    """What the hub needs from storage. Implementations must make `store_events` atomic and hand out
    `server_seq` values that become visible in increasing order (the pull cursor relies on it)."""

    @abstractmethod
    def create_token(self, unit_code: str, note: str = "") -> str: ...

    @abstractmethod
    def device_for(self, token: str) -> Device | None: ...

    @abstractmethod
    def device_by_token_id(self, token_id: str) -> Device | None: ...

    @abstractmethod
    def claim(self, token_id: str, device_id: str, station: int | None) -> tuple[Device, list[str]]:
        """Bind the token to the device (once; again with the same device is fine). Returns the device
        and the ids of other devices of the unit with the same station number (a warning)."""

    @abstractmethod
    def unit_key(self, unit_code: str) -> str: ...

    @abstractmethod
    def units_of(self, device_ids: set[str]) -> dict[str, str]:
        """device_id -> unit_code for the enrolled ones among `device_ids`."""

    @abstractmethod
    def store_events(self, unit_code: str, events: list[dict]) -> tuple[list[str], list[str]]:
        """Store new events of `unit_code` (accepted uuids, duplicate uuids); StoreConflict stores none."""

    @abstractmethod
    def events_after(self, unit_code: str, after: int, limit: int, exclude_device: str) -> list[dict]: ...

    @abstractmethod
    def own_events(self, device_id: str, after_seq: int, limit: int) -> list[dict]:
        """The device's own events with seq > after_seq, by seq: how a PC restored from an old backup
        gets back what it had pushed since (sync/README.md, "After a restore")."""

    @abstractmethod
    def max_seq(self, device_id: str) -> int:
        """The highest seq stored for the device (0 when none)."""

    @abstractmethod
    def stats(self) -> dict: ...

    # ----- device keys (issue #17): each device's Ed25519 public key, and each event's signature

    @abstractmethod
    def set_device_key(self, device_id: str, public_key: str) -> str:
        """Record the device's public key once; returns the key stored (an earlier one wins)."""

    @abstractmethod
    def device_key(self, device_id: str) -> str | None: ...

    @abstractmethod
    def unit_device_keys(self, unit_code: str) -> dict[str, str]:
        """device_id -> public key of the unit's devices that registered one."""

    def close(self) -> None:
        return None


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS units (unit_code TEXT PRIMARY KEY, unit_key TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    token_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, usb_key TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(unit_code), device_id TEXT UNIQUE, station INTEGER,
    note TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, enrolled_at TEXT);
CREATE TABLE IF NOT EXISTS events (
    server_seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, unit_code TEXT NOT NULL,
    device_id TEXT NOT NULL, seq INTEGER NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, entity TEXT NOT NULL,
    entity_id TEXT NOT NULL, action TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE (device_id, seq));
CREATE INDEX IF NOT EXISTS events_unit_seq ON events(unit_code, server_seq);
"""
# Issue #17, kept apart from the tables above: devices' public keys, and events' signatures (by uuid).
_TRUST_SCHEMA = """
CREATE TABLE IF NOT EXISTS device_keys (device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL,
    recorded_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_sigs (uuid TEXT PRIMARY KEY, sig TEXT NOT NULL);
"""
_SIG = "(SELECT sig FROM event_sigs s WHERE s.uuid = events.uuid)"
_COLUMNS = (*HASHED_FIELDS, "prev_hash", "hash")


class SqliteHubStore(HubStore):
    """One connection behind a lock; WAL with synchronous=NORMAL survives a killed process (SIGKILL)."""

    def __init__(self, data_dir: Path | str):
        path = Path(data_dir)
        path.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path / HUB_DATABASE, timeout=15, check_same_thread=False,
                                    isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.executescript(_SCHEMA)
        self.conn.executescript(_TRUST_SCHEMA)
        self.lock = threading.Lock()

    def close(self) -> None:
        self.conn.close()

    def _device(self, where: str, value: str) -> Device | None:
        row = self.conn.execute(f"SELECT token_id, unit_code, device_id, usb_key, station FROM devices WHERE "
                                f"{where} = ?", [value]).fetchone()
        return Device(*row) if row else None

    def create_token(self, unit_code: str, note: str = "") -> str:
        token_id, token = new_token()
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute("INSERT OR IGNORE INTO units(unit_code, unit_key, created_at) VALUES (?, ?, ?)",
                                  [unit_code, secrets.token_hex(32), _now()])
                self.conn.execute("INSERT INTO devices(token_id, token_hash, usb_key, unit_code, note, created_at) "
                                  "VALUES (?, ?, ?, ?, ?, ?)",
                                  [token_id, token_hash(token), usb_key(token), unit_code, note, _now()])
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return token

    def device_for(self, token: str) -> Device | None:
        token_id = token_id_of(token)
        if token_id is None:
            return None
        with self.lock:
            row = self.conn.execute("SELECT token_hash FROM devices WHERE token_id = ?", [token_id]).fetchone()
            if row is None or not secrets.compare_digest(row[0], token_hash(token)):
                return None
            return self._device("token_id", token_id)

    def device_by_token_id(self, token_id: str) -> Device | None:
        with self.lock:
            return self._device("token_id", token_id)

    def claim(self, token_id: str, device_id: str, station: int | None) -> tuple[Device, list[str]]:
        with self.lock:
            device = self._device("token_id", token_id)
            if device is None:
                raise KeyError(token_id)
            if device.device_id not in (None, device_id):
                raise StoreConflict([{"uuid": "", "reason": "mã đăng ký đã dùng cho một máy khác"}])
            other = self._device("device_id", device_id)
            if other is not None and other.token_id != token_id:
                raise StoreConflict([{"uuid": "", "reason": "máy này đã đăng ký bằng một mã khác"}])
            self.conn.execute("UPDATE devices SET device_id = ?, station = ?, enrolled_at = coalesce(enrolled_at, ?) "
                              "WHERE token_id = ?", [device_id, station, _now(), token_id])
            same_station = [row[0] for row in self.conn.execute(
                "SELECT device_id FROM devices WHERE unit_code = ? AND station = ? AND device_id != ?",
                [device.unit_code, station, device_id])]
            return replace(device, device_id=device_id, station=station), same_station

    def unit_key(self, unit_code: str) -> str:
        with self.lock:
            return self.conn.execute("SELECT unit_key FROM units WHERE unit_code = ?", [unit_code]).fetchone()[0]

    def units_of(self, device_ids: set[str]) -> dict[str, str]:
        ids = sorted(device_ids)
        with self.lock:
            rows = self.conn.execute(f"SELECT device_id, unit_code FROM devices WHERE device_id IN "
                                     f"({', '.join('?' for _ in ids)})", ids).fetchall()
        return dict(rows)

    def store_events(self, unit_code: str, events: list[dict]) -> tuple[list[str], list[str]]:
        accepted: list[str] = []
        duplicates: list[str] = []
        rejected: list[dict] = []
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                known = self._known(events)
                new_rows = []
                for event in events:
                    key = (event["device_id"], event["seq"])
                    if event["uuid"] in known:
                        if known[event["uuid"]] == event["hash"]:
                            duplicates.append(event["uuid"])
                        else:
                            rejected.append({"uuid": event["uuid"], "reason": "uuid đã có với nội dung khác"})
                        continue
                    if key in known:
                        rejected.append({"uuid": event["uuid"],
                                         "reason": f"số thứ tự {event['seq']} của máy đã dùng cho sự kiện khác"})
                        continue
                    known[event["uuid"]] = event["hash"]
                    known[key] = event["uuid"]
                    accepted.append(event["uuid"])
                    new_rows.append([event[c] if c != "payload" else canonical_json(event[c]) for c in _COLUMNS])
                if rejected:
                    self.conn.execute("ROLLBACK")
                    raise StoreConflict(rejected)
                moment = _now()
                self.conn.executemany(
                    f"INSERT INTO events (unit_code, {', '.join(_COLUMNS)}, received_at) "
                    f"VALUES (?, {', '.join('?' for _ in _COLUMNS)}, ?)",
                    [[unit_code, *row, moment] for row in new_rows])
                fresh = set(accepted)
                self.conn.executemany("INSERT OR IGNORE INTO event_sigs(uuid, sig) VALUES (?, ?)",
                                      [(e["uuid"], e["sig"]) for e in events
                                       if e["uuid"] in fresh and isinstance(e.get("sig"), str)])
                self.conn.execute("COMMIT")
            except StoreConflict:
                raise
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        return accepted, duplicates

    def _known(self, events: list[dict]) -> dict:
        """uuid -> hash and (device_id, seq) -> uuid of the stored events this batch could collide with."""
        known: dict = {}
        uuids = [e["uuid"] for e in events]
        for start in range(0, len(uuids), 500):
            chunk = uuids[start:start + 500]
            known.update(self.conn.execute(f"SELECT uuid, hash FROM events WHERE uuid IN "
                                           f"({', '.join('?' for _ in chunk)})", chunk).fetchall())
        by_device: dict[str, list[int]] = {}
        for e in events:
            by_device.setdefault(e["device_id"], []).append(e["seq"])
        for device, seqs in by_device.items():
            low, high = min(seqs), max(seqs)
            for seq, uuid in self.conn.execute("SELECT seq, uuid FROM events WHERE device_id = ? AND seq BETWEEN ? "
                                               "AND ?", [device, low, high]):
                known[(device, seq)] = uuid
        return known

    def events_after(self, unit_code: str, after: int, limit: int, exclude_device: str) -> list[dict]:
        with self.lock:
            rows = self.conn.execute(
                f"SELECT server_seq, {', '.join(_COLUMNS)}, {_SIG} FROM events WHERE unit_code = ? AND server_seq > ? "
                "AND device_id != ? ORDER BY server_seq LIMIT ?", [unit_code, after, exclude_device, limit]).fetchall()
        return self._rows_to_events(rows)

    def own_events(self, device_id: str, after_seq: int, limit: int) -> list[dict]:
        with self.lock:
            rows = self.conn.execute(
                f"SELECT server_seq, {', '.join(_COLUMNS)}, {_SIG} FROM events WHERE device_id = ? AND seq > ? "
                "ORDER BY seq LIMIT ?", [device_id, after_seq, limit]).fetchall()
        return self._rows_to_events(rows)

    def max_seq(self, device_id: str) -> int:
        with self.lock:
            return self.conn.execute("SELECT coalesce(max(seq), 0) FROM events WHERE device_id = ?",
                                     [device_id]).fetchone()[0]

    @staticmethod
    def _rows_to_events(rows: list[tuple]) -> list[dict]:
        result = []
        for row in rows:
            event = dict(zip(("server_seq", *_COLUMNS, "sig"), row, strict=True))
            event["payload"] = json.loads(event["payload"])
            if event["sig"] is None:
                del event["sig"]
            result.append(event)
        return result

    def set_device_key(self, device_id: str, public_key: str) -> str:
        with self.lock:
            self.conn.execute("INSERT OR IGNORE INTO device_keys(device_id, public_key, recorded_at) VALUES (?, ?, ?)",
                              [device_id, public_key, _now()])
            return self.conn.execute("SELECT public_key FROM device_keys WHERE device_id = ?",
                                     [device_id]).fetchone()[0]

    def device_key(self, device_id: str) -> str | None:
        with self.lock:
            row = self.conn.execute("SELECT public_key FROM device_keys WHERE device_id = ?", [device_id]).fetchone()
        return row[0] if row else None

    def unit_device_keys(self, unit_code: str) -> dict[str, str]:
        with self.lock:
            return dict(self.conn.execute("SELECT k.device_id, k.public_key FROM device_keys k JOIN devices d "
                                          "ON d.device_id = k.device_id WHERE d.unit_code = ?",
                                          [unit_code]).fetchall())

    def stats(self) -> dict:
        with self.lock:
            units = dict(self.conn.execute("SELECT unit_code, count(*) FROM events GROUP BY unit_code").fetchall())
            devices = self.conn.execute(
                "SELECT d.unit_code, d.device_id, d.station, d.enrolled_at, count(e.uuid), max(e.seq) FROM devices d "
                "LEFT JOIN events e ON e.device_id = d.device_id GROUP BY d.token_id ORDER BY d.unit_code, d.created_at"
            ).fetchall()
            total = self.conn.execute("SELECT count(*), coalesce(max(server_seq), 0) FROM events").fetchone()
        return {"events": total[0], "last_server_seq": total[1], "events_by_unit": units,
                "devices": [{"unit_code": d[0], "device_id": d[1], "station": d[2], "enrolled_at": d[3],
                             "events": d[4], "max_seq": d[5] or 0, "gaps": (d[5] or 0) - d[4]} for d in devices]}

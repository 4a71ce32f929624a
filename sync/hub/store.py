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

from db.events import canonical_json
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


STATIONS = range(1, 10)  # the first digit of a dossier's daily sequence (shared/domain.md): 9 PCs per unit


class NoFreeStation(Exception):
    """Every station number of the unit is held: the 10th PC is refused (sync/README.md, "Station numbers")."""

    def __init__(self, unit_code: str):
        super().__init__(
            f"Đơn vị {unit_code} đã có đủ 9 máy trạm (số 1–9: chữ số đầu của số thứ tự hồ sơ trong ngày). "
            f"Không cấp thêm số được: hãy giải phóng số của một máy không còn dùng (hub stations --unit-code "
            f"{unit_code} --release N) rồi đăng ký lại.")
        self.unit_code = unit_code


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
        """Bind the token to the device (once; again with the same device is fine) and settle its station
        number (reserve_station with `station` as the wish). Returns the device (with its station) and the
        ids of other devices of the unit with the same station number (none since stations are handed out)."""

    # Station numbers (sync/README.md, "Station numbers"): table `stations`, keyed (unit_code, station), one
    # row per token (so per PC once claimed). Plain SQL, one statement at a time, under one transaction.

    @abstractmethod
    def reserve_station(self, token_id: str, wanted: int | None = None) -> int:
        """The token's station number: `wanted` if no other PC of the unit holds it (the token moves there),
        else the one the token holds, else the lowest free one (NoFreeStation when all 9 are held)."""

    @abstractmethod
    def station_of(self, token_id: str) -> int | None: ...

    @abstractmethod
    def holder_of(self, unit_code: str, station: int) -> dict | None:
        """{token_id, device_id, note, assigned_at} of the PC holding this number, or None."""

    @abstractmethod
    def stations(self, unit_code: str) -> list[dict]:
        """Which PC holds which number: {station, token_id, device_id, note, assigned_at, enrolled_at}."""

    @abstractmethod
    def release_station(self, unit_code: str, station: int) -> bool:
        """Free a number (a PC that is gone); False when nobody held it."""

    @abstractmethod
    def record_pull(self, device_id: str, after: int) -> None:
        """The device asked for events after `after`: it holds every other device's event up to there."""

    @abstractmethod
    def unseen_dossiers(self, unit_code: str) -> list[dict]:
        """Per device of the unit: {device_id, station, unseen, pulled_at}, `unseen` being how many dossiers
        it received (receive events on the hub) that at least one other PC of the unit has not pulled yet."""

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
CREATE INDEX IF NOT EXISTS events_receives ON events(device_id, server_seq)
    WHERE entity = 'dossier' AND action = 'receive';
CREATE TABLE IF NOT EXISTS pulled (device_id TEXT PRIMARY KEY, upto INTEGER NOT NULL, at TEXT NOT NULL);
"""
# Station numbers handed out by the hub. Created apart: a hub made before it seeds it from the numbers its
# PCs reported at enrollment (the first enrolled keeps a number two PCs reported; the other gets a free one
# when it next syncs).
_STATIONS = """
CREATE TABLE stations (
    unit_code TEXT NOT NULL REFERENCES units(unit_code), station INTEGER NOT NULL CHECK (station BETWEEN 1 AND 9),
    token_id TEXT NOT NULL UNIQUE REFERENCES devices(token_id), assigned_at TEXT NOT NULL,
    PRIMARY KEY (unit_code, station));
INSERT OR IGNORE INTO stations (unit_code, station, token_id, assigned_at)
    SELECT unit_code, station, token_id, coalesce(enrolled_at, created_at) FROM devices
    WHERE device_id IS NOT NULL AND station BETWEEN 1 AND 9 ORDER BY enrolled_at, created_at;
"""
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
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'stations'").fetchone() is None:
            self.conn.executescript(f"BEGIN IMMEDIATE; {_STATIONS} COMMIT;")
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
                self._reserve(token_id, None)  # the PC's number is known when the token is printed
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
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute("UPDATE devices SET device_id = ?, enrolled_at = coalesce(enrolled_at, ?) "
                                  "WHERE token_id = ?", [device_id, _now(), token_id])
                station = self._reserve(token_id, station)
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            same_station = [row[0] for row in self.conn.execute(
                "SELECT device_id FROM devices WHERE unit_code = ? AND station = ? AND device_id != ?",
                [device.unit_code, station, device_id])]
            return replace(device, device_id=device_id, station=station), same_station

    def _reserve(self, token_id: str, wanted: int | None) -> int:
        """reserve_station inside the caller's transaction (lock held)."""
        unit_code = self.conn.execute("SELECT unit_code FROM devices WHERE token_id = ?", [token_id]).fetchone()[0]
        held = self.conn.execute("SELECT station FROM stations WHERE token_id = ?", [token_id]).fetchone()
        held = held[0] if held else None
        if wanted in STATIONS and wanted != held and self.conn.execute(
                "SELECT 1 FROM stations WHERE unit_code = ? AND station = ?", [unit_code, wanted]).fetchone() is None:
            chosen = wanted
        elif held is not None:
            return held
        else:
            used = {row[0] for row in self.conn.execute("SELECT station FROM stations WHERE unit_code = ?",
                                                        [unit_code])}
            free = [n for n in STATIONS if n not in used]
            if not free:
                raise NoFreeStation(unit_code)
            chosen = free[0]
        self.conn.execute("DELETE FROM stations WHERE token_id = ?", [token_id])
        self.conn.execute("INSERT INTO stations (unit_code, station, token_id, assigned_at) VALUES (?, ?, ?, ?)",
                          [unit_code, chosen, token_id, _now()])
        self.conn.execute("UPDATE devices SET station = ? WHERE token_id = ?", [chosen, token_id])
        return chosen

    def reserve_station(self, token_id: str, wanted: int | None = None) -> int:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                station = self._reserve(token_id, wanted)
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return station

    def station_of(self, token_id: str) -> int | None:
        with self.lock:
            row = self.conn.execute("SELECT station FROM stations WHERE token_id = ?", [token_id]).fetchone()
        return row[0] if row else None

    _STATION_ROWS = ("SELECT s.station, s.token_id, d.device_id, d.note, s.assigned_at, d.enrolled_at FROM stations s "
                     "JOIN devices d ON d.token_id = s.token_id WHERE s.unit_code = ?")
    _STATION_NAMES = ("station", "token_id", "device_id", "note", "assigned_at", "enrolled_at")

    def holder_of(self, unit_code: str, station: int) -> dict | None:
        with self.lock:
            row = self.conn.execute(self._STATION_ROWS + " AND s.station = ?", [unit_code, station]).fetchone()
        return dict(zip(self._STATION_NAMES, row, strict=True)) if row else None

    def stations(self, unit_code: str) -> list[dict]:
        with self.lock:
            rows = self.conn.execute(self._STATION_ROWS + " ORDER BY s.station", [unit_code]).fetchall()
        return [dict(zip(self._STATION_NAMES, row, strict=True)) for row in rows]

    def release_station(self, unit_code: str, station: int) -> bool:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                token = self.conn.execute("SELECT token_id FROM stations WHERE unit_code = ? AND station = ?",
                                          [unit_code, station]).fetchone()
                if token is not None:
                    self.conn.execute("DELETE FROM stations WHERE token_id = ?", [token[0]])
                    self.conn.execute("UPDATE devices SET station = NULL WHERE token_id = ?", [token[0]])
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return token is not None

    def record_pull(self, device_id: str, after: int) -> None:
        with self.lock:
            self.conn.execute("INSERT INTO pulled (device_id, upto, at) VALUES (?, ?, ?) ON CONFLICT(device_id) "
                              "DO UPDATE SET upto = max(pulled.upto, excluded.upto), at = excluded.at",
                              [device_id, after, _now()])

    def unseen_dossiers(self, unit_code: str) -> list[dict]:
        with self.lock:
            devices = self.conn.execute(
                "SELECT d.device_id, d.station, coalesce(p.upto, 0), p.at FROM devices d LEFT JOIN pulled p "
                "ON p.device_id = d.device_id WHERE d.unit_code = ? AND d.device_id IS NOT NULL "
                "ORDER BY d.station, d.enrolled_at", [unit_code]).fetchall()
            result = []
            for device, station, _, pulled_at in devices:
                others = [row[2] for row in devices if row[0] != device]
                unseen = self.conn.execute(
                    "SELECT count(*) FROM events WHERE device_id = ? AND entity = 'dossier' AND action = 'receive' "
                    "AND server_seq > ?", [device, min(others)]).fetchone()[0] if others else 0
                result.append({"device_id": device, "station": station, "unseen": unseen, "pulled_at": pulled_at})
        return result

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
                f"SELECT server_seq, {', '.join(_COLUMNS)} FROM events WHERE unit_code = ? AND server_seq > ? "
                "AND device_id != ? ORDER BY server_seq LIMIT ?", [unit_code, after, exclude_device, limit]).fetchall()
        return self._rows_to_events(rows)

    def own_events(self, device_id: str, after_seq: int, limit: int) -> list[dict]:
        with self.lock:
            rows = self.conn.execute(
                f"SELECT server_seq, {', '.join(_COLUMNS)} FROM events WHERE device_id = ? AND seq > ? "
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
            event = dict(zip(("server_seq", *_COLUMNS), row, strict=True))
            event["payload"] = json.loads(event["payload"])
            result.append(event)
        return result

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

"""What both engines share: the hub's SQL, written once with '?' parameters (PostgreSQL turns them into %s).

An engine gives `_tx()` (one write transaction, rolled back on any exception), `_read()` (a connection for
reads), `_serialise(tx)` (the lock that makes server_seq values commit in order) and `_insert_events`.
Idempotency is the unique constraints' job (uuid; device_id + seq): events are inserted with ON CONFLICT
DO NOTHING, and only the ones not inserted are looked up, to tell a duplicate from a conflict.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import threading
import time
from abc import abstractmethod
from contextlib import AbstractContextManager
from dataclasses import fields
from typing import Any

import orjson

from models.canonical import canonical_json
from sync.hub import facts
from sync.hub.group_commit import GroupCommitter, Push
from sync.hub.schema import CURRENT
from sync.hub.store import PROVINCE, STATIONS, Admin, Device, HubStore, NoFreeStation, StoreConflict, now_iso
from sync.tokens import new_token, token_hash, token_id_of, usb_key
from sync.wire import HASHED_FIELDS

COLUMNS = (*HASHED_FIELDS, "prev_hash", "hash")
_SELECT_EVENT = (f"SELECT server_seq, {', '.join(COLUMNS)}, "
                 "(SELECT sig FROM event_sigs s WHERE s.uuid = events.uuid) AS sig FROM events")
_DEVICE_COLUMNS = ", ".join(f.name for f in fields(Device))  # the columns are the dataclass's fields, in order
_ADMIN_COLUMNS = ", ".join(f.name for f in fields(Admin))
_DEVICE = f"SELECT {_DEVICE_COLUMNS} FROM devices WHERE "
FACTS_MARK = "facts_server_seq"
FACTS_CHUNK = 2000
FACTS_STEP = 5000  # stored events folded per transaction
_CREATING = threading.Lock()


def scalar(tx: Any, sql: str, params: list | tuple = ()) -> Any:
    """The one value of a one-column query's first row (None when there is none), on either engine: with
    `column`, the hub's only reads by position, and only of a query naming one column."""
    row = tx.execute(sql, params).fetchone()
    if row is None:
        return None
    (value,) = row  # refuses a query with more than one column
    return value


def column(tx: Any, sql: str, params: list | tuple = ()) -> list[Any]:
    """The values of a one-column query, in its order, on either engine."""
    return [value for (value,) in tx.execute(sql, params).fetchall()]


def _insert_delay() -> float:
    """Test hook: MOTCUA_HUB_FAULT=slow_insert:MS holds each push's transaction open up to MS ms after its
    INSERT, so a test can show that a later push never commits a number ahead of an earlier one."""
    name, _, value = os.environ.get("MOTCUA_HUB_FAULT", "").partition(":")
    return int(value) / 1000 if name == "slow_insert" and value.isdigit() else 0.0


class SqlHubStore(HubStore):
    integrity_errors: tuple[type[BaseException], ...] = ()
    insert_delay = _insert_delay()
    _committer: GroupCommitter | None = None

    @abstractmethod
    def _tx(self) -> AbstractContextManager: ...

    @abstractmethod
    def _read(self) -> AbstractContextManager: ...

    @abstractmethod
    def _serialise(self, tx) -> None: ...

    @abstractmethod
    def _insert_events(self, tx, unit_code: str, rows: list[list], moment: str) -> set[str]:
        """INSERT ... ON CONFLICT DO NOTHING the rows (COLUMNS order, payload as text); inserted uuids."""

    @abstractmethod
    def _schema_version(self) -> int: ...

    def _relax_commit(self, tx) -> None:
        """A write whose loss in a crash is harmless may commit without waiting for its flush (PostgreSQL)."""
        return None

    # --- tokens and devices ----------------------------------------------------------------------------

    def create_token(self, unit_code: str, note: str = "") -> str:
        token_id, token = new_token()
        with self._tx() as tx:
            tx.execute("INSERT INTO units(unit_code, unit_key, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                       [unit_code, secrets.token_hex(32), now_iso()])
            tx.execute("INSERT INTO devices(token_id, token_hash, usb_key, unit_code, note, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", [token_id, token_hash(token), usb_key(token), unit_code, note,
                                                     now_iso()])
            self._reserve(tx, token_id, None)  # the PC's number is known when the token is printed
        return token

    def create_admin_token(self, note: str = "") -> str:
        token_id, token = new_token()
        with self._tx() as tx:
            tx.execute("INSERT INTO admins(token_id, token_hash, note, created_at) VALUES (?, ?, ?, ?)",
                       [token_id, token_hash(token), note, now_iso()])
        return token

    def _checked(self, table: str, columns: str, token: str) -> tuple | None:
        """The row's `columns` when the token's hash matches the one stored in `table` (one query)."""
        token_id = token_id_of(token)
        if token_id is None:
            return None
        with self._read() as tx:
            row = tx.execute(f"SELECT token_hash, {columns} FROM {table} WHERE token_id = ?", [token_id]).fetchone()
        if row is None:
            return None
        stored_hash, *values = row
        return tuple(values) if secrets.compare_digest(stored_hash, token_hash(token)) else None

    def device_for(self, token: str) -> Device | None:
        row = self._checked("devices", _DEVICE_COLUMNS, token)
        return Device(*row) if row else None

    def admin_for(self, token: str) -> Admin | None:
        row = self._checked("admins", _ADMIN_COLUMNS, token)
        return Admin(*row) if row else None

    def device_by_token_id(self, token_id: str) -> Device | None:
        with self._read() as tx:
            row = tx.execute(_DEVICE + "token_id = ?", [token_id]).fetchone()
        return Device(*row) if row else None

    def claim(self, token_id: str, device_id: str, station: int | None) -> tuple[Device, list[str]]:
        """One conditional UPDATE: a token already bound to another device matches no row, a device bound
        to another token breaks the unique constraint; two hub processes cannot both win."""
        try:
            with self._tx() as tx:
                row = tx.execute(_DEVICE + "token_id = ?", [token_id]).fetchone()
                if row is None:
                    raise KeyError(token_id)
                updated = tx.execute("UPDATE devices SET device_id = ?, enrolled_at = "
                                     "coalesce(enrolled_at, ?) WHERE token_id = ? AND (device_id IS NULL OR "
                                     "device_id = ?)", [device_id, now_iso(), token_id, device_id])
                if updated.rowcount == 0:
                    raise StoreConflict([{"uuid": "", "reason": "mã đăng ký đã dùng cho một máy khác"}])
                station = self._reserve(tx, token_id, station)  # the wish if free, else the token's number
                device = Device(*tx.execute(_DEVICE + "token_id = ?", [token_id]).fetchone())
                same_station = column(
                    tx, "SELECT device_id FROM devices WHERE unit_code = ? AND station = ? AND device_id != ?",
                    [device.unit_code, station, device_id])
        except self.integrity_errors:
            raise StoreConflict([{"uuid": "", "reason": "máy này đã đăng ký bằng một mã khác"}]) from None
        return device, same_station

    # --- station numbers (sync/README.md, "Station numbers") -------------------------------------------

    def _reserve(self, tx, token_id: str, wanted: int | None) -> int:
        """reserve_station inside the caller's transaction, under the engine's write lock (so two hub
        processes never hand out one number; the primary key would refuse it anyway)."""
        self._serialise(tx)
        unit_code = scalar(tx, "SELECT unit_code FROM devices WHERE token_id = ?", [token_id])
        held = scalar(tx, "SELECT station FROM stations WHERE token_id = ?", [token_id])
        chosen: int
        if wanted is not None and wanted in STATIONS and wanted != held and tx.execute(
                "SELECT 1 FROM stations WHERE unit_code = ? AND station = ?", [unit_code, wanted]).fetchone() is None:
            chosen = wanted
        elif held is not None:
            return held
        else:
            used = set(column(tx, "SELECT station FROM stations WHERE unit_code = ?", [unit_code]))
            free = [n for n in STATIONS if n not in used]
            if not free:
                raise NoFreeStation(unit_code)
            chosen = free[0]
        tx.execute("DELETE FROM stations WHERE token_id = ?", [token_id])
        tx.execute("INSERT INTO stations (unit_code, station, token_id, assigned_at) VALUES (?, ?, ?, ?)",
                   [unit_code, chosen, token_id, now_iso()])
        tx.execute("UPDATE devices SET station = ? WHERE token_id = ?", [chosen, token_id])
        return chosen

    def reserve_station(self, token_id: str, wanted: int | None = None) -> int:
        with self._tx() as tx:
            return self._reserve(tx, token_id, wanted)

    def station_of(self, token_id: str) -> int | None:
        with self._read() as tx:
            return scalar(tx, "SELECT station FROM stations WHERE token_id = ?", [token_id])

    _STATION_ROWS = ("SELECT s.station, s.token_id, d.device_id, d.note, s.assigned_at, d.enrolled_at FROM stations s "
                     "JOIN devices d ON d.token_id = s.token_id WHERE s.unit_code = ?")
    _STATION_NAMES = ("station", "token_id", "device_id", "note", "assigned_at", "enrolled_at")

    def holder_of(self, unit_code: str, station: int) -> dict | None:
        with self._read() as tx:
            row = tx.execute(self._STATION_ROWS + " AND s.station = ?", [unit_code, station]).fetchone()
        return dict(zip(self._STATION_NAMES, row, strict=True)) if row else None

    def stations(self, unit_code: str) -> list[dict]:
        with self._read() as tx:
            rows = tx.execute(self._STATION_ROWS + " ORDER BY s.station", [unit_code]).fetchall()
        return [dict(zip(self._STATION_NAMES, row, strict=True)) for row in rows]

    def release_station(self, unit_code: str, station: int) -> bool:
        with self._tx() as tx:
            holder = scalar(tx, "SELECT token_id FROM stations WHERE unit_code = ? AND station = ?",
                            [unit_code, station])
            if holder is not None:
                tx.execute("DELETE FROM stations WHERE token_id = ?", [holder])
                tx.execute("UPDATE devices SET station = NULL WHERE token_id = ?", [holder])
        return holder is not None

    def record_pull(self, device_id: str, after: int) -> None:
        with self._tx() as tx:
            self._relax_commit(tx)
            tx.execute("INSERT INTO pulled (device_id, upto, at) VALUES (?, ?, ?) ON CONFLICT (device_id) DO UPDATE "
                       "SET upto = CASE WHEN excluded.upto > pulled.upto THEN excluded.upto ELSE pulled.upto END, "
                       "at = excluded.at", [device_id, after, now_iso()])

    def unseen_dossiers(self, unit_code: str) -> list[dict]:
        with self._read() as tx:
            devices = [dict(zip(("device_id", "station", "upto", "pulled_at"), row, strict=True)) for row in tx.execute(
                "SELECT d.device_id, d.station, coalesce(p.upto, 0), p.at FROM devices d LEFT JOIN pulled p "
                "ON p.device_id = d.device_id WHERE d.unit_code = ? AND d.device_id IS NOT NULL "
                "ORDER BY d.station, d.enrolled_at", [unit_code]).fetchall()]
            result = []
            for device in devices:
                others = [other["upto"] for other in devices if other["device_id"] != device["device_id"]]
                unseen = scalar(
                    tx, "SELECT count(*) FROM events WHERE device_id = ? AND entity = 'dossier' AND action = 'receive' "
                    "AND server_seq > ?", [device["device_id"], min(others)]) if others else 0
                result.append({"device_id": device["device_id"], "station": device["station"], "unseen": unseen,
                               "pulled_at": device["pulled_at"]})
        return result

    def unit_key(self, unit_code: str) -> str:
        with self._read() as tx:
            return scalar(tx, "SELECT unit_key FROM units WHERE unit_code = ?", [unit_code])

    def units(self) -> list[str]:
        with self._read() as tx:
            return column(tx, "SELECT unit_code FROM units ORDER BY unit_code")

    # --- events ----------------------------------------------------------------------------------------

    def store_events(self, unit_code: str, events: list[dict]) -> tuple[list[str], list[str]]:
        accepted, duplicates, _ = self.store_push(unit_code, "", events)
        return accepted, duplicates

    def store_push(self, unit_code: str, device_id: str, events: list[dict]) -> tuple[list[str], list[str], int]:
        """One push, atomic on its own, committed together with the pushes waiting at the same moment; with
        the sender's highest stored seq read in the same transaction (no second trip to the database)."""
        with _CREATING:
            if self._committer is None:
                self._committer = GroupCommitter(self._write_group)
        return self._committer.submit(unit_code, events, device_id)

    def _write_group(self, group: list[Push]) -> None:
        with self._tx() as tx:
            self._serialise(tx)
            moment = now_iso()
            for push in group:
                tx.execute("SAVEPOINT push")
                try:
                    accepted, duplicates = self._store_one(tx, push.unit_code, push.events, moment)
                    top = scalar(tx, "SELECT coalesce(max(seq), 0) FROM events WHERE device_id = ?",
                                 [push.device]) if push.device else 0
                    push.result = accepted, duplicates, top
                except StoreConflict as error:
                    tx.execute("ROLLBACK TO SAVEPOINT push")  # this batch only: nothing of it stored
                    push.error = error
                tx.execute("RELEASE SAVEPOINT push")

    def _store_one(self, tx, unit_code: str, events: list[dict], moment: str) -> tuple[list[str], list[str]]:
        rows = [[event[c] if c != "payload" else canonical_json(event[c]) for c in COLUMNS] for event in events]
        inserted = self._insert_events(tx, unit_code, rows, moment)
        if self.insert_delay:
            time.sleep(random.uniform(0, self.insert_delay))
        accepted, others = [], []
        for event in events:
            if event["uuid"] in inserted:
                inserted.discard(event["uuid"])  # a uuid twice in one batch: the second is a duplicate
                accepted.append(event["uuid"])
            else:
                others.append(event)
        duplicates, rejected = self._classify(tx, others) if others else ([], [])
        if rejected:
            raise StoreConflict(rejected)
        fresh = set(accepted)  # the device's signature travels with the event to the other PCs (issue #17)
        signed = [(event["uuid"], event["sig"]) for event in events
                  if event["uuid"] in fresh and isinstance(event.get("sig"), str)]
        if signed:
            self._insert_sigs(tx, signed)
        return accepted, duplicates

    def _insert_sigs(self, tx, signed: list[tuple[str, str]]) -> None:
        tx.executemany("INSERT INTO event_sigs(uuid, sig) VALUES (?, ?) ON CONFLICT (uuid) DO NOTHING", signed)

    @staticmethod
    def _classify(tx, events: list[dict]) -> tuple[list[str], list[dict]]:
        """Events the unique constraints kept out: the same event stored before (a duplicate), or a uuid or
        a device's seq stored with other content (a conflict)."""
        stored: dict[str, str] = {}
        uuids = sorted({e["uuid"] for e in events})
        for start in range(0, len(uuids), 500):
            chunk = uuids[start:start + 500]
            stored.update(tx.execute(f"SELECT uuid, hash FROM events WHERE uuid IN ({', '.join('?' for _ in chunk)})",
                                     chunk).fetchall())
        duplicates, rejected = [], []
        for event in events:
            if event["uuid"] not in stored:
                rejected.append({"uuid": event["uuid"],
                                 "reason": f"số thứ tự {event['seq']} của máy đã dùng cho sự kiện khác"})
            elif stored[event["uuid"]] == event["hash"]:
                duplicates.append(event["uuid"])
            else:
                rejected.append({"uuid": event["uuid"], "reason": "uuid đã có với nội dung khác"})
        return duplicates, rejected

    def events_after(self, unit_code: str, after: int, limit: int, exclude_device: str, *,
                     raw_payload: bool = False) -> list[dict]:
        """The unit's stream and the province's (published catalog) merged by server_seq: each side an index
        range of events_unit_seq, so a page costs `limit` rows whatever the history's length."""
        part = f"{_SELECT_EVENT} WHERE unit_code = ? AND server_seq > ? AND device_id != ? ORDER BY server_seq LIMIT ?"
        sql = (f"SELECT * FROM (SELECT * FROM ({part}) AS mine UNION ALL SELECT * FROM ({part}) AS province) "
               "AS merged ORDER BY server_seq LIMIT ?")
        with self._read() as tx:
            rows = tx.execute(sql, [unit_code, after, exclude_device, limit, PROVINCE, after, exclude_device, limit,
                                    limit]).fetchall()
        return _rows_to_events(rows, raw_payload)

    def own_events(self, device_id: str, after_seq: int, limit: int, *, raw_payload: bool = False) -> list[dict]:
        with self._read() as tx:
            rows = tx.execute(f"{_SELECT_EVENT} WHERE device_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                              [device_id, after_seq, limit]).fetchall()
        return _rows_to_events(rows, raw_payload)

    def max_seq(self, device_id: str) -> int:
        with self._read() as tx:
            return scalar(tx, "SELECT coalesce(max(seq), 0) FROM events WHERE device_id = ?", [device_id])

    def set_device_key(self, device_id: str, public_key: str) -> str:
        with self._tx() as tx:
            tx.execute("INSERT INTO device_keys(device_id, public_key, recorded_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (device_id) DO NOTHING", [device_id, public_key, now_iso()])
            return scalar(tx, "SELECT public_key FROM device_keys WHERE device_id = ?", [device_id])

    def device_key(self, device_id: str) -> str | None:
        with self._read() as tx:
            return scalar(tx, "SELECT public_key FROM device_keys WHERE device_id = ?", [device_id])

    def unit_device_keys(self, unit_code: str) -> dict[str, str]:
        with self._read() as tx:
            return dict(tx.execute("SELECT k.device_id, k.public_key FROM device_keys k JOIN devices d "
                                   "ON d.device_id = k.device_id WHERE d.unit_code = ?", [unit_code]).fetchall())

    def stats(self) -> dict:
        with self._read() as tx:
            units = dict(tx.execute("SELECT unit_code, count(*) FROM events GROUP BY unit_code").fetchall())
            names = ("unit_code", "device_id", "station", "enrolled_at", "events", "max_seq")
            devices = [dict(zip(names, row, strict=True)) for row in tx.execute(
                "SELECT d.unit_code, d.device_id, d.station, d.enrolled_at, count(e.uuid), max(e.seq) "
                "FROM devices d LEFT JOIN events e ON e.device_id = d.device_id GROUP BY d.token_id "
                "ORDER BY d.unit_code, d.created_at").fetchall()]
            events, last_server_seq = tx.execute("SELECT count(*), coalesce(max(server_seq), 0) FROM events").fetchone()
            admins = scalar(tx, "SELECT count(*) FROM admins")
        return {"engine": self.engine, "events": events, "last_server_seq": last_server_seq, "events_by_unit": units,
                "admins": admins,
                "devices": [{**d, "max_seq": d["max_seq"] or 0, "gaps": (d["max_seq"] or 0) - d["events"]}
                            for d in devices]}

    def health(self) -> dict:
        version = self._schema_version()
        return {"engine": self.engine, "schema": version, "schema_current": version == CURRENT}

    # --- the province report's facts -------------------------------------------------------------------

    def refresh_facts(self) -> int:
        """Fold every dossier with events stored after the watermark (all of its events, the older ones
        too) and upsert its facts, FACTS_STEP stored events per transaction with the watermark moved in it:
        a long backlog never holds a lock for long, and a stop halfway keeps what was done."""
        total = 0
        while True:
            with self._tx() as tx:
                self._lock_facts(tx)
                stored_mark = scalar(tx, "SELECT value FROM hub_meta WHERE key = ?", [FACTS_MARK])
                mark = int(stored_mark) if stored_mark is not None else 0
                top = scalar(tx, "SELECT coalesce(max(server_seq), 0) FROM events")
                if top <= mark:
                    return total
                upto = min(top, mark + FACTS_STEP)
                touched = column(
                    tx, "SELECT DISTINCT entity_id FROM events WHERE server_seq > ? AND server_seq <= ? AND entity IN "
                    "('dossier', 'rating')", [mark, upto])
                for start in range(0, len(touched), FACTS_CHUNK):
                    chunk = touched[start:start + FACTS_CHUNK]
                    rows = tx.execute(f"SELECT unit_code, {', '.join(COLUMNS)} FROM events WHERE entity IN "
                                      f"('dossier', 'rating') AND entity_id IN ({', '.join('?' for _ in chunk)})",
                                      chunk).fetchall()
                    self._upsert_facts(tx, facts.facts_of(rows))
                tx.execute("INSERT INTO hub_meta(key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                           "excluded.value", [FACTS_MARK, str(upto)])
            total += len(touched)

    def _lock_facts(self, tx) -> None:
        return None

    def _upsert_facts(self, tx, rows: list[tuple]) -> None:
        if not rows:
            return
        names = facts.FACT_COLUMNS
        sql = (f"INSERT INTO dossier_facts ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
               f"ON CONFLICT (uuid) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in names[1:])}")
        tx.executemany(sql, rows)

    def read_rows(self, sql: str, params: list) -> list[tuple]:
        with self._read() as tx:
            return tx.execute(sql, params).fetchall()


_NAMES = ("server_seq", *COLUMNS, "sig")


def _rows_to_events(rows: list[tuple], raw_payload: bool = False) -> list[dict]:
    parse = orjson.Fragment if raw_payload else json.loads
    result = []
    for row in rows:
        event = dict(zip(_NAMES, row, strict=True))
        event["payload"] = parse(event["payload"])
        if event["sig"] is None:
            del event["sig"]
        result.append(event)
    return result



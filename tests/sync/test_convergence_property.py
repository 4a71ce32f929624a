"""Converge, provably: several PCs' offline histories (receives, moves, extensions, codes given twice by PCs
with one station number, restores that reuse a day's numbers), delivered to PCs in any order and in any
pieces, always end in the same rows, with one dossier per receive event and no code shown twice.

The PCs that receive the histories are real databases (sync.projection.apply_remote_events, page by page);
the expected rows come from the pure fold (sync.fold_dossier) and code rule (sync.same_code) on the whole
set of events, so the test also checks that applying page by page ends where folding everything at once does.
"""

from __future__ import annotations

import sqlite3
import tempfile
import uuid as uuid_module
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from db.events import GENESIS_HASH, event_hash
from models.dossier import STATES
from sync.fold_dossier import FOLDED_COLUMNS, fold_dossier
from sync.projection import apply_remote_events
from sync.same_code import Claim, aliases_of, assign_codes

PREFIX = "000.17.22.H56"
DAY = datetime(2026, 3, 2, 8, 0)
DUES = [(DAY + timedelta(days=d)).isoformat() for d in (5, 7, 9)]

_TEMPLATE: list[sqlite3.Connection] = []


def _template() -> sqlite3.Connection:
    """A migrated database made once; every PC of every case starts as an in-memory copy of it."""
    if not _TEMPLATE:
        from db.connection import open_database

        folder = Path(tempfile.mkdtemp(prefix="motcua-converge-"))
        _TEMPLATE.append(open_database(folder / "motcua.sqlite3").conn)
    return _TEMPLATE[0]


def _pc(name: str) -> Database:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    _template().backup(conn)
    conn.execute("PRAGMA foreign_keys=ON")
    db = Database(conn)
    db.execute("INSERT INTO local(key, value) VALUES ('device_id', ?)", [f"observer-{name}"])
    return db


class _Device:
    """One PC's offline history: its hash chain, its station number and the day's counter."""

    def __init__(self, name: str, station: int):
        self.name, self.station, self.counter, self.seq, self.head = name, station, 0, 0, GENESIS_HASH
        self.events: list[dict] = []

    def record(self, ids: list[int], at: datetime, entity_id: str, action: str, payload: dict) -> None:
        ids[0] += 1
        self.seq += 1
        fields = {"uuid": str(uuid_module.UUID(int=ids[0])), "device_id": self.name, "seq": self.seq,
                  "actor": f"can-bo-{self.name}", "at": at.isoformat() + "+07:00", "entity": "dossier",
                  "entity_id": entity_id, "action": action, "payload": payload}
        prev, self.head = self.head, event_hash(self.head, fields)
        self.events.append({**fields, "prev_hash": prev, "hash": self.head})


def _receive_payload(uuid: str, code: str, station: int, seq: int, at: datetime, name: str) -> dict:
    received = at.isoformat()
    return {"uuid": uuid, "code": code, "group_id": uuid, "code_day": at.date().isoformat(), "station": station,
            "day_seq": seq, "procedure_code": "1.001193", "procedure_name": "Đăng ký khai sinh", "field": "Hộ tịch",
            "deadline_text": "05 ngày làm việc", "deadline_value": 5, "deadline_unit": "ngay_lam_viec",
            "channel": "truc_tiep", "state": "tiep_nhan", "applicant_name": name, "organisation": "", "cccd": "",
            "dob": None, "sex": "", "phone": "", "address": "", "email": "", "sets": 1, "note": "", "logbook": "",
            "received_at": received, "due_at": DUES[0], "due_source": "law", "state_changed_at": received,
            "papers": []}


OPS = st.one_of(
    st.tuples(st.just("receive"), st.integers(0, 90)),
    st.tuples(st.just("move"), st.integers(0, 90), st.integers(0, 50), st.sampled_from(sorted(STATES)),
              st.sampled_from(sorted(STATES))),
    st.tuples(st.just("extend"), st.integers(0, 90), st.integers(0, 50), st.sampled_from(DUES),
              st.sampled_from(DUES)),
    st.tuples(st.just("restore"), st.integers(1, 3)),  # back to an older backup: the day's numbers are reused
)


@st.composite
def histories(draw) -> list[dict]:
    """Every event of 2–4 PCs' offline work; station numbers drawn from {1, 2} so codes clash often."""
    ids = [0]
    dossiers: list[str] = []
    devices = [_Device(f"pc-{i}", draw(st.integers(1, 2))) for i in range(draw(st.integers(2, 4)))]
    for device in devices:
        for op in draw(st.lists(OPS, min_size=1, max_size=8)):
            at = DAY + timedelta(minutes=op[1]) if op[0] != "restore" else None
            if op[0] == "receive" or (not dossiers and op[0] != "restore"):
                device.counter += 1
                ids[0] += 1
                uuid = str(uuid_module.UUID(int=10**9 + ids[0]))
                code = f"{PREFIX}-{DAY:%y%m%d}-{device.station}{device.counter:03d}"
                dossiers.append(uuid)
                device.record(ids, at, uuid, "receive", _receive_payload(uuid, code, device.station,
                                                                        device.counter, at, f"Công dân {len(dossiers)}"))
            elif op[0] == "move":
                target = dossiers[op[2] % len(dossiers)]
                payload = {"from": op[3], "to": op[4], "note": ""}
                if op[3] in ("cho_bo_sung", "cho_nghia_vu_tai_chinh"):
                    payload.update(due_before=DUES[0], due_at=DUES[op[2] % len(DUES)])
                device.record(ids, at, target, "move", payload)
            elif op[0] == "extend":
                device.record(ids, at, dossiers[op[2] % len(dossiers)], "extend",
                              {"due_before": op[3], "due_at": op[4], "reason": "Cần xác minh"})
            else:
                device.counter = max(0, device.counter - op[1])
    return [event for device in devices for event in device.events]


def _expected(events: list[dict]) -> tuple[dict, dict]:
    """Rows and aliases from folding every event at once (the pure rule)."""
    by_dossier: dict[str, list[dict]] = {}
    for event in sorted(events, key=lambda e: (e["at"], e["device_id"], e["seq"])):  # the fold's order
        by_dossier.setdefault(event["entity_id"], []).append(event)
    folds = {uuid: fold_dossier(evs) for uuid, evs in by_dossier.items()}
    folds = {uuid: f for uuid, f in folds.items() if f.values is not None}
    codes = assign_codes(Claim(uuid, f.claimed_code, f.receive_key) for uuid, f in folds.items())
    rows = {uuid: {**f.values, "code": codes[uuid]} for uuid, f in folds.items()}
    aliases = {uuid: sorted(aliases_of(f.claimed_code, f.recoded, codes[uuid])) for uuid, f in folds.items()}
    return rows, {uuid: a for uuid, a in aliases.items() if a}


def _state(db: Database) -> tuple[dict, dict, set]:
    rows = {r[0]: dict(zip(FOLDED_COLUMNS, r, strict=True))
            for r in db.execute(f"SELECT {', '.join(FOLDED_COLUMNS)} FROM dossiers")}
    aliases: dict[str, list[str]] = {}
    for code, uuid in db.execute("SELECT code, dossier_uuid FROM dossier_aliases ORDER BY code"):
        aliases.setdefault(uuid, []).append(code)
    conflicts = set(db.execute("SELECT entity_id, event_uuid, kind, outcome, message FROM conflicts").fetchall())
    return rows, aliases, conflicts


def _deliver(db: Database, events: list[dict], rnd) -> None:
    """All events in a random order, in random pieces, some pieces twice (a page pulled again)."""
    order = list(events)
    rnd.shuffle(order)
    while order:
        size = rnd.randint(1, max(1, len(order)))
        piece, order = order[:size], order[size:]
        result = apply_remote_events(db, piece)
        assert not result.invalid, result.invalid
        if rnd.random() < 0.2:
            assert apply_remote_events(db, piece).new == 0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=histories(), orders=st.lists(st.randoms(use_true_random=False), min_size=2, max_size=3))
def test_every_pc_converges_to_the_same_rows_whatever_the_order(events, orders):
    expected_rows, expected_aliases = _expected(events)
    receives = sum(1 for e in events if e["action"] == "receive")
    states = []
    for i, rnd in enumerate(orders):
        db = _pc(str(i))
        try:
            _deliver(db, events, rnd)
            states.append(_state(db))
        finally:
            db.conn.close()
    first = states[0]
    for other in states[1:]:
        assert other == first                                   # rows, aliases and conflicts alike
    rows, aliases, _ = first
    assert len(rows) == receives                                # every dossier shown, none twice
    assert rows == expected_rows and aliases == expected_aliases
    claimed = {e["payload"]["code"] for e in events if e["action"] == "receive"}
    assert claimed <= {r["code"] for r in rows.values()}        # every receipt's code is still shown

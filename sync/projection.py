"""Rebuilding what a PC shows from the event log: one applier per entity, and the inbox for remote events."""

# Every applier folds ALL events of one entity in the order (at, device_id, seq) and writes the result, so
# PCs that hold the same events show the same state whatever order the events arrived in (sync/README.md).

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from sqlite_utils import Database

from db.audit_marks import highest, raise_marks
from db.catalog_store import _write as write_procedure
from db.catalog_store import get_procedure
from db.device import device_id
from db.events import (
    PendingByEntity,
    advance_acked_floor,
    canonical_json,
    event_at,
    event_mac,
    events_for,
    own_pending_ids,
    pending_by_entity,
)
from db.rows import column, named, scalar
from models.catalog import Procedure
from models.catalog_plan import _DEADLINE_FIELDS, FIELD_LABELS
from models.dossier_applicant import Applicant
from sync import same_code
from sync.conflicts import Conflict, store_conflicts
from sync.fold_dossier import FOLDED_COLUMNS, fold_dossier
from sync.state import now_iso, save_state
from sync.wire import problem

PROVINCE_SOURCE = "province:"  # the source of the province's catalog events (sync/hub/catalog_publish.py)
Applier = Callable[[Database, str, list[dict]], int]  # (db, entity_id, sorted events) -> new conflicts


def _apply_settings(db: Database, key: str, events: list[dict]) -> int:
    """Last writer wins: the settings saved last in the sorted order are the unit's settings."""
    value = json.dumps(events[-1]["payload"], ensure_ascii=False)
    db.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
               "excluded.value WHERE settings.value != excluded.value", [key, value])
    return 0


def _apply_calendar(db: Database, day: str, events: list[dict]) -> int:
    last = events[-1]
    if last["action"] == "remove":
        db.execute("DELETE FROM calendar_overrides WHERE day = ?", [day])
    else:
        p = last["payload"]
        db.execute("INSERT INTO calendar_overrides(day, kind, note) VALUES (?, ?, ?) ON CONFLICT(day) DO UPDATE "
                   "SET kind = excluded.kind, note = excluded.note", [day, p["kind"], p.get("note", "")])
    return 0


_PROCEDURE_FIELDS = {f.name for f in fields(Procedure)}


def fold_procedure(code: str, events: list[dict]) -> tuple[dict | None, list[Conflict]]:
    """The first 'add' makes the entry; later events change only the fields they name ('changes'), so
    edits of different fields on two PCs both survive. A second 'add' with other values is a conflict
    (kept out), except the bundled sample catalog every new PC loads, which never overrides.

    The province's catalog (events published by the hub, source 'province:…') is applied like an import
    under the unit's own work: it sets every field the unit has not edited itself; a field the unit
    edited (an 'update' naming it, an essential mark, a deadline) keeps the unit's value, and a province
    value that differs from it is shown as a conflict 'procedure_province / skipped'."""
    record: dict | None = None
    owned: set[str] = set()  # columns the unit edited: the province never overrides them
    conflicts: list[Conflict] = []
    for event in events:
        payload = event["payload"]
        incoming = {k: v for k, v in payload.get("procedure", {}).items() if k in _PROCEDURE_FIELDS}
        if not incoming:
            continue
        province = str(payload.get("source", "")).startswith(PROVINCE_SOURCE)
        if record is None:
            record = dict(incoming)
        elif province:
            names = payload.get("changes") or list(incoming) if event["action"] != "add" else list(incoming)
            kept = []
            for name in names:
                for column in (_DEADLINE_FIELDS if name == "deadline" else (name,)):
                    if column not in incoming:
                        continue
                    if column in owned:
                        if record.get(column) != incoming[column] and name not in kept:
                            kept.append(name)
                    else:
                        record[column] = incoming[column]
            if kept:
                conflicts.append(Conflict(event["uuid"], "procedure_province", "skipped",
                                          f"Danh mục của tỉnh ghi khác cho thủ tục {code} ở "
                                          f"{', '.join(FIELD_LABELS.get(n, n) for n in kept)}: giữ bản đơn vị đã sửa."))
        elif event["action"] == "add" and "sample_catalog" in str(payload.get("source", "")):
            continue  # the bundled sample never overrides what is there
        elif event["action"] == "add" and not record_from_province(events, event):
            if incoming != record:
                conflicts.append(Conflict(event["uuid"], "procedure_add", "skipped",
                                          f"Máy {event['device_id'][:8]} thêm thủ tục {code} với nội dung khác "
                                          "bản đã có: giữ bản thêm trước."))
        else:
            names = payload.get("changes") or list(incoming)
            if event["action"] == "add":  # the unit added what the province had published: its values win
                names = [n for n in incoming if incoming[n] != record.get(n)]
            for name in names:
                for column in (_DEADLINE_FIELDS if name == "deadline" else (name,)):
                    if column in incoming:
                        record[column] = incoming[column]
                        owned.add(column)
    return record, conflicts


def _apply_procedure(db: Database, code: str, events: list[dict]) -> int:
    record, conflicts = fold_procedure(code, events)
    if record is not None:
        procedure = Procedure(**record)
        if get_procedure(db, code) != procedure:
            write_procedure(db, procedure)
    return store_conflicts(db, "procedure", code, conflicts)


def record_from_province(events: list[dict], until: dict) -> bool:
    """Whether the entry was made by the province's catalog (its first 'add' before `until`)."""
    for event in events:
        if event is until:
            return False
        if event["payload"].get("procedure"):
            return str(event["payload"].get("source", "")).startswith(PROVINCE_SOURCE)
    return False


def _apply_dossier(db: Database, uuid: str, events: list[dict]) -> int:
    """The dossier's row from its own fold; its code from the group of dossiers whose receipt has the
    same code (sync/same_code.py): a dossier with a receive event is always shown."""
    folded = fold_dossier(events)
    new = 0
    if folded.values is not None:
        claimed = folded.values["code"]  # the code on the receipt (folded.claimed_code, known present here)
        row = named(db, f"SELECT id, claimed_code, search_text, {', '.join(FOLDED_COLUMNS)} FROM dossiers "
                    "WHERE uuid = ?", [uuid]).fetchone()
        members = same_code.members_of(db, claimed, {uuid: folded})
        targets = same_code.plan(members)
        same_code.make_room(db, {u: code for u, (code, _) in targets.items()})
        code, aliases = targets[uuid]
        values = {**folded.values, "code": code, "claimed_code": claimed}
        values["search_text"] = _search_text(values, aliases)
        if row is None:
            _insert_dossier(db, values, folded.papers)
            if code != claimed:
                same_code.note_changed(db, uuid)
        else:
            changed = {k: v for k, v in values.items() if row[k] != v}
            if changed:
                changed["updated_at"] = _naive_now()
                db.execute(f"UPDATE dossiers SET {', '.join(f'{k} = ?' for k in changed)} WHERE id = ?",
                           [*changed.values(), row["id"]])
                if "code" in changed:
                    same_code.note_changed(db, uuid)
        same_code.write_aliases(db, uuid, aliases)
        _settle_others(db, members, targets, uuid)
        new += same_code.store_group_conflicts(db, members, targets)
        left = row["claimed_code"] if row is not None else None
        if left not in (None, claimed):  # its receipt's code changed: the group it left
            new += settle_code(db, left)
        _add_attachments(db, uuid, folded.attachments)
    return new + store_conflicts(db, "dossier", uuid, folded.conflicts, except_kind=same_code.KIND)


def _settle_others(db: Database, members: list, targets: dict, done: str) -> None:
    """Give the group's other dossiers their code, aliases and search text."""
    for member in members:
        if member.uuid == done:
            continue
        code, aliases = targets[member.uuid]
        row = named(db, "SELECT id, code, search_text, applicant_name, organisation, cccd, phone FROM dossiers "
                    "WHERE uuid = ?", [member.uuid]).fetchone()
        names = ("applicant_name", "organisation", "cccd", "phone")
        text = _search_text({"code": code, **{name: row[name] for name in names}}, aliases)
        if (row["code"], row["search_text"]) != (code, text):
            db.execute("UPDATE dossiers SET code = ?, search_text = ?, updated_at = ? WHERE id = ?",
                       [code, text, _naive_now(), row["id"]])
            if row["code"] != code:
                same_code.note_changed(db, member.uuid)
        same_code.write_aliases(db, member.uuid, aliases)


def settle_code(db: Database, code: str) -> int:
    """Settle the group of dossiers whose receipt has `code` (after one left it); new conflicts."""
    members = same_code.members_of(db, code, {})
    targets = same_code.plan(members)
    same_code.make_room(db, {u: c for u, (c, _) in targets.items()})
    _settle_others(db, members, targets, "")
    return same_code.store_group_conflicts(db, members, targets)


def _naive_now() -> str:
    return now_iso()[:19]


def _search_text(values: dict, aliases: list[str]) -> str:
    from db.dossier_store import search_text  # the dossier layer owns what search matches

    applicant = Applicant(name=values["applicant_name"] or "", organisation=values["organisation"] or "",
                          cccd=values["cccd"] or "", phone=values["phone"] or "")
    return search_text(values["code"], applicant, aliases)


def _insert_dossier(db: Database, values: dict, papers: list[dict]) -> None:
    row = {**values, "created_at": _naive_now(), "updated_at": _naive_now()}
    cursor = db.execute(f"INSERT INTO dossiers ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                        list(row.values()))
    db.conn.executemany("INSERT INTO dossier_papers (dossier_id, position, name, kind, count) VALUES (?, ?, ?, ?, ?)",
                        [(cursor.lastrowid, i, p["name"], p["kind"], p["count"]) for i, p in enumerate(papers, 1)])


def _add_attachments(db: Database, uuid: str, attachments: list[dict]) -> None:
    """Attachment rows follow their events; the file itself comes with a USB file (or is fetched later)."""
    if not attachments:
        return
    dossier_id = scalar(db, "SELECT id FROM dossiers WHERE uuid = ?", [uuid])
    db.conn.executemany(
        "INSERT OR IGNORE INTO dossier_attachments (uuid, dossier_id, sha256, ext, size, display_name, kind, "
        "added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(a["uuid"], dossier_id, a["sha256"], a["ext"], a["size"], a["display_name"] or "", a["kind"] or "ho_so",
          a["added_at"]) for a in attachments])


def _apply_rating(db: Database, dossier_uuid: str, events: list[dict]) -> int:
    from db.ratings import apply_rating_events  # the ratings layer owns its fold (last rating wins)

    return apply_rating_events(db, dossier_uuid, events)


# In this order when one page touches several (a dossier's procedure before the dossier, and so on).
# Entities without an applier (e.g. 'report': exports, audit only) are kept in the log and not folded.
APPLIERS: dict[str, Applier] = {
    "settings": _apply_settings,
    "calendar": _apply_calendar,
    "procedure": _apply_procedure,
    "dossier": _apply_dossier,
    "rating": _apply_rating,
}


def rebuild(db: Database, entity: str, entity_id: str, *, pending: PendingByEntity | None = None) -> int:
    """Fold one entity's events into its row (inside the caller's transaction); new conflicts found."""
    applier = APPLIERS.get(entity)
    events = events_for(db, entity, entity_id, pending=pending)
    if applier is None or not events:
        return 0
    return applier(db, entity_id, events)


def rebuild_entities(db: Database, touched: set[tuple[str, str]]) -> int:
    """Rebuild every (entity, entity_id) in APPLIERS order (inside the caller's transaction); new conflicts."""
    order = list(APPLIERS)
    conflicts = 0
    pending = pending_by_entity(db) if len(touched) > 1 else None  # the pending range read once
    for entity, entity_id in sorted(touched, key=lambda t: (order.index(t[0]) if t[0] in order else 99, t)):
        conflicts += rebuild(db, entity, entity_id, pending=pending)
    return conflicts


@dataclass
class ApplyResult:
    new: int = 0
    duplicates: int = 0
    invalid: list[dict] = field(default_factory=list)  # {"uuid", "reason"}
    conflicts: int = 0


_INSERT = ("INSERT INTO events (uuid, device_id, seq, actor, at, entity, entity_id, action, payload, prev_hash, "
           "hash, acked_at, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _known_hash(db: Database, event: dict, me: str) -> str | None:
    """The stored hash of an event with this uuid: acknowledged events by the uuid index, this PC's own
    (pending ones included) by their number (db.events.event_at)."""
    if event["device_id"] == me:
        own = event_at(db, me, event["seq"], "uuid, hash")
        if own is not None and own["uuid"] == event["uuid"]:
            return own["hash"]
    return scalar(db, "SELECT hash FROM events WHERE uuid = ? AND acked_at IS NOT NULL", [event["uuid"]])


def apply_remote_events(db: Database, events: list[dict], *, cursor: int | None = None) -> ApplyResult:
    """Store other devices' events (acknowledged: never pushed again by this PC) and rebuild what they
    touch, in one transaction with the pull cursor, so a crash leaves either all of a page or none."""
    result = ApplyResult()
    touched: set[tuple[str, str]] = set()
    me = device_id(db)
    own_pending: dict[str, int] | None = None
    stored: list[dict] = []
    with db.atomic():  # BEGIN IMMEDIATE (db.connection.MotCuaDatabase)
        moment = now_iso()
        for event in events:
            reason = problem(event)
            known = None
            if reason is None:
                known = _known_hash(db, event, me)
                if known is None and event["device_id"] != me:
                    if own_pending is None:  # this PC's pending events are outside the uuid index
                        own_pending = own_pending_ids(db)
                    if event["uuid"] in own_pending:
                        known = ""  # a uuid of this PC's event on another device's event
            if known is not None:
                if known == event["hash"]:
                    result.duplicates += 1
                    continue
                reason = "uuid đã có với nội dung khác"
            elif reason is None and event["device_id"] == me:
                reason = "sự kiện mang mã máy này nhưng máy này không có"
            if reason is None:
                try:
                    db.execute(_INSERT, [*(event[k] for k in ("uuid", "device_id", "seq", "actor", "at", "entity",
                                                              "entity_id", "action")),
                                         canonical_json(event["payload"]), event["prev_hash"], event["hash"], moment,
                                         event_mac(db, event["hash"])])
                except sqlite3.IntegrityError:
                    reason = "số thứ tự của máy này đã dùng cho sự kiện khác"
            if reason is not None:
                result.invalid.append({"uuid": str(event.get("uuid") if isinstance(event, dict) else ""),
                                       "reason": reason})
                continue
            result.new += 1
            stored.append(event)
            touched.add((event["entity"], event["entity_id"]))
        touched |= {("dossier", entity_id) for entity_id in column(  # hidden by an older version: shown now
            db, "SELECT DISTINCT entity_id FROM conflicts WHERE entity = 'dossier' AND kind = 'duplicate_code'")}
        same_code.take_changed(db)
        result.conflicts += rebuild_entities(db, touched)
        same_code.record_recodes(db, me, same_code.take_changed(db))
        raise_marks(db, highest(stored))  # what the hub (or a USB file) handed over stays (db/audit_marks.py)
        advance_acked_floor(db)  # stored acknowledged: the pending range need not cover them
        if cursor is not None:
            save_state(db, cursor=cursor)
    return result

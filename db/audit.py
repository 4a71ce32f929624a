"""The audit trail: verifying each device's hash chain of events, and reading events for the audit screen."""

from __future__ import annotations

import csv
import heapq
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from sqlite_utils import Database

from db.audit_marks import read_marks
from db.device import device_id
from db.events import GENESIS_HASH, audit_key, canonical_json, event_at, event_hash, mac_with, record_event
from db.local import get_local
from db.rows import column, named, scalar
from models.errors import UserError
from models.roles import AUDIT, EXPORT_PERSONAL, VIEW_FULL_ID, mask_cccd
from models.session import can, require
from models.sheet_cells import csv_row
from output.files import write_through_temp


class StoredEvent(NamedTuple):
    """An events row as the chain check reads it, by name."""

    id: int
    uuid: str
    device_id: str
    seq: int
    actor: str
    at: str
    entity: str
    entity_id: str
    action: str
    payload: str
    prev_hash: str
    hash: str
    mac: str | None


_COLUMNS = ", ".join(StoredEvent._fields)


@dataclass(frozen=True)
class BrokenLink:
    """The first place a device's chain does not hold: which event, and what is wrong (Vietnamese)."""

    device_id: str
    seq: int
    uuid: str
    kind: str  # 'gap', 'hash', 'link', 'payload', 'start', 'truncated', 'mac'
    message: str


@dataclass
class DeviceChain:
    device_id: str
    local: bool
    events: int = 0
    last_seq: int = 0
    broken: BrokenLink | None = None


@dataclass
class AuditReport:
    devices: list[DeviceChain] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # not a link: key marks, projections vs the fold

    @property
    def ok(self) -> bool:
        return all(chain.broken is None for chain in self.devices) and not self.problems

    @property
    def first_broken(self) -> BrokenLink | None:
        return next((chain.broken for chain in self.devices if chain.broken), None)

    @property
    def events(self) -> int:
        return sum(chain.events for chain in self.devices)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "events": self.events, "devices": [asdict(chain) for chain in self.devices],
                "problems": self.problems}


def _fields(row: StoredEvent) -> dict:
    """The fields db.events.record_event hashes, rebuilt from a stored row exactly as it built them."""
    return {"uuid": row.uuid, "device_id": row.device_id, "seq": row.seq, "actor": row.actor, "at": row.at,
            "entity": row.entity, "entity_id": row.entity_id, "action": row.action, "payload": json.loads(row.payload)}


def _check_row(device: str, row: StoredEvent, expected_seq: int, previous_hash: str,
               key: bytes | None = None) -> BrokenLink | None:
    uuid, seq, prev_hash, stored_hash = row.uuid, row.seq, row.prev_hash, row.hash
    if seq != expected_seq:
        if expected_seq == 1:
            return BrokenLink(device, 1, uuid, "start", f"thiếu các sự kiện đầu chuỗi (số 1 đến {seq - 1}): "
                              f"sự kiện đầu tiên còn lại là số {seq}")
        return BrokenLink(device, expected_seq, uuid, "gap", f"thiếu sự kiện số {expected_seq}"
                          + (f" đến {seq - 1}" if seq - 1 > expected_seq else "")
                          + f" (bị xóa, hoặc chưa nhận qua đồng bộ); sự kiện kế tiếp còn lại là số {seq}")
    try:
        fields = _fields(row)
    except (ValueError, TypeError):
        return BrokenLink(device, seq, uuid, "payload", "nội dung (payload) không còn là JSON hợp lệ: đã bị sửa")
    if event_hash(prev_hash, fields) != stored_hash:
        return BrokenLink(device, seq, uuid, "hash", "nội dung sự kiện đã bị sửa (mã băm tính lại không khớp)")
    if prev_hash != previous_hash:
        return BrokenLink(device, seq, uuid, "link", f"mã băm trước (prev_hash) không khớp sự kiện số {seq - 1}: "
                          "một trong hai sự kiện đã bị sửa hoặc thay")
    if key is not None and not hmac.compare_digest(str(row.mac or ""), mac_with(key, stored_hash) or ""):
        return BrokenLink(device, seq, uuid, "mac", "sự kiện không mang dấu khóa của máy này: đã được thêm hoặc "
                          "viết lại bên ngoài MotCua")
    return None


def _events_by_device_and_seq(db: Database) -> Iterator[StoredEvent]:
    """Every event, ordered by (device_id, seq): the acknowledged ones along their index, merged with the
    unacknowledged ones (normally this PC's pending few; found by a scan, so a row whose acked_at was
    cleared behind the app's back is still walked)."""
    acked = map(StoredEvent._make, db.execute(
        f"SELECT {_COLUMNS} FROM events WHERE acked_at IS NOT NULL ORDER BY device_id, seq"))
    pending = [StoredEvent._make(row) for row in db.execute(
        f"SELECT {_COLUMNS} FROM events WHERE acked_at IS NULL ORDER BY device_id, seq")]
    return heapq.merge(acked, pending, key=lambda row: (row.device_id, row.seq))


def verify_chain(db: Database, anchors: dict[str, list] | None = None) -> AuditReport:
    """Walk each device's events by seq and check every link; events synced from other devices too.

    Each row's hash is recomputed from its fields, each prev_hash must equal the previous event's hash
    (GENESIS_HASH for seq 1) and seq must run without gaps, so an edited row shows as a bad hash and a
    removed one as a gap. A chain cannot show events cut from its end: `anchors` (device -> [seq, hash]
    known from a later backup) close that hole.
    """
    me = device_id(db)
    chains: dict[str, DeviceChain] = {}
    expected: dict[str, tuple[int, str]] = {}
    problems, key = _key_problems(db)
    marks, marks_valid = read_marks(db)
    if not marks_valid:
        problems.append("Dấu mốc đã đồng bộ (audit_marks) bị sửa hoặc không mang dấu khóa của máy này.")
    anchors = dict(anchors or {})
    for device, (seq, digest) in marks.items():  # the higher of the backup's head and the sync mark
        if device not in anchors or seq > anchors[device][0]:
            anchors[device] = [seq, digest]
    for row in _events_by_device_and_seq(db):
        device = row.device_id
        chain = chains.get(device)
        if chain is None:
            chain = chains[device] = DeviceChain(device, device == me)
            expected[device] = (1, GENESIS_HASH)
        chain.events += 1
        chain.last_seq = row.seq
        if chain.broken is None:
            seq, previous = expected[device]
            chain.broken = _check_row(device, row, seq, previous, key)
            expected[device] = (row.seq + 1, row.hash)
    for device, (seq, digest) in anchors.items():
        chain = chains.setdefault(device, DeviceChain(device, device == me))
        if chain.broken is not None:
            continue
        if chain.last_seq < seq:
            chain.broken = BrokenLink(device, chain.last_seq + 1, "", "truncated",
                                      f"thiếu các sự kiện cuối chuỗi: bản sao lưu gần nhất hoặc máy chủ đồng bộ "
                                      f"đã có đến số {seq}, dữ liệu chỉ còn đến số {chain.last_seq}")
        else:
            found = event_at(db, device, seq, "uuid, hash") or named(  # another device's unacknowledged: scan
                db, "SELECT uuid, hash FROM events WHERE device_id = ? AND seq = ?", [device, seq]).fetchone()
            if found is not None and found["hash"] != digest:
                chain.broken = BrokenLink(device, seq, found["uuid"], "hash",
                                          "sự kiện khác với bản sao lưu gần nhất (chuỗi đã bị viết lại)")
    ordered = sorted(chains.values(), key=lambda c: (not c.local, c.device_id))
    return AuditReport(ordered, problems)


def _key_problems(db: Database) -> tuple[list[str], bytes | None]:
    """The audit key to check events' marks with, or a problem when the events were sealed with another
    key (the folder copied from another PC, or the secrets file lost: see sync/identity.py)."""
    from db.secrets_move import AUDIT_KEY_ID, key_id

    key = audit_key(db)
    if key is None:
        return ["Không có khóa kiểm toán của máy này (tệp secrets.motcua): chưa kiểm được dấu khóa."], None
    if get_local(db, AUDIT_KEY_ID) != key_id(key):
        return ["Nhật ký được niêm phong bằng khóa của máy khác (thư mục dữ liệu chép từ máy khác, hoặc mất tệp "
                "khóa secrets.motcua): không kiểm được dấu khóa của từng sự kiện."], None
    return [], key


def describe(link: BrokenLink) -> str:
    """One line naming the first broken link, as `audit verify` prints it."""
    where = f"máy {link.device_id}, sự kiện số {link.seq}" + (f" (uuid {link.uuid})" if link.uuid else "")
    return f"Chuỗi nhật ký bị phá vỡ tại {where}: {link.message}."


# ----- reading events for the audit screen and exports

@dataclass(frozen=True)
class EventFilter:
    """What the audit screen filters on; empty fields do not filter. `since`/`until` are days (inclusive)."""

    actor: str = ""
    dossier: str = ""      # a dossier code or uuid (or any entity id)
    action: str = ""
    entity: str = ""
    since: str = ""        # YYYY-MM-DD
    until: str = ""        # YYYY-MM-DD


def _where(f: EventFilter) -> tuple[str, list]:
    clauses, params = [], []
    if f.actor:
        clauses.append("e.actor = ?")
        params.append(f.actor)
    if f.dossier:
        clauses.append("(e.entity_id = ? OR e.entity_id IN (SELECT uuid FROM dossiers WHERE code = ?))")
        params += [f.dossier.strip(), f.dossier.strip()]
    if f.action:
        clauses.append("e.action = ?")
        params.append(f.action)
    if f.entity:
        clauses.append("e.entity = ?")
        params.append(f.entity)
    if f.since:
        clauses.append("e.at >= ?")
        params.append(f.since)
    if f.until:
        clauses.append("e.at < date(?, '+1 day')")  # `at` is ISO text: the whole last day counts
        params.append(f.until)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_KEYS = ("id", "at", "actor", "device_id", "seq", "entity", "entity_id", "action", "payload", "dossier_code")


def _select(where: str) -> str:
    # Newest recorded first, by rowid: millions of events page without a sort (events has no index on
    # `at`); events synced in later may sit above older local ones, their `at` column says when.
    return (f"SELECT e.id, e.at, e.actor, e.device_id, e.seq, e.entity, e.entity_id, e.action, e.payload, "
            f"(SELECT code FROM dossiers d WHERE d.uuid = e.entity_id) FROM events e{where} ORDER BY e.id DESC")


def _event(row: tuple) -> dict:
    event = dict(zip(_KEYS, row, strict=True))
    try:
        event["payload"] = json.loads(event["payload"])
    except ValueError:
        pass  # shown as stored: `audit verify` reports it
    else:
        if isinstance(event["payload"], dict) and event["payload"].get("cccd") and not can(VIEW_FULL_ID):
            event["payload"]["cccd"] = mask_cccd(str(event["payload"]["cccd"]))  # as lists show it
    return event


def list_events(db: Database, f: EventFilter = EventFilter(), *, limit: int = 200, offset: int = 0) -> list[dict]:
    """A page of events, newest first, with the dossier's code when the event concerns a dossier."""
    require(AUDIT, "xem nhật ký thao tác")
    where, params = _where(f)
    return [_event(row) for row in db.execute(_select(where) + " LIMIT ? OFFSET ?", [*params, limit, offset])]


def iter_events(db: Database, f: EventFilter = EventFilter()) -> Iterator[dict]:
    require(AUDIT, "xem nhật ký thao tác")
    where, params = _where(f)
    for row in db.execute(_select(where), params):
        yield _event(row)


def count_events(db: Database, f: EventFilter = EventFilter()) -> int:
    require(AUDIT, "xem nhật ký thao tác")
    where, params = _where(f)
    return scalar(db, f"SELECT count(*) FROM events e{where}", params)


def distinct_values(db: Database, name: str) -> list[str]:
    """The actors, actions or entities present, for the filter lists."""
    if name not in ("actor", "action", "entity"):
        raise ValueError(name)
    return column(db, f"SELECT DISTINCT {name} FROM events ORDER BY {name}")


# ----- export

EXPORT_HEADERS = ["Thời điểm", "Người thực hiện", "Máy", "Số thứ tự", "Đối tượng", "Mã đối tượng", "Mã hồ sơ",
                  "Thao tác", "Nội dung"]


def format_moment(at: str) -> str:
    """ISO 8601 -> 'dd/mm/yyyy HH:MM:SS' as clerks read it; unparsable text is shown as stored."""
    try:
        return datetime.fromisoformat(at).strftime("%d/%m/%Y %H:%M:%S")
    except (TypeError, ValueError):
        return str(at)


def export_cells(event: dict) -> list:
    payload = event["payload"]
    text = canonical_json(payload) if isinstance(payload, dict) else str(payload)
    return [format_moment(event["at"]), event["actor"], event["device_id"], event["seq"], event["entity"],
            event["entity_id"], event["dossier_code"] or "", event["action"], text]


def _write_csv(events: Iterable[dict], target: Path) -> int:
    count = 0
    # UTF-8 with a BOM: without it Excel on Vietnamese Windows reads the file as Windows-1258.
    with open(target, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(EXPORT_HEADERS)
        for event in events:
            writer.writerow(csv_row(export_cells(event)))
            count += 1
    return count


def _write_xlsx(events: Iterable[dict], target: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)  # rows stream to disk: a year of events fits in memory
    sheet = workbook.create_sheet("Nhật ký thao tác")
    for index, width in enumerate((20, 18, 38, 10, 12, 38, 26, 12, 80)):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    header = []
    for text in EXPORT_HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for event in events:
        row = []
        for value in export_cells(event):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: a name starting with "=" is not a formula
            row.append(cell)
        sheet.append(row)
        count += 1
    workbook.save(target)
    return count


def export_events(db: Database, path: Path | str, f: EventFilter = EventFilter(), *, actor: str | None = None) -> int:
    """Write the filtered events to .csv or .xlsx (through a temporary file) and record who exported them:
    payloads carry applicants' personal data (shared/domain.md, "People"). Returns the number of rows."""
    require(AUDIT, "xuất nhật ký thao tác")
    require(EXPORT_PERSONAL, "xuất nhật ký thao tác (có dữ liệu cá nhân)")
    path = Path(path)
    writers = {".csv": _write_csv, ".xlsx": _write_xlsx}
    writer = writers.get(path.suffix.lower())
    if writer is None:
        raise UserError(f"Chỉ xuất được ra tệp .csv hoặc .xlsx, không phải '{path.name}'.")
    count = write_through_temp(path, lambda temporary: writer(iter_events(db, f), temporary))
    filters = {key: value for key, value in asdict(f).items() if value}
    with db.atomic():
        record_event(db, entity="audit", entity_id="export", action="export", actor=actor,
                     payload={"file": path.name, "rows": count, "filters": filters})
    return count

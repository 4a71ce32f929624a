"""One sync run (push pending events in batches, then pull since the cursor), enrollment and status."""

# Network errors and 5xx are retried with exponential back-off and jitter; a 4xx is never resent: the events
# it names are marked refused (shown, not blocking the rest). Every acknowledged batch and every applied page
# is committed at once, so a run stopped anywhere (killed, cancelled, unplugged) resumes where it stopped.

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from db.device import device_id, known_device_id, station_number
from db.events import PENDING, pending_count
from db.rows import scalar
from db.settings_store import load_settings
from models.errors import UserError
from models.roles import EDIT_SETTINGS, SYNC
from models.session import require
from sync import stations
from sync.conflicts import conflict_count
from sync.identity import COPIED_MESSAGE, become_new_device, folder_copied
from sync.lock import SyncLock
from sync.projection import apply_remote_events
from sync.recovery import acknowledged_floor, local_max_seq, merge_own_events, restored_at
from sync.signing import Signer, is_hex, learn_keys, peer_keys, public_key, verify_event
from sync.state import (
    load_state,
    mark_acked,
    mark_rejected,
    now_iso,
    pending_batch,
    rejected_events,
    save_state,
    sendable_count,
)
from sync.tokens import token_id_of
from sync.transport import HubError, HubRefused, HubUntrusted, Response, Transport, expect, normalize_pin
from sync.wire import CLIENT_BATCH_EVENTS, MAX_INT64, PULL_PAGE_EVENTS

CLOCK_TOLERANCE = timedelta(minutes=5)
Progress = Callable[[int, int], None]


class SyncCancelled(Exception):
    """The clerk pressed Dừng: stop between two requests (what was acknowledged stays acknowledged)."""


@dataclass
class RetryPolicy:
    attempts: int = 5
    base: float = 0.5    # seconds before the first retry, doubled each time
    cap: float = 30.0
    rng: random.Random = field(default_factory=random.Random)
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        """Exponential with jitter: half of base·2^attempt (capped) fixed, the other half random."""
        ceiling = min(self.cap, self.base * 2 ** attempt)
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)


@dataclass
class SyncReport:
    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0
    pulled: int = 0
    recovered: int = 0    # this PC's own events taken back from the hub after a restore (sync/recovery.py)
    renumbered: int = 0   # events written since the restore, numbered after the hub's
    recovery_note: str | None = None
    invalid: int = 0
    conflicts: int = 0
    retries: int = 0
    pending: int = 0
    error: str | None = None
    stopped: bool = False
    clock_warning: str | None = None
    station_note: str | None = None  # the hub gave this PC another station number (sync/stations.py)

    @property
    def all_acknowledged(self) -> bool:
        return self.error is None and not self.stopped and self.pending == 0

    def to_dict(self) -> dict:
        return {**asdict(self), "all_acknowledged": self.all_acknowledged}


class _Run:
    def __init__(self, db: Database, transport: Transport, policy: RetryPolicy, progress: Progress | None,
                 cancelled: Callable[[], bool] | None, batch: int):
        self.db, self.transport, self.policy, self.batch = db, transport, policy, batch
        self.progress = progress or (lambda done, total: None)
        self.cancelled = cancelled or (lambda: False)
        self.report = SyncReport()
        self.recovered = False

    def _check(self) -> None:
        if self.cancelled():
            raise SyncCancelled

    def call(self, method: str, path: str, body: dict | None = None) -> Response:
        for attempt in range(self.policy.attempts):
            self._check()
            try:
                response = self.transport.request(method, path, body)
            except HubError as error:
                if not error.retryable or attempt == self.policy.attempts - 1:
                    raise
                self.report.retries += 1
                deadline = time.monotonic() + self.policy.delay(attempt)
                while time.monotonic() < deadline:
                    self._check()
                    self.policy.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
                continue
            self.report.clock_warning = clock_warning(response.server_time) or self.report.clock_warning
            return response
        raise AssertionError("unreachable")

    def push(self) -> None:
        me = device_id(self.db)
        total = sendable_count(self.db)
        done = 0
        self.progress(0, total)
        signer = Signer(self.db)
        while events := pending_batch(self.db, self.batch):
            uuids = {e["uuid"] for e in events}
            try:
                data = expect(self.call("POST", "/v1/events", signer.push_body(me, events)).data,
                              {"accepted": list, "duplicates": list}, "gửi sự kiện")
            except HubRefused as error:
                if error.status == 409 and not self.recovered:
                    self.recover()  # numbers the hub already holds: this PC's log is older than the hub's
                    continue
                named = [r for r in error.rejected if r.get("uuid") in uuids]
                if not named:
                    raise
                mark_rejected(self.db, named, error.status)  # the rest goes again in the next request
                self.report.rejected += len(named)
                continue
            acked = [u for u in data["accepted"] + data["duplicates"] if isinstance(u, str) and u in uuids]
            if not acked:
                raise HubError("Máy chủ không xác nhận sự kiện nào của lô vừa gửi.")
            mark_acked(self.db, acked)
            hub_max = data.get("device_max_seq")
            if not self.recovered and isinstance(hub_max, int) and hub_max > local_max_seq(self.db):
                self.recover()
            self.report.pushed += len(data.get("accepted") or [])
            self.report.duplicates += len(data.get("duplicates") or [])
            done += len(acked)
            self.progress(done, max(total, done))

    def recover_if_needed(self) -> None:
        """Before pushing: after a restore (or when enrollment saw the hub ahead of this PC's log)."""
        state, restore = load_state(self.db), restored_at(self.db)
        if state.recover_needed or (restore is not None and restore != state.restore_checked):
            self.recover()

    def recover(self) -> None:
        """Take this PC's own events back from the hub after its last acknowledged one (sync/recovery.py)."""
        self.recovered = True
        floor = acknowledged_floor(self.db)
        after, hub_max = floor, 0
        fetched: list[dict] = []
        while True:
            try:
                data = self.call("GET", f"/v1/devices/me/events?after_seq={after}&limit={PULL_PAGE_EVENTS}").data
            except HubRefused as error:
                if error.status in (404, 405):
                    raise HubError("Máy chủ chưa hỗ trợ lấy lại thao tác của máy này sau khi khôi phục: "
                                   "hãy cập nhật chương trình máy chủ.") from None
                raise
            expect(data, {"events": list, "next": int, "max_seq": int, "more": bool}, "lấy lại thao tác")
            page = data["events"]
            fetched += page
            hub_max = max(hub_max, data["max_seq"])
            after = data["next"]
            if not data.get("more") or not page:
                break
        result = merge_own_events(self.db, fetched, floor=floor, hub_max_seq=hub_max, restore=restored_at(self.db))
        self.report.recovered += result.fetched
        self.report.renumbered += result.renumbered
        self.report.conflicts += result.conflicts
        self.report.recovery_note = result.note

    def unit_view(self) -> None:
        """Per PC of the unit, what the others have not pulled yet (shown on the Đồng bộ screen); one try,
        and an older hub without it is no error."""
        try:
            data = self.transport.request("GET", f"/v1/unit/status?after={load_state(self.db).cursor}").data
        except HubError:
            return
        if isinstance(data.get("devices"), list):
            save_state(self.db, unit_view=[d for d in data["devices"] if isinstance(d, dict)][:50],
                       unit_view_at=now_iso())

    def pull(self) -> None:
        cursor = load_state(self.db).cursor
        while True:
            data = expect(self.call("GET", f"/v1/events?after={cursor}&limit={PULL_PAGE_EVENTS}").data,
                          {"events": list, "next": int, "more": bool}, "nhận sự kiện")
            events, following = data["events"], data["next"]
            if len(events) > PULL_PAGE_EVENTS or not 0 <= following <= MAX_INT64:
                raise HubUntrusted("Máy chủ trả lời sai dạng (nhận sự kiện): không nhận.")
            events, unsigned = checked_signatures(self.db, events, data.get("device_keys"))
            self.report.invalid += unsigned
            result = apply_remote_events(self.db, events, cursor=following)
            self.report.pulled += result.new
            self.report.invalid += len(result.invalid)
            self.report.conflicts += result.conflicts
            cursor = following
            if not data.get("more") or not events:
                return


def checked_signatures(db: Database, events: list, keys: object) -> tuple[list, int]:
    """Other devices' events whose signature checks against the key the hub handed out for their device
    (learned once, never replaced: sync/signing.py); an unsigned event of a device with a key, or a badly
    signed one, is dropped and counted. Events of devices without a key (enrolled before issue #17) pass."""
    refused = set(learn_keys(db, keys))
    known = peer_keys(db)
    kept = []
    for event in events:
        if not isinstance(event, dict):
            kept.append(event)  # apply_remote_events reports its shape
            continue
        key = known.get(str(event.get("device_id")))
        if event.get("device_id") in refused or (key is not None and not verify_event(key, event)):
            continue
        kept.append(event)
    return kept, len(events) - len(kept)


def clock_warning(server_time: str | None, now: datetime | None = None) -> str | None:
    """A plain warning when this PC's clock is far from the hub's (deadlines depend on it)."""
    if not server_time:
        return None
    try:
        server = datetime.fromisoformat(server_time)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            server = parsedate_to_datetime(server_time)
        except (TypeError, ValueError):
            return None
    local = now or datetime.now().astimezone()
    skew = local - server
    if abs(skew) <= CLOCK_TOLERANCE:
        return None
    minutes = round(abs(skew).total_seconds() / 60)
    way = "nhanh" if skew > timedelta(0) else "chậm"
    return (f"Đồng hồ máy này {way} {minutes} phút so với máy chủ: hãy chỉnh lại giờ máy "
            "(hạn trả hồ sơ được tính theo đồng hồ máy).")


def local_clock_warning(db: Database, now: datetime | None = None) -> str | None:
    """Warn when this PC's clock is earlier than the newest event it holds."""
    newest_at = scalar(db, "SELECT max(at) FROM events")
    if not newest_at:
        return None
    local = now or datetime.now().astimezone()
    newest = datetime.fromisoformat(newest_at)
    if newest - local > CLOCK_TOLERANCE:
        return (f"Đồng hồ máy này ({local:%H:%M %d/%m/%Y}) sớm hơn sự kiện mới nhất đã ghi "
                f"({newest:%H:%M %d/%m/%Y}): hãy chỉnh lại giờ máy.")
    return None


def run_sync(db: Database, data_dir: Path | str, *, progress: Progress | None = None,
             cancelled: Callable[[], bool] | None = None, policy: RetryPolicy | None = None,
             batch: int = CLIENT_BATCH_EVENTS, transport: Transport | None = None) -> SyncReport:
    """One full push then pull under the folder's sync lock; the outcome is stored for the status bar."""
    require(SYNC, "đồng bộ")
    if folder_copied(db):
        raise UserError(COPIED_MESSAGE)
    state = load_state(db)
    if not state.enrolled and state.hub_url:
        raise UserError("Máy này cần đăng ký lại với máy chủ đồng bộ (tệp khóa của máy không còn, ví dụ sau khi "
                        "khôi phục sang máy mới): hãy xin mã đăng ký mới rồi chạy 'sync enroll --hub URL "
                        "--new-device'.")
    if not state.enrolled:
        raise UserError("Máy này chưa đăng ký với máy chủ đồng bộ: hãy chạy 'sync enroll --hub URL --token MÃ'.")
    with SyncLock(data_dir):
        save_state(db, last_attempt=now_iso())
        run = _Run(db, transport or Transport(state.hub_url, state.token, pin=state.hub_pin), policy or RetryPolicy(),
                   progress, cancelled, batch)
        report = run.report
        try:
            report.station_note = stations.confirm(db, run.call)  # the hub's number, before anything new
            run.recover_if_needed()
            run.push()
            run.pull()
            if sendable_count(db):  # recorded while pulling (a renamed dossier's 'recode' event): sent now
                run.push()
            run.unit_view()
        except SyncCancelled:
            report.stopped = True
        except HubError as error:
            report.error = str(error)
        finally:
            run.transport.close()
        report.pending = pending_count(db)
        report.clock_warning = report.clock_warning or local_clock_warning(db)
        if report.invalid and not report.error:
            report.error = f"{report.invalid} sự kiện nhận từ máy chủ bị hỏng, không áp dụng."
        if report.error:
            save_state(db, last_error=report.error, failures=state.failures + 1, clock_warning=report.clock_warning)
        elif not report.stopped:
            save_state(db, last_ok=now_iso(), last_error=None, failures=0, clock_warning=report.clock_warning)
    return report


def enroll(db: Database, hub_url: str, token: str, *, transport: Transport | None = None, pin: str = "",
           new_device: bool = False) -> dict:
    """Bind this PC to the hub with the token `hub enroll` printed: once (again with the same token is fine)."""
    require(EDIT_SETTINGS, "đăng ký máy này với máy chủ đồng bộ")
    token = token.strip()
    if token_id_of(token) is None:
        raise UserError("Mã đăng ký không đúng dạng (mc1.xxxx.yyyy): hãy chép lại đúng mã máy chủ in ra.")
    if folder_copied(db) and not new_device:
        raise UserError(COPIED_MESSAGE)
    state = load_state(db)
    if new_device:
        if token == state.token:
            raise UserError("Máy mới cần mã đăng ký mới: mã này thuộc máy gốc (hãy chạy 'hub enroll' trên máy chủ).")
        become_new_device(db)
        state = load_state(db)
    if state.enrolled and state.token != token:
        raise UserError(f"Máy này đã đăng ký với máy chủ {state.hub_url} bằng một mã khác.")
    pin = normalize_pin(pin)
    if pin and not is_hex(pin, 64):
        raise UserError("Dấu vân tay chứng chỉ (--pin) phải là 64 chữ số hex (SHA-256).")
    transport = transport or Transport(hub_url, token, pin=pin)
    body = {"device_id": device_id(db), "station": station_number(db), "public_key": public_key(db),
            "keep": stations.keep_wish(db)}
    try:
        response = _Run(db, transport, RetryPolicy(attempts=3), None, None, 0).call("POST", "/v1/enroll", body)
    except HubError as error:
        raise UserError(f"Không đăng ký được: {error}") from None
    finally:
        transport.close()
    try:
        data = expect(response.data, {"unit_code": str, "unit_key": str, "device_id": str, "device_max_seq": int},
                      "đăng ký")
    except HubError as error:
        raise UserError(f"Không đăng ký được: {error}") from None
    if not is_hex(data["unit_key"], 64) or len(data["unit_code"]) > 64 or data["device_id"] != device_id(db):
        raise UserError("Không đăng ký được: máy chủ trả lời sai dạng.")
    learn_keys(db, data.get("device_keys"))
    save_state(db, hub_url=hub_url.strip().rstrip("/"), token=token, hub_pin=pin, unit_code=data["unit_code"],
               unit_key=data["unit_key"], enrolled_at=now_iso(), clock_warning=clock_warning(response.server_time),
               recover_needed=int(data.get("device_max_seq") or 0) > local_max_seq(db))
    note = stations.adopt(db, data.get("station")) if "station" in data else None
    warnings = []
    local_code = load_settings(db).unit_code
    if local_code and local_code != data["unit_code"]:
        warnings.append(f"Mã đơn vị trong cài đặt ({local_code}) khác mã đơn vị trên máy chủ ({data['unit_code']}).")
    if data.get("same_station"):
        warnings.append(f"Số máy trạm {station_number(db)} đã có máy khác của đơn vị dùng: hãy đặt số khác "
                        "(settings set --station N) để mã hồ sơ không trùng.")
    skew = clock_warning(response.server_time)
    if skew:
        warnings.append(skew)
    return {"device_id": device_id(db), "unit_code": data["unit_code"], "hub": hub_url, "warnings": warnings,
            "station": station_number(db), "station_note": note}


def sync_status(db: Database) -> dict:
    """What the status bar and `sync status` show, recomputed from the database."""
    state = load_state(db)
    return {"device_id": device_id(db), "enrolled": state.enrolled, "hub": state.hub_url,
            "unit_code": state.unit_code, "pending": pending_count(db), "sendable": sendable_count(db),
            "rejected": len(rejected_events(db)), "conflicts": conflict_count(db), "last_ok": state.last_ok,
            "last_error": state.last_error, "last_attempt": state.last_attempt, "cursor": state.cursor,
            "auto_minutes": state.auto_minutes, "recovery_note": state.recovery_note,
            "trust_warning": COPIED_MESSAGE if folder_copied(db) else (
                "Máy này cần đăng ký lại với máy chủ đồng bộ (tệp khóa của máy không còn): sync enroll --hub URL "
                "--new-device với mã đăng ký mới." if state.hub_url and not state.enrolled else None),
            "clock_warning": state.clock_warning or local_clock_warning(db), "station": station_number(db),
            "station_confirmed": state.station_confirmed, "station_note": state.station_note,
            "unit_view_at": state.unit_view_at, "unseen_by_pc": unseen_by_pc(db, state)}


def pending_receives(db: Database) -> int:
    """Dossiers this PC received that the hub has not acknowledged: no other PC can have seen them."""
    device = known_device_id(db)
    if device is None:
        return 0
    return scalar(db, f"SELECT count(*) FROM events WHERE {PENDING} AND entity = 'dossier' AND action = 'receive'",
                  [device])


def unseen_by_pc(db: Database, state=None) -> list[dict]:
    """Per PC of the unit, how many of its dossiers the other PCs have not seen yet: for this PC, the ones
    not yet sent plus the ones on the hub another PC has not pulled; for the others, what the hub said at
    the last sync run (a PC's unsent dossiers only it knows)."""
    state = state or load_state(db)
    me = known_device_id(db)
    rows = []
    for item in state.unit_view or []:
        device = str(item.get("device_id") or "")
        unseen = item.get("unseen") if isinstance(item.get("unseen"), int) else 0
        rows.append({"device_id": device, "station": item.get("station"), "me": device == me,
                     "unseen": unseen, "unsent": 0, "pulled_at": item.get("pulled_at")})
    mine = next((r for r in rows if r["me"]), None)
    if mine is None:
        mine = {"device_id": me or "", "station": station_number(db), "me": True, "unseen": 0, "unsent": 0,
                "pulled_at": None}
        rows.insert(0, mine)
    mine["unsent"] = pending_receives(db)
    mine["unseen"] += mine["unsent"]
    mine["station"] = station_number(db)
    rows.sort(key=lambda r: (not r["me"], r["station"] or 99, r["device_id"]))
    return rows

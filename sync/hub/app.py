"""The hub's HTTP JSON API on Starlette (run by uvicorn): enroll, push, pull, own events, health, OpenAPI,
and the province administrator's report and catalog publishing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from datetime import datetime
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse as StarletteJSONResponse
from starlette.routing import Route

from models.errors import UserError
from sync.hub.access_log import AccessLog
from sync.hub.known_devices import KnownDevices
from sync.hub.openapi import SPEC
from sync.hub.store import DATABASE_URL_ENV, STATIONS, Admin, Device, HubStore, NoFreeStation, StoreConflict
from sync.signing import is_hex, verify_event, verify_push
from sync.wire import MAX_BATCH_EVENTS, MAX_BODY_BYTES, MAX_INT64, PULL_PAGE_EVENTS, problem


class JSONResponse(StarletteJSONResponse):
    """orjson writes the answers: a pull page embeds each stored payload as it is (orjson.Fragment), never
    parsed and written again (bench/bench_hub.py)."""

    def render(self, content: object) -> bytes:
        return orjson.dumps(content)


class Refused(Exception):
    """A request the hub will not act on: answered with a 4xx and a reason, nothing changed."""

    def __init__(self, status: int, code: str, message: str, rejected: list[dict] | None = None,
                 extra: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.rejected = status, code, message, rejected
        self.extra = extra or {}


def server_time() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _refusal(error: Refused) -> JSONResponse:
    body: dict[str, object] = {**error.extra, "error": error.code, "message": error.message,
                               "server_time": server_time()}
    if error.rejected:
        body["rejected"] = error.rejected
    return JSONResponse(body, status_code=error.status)


class Hub:
    """The handlers with their store and limits. `fault` is a test hook (MOTCUA_HUB_FAULT), e.g.
    'kill_after_commit:3' (SIGKILL itself after the 3rd stored batch, before answering) or
    'fail_after_commit:3' (answer 503 after storing: the response is lost, the events are kept)."""

    def __init__(self, store: HubStore, *, max_batch: int = MAX_BATCH_EVENTS, max_body: int = MAX_BODY_BYTES,
                 fault: str | None = None):
        self.store, self.max_batch, self.max_body = store, max_batch, max_body
        self.fault = fault.split(":") if fault else None
        self.commits = 0
        self.known = KnownDevices(store)

    async def _device(self, request: Request, *, enrolled: bool = True) -> Device:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer ") or not header[7:].strip():
            raise Refused(401, "no_token", "Thiếu mã đăng ký máy (Authorization: Bearer ...).")
        token = header[7:].strip()
        device = self.known.device(token) if enrolled else None
        if device is None:
            device = await run_in_threadpool(self.store.device_for, token)
            if device is not None:
                self.known.remember(token, device)
        if device is None:
            if await run_in_threadpool(self.store.admin_for, token) is not None:
                raise Refused(403, "admin_token", "Mã quản trị tỉnh không có quyền của cán bộ một cửa: không gửi, "
                                                  "không nhận hồ sơ.")
            raise Refused(401, "bad_token", "Mã đăng ký máy không đúng hoặc đã bị thu hồi.")
        if enrolled and device.device_id is None:
            raise Refused(403, "not_enrolled", "Mã này chưa gắn với máy nào: hãy chạy 'sync enroll' trước.")
        return device

    async def _bytes(self, request: Request, what: str = "Yêu cầu") -> bytes:
        """The request's body, refused (413) past max_body: by its declared length before reading, and
        while reading (a body may declare none or lie)."""
        too_large = Refused(413, "too_large", f"{what} quá lớn (tối đa {self.max_body} byte).")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise too_large
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)

    async def _body(self, request: Request) -> dict:
        raw = await self._bytes(request)
        try:
            data = orjson.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):  # orjson: nesting too deep, ints beyond 64 bits
            raise Refused(400, "bad_json", "Nội dung không phải JSON hợp lệ.") from None
        if not isinstance(data, dict):
            raise Refused(400, "bad_json", "Nội dung phải là một đối tượng JSON.")
        return data

    async def health(self, request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "server_time": server_time(), "max_batch": self.max_batch,
                             "max_body_bytes": self.max_body})

    async def healthz(self, request: Request) -> JSONResponse:
        """For a load balancer or a monitor: 200 when the store answers and its schema is this program's."""
        try:
            state = await run_in_threadpool(self.store.health)
        except Exception as error:  # the store is down: say so, never a traceback
            return JSONResponse({"status": "unavailable", "error": type(error).__name__,
                                 "server_time": server_time()}, status_code=503)
        ok = state["schema_current"]
        return JSONResponse({"status": "ok" if ok else "schema_mismatch", **state, "server_time": server_time()},
                            status_code=200 if ok else 503)

    async def _admin(self, request: Request) -> Admin:
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        admin = await run_in_threadpool(self.store.admin_for, token) if token else None
        if admin is None:
            raise Refused(403, "not_admin", "Việc này cần mã quản trị tỉnh ('hub enroll-admin').")
        return admin

    async def report(self, request: Request) -> JSONResponse:
        """The province's figures (GET /v1/admin/report?from=YYYY-MM-DD&to=YYYY-MM-DD[&unit_code=U])."""
        from sync.hub.report import hub_report

        await self._admin(request)
        query = request.query_params
        try:
            body = await run_in_threadpool(hub_report, self.store, query.get("from", ""), query.get("to", ""),
                                           query.get("unit_code") or None)
        except UserError as error:
            raise Refused(400, "bad_request", str(error)) from None
        return JSONResponse(body)

    async def publish(self, request: Request) -> JSONResponse:
        """POST /v1/admin/catalog?scope=province or ?unit_code=U, body: the catalog file (XLSX or CSV)."""
        from sync.hub.catalog_publish import publish_bytes

        admin = await self._admin(request)
        content = await self._bytes(request, "Tệp")
        query = request.query_params
        try:
            result = await run_in_threadpool(publish_bytes, self.store, content,
                                             query.get("name", "danh_muc.xlsx"), query.get("unit_code") or None,
                                             actor=admin.note or "Quản trị tỉnh")
        except UserError as error:
            raise Refused(400, "bad_catalog", str(error)) from None
        return JSONResponse(result)

    async def openapi(self, request: Request) -> JSONResponse:
        return JSONResponse(SPEC)

    async def enroll(self, request: Request) -> JSONResponse:
        device = await self._device(request, enrolled=False)
        data = await self._body(request)
        device_id, station = data.get("device_id"), data.get("station")
        if not isinstance(device_id, str) or not 0 < len(device_id) <= 64:
            raise Refused(400, "bad_request", "Thiếu mã máy (device_id).")
        _check_station(station, optional=True)
        public_key = data.get("public_key")
        if public_key is not None and not is_hex(public_key, 64):
            raise Refused(400, "bad_request", "Khóa công khai (public_key) phải là 64 ký tự hex.")
        # `keep`: the PC already received dossiers under its number (or it was set by hand): it keeps it when
        # no other PC holds it. Otherwise it takes the number the hub gives. Older clients send no `keep`.
        wanted = station if data.get("keep", True) is True else None
        try:
            device, same_station = await run_in_threadpool(self.store.claim, device.token_id, device_id, wanted)
        except StoreConflict as error:
            raise Refused(409, "token_used", error.rejected[0]["reason"]) from None
        except NoFreeStation as error:
            raise Refused(409, "no_station", str(error)) from None
        if public_key is not None and await run_in_threadpool(self.store.set_device_key, device_id,
                                                              public_key) != public_key:
            raise Refused(409, "key_mismatch", "Máy này đã đăng ký với một khóa ký khác (thư mục dữ liệu chép từ "
                                               "máy khác?): hãy đăng ký như một máy mới với mã đăng ký mới.")
        unit_key = await run_in_threadpool(self.store.unit_key, device.unit_code)
        max_seq = await run_in_threadpool(self.store.max_seq, device.enrolled_id)
        keys = await run_in_threadpool(self.store.unit_device_keys, device.unit_code)
        return JSONResponse({"device_id": device.device_id, "unit_code": device.unit_code,
                             "unit_key": unit_key, "same_station": same_station, "station": device.station,
                             "device_max_seq": max_seq, "device_keys": keys, "server_time": server_time()})

    async def station(self, request: Request) -> JSONResponse:
        """A PC asks for a station number (set by hand, or checked at the start of a sync run): granted when
        no other PC of the unit holds it; else 409 with the number the hub holds for this PC and the free ones."""
        device = await self._device(request)
        data = await self._body(request)
        if data.get("device_id") != device.device_id:
            raise Refused(403, "wrong_device", "Mã máy gửi không khớp với mã đăng ký.")
        wanted = _check_station(data.get("station"), optional=False)
        assert wanted is not None  # optional=False refuses a missing number
        return await run_in_threadpool(self._station, device, wanted)

    def _station(self, device: Device, wanted: int) -> JSONResponse:
        holder = self.store.holder_of(device.unit_code, wanted)
        granted = None
        if holder is None or holder["token_id"] == device.token_id:
            try:
                granted = self.store.reserve_station(device.token_id, wanted)
            except NoFreeStation:
                granted = None
        if granted == wanted:
            return JSONResponse({"station": granted, "server_time": server_time()})
        try:
            mine = self.store.reserve_station(device.token_id)
        except NoFreeStation as error:
            raise Refused(409, "no_station", str(error)) from None
        holder = self.store.holder_of(device.unit_code, wanted) or {}
        held = {s["station"] for s in self.store.stations(device.unit_code)}
        free = [n for n in STATIONS if n not in held]
        who = (holder.get("device_id") or "chưa gắn máy")[:8] + (f", {holder['note']}" if holder.get("note") else "")
        raise Refused(409, "station_taken", (
            f"Số máy trạm {wanted} đang do một máy khác của đơn vị dùng (máy {who}): chọn số khác. Số của máy "
            f"này trên máy chủ: {mine}. Các số còn trống: {', '.join(map(str, free)) or 'không còn'}."),
            extra={"station": mine, "free": free, "holder": holder.get("device_id")})

    async def unit_status(self, request: Request) -> JSONResponse:
        """Per PC of the caller's unit: its station and how many of its dossiers another PC has not pulled yet."""
        device = await self._device(request)
        if "after" in request.query_params:  # the caller's pull cursor: it holds the others' events up to there
            await run_in_threadpool(self.store.record_pull, device.enrolled_id, self._page(request, "after")[0])
        rows = await run_in_threadpool(self.store.unseen_dossiers, device.unit_code)
        devices = [{**d, "me": d["device_id"] == device.device_id} for d in rows]
        return JSONResponse({"unit_code": device.unit_code, "devices": devices, "server_time": server_time()})

    async def push(self, request: Request) -> JSONResponse:
        device = await self._device(request)
        data = await self._body(request)
        events = data.get("events")
        if not isinstance(events, list):
            raise Refused(400, "bad_request", "Thiếu danh sách sự kiện (events).")
        if data.get("device_id") != device.device_id:
            raise Refused(403, "wrong_device", "Mã máy gửi không khớp với mã đăng ký.")
        if len(events) > self.max_batch:
            raise Refused(413, "batch_too_large", f"Lô quá lớn: {len(events)} sự kiện (tối đa {self.max_batch}).")
        bad = [{"uuid": str(e.get("uuid", "")) if isinstance(e, dict) else "", "reason": reason}
               for e in events if (reason := problem(e))]
        if bad:
            raise Refused(422, "invalid_events", f"{len(bad)} sự kiện không hợp lệ: không lưu gì.", bad)
        accepted, duplicates, max_seq = await run_in_threadpool(self._store_push, device, events, data.get("push_sig"))
        self._after_commit()
        return JSONResponse({"accepted": accepted, "duplicates": duplicates, "device_max_seq": max_seq,
                             "server_time": server_time()})

    def _store_push(self, device: Device, events: list[dict], push_sig: object = None
                    ) -> tuple[list[str], list[str], int]:
        """The push's storage work in one trip to a worker thread: the sender's own events only, signed by
        its key (issue #17), the batch and the device's last seq in one transaction."""
        foreign = [{"uuid": e["uuid"], "reason": "sự kiện của máy khác, không phải máy gửi"}
                   for e in events if e["device_id"] != device.device_id]
        if foreign:  # another PC's events reach the hub from that PC, never through this one
            raise Refused(403, "foreign_events", f"{len(foreign)} sự kiện mang mã máy khác máy gửi: không lưu gì.",
                          foreign)
        key = self.known.key(device.enrolled_id)
        if key is not None:
            self._check_signatures(key, device.enrolled_id, events, push_sig)
        if not events:
            return [], [], self.store.max_seq(device.enrolled_id)
        try:
            return self.store.store_push(device.unit_code, device.enrolled_id, events)
        except StoreConflict as error:
            raise Refused(409, "conflicting_events", str(error) + ": không lưu gì. Nếu thư mục dữ liệu của máy "
                          "này đã được chép sang máy khác, hãy đăng ký máy đó như một máy mới.",
                          error.rejected) from None

    @staticmethod
    def _check_signatures(key: str, device_id: str, events: list[dict], push_sig: object) -> None:
        """A push signed as a whole (`push_sig`, sync/signing.push_message) is checked once, and each event
        must carry its own signature for the peers (who check it); a push without one is checked event by
        event. Either way an event the device did not sign is refused."""
        if push_sig is not None:
            if not verify_push(key, device_id, events, push_sig):
                raise Refused(403, "bad_signature", "Chữ ký của lô không đúng chữ ký của máy gửi: không lưu gì.",
                              [{"uuid": e["uuid"], "reason": "chữ ký của lô không đúng"} for e in events])
            unsigned = [{"uuid": e["uuid"], "reason": "thiếu chữ ký của máy"} for e in events
                        if not isinstance(e.get("sig"), str)]
        else:
            unsigned = [{"uuid": e["uuid"], "reason": "chữ ký của máy không đúng"}
                        for e in events if not verify_event(key, e)]
        if unsigned:
            raise Refused(403, "bad_signature", f"{len(unsigned)} sự kiện không có chữ ký đúng của máy gửi: "
                                                "không lưu gì.", unsigned)

    def _after_commit(self) -> None:
        self.commits += 1
        if self.fault and len(self.fault) == 2 and self.fault[1].isdigit() and self.commits == int(self.fault[1]):
            if self.fault[0] == "kill_after_commit":
                os.kill(os.getpid(), signal.SIGKILL)
            if self.fault[0] == "fail_after_commit":
                raise Refused(503, "lost_response", "Lỗi thử nghiệm: đã lưu nhưng không trả lời.")

    def _page(self, request: Request, name: str) -> tuple[int, int]:
        """The `name` (≥ 0) and `limit` (1..max_batch) query parameters, or a 400."""
        try:
            after = int(request.query_params.get(name, "0"))
            limit = int(request.query_params.get("limit", str(PULL_PAGE_EVENTS)))
        except ValueError:
            raise Refused(400, "bad_request", f"Tham số {name}/limit phải là số nguyên.") from None
        if not 0 <= after <= MAX_INT64 or not 1 <= limit <= self.max_batch:
            raise Refused(400, "bad_request", f"{name} ≥ 0 và limit từ 1 đến {self.max_batch}.")
        return after, limit

    async def pull(self, request: Request) -> JSONResponse:
        device = await self._device(request)
        after, limit = self._page(request, "after")
        events, keys = await run_in_threadpool(self._pull, device, after, limit)
        return JSONResponse({"events": events, "next": events[-1]["server_seq"] if events else after,
                             "more": len(events) == limit, "device_keys": keys, "server_time": server_time()})

    def _pull(self, device: Device, after: int, limit: int) -> tuple[list[dict], dict[str, str]]:
        """One trip to a worker thread: the pull's mark (the caller holds the others' events up to `after`),
        the page, and the unit's keys, which name the key of every device in the page."""
        self.store.record_pull(device.enrolled_id, after)
        events = self.store.events_after(device.unit_code, after, limit, device.enrolled_id, raw_payload=True)
        return events, self.known.unit_keys(device.unit_code, {e["device_id"] for e in events})

    async def own_events(self, request: Request) -> JSONResponse:
        """The calling device's own events after a seq: a PC restored from an old backup takes back what it
        had pushed since (sync/README.md, "After a restore")."""
        device = await self._device(request)
        after, limit = self._page(request, "after_seq")
        events = await run_in_threadpool(self.store.own_events, device.enrolled_id, after, limit, raw_payload=True)
        max_seq = await run_in_threadpool(self.store.max_seq, device.enrolled_id)
        return JSONResponse({"device_id": device.device_id, "events": events,
                             "next": events[-1]["seq"] if events else after, "more": len(events) == limit,
                             "max_seq": max_seq, "server_time": server_time()})


def _check_station(value: object, *, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value not in STATIONS:
        raise Refused(400, "bad_request", "Số máy trạm phải từ 1 đến 9.")
    return value


FACTS_SECONDS_ENV = "MOTCUA_HUB_FACTS_SECONDS"


def _facts_every() -> float:
    """How often a serving hub folds new dossier events into the report's facts (0: only when asked)."""
    value = os.environ.get(FACTS_SECONDS_ENV, "60")
    return float(value) if value.replace(".", "", 1).isdigit() else 60.0


def create_app(store: HubStore, *, facts_every: float = 0.0, **options: Any) -> Starlette:
    """The app; with `facts_every` a background task keeps the report's facts current, so `hub report`
    and /v1/admin/report rarely have more than a minute of events to fold."""
    hub = Hub(store, **options)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(_refresh_facts(store, facts_every)) if facts_every > 0 else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()

    def wrap(handler):
        async def endpoint(request: Request) -> JSONResponse:
            try:
                return await handler(request)
            except Refused as error:
                return _refusal(error)
        return endpoint

    routes = [
        Route("/v1/health", wrap(hub.health), methods=["GET"]),
        Route("/healthz", wrap(hub.healthz), methods=["GET"]),
        Route("/v1/admin/report", wrap(hub.report), methods=["GET"]),
        Route("/v1/admin/catalog", wrap(hub.publish), methods=["POST"]),
        Route("/openapi.json", wrap(hub.openapi), methods=["GET"]),
        Route("/v1/enroll", wrap(hub.enroll), methods=["POST"]),
        Route("/v1/events", wrap(hub.push), methods=["POST"]),
        Route("/v1/events", wrap(hub.pull), methods=["GET"]),
        Route("/v1/devices/me/events", wrap(hub.own_events), methods=["GET"]),
        Route("/v1/station", wrap(hub.station), methods=["POST"]),
        Route("/v1/unit/status", wrap(hub.unit_status), methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.hub = hub
    return app


async def _refresh_facts(store: HubStore, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await run_in_threadpool(store.refresh_facts)
        except Exception:  # a failed refresh is retried next time; a report refreshes by itself anyway
            logging.getLogger("motcua.hub").exception("refresh of the report's facts failed")


DATA_DIR_ENV = "MOTCUA_HUB_DATA_DIR"


def worker_app() -> AccessLog:
    """The app of one uvicorn worker process (--workers N): its own store and pool, from the environment."""
    from sync.hub.store import open_store

    store = open_store(os.environ[DATA_DIR_ENV], os.environ.get(DATABASE_URL_ENV) or None)
    return AccessLog(create_app(store, facts_every=_facts_every(), fault=os.environ.get("MOTCUA_HUB_FAULT") or None))


def certificate_fingerprint(cert_file: str) -> str:
    """SHA-256 of the certificate (DER): what a PC pins for a self-signed hub (`sync enroll --pin`)."""
    import hashlib
    import ssl

    with open(cert_file, encoding="ascii") as handle:
        return hashlib.sha256(ssl.PEM_cert_to_DER_cert(handle.read())).hexdigest()


def serve(data_dir: str, host: str = "127.0.0.1", port: int = 8765, database_url: str | None = None,
          workers: int = 1, *, tls_cert: str | None = None, tls_key: str | None = None) -> None:
    """Run the hub until stopped (Ctrl+C): the SQLite file in `data_dir`, or PostgreSQL at `database_url`.
    Several workers each open their own store (and pool) in their own process."""
    import uvicorn

    from sync.hub.store import database_url as pick_url
    from sync.hub.store import open_store, safe_url

    url = pick_url(database_url)
    where = safe_url(url) if url else data_dir
    os.environ[DATA_DIR_ENV] = str(data_dir)
    if url:
        os.environ[DATABASE_URL_ENV] = url
    store = open_store(data_dir, url)  # migrations run once here, before any worker starts
    try:
        scheme = "https" if tls_cert else "http"
        print(f"Máy chủ đồng bộ MotCua: {scheme}://{host}:{port}  (dữ liệu: {where}, {workers} tiến trình)",
              flush=True)
        if tls_cert:  # uvicorn's own TLS (issue #17); a self-signed certificate is pinned by PCs
            print(f"Dấu vân tay chứng chỉ (SHA-256, cho 'sync enroll --pin'): {certificate_fingerprint(tls_cert)}",
                  flush=True)
        tls: dict[str, Any] = {"ssl_certfile": tls_cert, "ssl_keyfile": tls_key} if tls_cert else {}
        if workers > 1:
            store.close()
            uvicorn.run("sync.hub.app:worker_app", factory=True, host=host, port=port, workers=workers,
                        log_level="warning", access_log=False, **tls)
            return
        app = AccessLog(create_app(store, facts_every=_facts_every(),
                                   fault=os.environ.get("MOTCUA_HUB_FAULT") or None))
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, **tls)
    finally:
        store.close()

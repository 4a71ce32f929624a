"""The hub's HTTP JSON API on Starlette (run by uvicorn): enroll, push, pull, own events, health, OpenAPI."""

from __future__ import annotations

import json
import os
import signal
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sync.hub.openapi import SPEC
from sync.hub.store import Device, HubStore, StoreConflict
from sync.signing import is_hex, verify_event
from sync.wire import MAX_BATCH_EVENTS, MAX_BODY_BYTES, MAX_INT64, PULL_PAGE_EVENTS, problem


class Refused(Exception):
    """A request the hub will not act on: answered with a 4xx and a reason, nothing changed."""

    def __init__(self, status: int, code: str, message: str, rejected: list[dict] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.rejected = status, code, message, rejected


def server_time() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _refusal(error: Refused) -> JSONResponse:
    body: dict[str, object] = {"error": error.code, "message": error.message, "server_time": server_time()}
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

    def _device(self, request: Request, *, enrolled: bool = True) -> Device:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer ") or not header[7:].strip():
            raise Refused(401, "no_token", "Thiếu mã đăng ký máy (Authorization: Bearer ...).")
        device = self.store.device_for(header[7:].strip())
        if device is None:
            raise Refused(401, "bad_token", "Mã đăng ký máy không đúng hoặc đã bị thu hồi.")
        if enrolled and device.device_id is None:
            raise Refused(403, "not_enrolled", "Mã này chưa gắn với máy nào: hãy chạy 'sync enroll' trước.")
        return device

    async def _body(self, request: Request) -> dict:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise Refused(413, "too_large", f"Yêu cầu quá lớn (tối đa {self.max_body} byte).")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body:
                raise Refused(413, "too_large", f"Yêu cầu quá lớn (tối đa {self.max_body} byte).")
            chunks.append(chunk)
        try:
            data = json.loads(b"".join(chunks))
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nesting too deep
            raise Refused(400, "bad_json", "Nội dung không phải JSON hợp lệ.") from None
        if not isinstance(data, dict):
            raise Refused(400, "bad_json", "Nội dung phải là một đối tượng JSON.")
        return data

    async def health(self, request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "server_time": server_time(), "max_batch": self.max_batch,
                             "max_body_bytes": self.max_body})

    async def openapi(self, request: Request) -> JSONResponse:
        return JSONResponse(SPEC)

    async def enroll(self, request: Request) -> JSONResponse:
        device = self._device(request, enrolled=False)
        data = await self._body(request)
        device_id, station = data.get("device_id"), data.get("station")
        if not isinstance(device_id, str) or not 0 < len(device_id) <= 64:
            raise Refused(400, "bad_request", "Thiếu mã máy (device_id).")
        if station is not None and (not isinstance(station, int) or isinstance(station, bool)
                                    or not 1 <= station <= 9):
            raise Refused(400, "bad_request", "Số máy trạm phải từ 1 đến 9.")
        public_key = data.get("public_key")
        if public_key is not None and not is_hex(public_key, 64):
            raise Refused(400, "bad_request", "Khóa công khai (public_key) phải là 64 ký tự hex.")
        try:
            device, same_station = self.store.claim(device.token_id, device_id, station)
        except StoreConflict as error:
            raise Refused(409, "token_used", error.rejected[0]["reason"]) from None
        if public_key is not None and self.store.set_device_key(device_id, public_key) != public_key:
            raise Refused(409, "key_mismatch", "Máy này đã đăng ký với một khóa ký khác (thư mục dữ liệu chép từ "
                                               "máy khác?): hãy đăng ký như một máy mới với mã đăng ký mới.")
        return JSONResponse({"device_id": device.device_id, "unit_code": device.unit_code,
                             "unit_key": self.store.unit_key(device.unit_code), "same_station": same_station,
                             "device_max_seq": self.store.max_seq(device.enrolled_id),
                             "device_keys": self.store.unit_device_keys(device.unit_code),
                             "server_time": server_time()})

    async def push(self, request: Request) -> JSONResponse:
        device = self._device(request)
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
        # A device pushes its own events only (issue #17): another PC's events reach the hub from that PC.
        foreign = [{"uuid": e["uuid"], "reason": "sự kiện của máy khác, không phải máy gửi"}
                   for e in events if e["device_id"] != device.device_id]
        if foreign:
            raise Refused(403, "foreign_events", f"{len(foreign)} sự kiện mang mã máy khác máy gửi: không lưu gì.",
                          foreign)
        key = self.store.device_key(device.enrolled_id)
        unsigned = [{"uuid": e["uuid"], "reason": "chữ ký của máy không đúng"}
                    for e in events if key is not None and not verify_event(key, e)]
        if unsigned:
            raise Refused(403, "bad_signature", f"{len(unsigned)} sự kiện không có chữ ký đúng của máy gửi: "
                                                "không lưu gì.", unsigned)
        try:
            accepted, duplicates = self.store.store_events(device.unit_code, events) if events else ([], [])
        except StoreConflict as error:
            raise Refused(409, "conflicting_events", str(error) + ": không lưu gì. Nếu thư mục dữ liệu của máy "
                          "này đã được chép sang máy khác, hãy đăng ký máy đó như một máy mới.",
                          error.rejected) from None
        self._after_commit()
        return JSONResponse({"accepted": accepted, "duplicates": duplicates,
                             "device_max_seq": self.store.max_seq(device.enrolled_id), "server_time": server_time()})

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
        device = self._device(request)
        after, limit = self._page(request, "after")
        events = self.store.events_after(device.unit_code, after, limit, device.enrolled_id)
        return JSONResponse({"events": events, "next": events[-1]["server_seq"] if events else after,
                             "more": len(events) == limit, "device_keys": self.store.unit_device_keys(device.unit_code),
                             "server_time": server_time()})

    async def own_events(self, request: Request) -> JSONResponse:
        """The calling device's own events after a seq: a PC restored from an old backup takes back what it
        had pushed since (sync/README.md, "After a restore")."""
        device = self._device(request)
        after, limit = self._page(request, "after_seq")
        events = self.store.own_events(device.enrolled_id, after, limit)
        return JSONResponse({"device_id": device.device_id, "events": events,
                             "next": events[-1]["seq"] if events else after, "more": len(events) == limit,
                             "max_seq": self.store.max_seq(device.enrolled_id), "server_time": server_time()})


def create_app(store: HubStore, **options: Any) -> Starlette:
    hub = Hub(store, **options)

    def wrap(handler):
        async def endpoint(request: Request) -> JSONResponse:
            try:
                return await handler(request)
            except Refused as error:
                return _refusal(error)
        return endpoint

    routes = [
        Route("/v1/health", wrap(hub.health), methods=["GET"]),
        Route("/openapi.json", wrap(hub.openapi), methods=["GET"]),
        Route("/v1/enroll", wrap(hub.enroll), methods=["POST"]),
        Route("/v1/events", wrap(hub.push), methods=["POST"]),
        Route("/v1/events", wrap(hub.pull), methods=["GET"]),
        Route("/v1/devices/me/events", wrap(hub.own_events), methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.state.hub = hub
    return app


def certificate_fingerprint(cert_file: str) -> str:
    """SHA-256 of the certificate (DER): what a PC pins for a self-signed hub (`sync enroll --pin`)."""
    import hashlib
    import ssl

    with open(cert_file, encoding="ascii") as handle:
        return hashlib.sha256(ssl.PEM_cert_to_DER_cert(handle.read())).hexdigest()


def serve(data_dir: str, host: str = "127.0.0.1", port: int = 8765, *, tls_cert: str | None = None,
          tls_key: str | None = None) -> None:
    """Run the hub until stopped (Ctrl+C); SQLite store in `data_dir`; https with uvicorn's own TLS when
    a certificate and key are given."""
    import uvicorn

    from sync.hub.store import SqliteHubStore

    store = SqliteHubStore(data_dir)
    app = create_app(store, fault=os.environ.get("MOTCUA_HUB_FAULT") or None)
    scheme = "https" if tls_cert else "http"
    print(f"Máy chủ đồng bộ MotCua: {scheme}://{host}:{port}  (dữ liệu: {data_dir})", flush=True)
    if tls_cert:
        print(f"Dấu vân tay chứng chỉ (SHA-256, cho 'sync enroll --pin'): {certificate_fingerprint(tls_cert)}",
              flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                    ssl_certfile=tls_cert, ssl_keyfile=tls_key)
    finally:
        store.close()

"""Talking to the hub over HTTP with the standard library only (the desktop bundle ships no web client)."""

# Errors are sorted the way the retry rule needs them: HubUnreachable and HubServerError may be retried
# with back-off, HubRefused (4xx) never (shared/domain.md, "Lessons").

from __future__ import annotations

import errno
import http.client
import json
import socket
import urllib.parse
from dataclasses import dataclass, field

from models.errors import UserError


class HubError(Exception):
    retryable = False


class HubUnreachable(HubError):
    """No answer: the network is down, the hub is off, or the answer was cut."""

    retryable = True


class HubServerError(HubError):
    """The hub answered 5xx: it may work again later."""

    retryable = True

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class HubRefused(HubError):
    """The hub answered 4xx with a reason: resending the same request cannot help."""

    def __init__(self, status: int, code: str, message: str, rejected: list[dict] | None = None,
                 data: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.rejected = status, code, rejected or []
        self.data = data or {}  # the whole answer, e.g. the station the hub holds for this PC (409 station_taken)


def _plain(error: Exception) -> str:
    """The cause in words a clerk can act on (the technical text stays out of the status bar)."""
    if isinstance(error, ConnectionRefusedError):
        return "máy chủ chưa chạy hoặc sai địa chỉ, cổng"
    if isinstance(error, TimeoutError):
        return "máy chủ không trả lời kịp"
    if isinstance(error, socket.gaierror):
        return "không tìm thấy máy chủ theo địa chỉ này"
    if isinstance(error, OSError) and error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "máy này chưa có mạng hoặc không tới được máy chủ"
    return "mất kết nối giữa chừng, sẽ thử lại"


@dataclass
class Response:
    data: dict
    server_time: str | None = None


@dataclass
class Transport:
    """One keep-alive connection to the hub; reconnects after any error."""

    base_url: str
    token: str = ""
    timeout: float = 15.0
    _conn: http.client.HTTPConnection | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.base_url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError(f"Địa chỉ máy chủ không hợp lệ: '{self.base_url}' (ví dụ http://192.168.1.10:8765).")
        self._scheme, self._host, self._port = parts.scheme, parts.hostname, parts.port
        self._prefix = parts.path.rstrip("/")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            kind = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            self._conn = kind(self._host, self._port, timeout=self.timeout)
        return self._conn

    def request(self, method: str, path: str, body: dict | None = None) -> Response:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            reused = self._conn is not None
            try:
                conn = self._connection()
                conn.request(method, self._prefix + path, body=data, headers=headers)
                reply = conn.getresponse()
                raw = reply.read()
                break
            except (OSError, http.client.HTTPException) as error:  # timeouts are OSError
                self.close()
                # A kept-alive connection the hub closed while idle: one fresh try (the hub is idempotent).
                if not (reused and attempt == 1 and not isinstance(error, TimeoutError)):
                    raise HubUnreachable(f"Không kết nối được máy chủ {self.base_url}: {_plain(error)}.") from None
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {}
        if not isinstance(parsed, dict):
            parsed = {}
        message = str(parsed.get("message") or raw[:200].decode("utf-8", "replace") or reply.reason)
        if reply.status >= 500:
            self.close()
            raise HubServerError(reply.status, f"Máy chủ gặp lỗi ({reply.status}): {message}")
        if reply.status >= 400:
            raise HubRefused(reply.status, str(parsed.get("error", "")), message, parsed.get("rejected"), parsed)
        if not parsed:
            self.close()
            raise HubUnreachable(f"Máy chủ {self.base_url} trả lời không phải JSON.")
        return Response(parsed, parsed.get("server_time") or reply.getheader("Date"))

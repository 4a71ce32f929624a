"""Talking to the hub over HTTP with the standard library only (the desktop bundle ships no web client)."""

# Errors are sorted the way the retry rule needs them: HubUnreachable and HubServerError may be retried
# with back-off, HubRefused (4xx) never (shared/domain.md, "Lessons").

from __future__ import annotations

import errno
import hashlib
import hmac
import http.client
import json
import socket
import ssl
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


class HubUntrusted(HubError):
    """The hub's certificate is not trusted, or its reply is not what a hub answers: not retried."""


MAX_REPLY_BYTES = 64 * 1024 * 1024  # a pull page is a few MiB at most; anything bigger is refused unread


class HubRefused(HubError):
    """The hub answered 4xx with a reason: resending the same request cannot help."""

    def __init__(self, status: int, code: str, message: str, rejected: list[dict] | None = None,
                 data: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.rejected = status, code, rejected or []
        self.data = data or {}  # the whole answer, e.g. the station the hub holds for this PC (409 station_taken)


def _plain(error: Exception) -> str:
    """The cause in words a clerk can act on (the technical text stays out of the status bar)."""
    if isinstance(error, ssl.SSLError):
        return "không thiết lập được kết nối bảo mật (TLS)"
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
    pin: str = ""   # SHA-256 (hex) of a self-signed hub's certificate, pinned at enrollment
    max_reply: int = MAX_REPLY_BYTES
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
            if self._scheme == "https":
                self._conn = http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout,
                                                         context=self._tls_context())
            else:
                self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
        return self._conn

    def _tls_context(self) -> ssl.SSLContext:
        """The system's trusted certificates; or, for a self-signed hub, exactly the pinned certificate
        (checked by its SHA-256 right after the handshake, before anything is sent)."""
        if not self.pin:
            return ssl.create_default_context()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context

    def _check_pin(self, conn: http.client.HTTPConnection) -> None:
        if not self.pin or not isinstance(conn, http.client.HTTPSConnection):
            return
        if conn.sock is None:
            conn.connect()
        der = conn.sock.getpeercert(binary_form=True) or b""
        if not hmac.compare_digest(hashlib.sha256(der).hexdigest(), normalize_pin(self.pin)):
            self.close()
            raise HubUntrusted(f"Chứng chỉ của máy chủ {self.base_url} không khớp dấu vân tay đã ghim khi đăng ký: "
                               "có thể đang nối nhầm máy chủ. Chưa gửi gì.")

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
                self._check_pin(conn)
                conn.request(method, self._prefix + path, body=data, headers=headers)
                reply = conn.getresponse()
                raw = reply.read(self.max_reply + 1)
                if len(raw) > self.max_reply:
                    self.close()
                    raise HubUntrusted(f"Máy chủ {self.base_url} trả lời quá lớn (hơn {self.max_reply // 1048576} MB): "
                                       "không nhận.")
                break
            except ssl.SSLCertVerificationError:
                self.close()
                raise HubUntrusted(f"Chứng chỉ của máy chủ {self.base_url} không được tin cậy: nếu máy chủ dùng "
                                   "chứng chỉ tự ký, hãy đăng ký lại với --pin (dấu vân tay máy chủ in ra).") from None
            except (OSError, http.client.HTTPException) as error:  # timeouts are OSError
                self.close()
                # A kept-alive connection the hub closed while idle: one fresh try (the hub is idempotent).
                if not (reused and attempt == 1 and not isinstance(error, TimeoutError)):
                    raise HubUnreachable(f"Không kết nối được máy chủ {self.base_url}: {_plain(error)}.") from None
        try:
            parsed = json.loads(raw) if raw else {}
        except (ValueError, RecursionError):
            parsed = {}
        if not isinstance(parsed, dict):
            parsed = {}
        message = " ".join(str(parsed.get("message") or raw[:200].decode("utf-8", "replace") or reply.reason)
                           .split())[:300]
        if reply.status >= 500:
            self.close()
            raise HubServerError(reply.status, f"Máy chủ gặp lỗi ({reply.status}): {message}")
        if reply.status >= 400:
            rejected = parsed.get("rejected")
            rejected = [r for r in rejected[:10000] if isinstance(r, dict)] if isinstance(rejected, list) else []
            raise HubRefused(reply.status, str(parsed.get("error", ""))[:40], message, rejected, parsed)
        if not parsed:
            self.close()
            raise HubUnreachable(f"Máy chủ {self.base_url} trả lời không phải JSON.")
        moment = parsed.get("server_time") or reply.getheader("Date")
        return Response(parsed, moment if isinstance(moment, str) else None)


def normalize_pin(pin: str) -> str:
    """A fingerprint as 64 lowercase hex digits, typed with or without colons."""
    return pin.replace(":", "").replace(" ", "").strip().lower()


def expect(data: dict, shape: dict[str, type | tuple], what: str) -> dict:
    """A reply's fields of the expected types, or HubUntrusted in one Vietnamese line (a hostile or broken
    hub must not reach the database nor print a traceback)."""
    for name, kind in shape.items():
        value = data.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise HubUntrusted(f"Máy chủ trả lời sai dạng ({what}: trường '{name}'): không nhận.")
    return data

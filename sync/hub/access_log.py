"""Structured access logs: one JSON line per request on standard output (journald or a file keeps them)."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime


class AccessLog:
    """ASGI middleware: method, path (no query: it names no secret, but keep lines short), status, duration,
    client address, the token's public id (never the token), process id. Written after the answer."""

    def __init__(self, app, stream=None):
        self.app = app
        self.stream = stream or sys.stdout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = {"code": 500}

        async def send_status(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self._write(scope, status["code"], time.perf_counter() - started)

    def _write(self, scope, status: int, seconds: float) -> None:
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        parts = auth[7:].strip().split(".") if auth.lower().startswith("bearer ") else []
        client = scope.get("client") or ("", 0)
        line = {"ts": datetime.now().astimezone().isoformat(timespec="milliseconds"), "method": scope["method"],
                "path": scope["path"], "status": status, "ms": round(seconds * 1000, 1), "client": client[0],
                "token_id": parts[1] if len(parts) == 3 else None, "pid": os.getpid()}
        try:
            self.stream.write(json.dumps(line, ensure_ascii=False) + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed or full log must never take the hub down

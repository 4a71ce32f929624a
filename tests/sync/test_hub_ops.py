"""The hub's operations that need no running hub: access log lines, a wrong database address told plainly."""

from __future__ import annotations

import asyncio
import io
import json


def test_access_log_writes_one_json_line_per_request_without_the_secret():
    from sync.hub.access_log import AccessLog

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive():
        return {"type": "http.request", "body": b""}

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    stream = io.StringIO()
    scope = {"type": "http", "method": "POST", "path": "/v1/events", "client": ("10.0.0.7", 5000),
             "headers": [(b"authorization", b"Bearer mc1.abcdef012345.SECRETPART")]}
    asyncio.run(AccessLog(app, stream)(scope, receive, send))
    line = json.loads(stream.getvalue())
    assert line["status"] == 201 and line["method"] == "POST" and line["path"] == "/v1/events"
    assert line["client"] == "10.0.0.7" and line["token_id"] == "abcdef012345" and line["ms"] >= 0
    assert "SECRETPART" not in stream.getvalue() and sent[0]["status"] == 201


def test_a_wrong_database_address_is_one_plain_line(cli, tmp_path):
    from sync_helpers import free_port

    url = f"postgresql://motcua@127.0.0.1:{free_port()}/hub"   # nothing listens there
    result = cli("--data-dir", str(tmp_path / "h"), "hub", "status", "--database-url", url)
    assert result.returncode == 2 and "Không kết nối được cơ sở dữ liệu PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr
    result = cli("--data-dir", str(tmp_path / "h"), "hub", "status", "--database-url", "mysql://x")
    assert result.returncode == 2 and "postgresql://" in result.stderr

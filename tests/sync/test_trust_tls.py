"""Issue #17: the hub over TLS (a self-signed certificate made here, pinned by its SHA-256), and a hostile
hub whose replies are huge or of the wrong shape: one Vietnamese line, nothing changed, no traceback."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sync_helpers import ROOT, free_port, receive

from db.events import pending_count
from models.errors import UserError
from sync.client import enroll, run_sync
from sync.state import save_state
from sync.transport import Transport


def _self_signed(folder):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hub.motcua.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "hub.pem", folder / "hub.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file, hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


@pytest.fixture
def tls_hub(tmp_path):
    cert_file, key_file, fingerprint = _self_signed(tmp_path)
    port = free_port()
    hub_dir = tmp_path / "hub"
    proc = subprocess.Popen([sys.executable, "-m", "sync.hub", "serve", "--data-dir", str(hub_dir), "--port",
                             str(port), "--tls-cert", str(cert_file), "--tls-key", str(key_file)], cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.05)
    from sync.hub.store import SqliteHubStore

    store = SqliteHubStore(hub_dir)
    tokens = [store.create_token("000.17.22.H56") for _ in range(3)]
    store.close()
    yield f"https://127.0.0.1:{port}", fingerprint, tokens, hub_dir
    proc.kill()
    proc.wait(timeout=10)
    printed = proc.stdout.read().decode()
    assert fingerprint in printed  # the hub prints what clerks pin
    proc.stdout.close()
    proc.stderr.close()


def test_tls_round_trip_with_a_pinned_self_signed_certificate(tls_hub, clients):
    url, fingerprint, tokens, hub_dir = tls_hub
    a = clients("a", 1)
    receive(a.db)
    with pytest.raises(UserError, match="không được tin cậy"):   # not in the system store, and not pinned
        enroll(a.db, url, tokens[0])
    wrong = "ab" * 32
    with pytest.raises(UserError, match="không khớp dấu vân tay"):
        enroll(a.db, url, tokens[0], pin=wrong)
    enroll(a.db, url, tokens[0], pin=":".join(fingerprint[i:i + 2] for i in range(0, 64, 2)).upper())
    report = run_sync(a.db, a.data_dir)
    assert report.all_acknowledged and report.pushed > 0 and pending_count(a.db) == 0
    import sqlite3

    conn = sqlite3.connect(hub_dir / "hub.sqlite3")
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == report.pushed
    conn.close()


class _Hostile(BaseHTTPRequestHandler):
    reply = b"{}"

    def do_GET(self):  # noqa: N802 - http.server's name
        self._answer()

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self._answer()

    def _answer(self):
        body = type(self).reply
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("reply", [
    b'{"events": "' + b"x" * (3 * 1024 * 1024) + b'"}',                  # bigger than the client takes
    json.dumps({"accepted": "all", "duplicates": 7}).encode(),           # wrong shape
    b"[" * 200000 + b"]" * 200000,                                       # nesting that breaks parsers
    json.dumps({"accepted": [], "duplicates": [], "events": [{"x": 1}], "next": "9" * 50, "more": True}).encode(),
], ids=["huge", "shape", "nested", "next"])
def test_a_hostile_hub_reply_is_one_line_and_changes_nothing(clients, reply):
    handler = type("Hostile", (_Hostile,), {"reply": reply})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        a = clients("a", 1)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        save_state(a.db, hub_url=url, token="mc1.abc.def", unit_code="000.17.22.H56", unit_key="00" * 32)
        receive(a.db)
        before = a.db.execute("SELECT count(*), max(id) FROM events").fetchone()
        pending = pending_count(a.db)
        report = run_sync(a.db, a.data_dir, transport=Transport(url, "mc1.abc.def", max_reply=1024 * 1024))
        assert report.error and "\n" not in report.error and len(report.error) < 400
        assert pending_count(a.db) == pending
        assert a.db.execute("SELECT count(*), max(id) FROM events").fetchone() == before
    finally:
        server.shutdown()
        server.server_close()


def test_a_hostile_enroll_reply_is_one_line(clients):
    handler = type("Hostile", (_Hostile,), {"reply": json.dumps({"unit_code": ["x"], "unit_key": 5}).encode()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        a = clients("a", 1)
        with pytest.raises(UserError, match="sai dạng"):
            enroll(a.db, f"http://127.0.0.1:{server.server_address[1]}", "mc1.abc.def")
    finally:
        server.shutdown()
        server.server_close()


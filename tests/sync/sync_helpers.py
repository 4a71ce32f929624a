"""Sync test helpers: client data folders of one unit, and a real hub process on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNIT = "000.17.22.H56"
OTHER_UNIT = "000.99.99.H99"
BASE = datetime(2026, 3, 2, 8, 0)  # a Monday, a working day


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class HubProcess:
    """`python -m sync.hub serve` in a subprocess: start, SIGKILL, restart on the same port and folder."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    env: dict = field(default_factory=dict)
    args: tuple = ()  # more `hub serve` arguments, e.g. ("--workers", "2")
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, fault: str | None = None, timeout: float = 15.0) -> HubProcess:
        env = dict(os.environ, PYTHONPATH=str(ROOT), **self.env)
        env.pop("MOTCUA_HUB_FAULT", None)
        if "MOTCUA_HUB_DATABASE_URL" not in self.env:
            env.pop("MOTCUA_HUB_DATABASE_URL", None)
        if fault:
            env["MOTCUA_HUB_FAULT"] = fault
        self.proc = subprocess.Popen([sys.executable, "-m", "sync.hub", "serve", "--data-dir", str(self.data_dir),
                                      "--host", "127.0.0.1", "--port", str(self.port), *self.args], cwd=ROOT,
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=os.name != "nt")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited: {self.proc.stderr.read().decode(errors='replace')}")
            try:
                if request(self.url, "GET", "/v1/health")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("hub did not start in time")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            if os.name != "nt":  # its uvicorn workers too (--workers N)
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:
                self.proc.kill()
        if self.proc is not None:
            self.proc.wait(timeout=10)
            self.proc.stderr.close()
        self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def database_url(self) -> str | None:
        return self.env.get("MOTCUA_HUB_DATABASE_URL")

    @property
    def engine(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    def store(self):
        """The hub's store opened beside the running process (either engine)."""
        from sync.hub.store import open_store

        return open_store(self.data_dir, self.database_url or "", pool_size=1)

    def token(self, unit: str = UNIT) -> str:
        store = self.store()
        try:
            return store.create_token(unit)
        finally:
            store.close()

    def events(self) -> list[tuple]:
        """(uuid, device_id, seq, hash) of every stored event, read straight from the hub's database."""
        store = self.store()
        try:
            return [tuple(row) for row in store.read_rows(
                "SELECT uuid, device_id, seq, hash FROM events ORDER BY server_seq", [])]
        finally:
            store.close()


def request(url: str, method: str, path: str, body: object = None, token: str | None = None,
            raw: bytes | None = None) -> tuple[int, dict]:
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    try:
        conn.request(method, path, body=data, headers=headers)
        reply = conn.getresponse()
        text = reply.read()
    finally:
        conn.close()
    return reply.status, (json.loads(text) if text else {})


@dataclass
class Client:
    data_dir: Path
    db: object

    def close(self) -> None:
        self.db.close()


def new_client(root: Path, name: str, station: int | None, unit: str = UNIT) -> Client:
    """A PC's data folder of `unit`; `station` None leaves the default (the hub hands one out at enrollment)."""
    from db.data_folder import mark_first_run_done, open_data_folder
    from db.device import set_station_number
    from db.settings_store import update_settings

    data_dir = root / name
    db = open_data_folder(data_dir)
    update_settings(db, {"unit_name": "UBND xã Hương Mai", "unit_code": unit})
    if station is not None:
        set_station_number(db, station)
    mark_first_run_done(db)
    return Client(data_dir, db)


def enroll(client: Client, hub: HubProcess, unit: str = UNIT) -> str:
    from sync.client import enroll as do_enroll

    token = hub.token(unit)
    do_enroll(client.db, hub.url, token)
    return token


def receive(db, name: str = "Nguyễn Văn An", procedure: str = "1.004884", at: datetime | None = None, **kw):
    """A dossier received at `at` (default BASE) on this PC; 1.004884 takes 05 working days."""
    from db.dossier_store import receive_dossier
    from models.dossier_applicant import Applicant

    moment = at or BASE
    return receive_dossier(db, procedure_code=procedure, applicant=Applicant(name=name), received_at=moment,
                           now=moment + timedelta(hours=1), **kw)


def move(db, code: str, state: str, at: datetime):
    from db.dossier_store import move_dossier
    from models.dossier import REASON_REQUIRED

    note = "Lý do ghi trong thử nghiệm" if state in REASON_REQUIRED else ""
    return move_dossier(db, code, state, at=at, note=note, now=at + timedelta(minutes=1))


def dossier_rows(db) -> dict[str, dict]:
    """Every dossier by uuid with the columns the fold owns (ids and entry times differ between PCs)."""
    from sync.fold_dossier import FOLDED_COLUMNS

    rows = db.execute(f"SELECT {', '.join(FOLDED_COLUMNS)} FROM dossiers").fetchall()
    return {row[0]: dict(zip(FOLDED_COLUMNS, row, strict=True)) for row in rows}


def papers(db) -> dict[str, list]:
    rows = db.execute("SELECT d.uuid, p.position, p.name, p.kind, p.count FROM dossier_papers p "
                      "JOIN dossiers d ON d.id = p.dossier_id ORDER BY d.uuid, p.position").fetchall()
    result: dict[str, list] = {}
    for uuid, *rest in rows:
        result.setdefault(uuid, []).append(tuple(rest))
    return result


def local_events(db, signed: bool = True) -> list[dict]:
    """This PC's own events as they travel (signed with its key, as a push sends them)."""
    from db.device import device_id
    from sync.wire import EVENT_COLUMNS, row_to_wire

    rows = db.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE device_id = ? ORDER BY seq",
                      [device_id(db)]).fetchall()
    events = [row_to_wire(row) for row in rows]
    return sign(db, events) if signed else events


def sign(db, events: list[dict]) -> list[dict]:
    from sync.signing import Signer

    return Signer(db).sign_events(events)


def request_raw(url: str, method: str, path: str, data: bytes, token: str) -> tuple[int, dict]:
    """A request whose body is a file's bytes (the administrator's catalog upload)."""
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request(method, path, body=data, headers={"Authorization": f"Bearer {token}",
                                                       "Content-Type": "application/octet-stream"})
        reply = conn.getresponse()
        text = reply.read()
    finally:
        conn.close()
    return reply.status, (json.loads(text) if text else {})

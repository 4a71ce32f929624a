"""Sync fixtures: client data folders of one unit, and real hub processes on 127.0.0.1, always killed.

Every test that takes `hub` or `make_hub` runs twice: on the SQLite store and on PostgreSQL (a throwaway
cluster started once per session, a fresh database per test). Without PostgreSQL's binaries the second run
is skipped with the reason, except where MOTCUA_REQUIRE_PG is set (CI), where it fails."""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
for _path in (str(_HERE.parents[1]), str(_HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from pg_cluster import REQUIRE_ENV, PgCluster, find_bin_dir  # noqa: E402
from sync_helpers import UNIT, Client, HubProcess, new_client  # noqa: E402

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_cluster():
    bin_dir = find_bin_dir()
    missing = ("PostgreSQL (initdb, pg_ctl) không có trên máy này" if bin_dir is None else
               "thiếu gói psycopg (pip install -r requirements-hub.txt)"
               if importlib.util.find_spec("psycopg") is None else "")
    if missing:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{missing}, mà {REQUIRE_ENV} đòi chạy các phép thử trên PostgreSQL")
        pytest.skip(f"{missing}: bỏ qua các phép thử máy chủ trên PostgreSQL (cài gói postgresql để chạy)")
    cluster = PgCluster(bin_dir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=ENGINES)
def hub_engine(request):
    """The environment a hub process and the hub commands need for this engine."""
    if request.param == "sqlite":
        yield {}
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.new_database()
    yield {"MOTCUA_HUB_DATABASE_URL": url}
    cluster.drop_database(url)


@pytest.fixture
def hub(tmp_path, hub_engine):
    process = HubProcess(tmp_path / "hub", env=dict(hub_engine)).start()
    yield process
    process.kill()


@pytest.fixture
def make_hub(tmp_path, hub_engine):
    made: list[HubProcess] = []

    def make(name: str = "hub2", **kw) -> HubProcess:
        process = HubProcess(tmp_path / name, env=dict(hub_engine), **kw)
        made.append(process)
        return process

    yield make
    for process in made:
        process.kill()


@pytest.fixture
def clients(tmp_path):
    made: list[Client] = []

    def make(name: str, station: int | None = None, unit: str = UNIT) -> Client:
        client = new_client(tmp_path, name, station, unit)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()

"""Sync fixtures: client data folders of one unit, and real hub processes on 127.0.0.1, always killed."""

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
for _path in (str(_HERE.parents[1]), str(_HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from sync_helpers import UNIT, Client, HubProcess, new_client  # noqa: E402


@pytest.fixture
def hub(tmp_path):
    process = HubProcess(tmp_path / "hub").start()
    yield process
    process.kill()


@pytest.fixture
def make_hub(tmp_path):
    made: list[HubProcess] = []

    def make(name: str = "hub2", **kw) -> HubProcess:
        process = HubProcess(tmp_path / name, **kw)
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

"""db/secret_store.py off Windows: an owner-only file, sealed bytes round-trip, and a file it cannot open
(a DPAPI one from Windows, or garbage) set aside and reported as a copied folder, never a traceback."""

from __future__ import annotations

import stat
import sys

import pytest

from db import secret_store


@pytest.fixture(autouse=True)
def fresh_cache():
    secret_store.forget_cache()
    yield
    secret_store.forget_cache()


def test_put_get_owner_only_and_nothing_written_by_asking(tmp_path):
    folder = tmp_path / "du-lieu"
    assert secret_store.get(folder, "token") is None and not folder.exists()  # asking creates nothing
    secret_store.put(folder, token="mc1.a.b", unit_key="ab" * 32)
    secret_store.forget_cache()
    assert secret_store.get(folder, "token") == "mc1.a.b"
    if sys.platform != "win32":
        assert stat.S_IMODE(secret_store.secrets_path(folder).stat().st_mode) == 0o600
    secret_store.put(folder, token=None)
    secret_store.forget_cache()
    assert secret_store.get(folder, "token") is None and secret_store.get(folder, "unit_key") == "ab" * 32
    assert not secret_store.copied(folder)


def test_seal_round_trip_off_windows():
    assert not secret_store._use_dpapi() or sys.platform == "win32"
    assert secret_store.unseal(secret_store.seal(b'{"values": {}}')) == b'{"values": {}}'


@pytest.mark.parametrize("content", [secret_store._DPAPI_MAGIC + b"\x01\x02", b"garbage", b""])
def test_an_unreadable_file_is_set_aside_and_means_enroll_again(tmp_path, content):
    if sys.platform == "win32" and content.startswith(secret_store._DPAPI_MAGIC):
        pytest.skip("DPAPI opens its own files on Windows")
    secret_store.secrets_path(tmp_path).write_bytes(content)
    assert secret_store.get(tmp_path, "token") is None
    assert secret_store.copied(tmp_path)
    assert (tmp_path / (secret_store.SECRETS_FILE + ".khong-doc-duoc")).read_bytes() == content


"""Issue #17: a data folder copied to another PC (same device id twice) is noticed, refused by the hub as a
fork, and becomes a device of its own after `sync enroll --new-device`."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sync_helpers import BASE, dossier_rows, enroll, local_events, receive, request

from db.data_folder import open_data_folder
from db.device import device_id
from db.events import event_hash, pending_count
from models.errors import UserError
from services.audit import verify
from sync.client import enroll as do_enroll
from sync.client import run_sync, sync_status
from sync.wire import HASHED_FIELDS


def test_a_copied_folder_is_noticed_and_enrolls_as_a_new_device(hub, clients, tmp_path):
    a = clients("a", 1)
    enroll(a, hub)
    receive(a.db, name="Trước khi chép")
    assert run_sync(a.db, a.data_dir).all_acknowledged
    a.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy_dir = tmp_path / "may-b"
    shutil.copytree(a.data_dir, copy_dir)
    b = open_data_folder(copy_dir)   # another folder (or PC): another fingerprint (db/secret_store.py)
    try:
        assert device_id(b) == device_id(a.db)                     # the same id twice
        receive(b, name="Sau khi chép", at=BASE + timedelta(hours=3))
        with pytest.raises(UserError, match="chép từ máy khác"):
            run_sync(b, copy_dir)
        assert "chép từ máy khác" in sync_status(b)["trust_warning"]
        assert len(hub.events()) == len(local_events(a.db))        # nothing of the copy reached the hub
        with pytest.raises(UserError, match="mã đăng ký mới"):
            do_enroll(b, hub.url, _token_of(a), new_device=True)
        do_enroll(b, hub.url, hub.token(), new_device=True)
        assert device_id(b) != device_id(a.db) and sync_status(b)["trust_warning"] is None
        assert run_sync(b, copy_dir).all_acknowledged and pending_count(b) == 0
        receive(a.db, name="Máy gốc sau khi chép", at=BASE + timedelta(days=1))  # (same station number: other day)
        assert run_sync(a.db, a.data_dir).all_acknowledged
        assert run_sync(b, copy_dir).all_acknowledged
        assert dossier_rows(a.db) == dossier_rows(b) and len(dossier_rows(a.db)) == 3   # every dossier on both
        assert verify(b, copy_dir).ok and verify(a.db, a.data_dir).ok
    finally:
        b.close()


def _token_of(client) -> str:
    from sync.state import load_state

    return load_state(client.db).token


def test_the_hub_refuses_a_fork_of_a_devices_chain(hub, clients):
    a = clients("a", 1)
    token = enroll(a, hub)
    receive(a.db)
    assert run_sync(a.db, a.data_dir).all_acknowledged
    last = local_events(a.db)[-1]
    fork = {**last, "uuid": "0b7d8a7e-0000-4000-8000-00000000f0f0", "payload": {"khác": True}}
    fork["hash"] = event_hash(fork["prev_hash"], {k: fork[k] for k in HASHED_FIELDS})
    from sync_helpers import sign

    status, body = request(hub.url, "POST", "/v1/events", {"device_id": device_id(a.db),
                                                            "events": sign(a.db, [fork])}, token=token)
    assert status == 409 and "máy mới" in body["message"]


def test_the_fingerprint_names_the_machine_and_the_folder(tmp_path, monkeypatch):
    from db import secret_store

    here = secret_store.fingerprint(tmp_path)
    assert secret_store.fingerprint(tmp_path / "khac") != here
    monkeypatch.setenv("MOTCUA_MACHINE_ID", "may-tinh-thu-hai")
    assert secret_store.fingerprint(tmp_path) != here

"""Issue #17 as attacks on the USB route: a PC of the unit (it holds the unit key) forging another PC's file,
and what a lost stick shows (nothing secret, no citizen's name)."""

from __future__ import annotations

import json
import zipfile

import pytest
from sync_helpers import dossier_rows, enroll, receive

from db.events import event_hash
from db.settings_store import load_settings, update_settings
from models.errors import UserError
from sync.hub.usb_import import import_to_hub
from sync.signing import Signer
from sync.state import load_state
from sync.usb_file import _aes, _open, _seal, _signed_part, export_file, import_file
from sync.wire import HASHED_FIELDS


def _forge_as(forger, genuine_path, out_path) -> None:
    """The forger (a PC of the unit: it has the unit key) rewrites another PC's file: the unit's name
    changed in an event of that PC, hashes recomputed, the manifest fixed and signed with its own key."""
    import hashlib

    with zipfile.ZipFile(genuine_path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    aes = _aes(load_state(forger.db).unit_key)
    events = json.loads(_open(aes, manifest["file_id"], "events", members["events.bin"]))
    target = next(e for e in events if e["entity"] == "settings")
    target["payload"] = {**target["payload"], "unit_name": "Đơn vị giả mạo"}
    target["hash"] = event_hash(target["prev_hash"], {k: target[k] for k in HASHED_FIELDS})
    body = json.dumps(events).encode()
    manifest.update(events_sha256=hashlib.sha256(body).hexdigest())
    manifest["signature"] = Signer(forger.db).sign(_signed_part(manifest))
    members.update({"events.bin": _seal(aes, manifest["file_id"], "events", body),
                    "manifest.json": json.dumps(manifest).encode()})
    with zipfile.ZipFile(out_path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_forged_usb_file_is_refused_on_every_pc_and_the_hub(hub, clients, tmp_path):
    a, b, c = clients("a", 1), clients("b", 2), clients("c", 3)
    for client in (a, b, c):
        enroll(client, hub)
    update_settings(a.db, {"unit_name": "UBND xã Hương Mai (A)"})
    receive(a.db)
    genuine = tmp_path / "a.motcua"
    export_file(a.db, a.data_dir, genuine)
    forged = tmp_path / "forged.motcua"
    _forge_as(b, genuine, forged)
    before = (c.db.execute("SELECT count(*) FROM events").fetchone()[0], dossier_rows(c.db), load_settings(c.db))
    with pytest.raises(UserError, match="chữ ký của máy .* không đúng"):
        import_file(c.db, c.data_dir, forged)
    assert (c.db.execute("SELECT count(*) FROM events").fetchone()[0], dossier_rows(c.db), load_settings(c.db)) \
        == before
    store = hub.store()
    try:
        with pytest.raises(UserError, match="chữ ký"):
            import_to_hub(store, hub.data_dir, forged)
    finally:
        store.close()
    assert hub.events() == []
    result = import_file(c.db, c.data_dir, genuine)  # the genuine file still goes in
    assert result["new"] > 0


def test_a_usb_file_shows_no_secret_and_no_citizen(hub, clients, tmp_path):
    from db import secret_store

    a = clients("a", 1)
    enroll(a, hub)
    receive(a.db, name="Trần Thị Bí Mật")
    out = tmp_path / "a.motcua"
    export_file(a.db, a.data_dir, out)
    secrets = [v for v in (secret_store.get(a.data_dir, name) for name in
                           ("token", "unit_key", "signing_key", "audit_key")) if v]
    assert len(secrets) == 4
    with zipfile.ZipFile(out) as archive:
        blob = b"".join(archive.read(name) for name in archive.namelist())
    for secret in secrets:
        assert secret.encode() not in blob and secret.split(".")[-1].encode() not in blob
    assert "Trần Thị Bí Mật".encode() not in blob and b"Tr\\u1ea7n" not in blob

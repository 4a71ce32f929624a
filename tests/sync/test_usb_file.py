"""The USB route: one signed file of pending events and attachments, refused whole when damaged or foreign."""

from __future__ import annotations

import json
import zipfile

import pytest
from sync_helpers import OTHER_UNIT, dossier_rows, enroll, receive

from models.errors import UserError
from sync.usb_file import export_file, import_file


def _event_count(db) -> int:
    return db.execute("SELECT count(*) FROM events").fetchone()[0]


@pytest.fixture
def pair(hub, clients, tmp_path):
    from db.attachments import attach_file

    a, b = clients("a", 1), clients("b", 2)
    enroll(a, hub)
    enroll(b, hub)
    dossier = receive(a.db)
    scan = tmp_path / "giay-to.pdf"
    scan.write_bytes(b"%PDF-1.4\n% scan\n")
    attach_file(a.db, a.data_dir, dossier.code, scan)
    return a, b


def test_export_then_import_on_another_pc_and_twice_is_a_no_op(pair, tmp_path, cli):
    a, b = pair
    out = tmp_path / "usb" / "may-1.motcua"
    out.parent.mkdir()
    result = cli("--data-dir", str(a.data_dir), "--json", "sync", "export", "--out", str(out))
    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    assert exported["events"] > 0 and exported["attachments"] == 1
    first = cli("--data-dir", str(b.data_dir), "--json", "sync", "import", str(out))
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["new"] == exported["events"]
    assert dossier_rows(b.db) == dossier_rows(a.db)
    assert list((b.data_dir / "attachments").rglob("*.pdf"))
    count = _event_count(b.db)
    second = cli("--data-dir", str(b.data_dir), "sync", "import", str(out))
    assert second.returncode == 0 and "không có gì mới" in second.stdout
    assert _event_count(b.db) == count


def _rewrite(path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_damaged_tampered_and_foreign_files_are_refused_whole(pair, hub, clients, tmp_path):
    import hashlib

    a, b = pair
    out = tmp_path / "f.motcua"
    export_file(a.db, a.data_dir, out)
    good = out.read_bytes()
    count = _event_count(b.db)

    damaged = tmp_path / "damaged.motcua"
    data = bytearray(good)
    data[len(data) // 3] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(UserError, match="Không nhập tệp damaged.motcua"):
        import_file(b.db, b.data_dir, damaged)

    tampered = tmp_path / "tampered.motcua"
    tampered.write_bytes(good)

    from sync.state import load_state
    from sync.usb_file import _aes, _open, _seal

    unit_key = load_state(b.db).unit_key  # every PC of the unit holds it: it opens the file, but cannot sign

    def edit(members):
        manifest = json.loads(members["manifest.json"])
        aes = _aes(unit_key)
        events = json.loads(_open(aes, manifest["file_id"], "events", members["events.bin"]))
        events.pop()  # drop one event and fix the checksum: only the signature can tell
        body = json.dumps(events).encode()
        manifest.update(events_sha256=hashlib.sha256(body).hexdigest(), event_count=len(events))
        members.update({"events.bin": _seal(aes, manifest["file_id"], "events", body),
                        "manifest.json": json.dumps(manifest).encode()})

    _rewrite(tampered, edit)
    with pytest.raises(UserError, match="chữ ký của máy .* không đúng"):
        import_file(b.db, b.data_dir, tampered)

    text = tmp_path / "not-a-file.motcua"
    text.write_text("xin chào")
    with pytest.raises(UserError, match="hỏng hoặc không phải tệp đồng bộ"):
        import_file(b.db, b.data_dir, text)

    stranger = clients("x", 1, unit=OTHER_UNIT)
    enroll(stranger, hub, unit=OTHER_UNIT)
    receive(stranger.db)
    foreign = tmp_path / "foreign.motcua"
    export_file(stranger.db, stranger.data_dir, foreign)
    with pytest.raises(UserError, match="đơn vị khác"):
        import_file(b.db, b.data_dir, foreign)
    assert _event_count(b.db) == count and dossier_rows(b.db) == {}


def test_the_hub_imports_a_file_once_and_the_pc_later_syncs_without_doubles(pair, hub, tmp_path, cli):
    from db.events import pending_count
    from sync.client import run_sync

    a, _b = pair
    out = tmp_path / "a.motcua"
    export_file(a.db, a.data_dir, out)
    pending = pending_count(a.db)
    result = cli("--data-dir", str(hub.data_dir), "--json", "hub", "import", str(out), env=hub.env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["new"] == pending
    again = json.loads(cli("--data-dir", str(hub.data_dir), "--json", "hub", "import", str(out), env=hub.env).stdout)
    assert again["new"] == 0 and again["duplicates"] == pending
    assert list((hub.data_dir / "attachments").rglob("*.pdf"))
    report = run_sync(a.db, a.data_dir)
    assert report.all_acknowledged and report.pushed == 0 and report.duplicates == pending
    assert len(hub.events()) == pending


def test_any_damaged_byte_is_refused_or_harmless(pair, tmp_path):
    """Flip bytes at seeded random places: each file is refused whole, or (a byte no check covers, such as
    a zip header's timestamp) reads back exactly the same events, files and manifest."""
    import random

    from sync.signing import public_key
    from sync.state import load_state
    from sync.usb_file import check_signature, read_file

    a, _b = pair
    out = tmp_path / "f.motcua"
    export_file(a.db, a.data_dir, out)
    key = load_state(a.db).unit_key
    good = read_file(out, key)
    data = out.read_bytes()
    refused = 0
    for position in random.Random(5).sample(range(len(data)), 60):
        damaged = bytearray(data)
        damaged[position] ^= 0x5A
        path = tmp_path / "d.motcua"
        path.write_bytes(bytes(damaged))
        try:
            usb = read_file(path, key)
            check_signature(usb.manifest, public_key(a.db), path)
        except UserError as error:
            assert "Không nhập tệp" in str(error)
            refused += 1
            continue
        assert (usb.manifest, usb.events, usb.attachments) == (good.manifest, good.events, good.attachments)
    assert refused >= 40


def test_a_pc_that_is_not_enrolled_cannot_sign_or_check(clients, tmp_path):
    a = clients("a", 1)
    with pytest.raises(UserError, match="chưa đăng ký"):
        export_file(a.db, a.data_dir, tmp_path / "x.motcua")
    with pytest.raises(UserError, match="chưa đăng ký"):
        import_file(a.db, a.data_dir, tmp_path / "x.motcua")

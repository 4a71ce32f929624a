"""Making backups: verified copies that restore to the same data, only when something changed, rotated,
mirrored, consistent while writes run, and nothing half-written when the disk is full."""

from __future__ import annotations

import errno
import json
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import db.backup as backup_module
from db.audit import verify_chain
from db.backup import create_backup, maybe_backup, set_backup_password, set_second_folder
from db.backup_crypto import BackupRejected, PasswordNeeded, WrongPassword
from db.backup_files import list_backups, manifest_path, table_counts, verified_copy
from db.connection import open_database
from db.data_folder import open_data_folder
from db.events import record_event
from db.settings_store import update_settings
from models.errors import UserError

UNIT = "000.17.22.H56"


@pytest.fixture
def folder(data_dir: Path) -> Path:
    db = open_data_folder(data_dir)
    update_settings(db, {"unit_code": UNIT, "unit_name": "UBND xã Hương Mai"}, actor="an")
    db.close()
    return data_dir


def _change(data_dir: Path, name: str) -> None:
    db = open_data_folder(data_dir)
    update_settings(db, {"unit_name": name}, actor="binh")
    db.close()


def _dump(path: Path) -> dict:
    """Every row of every counted table, to compare a restored copy with its source."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {table: conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in table_counts(conn)}
    finally:
        conn.close()


def _files(folder: Path) -> set[str]:
    """The files in the folder, without SQLite's own -wal/-shm (a read-only look may leave empty ones)."""
    return {p.name for p in folder.rglob("*") if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


def test_a_backup_restores_to_the_same_data(folder: Path, tmp_path: Path) -> None:
    result = create_backup(folder)
    assert result.path.parent == folder / "backups"
    assert result.path.name.startswith(f"motcua-{UNIT}-") and result.path.suffix == ".sqlite3"
    manifest = json.loads(manifest_path(result.path).read_text(encoding="utf-8"))
    assert manifest["unit_code"] == UNIT and manifest["encrypted"] is False
    assert manifest["counts"]["events"] > 0 and manifest["migrations"]
    copy = tmp_path / "khoi-phuc.sqlite3"
    checked = verified_copy(result.path, copy)
    assert checked["counts"] == manifest["counts"]
    assert _dump(copy) == _dump(folder / "motcua.sqlite3")


def test_backup_while_writes_run_is_a_consistent_snapshot(folder: Path, tmp_path: Path) -> None:
    setup = open_database(folder / "motcua.sqlite3")
    setup.execute("CREATE TABLE test_writes (id INTEGER PRIMARY KEY, n INTEGER)")
    setup.close()
    stop, written, errors = threading.Event(), [0], []

    def writer() -> None:
        db = open_database(folder / "motcua.sqlite3")
        try:
            while not stop.is_set():
                with db.atomic():  # a row and its event in one transaction: a torn copy would differ
                    db.execute("INSERT INTO test_writes (n) VALUES (?)", [written[0]])
                    record_event(db, entity="test", entity_id=str(written[0]), action="write", payload={},
                                 actor="writer")
                    if written[0] % 7 == 0:
                        update_settings(db, {"unit_name": f"UBND xã {written[0]}"}, actor="writer")
                written[0] += 1
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 20:
            stop.wait(0.01)
        results = []
        for n in range(4):
            results.append(create_backup(folder, now=datetime(2026, 3, 1 + n, 17)))
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join()
    assert not errors
    seen = []
    for number, result in enumerate(results):
        copy = tmp_path / f"copy-{number}.sqlite3"
        manifest = verified_copy(result.path, copy)  # sha, integrity_check and counts
        conn = sqlite3.connect(copy)
        rows = conn.execute("SELECT count(*) FROM test_writes").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM events WHERE entity = 'test'").fetchone()[0]
        conn.close()
        assert rows == events == manifest["counts"]["test_writes"]
        chain_db = open_database(copy)
        # opened in another folder: its events carry another PC's key marks (issue #17), the links hold
        assert all(chain.broken is None for chain in verify_chain(chain_db).devices)
        chain_db.close()
        seen.append(rows)
    assert seen == sorted(seen) and seen[-1] > seen[0] and written[0] > seen[-1]


def test_automatic_backup_only_when_something_changed(folder: Path) -> None:
    first = maybe_backup(folder, "start", now=datetime(2026, 3, 2, 8))
    assert first is not None
    assert maybe_backup(folder, "exit", now=datetime(2026, 3, 2, 17)) is None  # nothing changed
    _change(folder, "UBND xã Mới")
    assert maybe_backup(folder, "daily", now=datetime(2026, 3, 2, 18)) is None  # at most daily
    at_exit = maybe_backup(folder, "exit", now=datetime(2026, 3, 2, 18))  # at exit: whenever changed
    assert at_exit is not None and at_exit.manifest["reason"] == "exit"
    _change(folder, "UBND xã Mới hơn")
    assert maybe_backup(folder, "daily", now=datetime(2026, 3, 3, 19)) is not None  # a day later


def test_rotation_runs_after_each_backup(folder: Path) -> None:
    start = datetime(2026, 1, 5, 17)
    for day in range(40):
        _change(folder, f"UBND xã {day}")
        create_backup(folder, now=start + timedelta(days=day))
    names = [info.path.name for info in list_backups(folder / "backups")]
    assert len(names) <= 7 + 4 + 12 and len(names) >= 7
    assert all(Path(folder / "backups" / name).with_name(name + ".json").exists() for name in names)
    jsons = [p for p in (folder / "backups").glob("*.json")]
    assert len(jsons) == len(names)  # the removed ones took their manifests with them


def test_second_folder_gets_a_checked_copy_and_a_missing_stick_only_warns(folder: Path, tmp_path: Path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    set_second_folder(folder, stick)
    result = create_backup(folder, plain=True)
    assert result.copies == [stick / result.path.name]
    assert (stick / result.path.name).read_bytes() == result.path.read_bytes()
    assert manifest_path(stick / result.path.name).exists()
    stick.rename(tmp_path / "usb-rut-ra")
    _change(folder, "UBND xã khác")
    later = create_backup(folder, now=datetime.now() + timedelta(seconds=2), plain=True)
    assert later.path.exists() and later.copies == []
    assert "USB" in later.warnings[0]
    stick.mkdir()
    unasked = create_backup(folder, now=datetime.now() + timedelta(seconds=4))  # off the PC: encrypted or nothing
    assert unasked.copies == [] and "phải có mật khẩu" in unasked.warnings[0]
    assert not list(stick.iterdir())


@pytest.mark.parametrize("encrypted", [False, True])
def test_a_full_disk_leaves_nothing_half_written(folder: Path, monkeypatch, encrypted: bool) -> None:
    if encrypted:
        set_backup_password(folder, "mật khẩu")
    create_backup(folder, now=datetime(2026, 3, 1, 17))
    before = _files(folder)

    def full_disk(_source, target: Path) -> None:
        target.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)  # part of the copy, then the disk fills
        raise OSError(errno.ENOSPC, "No space left on device")

    def full_disk_encrypting(source, target, key, manifest) -> None:
        target.write(b"MOTCUA" * 100)
        raise OSError(errno.ENOSPC, "No space left on device")

    if encrypted:
        monkeypatch.setattr(backup_module, "write_encrypted", full_disk_encrypting)
    else:
        monkeypatch.setattr(backup_module, "_copy_database", full_disk)
    _change(folder, "UBND xã sau")
    with pytest.raises(UserError, match="^Ổ đĩa đầy"):
        create_backup(folder, now=datetime(2026, 3, 2, 17))
    assert _files(folder) == before  # no temporary file, no half backup, the old one kept


def test_sqlite_reporting_a_full_disk_is_the_same_message(folder: Path, monkeypatch) -> None:
    def full(_source, target: Path) -> None:
        target.write_bytes(b"x")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup_module, "_copy_database", full)
    with pytest.raises(UserError, match="^Ổ đĩa đầy"):
        create_backup(folder)
    assert list((folder / "backups").iterdir()) == []


def test_password_protected_backups(folder: Path, tmp_path: Path) -> None:
    set_backup_password(folder, "Mật khẩu đủ dài")
    result = create_backup(folder)
    assert result.path.suffix == ".motcua-backup" and not manifest_path(result.path).exists()
    raw = result.path.read_bytes()
    assert b"SQLite format 3" not in raw and "Hương Mai".encode() not in raw
    copy = tmp_path / "copy.sqlite3"
    with pytest.raises(PasswordNeeded):
        verified_copy(result.path, copy)
    with pytest.raises(WrongPassword):
        verified_copy(result.path, copy, password="sai")
    assert not copy.exists()
    # Typed decomposed (some Vietnamese keyboards) it is the same password.
    decomposed = "M\u0061\u0302\u0323t kha\u0302\u0309u đủ dài"
    assert verified_copy(result.path, copy, password=decomposed)["unit_code"] == UNIT
    copy.unlink()
    assert verified_copy(result.path, copy, stored=backup_module.stored_key(folder))["encrypted"] is True


@pytest.mark.parametrize("damage", ["flip", "truncate", "header"])
def test_a_tampered_or_truncated_encrypted_backup_is_refused(folder: Path, tmp_path: Path, damage: str) -> None:
    result = create_backup(folder, password="mật khẩu")
    data = bytearray(result.path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 1
    elif damage == "truncate":
        data = data[: len(data) - 100]
    else:
        data = data.replace(UNIT.encode(), b"000.17.22.H57", 1)
    result.path.write_bytes(bytes(data))
    copy = tmp_path / "copy.sqlite3"
    with pytest.raises(BackupRejected):
        verified_copy(result.path, copy, password="mật khẩu")
    assert not copy.exists()


def test_a_damaged_database_is_not_backed_up_over_good_backups(folder: Path) -> None:
    good = create_backup(folder, now=datetime(2026, 3, 1, 17))
    path = folder / "motcua.sqlite3"
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xde\xad\xbe\xef" * 2048)
    with pytest.raises(UserError, match="bị hỏng"):
        create_backup(folder, now=datetime(2026, 3, 2, 17))
    assert [info.path for info in list_backups(folder / "backups")] == [good.path]


def test_one_backup_at_a_time_and_stale_temporaries_are_swept(folder: Path) -> None:
    from db.backup_files import BackupBusy, BackupLock

    stale = folder / "backups" / ".dang-sao-luu-1-x.tmp"
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"left by a power cut")
    fresh = folder / "backups" / ".dang-sao-luu-2-y.tmp"
    fresh.write_bytes(b"another backup still writing")
    old = datetime(2026, 1, 1).timestamp()
    import os

    os.utime(stale, (old, old))
    with BackupLock(folder):
        with pytest.raises(BackupBusy):
            create_backup(folder)
        assert maybe_backup(folder, "exit") is None
    create_backup(folder)
    assert not stale.exists() and fresh.exists()


def test_back_up_now_and_the_exit_backup_are_separate_restore_points(folder: Path) -> None:
    """A clerk can go back to this morning: every restore point of the day stays (up to ten)."""
    from db.backup import all_backups

    morning = datetime(2026, 12, 7, 9, 0)
    create_backup(folder, reason="thu_cong", now=morning)  # "Sao lưu ngay"
    _change(folder, "UBND xã Hương Mai (sửa lúc 10 giờ)")
    create_backup(folder, reason="thu_cong", now=morning.replace(hour=10))
    _change(folder, "UBND xã Hương Mai (sửa lúc 16 giờ)")
    assert maybe_backup(folder, "exit", now=morning.replace(hour=17)) is not None
    points = sorted((b.created_at.hour, (b.manifest or {}).get("reason")) for b in all_backups(folder))
    assert points == [(9, "thu_cong"), (10, "thu_cong"), (17, "exit")]

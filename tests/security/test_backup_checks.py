"""Restore refuses what it cannot authenticate; a killed backup's or restore's temporary is gone at the
next start."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from db.backup import create_backup
from db.backup_crypto import BackupRejected
from db.backup_files import BackupLock, manifest_path, table_counts
from db.backup_restore import restore_backup
from db.data_folder import open_data_folder
from db.settings_store import load_settings, update_settings

UNIT = "000.17.22.H56"


@pytest.fixture
def folder(data_dir: Path) -> Path:
    db = open_data_folder(data_dir)
    update_settings(db, {"unit_code": UNIT, "unit_name": "UBND xã Trước"}, actor="an")
    db.close()
    return data_dir


def _database_bytes(data_dir: Path) -> bytes:
    return (data_dir / "motcua.sqlite3").read_bytes()


def _forge_manifest(path: Path) -> None:
    """Make the (unsigned) sidecar agree with an edited backup, as an attacker would."""
    data = path.read_bytes()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    counts = table_counts(conn)
    conn.close()
    sidecar = manifest_path(path)
    manifest = json.loads(sidecar.read_text(encoding="utf-8"))
    manifest.update(sha256=hashlib.sha256(data).hexdigest(), size=len(data), counts=counts, unit_code=None)
    sidecar.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("damage", ["DELETE FROM settings WHERE key = 'unit'",
                                    "UPDATE settings SET value = 'không phải json' WHERE key = 'unit'",
                                    "UPDATE settings SET value = '[1, 2]' WHERE key = 'unit'"])
def test_a_backup_whose_unit_cannot_be_read_is_refused(folder: Path, damage: str) -> None:
    saved = create_backup(folder)
    conn = sqlite3.connect(saved.path)
    conn.execute(damage)
    conn.commit()
    conn.close()
    _forge_manifest(saved.path)
    before = _database_bytes(folder)
    with pytest.raises(BackupRejected, match="Không đọc được mã đơn vị"):
        restore_backup(folder, saved.path)
    assert _database_bytes(folder) == before


def test_a_plain_backup_without_its_manifest_is_refused(folder: Path, tmp_path: Path) -> None:
    saved = create_backup(folder)
    manifest_path(saved.path).unlink()
    before = _database_bytes(folder)
    with pytest.raises(BackupRejected, match="thiếu tệp mô tả"):
        restore_backup(folder, saved.path)
    assert _database_bytes(folder) == before


def test_cli_restore_without_manifest_is_one_line(folder: Path, cli) -> None:
    saved = create_backup(folder)
    manifest_path(saved.path).unlink()
    done = cli("--data-dir", str(folder), "backup", "restore", str(saved.path))
    assert done.returncode != 0 and len(done.stderr.strip().splitlines()) == 1
    assert "thiếu tệp mô tả" in done.stderr


def _leftover(path: Path, size: int = 1 << 20, age_seconds: float = 0) -> Path:
    path.write_bytes(os.urandom(size))
    if age_seconds:
        stamp = time.time() - age_seconds
        os.utime(path, (stamp, stamp))
    return path


def test_a_killed_backups_temporary_is_removed_at_the_next_start(folder: Path) -> None:
    backup_tmp = _leftover(folder / "backups" / ".dang-sao-luu-4242-20260101000000000000.tmp")
    manifest_tmp = _leftover(folder / "backups" / ".motcua-x.sqlite3.json.tmp", size=10)
    old_restore = _leftover(folder / ".khoi-phuc-20260101-000000.tmp", age_seconds=2 * 3600)
    fresh_restore = _leftover(folder / ".khoi-phuc-20260101-000001.tmp")  # may belong to a running restore
    open_data_folder(folder).close()
    assert not backup_tmp.exists() and not manifest_tmp.exists() and not old_restore.exists()
    assert fresh_restore.exists()


def test_a_running_backups_temporary_is_left_alone(folder: Path) -> None:
    running = _leftover(folder / "backups" / ".dang-sao-luu-4242-20260101000000000000.tmp")
    with BackupLock(folder):  # another process is writing this backup now
        open_data_folder(folder).close()
    assert running.exists()


def test_after_a_sigkill_during_backup_the_start_cleans_up(folder: Path) -> None:
    import subprocess
    import sys
    import textwrap

    root = Path(__file__).resolve().parents[2]
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(root)!r})
        import db.backup as backup
        real = backup._snapshot_copy
        def copy_then_die(source, target, **options):
            facts = real(source, target, **options)
            os.kill(os.getpid(), signal.SIGKILL)  # killed with the database-sized copy on disk
        backup._snapshot_copy = copy_then_die
        from models.session import system_work
        with system_work():
            backup.create_backup({str(folder)!r})
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode != 0
    assert list((folder / "backups").glob(".*.tmp")), "the kill should have left the copy behind"
    db = open_data_folder(folder)  # the next start
    try:
        assert load_settings(db).unit_code == UNIT
    finally:
        db.close()
    assert not list((folder / "backups").glob(".*.tmp"))

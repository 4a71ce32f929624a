"""Restoring: verified first, the current database kept aside, one atomic switch; refused whole for a
truncated file, another unit's backup or a newer schema; a damaged database found at start."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

import db.backup_restore as restore_module
from db.backup import create_backup, set_backup_password, set_second_folder, stored_key
from db.backup_crypto import BackupRejected
from db.backup_files import DamagedDatabaseError, check_database, manifest_path
from db.backup_restore import latest_good_backup, restore_backup
from db.data_folder import open_data_folder
from db.events import events_for
from db.settings_store import load_settings, update_settings
from models.errors import UserError

UNIT = "000.17.22.H56"


@pytest.fixture
def folder(data_dir: Path) -> Path:
    db = open_data_folder(data_dir)
    update_settings(db, {"unit_code": UNIT, "unit_name": "UBND xã Trước"}, actor="an")
    db.close()
    return data_dir


def _unit_name(data_dir: Path) -> str:
    db = open_data_folder(data_dir)
    try:
        return load_settings(db).unit_name
    finally:
        db.close()


def _rename(data_dir: Path, name: str) -> None:
    db = open_data_folder(data_dir)
    update_settings(db, {"unit_name": name}, actor="binh")
    db.close()


def _damage(path: Path) -> None:
    """Overwrite pages in the middle of the file with garbage, as a failing disk would."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(os.urandom(16384))


def _stray_files(data_dir: Path) -> list[str]:
    return [p.name for p in data_dir.rglob("*") if p.name.endswith(".tmp")]


def test_restore_brings_back_the_backup_and_keeps_the_current_database_aside(folder: Path) -> None:
    saved = create_backup(folder)
    _rename(folder, "UBND xã Sau")
    result = restore_backup(folder, saved.path, actor="chi")
    assert _unit_name(folder) == "UBND xã Trước"
    aside = result.kept_aside
    assert aside is not None and aside.name.startswith("truoc-khoi-phuc-")
    conn = sqlite3.connect(aside)
    assert "UBND xã Sau" in conn.execute("SELECT value FROM settings WHERE key = 'unit'").fetchone()[0]
    conn.close()
    db = open_data_folder(folder)
    restored = events_for(db, "backup", saved.path.name)
    db.close()
    assert [(e["action"], e["actor"]) for e in restored] == [("restore", "chi")]
    assert _stray_files(folder) == []


def test_restore_keeps_this_pcs_backup_settings(folder: Path, tmp_path: Path) -> None:
    saved = create_backup(folder)
    stick = tmp_path / "usb"
    stick.mkdir()
    set_second_folder(folder, stick)
    set_backup_password(folder, "mật khẩu")
    restore_backup(folder, saved.path)
    assert stored_key(folder) is not None


def _bytes(data_dir: Path) -> bytes:
    return (data_dir / "motcua.sqlite3").read_bytes()


def test_a_truncated_backup_is_refused_and_nothing_changes(folder: Path) -> None:
    saved = create_backup(folder)
    _rename(folder, "UBND xã Sau")
    with open(saved.path, "r+b") as handle:
        handle.truncate(saved.path.stat().st_size // 2)
    before = _bytes(folder)
    with pytest.raises(BackupRejected, match="cắt cụt"):
        restore_backup(folder, saved.path)
    assert _bytes(folder) == before and _unit_name(folder) == "UBND xã Sau"
    assert _stray_files(folder) == [] and not list((folder / "backups").glob("truoc-khoi-phuc-*"))


def test_a_truncated_backup_without_its_manifest_is_refused_too(folder: Path, tmp_path: Path) -> None:
    saved = create_backup(folder)
    bare = tmp_path / "ban-chep.sqlite3"
    shutil.copyfile(saved.path, bare)
    with open(bare, "r+b") as handle:
        handle.truncate(bare.stat().st_size // 2)
    with pytest.raises(BackupRejected, match="hỏng|thiếu tệp mô tả"):
        restore_backup(folder, bare)


def test_a_backup_from_another_unit_is_refused(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "xa-khac"
    db = open_data_folder(other)
    update_settings(db, {"unit_code": "000.17.23.H56", "unit_name": "UBND xã Khác"}, actor="an")
    db.close()
    theirs = create_backup(other)
    before = _bytes(folder)
    with pytest.raises(BackupRejected, match="đơn vị khác"):
        restore_backup(folder, theirs.path)
    assert _bytes(folder) == before


def test_a_manifest_edited_to_another_unit_is_refused(folder: Path) -> None:
    saved = create_backup(folder)
    sidecar = manifest_path(saved.path)
    manifest = json.loads(sidecar.read_text(encoding="utf-8"))
    manifest["unit_code"] = "000.99.99.H99"
    sidecar.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupRejected, match="mã đơn vị"):
        restore_backup(folder, saved.path)


def test_a_backup_from_a_newer_version_is_refused(folder: Path) -> None:
    saved = create_backup(folder)
    conn = sqlite3.connect(saved.path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('motcua', '9999_tuong_lai', '2030-01-01')")
    conn.commit()
    conn.close()
    manifest_path(saved.path).unlink()
    with pytest.raises(BackupRejected, match="thiếu tệp mô tả"):  # a normal restore wants the manifest
        restore_backup(folder, saved.path)
    with pytest.raises(BackupRejected, match="mới hơn"):  # recovery of a damaged database does not
        restore_backup(folder, saved.path, check_unit=False)


def test_restore_is_refused_while_the_database_is_open(folder: Path) -> None:
    saved = create_backup(folder)
    _rename(folder, "UBND xã Sau")
    holder = open_data_folder(folder)
    try:
        with pytest.raises(UserError, match="đang được mở"):
            restore_backup(folder, saved.path)
    finally:
        holder.close()
    assert _unit_name(folder) == "UBND xã Sau" and _stray_files(folder) == []


def test_a_crash_before_the_switch_leaves_the_old_database_whole(folder: Path, monkeypatch) -> None:
    saved = create_backup(folder)
    _rename(folder, "UBND xã Sau")
    real_replace = os.replace

    def power_cut(source, target) -> None:
        if Path(target).name == "motcua.sqlite3":
            raise OSError(5, "Input/output error")  # the switch never happens
        real_replace(source, target)

    monkeypatch.setattr(restore_module.os, "replace", power_cut)
    with pytest.raises(UserError, match="vẫn nguyên"):
        restore_backup(folder, saved.path)
    monkeypatch.undo()
    check_database(folder / "motcua.sqlite3")
    assert _unit_name(folder) == "UBND xã Sau" and _stray_files(folder) == []


def test_restore_of_a_password_protected_backup(folder: Path) -> None:
    saved = create_backup(folder, password="mật khẩu")
    _rename(folder, "UBND xã Sau")
    with pytest.raises(BackupRejected):
        restore_backup(folder, saved.path)
    restore_backup(folder, saved.path, password="mật khẩu")
    assert _unit_name(folder) == "UBND xã Trước"


def test_a_damaged_database_is_found_and_replaced_by_the_latest_good_backup(folder: Path) -> None:
    older = create_backup(folder, now=datetime(2026, 3, 1, 17))
    _rename(folder, "UBND xã Sau")
    newest = create_backup(folder, now=datetime(2026, 3, 2, 17))
    with open(newest.path, "r+b") as handle:  # the newest backup is bad too: the one before is chosen
        handle.truncate(newest.path.stat().st_size - 4096)
    path = folder / "motcua.sqlite3"
    _damage(path)
    damaged = path.read_bytes()
    with pytest.raises(DamagedDatabaseError, match="bị hỏng"):
        check_database(path)
    assert path.read_bytes() == damaged  # the check writes nothing
    info, manifest = latest_good_backup(folder)
    assert info.path == older.path and manifest["unit_code"] == UNIT
    result = restore_backup(folder, info.path, check_unit=False)
    check_database(path)
    assert _unit_name(folder) == "UBND xã Trước"
    assert result.kept_aside.read_bytes() == damaged


def test_cli_damaged_database_one_line_and_nothing_written(folder: Path, cli) -> None:
    create_backup(folder)
    path = folder / "motcua.sqlite3"
    _damage(path)
    damaged = path.read_bytes()
    for command in (["backup", "check"], ["audit", "verify"], ["backup", "create"]):
        result = cli("--data-dir", str(folder), *command)
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "bị hỏng" in result.stderr
        assert "Traceback" not in result.stderr
        assert path.read_bytes() == damaged, command
    assert "Bản sao lưu tốt gần nhất" in cli("--data-dir", str(folder), "backup", "check").stderr


def test_cli_backup_create_list_verify_restore(folder: Path, tmp_path: Path, cli) -> None:
    created = cli("--data-dir", str(folder), "--json", "backup", "create")
    assert created.returncode == 0, created.stderr
    file = json.loads(created.stdout)["file"]
    listed = json.loads(cli("--data-dir", str(folder), "--json", "backup", "list").stdout)
    assert [row["file"] for row in listed] == [file]
    assert cli("--data-dir", str(folder), "backup", "verify", file).returncode == 0
    _rename(folder, "UBND xã Sau")
    restored = cli("--data-dir", str(folder), "backup", "restore", file)
    assert restored.returncode == 0, restored.stderr
    assert _unit_name(folder) == "UBND xã Trước"


def test_cli_password_from_the_environment_never_the_command_line(folder: Path, tmp_path: Path, cli) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    env = {"MA_SAO_LUU": "mật khẩu bí mật"}
    made = cli("--data-dir", str(folder), "--json", "backup", "create", "--to", str(stick),
               "--password-env", "MA_SAO_LUU", env=env)
    assert made.returncode == 0, made.stderr
    file = json.loads(made.stdout)["file"]
    assert file.endswith(".motcua-backup") and Path(file).parent == stick
    refused = cli("--data-dir", str(folder), "backup", "verify", file, input_text="")
    assert refused.returncode == 2 and "MOTCUA_BACKUP_PASSWORD" in refused.stderr
    wrong = cli("--data-dir", str(folder), "backup", "verify", file, env={"MOTCUA_BACKUP_PASSWORD": "sai"})
    assert wrong.returncode == 2 and "không đúng" in wrong.stderr
    good = cli("--data-dir", str(folder), "backup", "verify", file, "--password-env", "MA_SAO_LUU", env=env)
    assert good.returncode == 0 and "Bản sao lưu tốt" in good.stdout
    assert cli("--data-dir", str(folder), "backup", "create", "--password", "x").returncode == 2

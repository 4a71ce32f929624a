"""The database: created with WAL and foreign keys, migrated once, and a newer schema refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from db.connection import database_path, open_database
from db.migrations import MIGRATION_SET, migrations
from models.errors import SchemaTooNewError


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_uses_wal_and_foreign_keys(tmp_path):
    db = open_database(tmp_path / "a.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"settings", "procedures", "events", "calendar_overrides", "local"} <= set(db.table_names())


def test_migrations_are_recorded_and_applying_twice_changes_nothing(tmp_path):
    path = tmp_path / "a.sqlite3"
    open_database(path).close()
    db = open_database(path)
    names = [row[0] for row in db.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])]
    assert names == [m.name for m in migrations._migrations]
    schema_before = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    migrations.apply(db)
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema_before
    assert migrations.pending(db) == []


def test_newer_database_is_refused_and_left_byte_for_byte(tmp_path):
    path = tmp_path / "a.sqlite3"
    db = open_database(path)
    db.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES (?, ?, ?)",
               [MIGRATION_SET, "9999_from_the_future", "2030-01-01"])
    db.conn.commit()
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    before = _digest(path)
    with pytest.raises(SchemaTooNewError) as caught:
        open_database(path)
    assert "phiên bản MotCua mới hơn" in str(caught.value)
    assert "9999_from_the_future" in str(caught.value)
    assert _digest(path) == before


def test_a_file_that_is_not_sqlite_gives_a_clear_message(tmp_path):
    path = tmp_path / "a.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(Exception) as caught:
        open_database(path)
    assert "Không mở được cơ sở dữ liệu" in str(caught.value)


def test_pending_migration_backs_up_the_old_database_first(tmp_path, monkeypatch):
    path = tmp_path / "a.sqlite3"
    db = open_database(path)
    db.execute("INSERT INTO settings(key, value) VALUES ('marker', '\"giữ\"')")
    db.conn.commit()
    db.close()

    @migrations(name="9000_test_only_step")
    def _step(database):
        database.execute("CREATE TABLE test_only (x INTEGER)")

    try:
        db = open_database(path)
        assert "test_only" in db.table_names()
        db.close()
        backups = list((tmp_path / "backups").glob("truoc-nang-cap-*.sqlite3"))
        assert len(backups) == 1
        copy = sqlite3.connect(backups[0])
        assert copy.execute("SELECT value FROM settings WHERE key='marker'").fetchone()[0] == '"giữ"'
        assert copy.execute("SELECT count(*) FROM sqlite_master WHERE name='test_only'").fetchone()[0] == 0
        copy.close()
    finally:
        migrations._migrations.pop()


def test_data_folder_database_lives_in_the_folder(data_dir, db):
    assert database_path(data_dir).exists()
    assert (data_dir / "attachments").is_dir()
    assert (data_dir / "backups").is_dir()


def test_0008_keeps_the_first_appointment_and_marks_the_sample(tmp_path):
    """Migration 0008a fills first_due_at from each dossier's receive event (not its later due); 0008b
    marks the procedures whose latest event is the bundled sample's load (issue #12)."""
    import json

    from sqlite_utils import Database

    db = Database(tmp_path / "old.sqlite3")
    migrations.apply(db, stop_before="0008a_dossier_forms_2025")
    db.execute("INSERT INTO procedures (code, name, updated_at) VALUES ('1.001193', 'Đăng ký khai sinh', 'x'), "
               "('9.000001', 'Thủ tục riêng', 'x')")
    event = "INSERT INTO events (uuid, device_id, seq, actor, at, entity, entity_id, action, payload, prev_hash, hash) " \
            "VALUES (?, 'd', ?, 'a', 'x', ?, ?, ?, ?, '', '')"
    db.execute(event, ["e1", 1, "procedure", "1.001193", "add", json.dumps({"source": "import:sample_catalog.csv"})])
    db.execute(event, ["e2", 2, "procedure", "9.000001", "add", json.dumps({"source": "import:danh-muc.xlsx"})])
    db.execute("INSERT INTO dossiers (uuid, code, group_id, code_day, station, day_seq, procedure_code, "
               "procedure_name, channel, state, received_at, due_at, state_changed_at, created_at, updated_at) "
               "VALUES ('u1', 'C-1', 'g', '2026-02-13', 1, 1, '1.001193', 'x', 'truc_tiep', 'dang_xu_ly', "
               "'2026-02-13T10:00:00', '2026-02-27T14:00:00', 'x', 'x', 'x')")
    db.execute(event, ["e3", 3, "dossier", "u1", "receive", json.dumps({"due_at": "2026-02-24T10:00:00"})])
    db.conn.commit()
    migrations.apply(db)
    assert db.execute("SELECT first_due_at FROM dossiers").fetchone()[0] == "2026-02-24T10:00:00"
    assert dict(db.execute("SELECT code, sample FROM procedures").fetchall()) == {"1.001193": 1, "9.000001": 0}

"""The `local` table's one accessor (db/local.py) and the one-value reads (db/rows.py)."""

import sqlite3

import pytest

from db.local import get_local, local_items, put_local
from db.rows import column, named, scalar


@pytest.fixture
def conn():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE local (key TEXT PRIMARY KEY, value TEXT)")
    yield conn
    conn.close()


def test_put_get_and_remove(conn):
    assert get_local(conn, "device_id") is None
    put_local(conn, "device_id", "abc")
    put_local(conn, "device_id", "def")
    assert get_local(conn, "device_id") == "def"
    put_local(conn, "device_id", None)
    assert get_local(conn, "device_id") is None


def test_items_by_keys_and_without_a_prefix_in_key_order(conn):
    for key in ("backup_key", "backupX", "device_id", "backup_second_folder", "a%b"):
        put_local(conn, key, key.upper())
    assert local_items(conn, keys=["backup_second_folder", "backup_key", "missing"]) == [
        ("backup_key", "BACKUP_KEY"), ("backup_second_folder", "BACKUP_SECOND_FOLDER")]
    # The prefix is literal ("_" and "%" are no wildcards): only keys starting with "backup_" are left out.
    assert local_items(conn, except_prefix="backup_") == [("a%b", "A%B"), ("backupX", "BACKUPX"),
                                                          ("device_id", "DEVICE_ID")]
    assert [key for key, _ in local_items(conn)] == sorted(["backup_key", "backupX", "device_id",
                                                           "backup_second_folder", "a%b"])


def test_scalar_and_column_read_one_column_only(conn):
    for key in ("b", "a"):
        put_local(conn, key, key * 2)
    assert scalar(conn, "SELECT count(*) FROM local") == 2
    assert scalar(conn, "SELECT value FROM local WHERE key = ?", ["zz"]) is None
    assert column(conn, "SELECT key FROM local ORDER BY key") == ["a", "b"]
    with pytest.raises(ValueError):
        scalar(conn, "SELECT key, value FROM local")
    with pytest.raises(ValueError):
        column(conn, "SELECT key, value FROM local")


def test_named_rows_read_by_column_name_and_leave_the_connection_alone(conn):
    put_local(conn, "device_id", "abc")
    row = named(conn, "SELECT value, key FROM local").fetchone()
    assert (row["key"], row["value"]) == ("device_id", "abc")
    assert conn.execute("SELECT key, value FROM local").fetchone() == ("device_id", "abc")  # plain tuples still

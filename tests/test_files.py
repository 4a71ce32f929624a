"""Exports are written whole or not at all."""

from __future__ import annotations

import errno

import pytest

from models.errors import UserError
from output.files import write_through_temp


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(tmp_path):
    target = tmp_path / "bao-cao.xlsx"

    def full_disk(temporary):
        temporary.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(UserError) as caught:
        write_through_temp(target, full_disk)
    assert "Không ghi được bao-cao.xlsx" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_good_write_replaces_the_old_file(tmp_path):
    target = tmp_path / "danh-muc.csv"
    target.write_text("cũ", encoding="utf-8")
    assert write_through_temp(target, lambda temporary: temporary.write_text("mới", encoding="utf-8")) == 3
    assert target.read_text(encoding="utf-8") == "mới"
    assert [p.name for p in tmp_path.iterdir()] == ["danh-muc.csv"]


def test_a_missing_folder_is_said_plainly(tmp_path):
    with pytest.raises(UserError, match="không tồn tại"):
        write_through_temp(tmp_path / "khong-co" / "x.csv", lambda temporary: None)

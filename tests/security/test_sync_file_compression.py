"""A sync file whose compression method byte was changed gives one line, not NotImplementedError."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from models.errors import UserError
from sync.usb_file import read_file
from tests.security.bombs import unknown_compression


def _sync_like_file(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", '{"format": "motcua-usb"}' + " " * 200)
        archive.writestr("events.json", "[]" + " " * 200)
    path.write_bytes(unknown_compression(buffer.getvalue()))
    return path


def test_read_file_refuses_an_unknown_compression_method(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="Không nhập tệp"):
        read_file(_sync_like_file(tmp_path / "dong-bo.zip"), "00" * 32)


def test_hub_import_of_it_is_one_line(tmp_path: Path, cli) -> None:
    hub = tmp_path / "hub"
    assert cli("hub", "enroll", "--data-dir", str(hub), "--unit-code", "000.00.00.H00").returncode == 0
    done = cli("hub", "import", "--data-dir", str(hub), str(_sync_like_file(tmp_path / "dong-bo.zip")))
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1 and "NotImplementedError" not in done.stderr

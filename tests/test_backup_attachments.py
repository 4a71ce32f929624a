"""Scanned files in backups: copied beside a backup on another disk (once, checked, encrypted when the
backup is), brought back by a restore after a dead disk, a tampered copy refused, a lost original warned."""

from __future__ import annotations

import errno
import hashlib
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

import db.backup_attachments as attachments_module
from db.attachments import attach_file
from db.backup import create_backup, set_backup_password, set_second_folder
from db.backup_restore import restore_backup
from db.data_folder import open_data_folder
from db.dossier_store import receive_dossier
from db.settings_store import update_settings
from models.dossier_applicant import make_applicant

UNIT = "000.17.22.H56"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n% Giay khai sinh Nguyen Van An 0123456789\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"CCCD-so-001122334455" + bytes(range(64))
PASSWORD = "mật khẩu USB"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stored(folder: Path, data: bytes, ext: str, suffix: str = "") -> Path:
    sha = _sha(data)
    return folder / "attachments" / sha[:2] / f"{sha}.{ext}{suffix}"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "attachments").rglob("*") if p.is_file())


@pytest.fixture
def folder(data_dir: Path, tmp_path: Path) -> Path:
    """A data folder with one dossier holding a scanned PDF and PNG."""
    db = open_data_folder(data_dir)
    try:
        update_settings(db, {"unit_code": UNIT, "unit_name": "UBND xã Hương Mai"}, actor="an")
        dossier = receive_dossier(db, procedure_code="1.004884",
                                  applicant=make_applicant(name="Nguyễn Văn An", today=date(2026, 3, 1)),
                                  received_at=datetime(2026, 3, 2, 9, 0), now=datetime(2026, 3, 20, 12, 0))
        for name, data in (("to-khai.pdf", PDF), ("cccd.png", PNG)):
            source = tmp_path / "scan" / name
            source.parent.mkdir(exist_ok=True)
            source.write_bytes(data)
            attach_file(db, data_dir, dossier.code, source)
    finally:
        db.close()
    return data_dir


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    stick = tmp_path / "usb"
    stick.mkdir()
    return stick


def _dead_disk(data_dir: Path) -> None:
    shutil.rmtree(data_dir / "attachments")
    assert not _stored(data_dir, PDF, "pdf").exists()


def test_backup_to_another_folder_carries_the_attachments(folder: Path, usb: Path) -> None:
    result = create_backup(folder, to=usb, plain=True)
    assert result.attachments_copied == 2 and result.warnings == []
    assert _stored(usb, PDF, "pdf").read_bytes() == PDF
    assert _stored(usb, PNG, "png").read_bytes() == PNG
    assert len(_files(usb)) == 2  # no temporary file left beside them
    inside = create_backup(folder)  # data_dir/backups: same disk as the originals, nothing copied
    assert inside.attachments_copied == 0 and not (folder / "backups" / "attachments").exists()


def test_a_second_backup_copies_nothing_twice(folder: Path, usb: Path, tmp_path: Path) -> None:
    create_backup(folder, to=usb, plain=True)
    before = {p: p.stat().st_mtime_ns for p in _files(usb)}
    again = create_backup(folder, to=usb, plain=True, now=datetime(2030, 1, 1, 8, 0))
    assert again.attachments_copied == 0 and again.warnings == []
    assert {p: p.stat().st_mtime_ns for p in _files(usb)} == before
    # a new scan is the only one copied next time
    jpeg = b"\xff\xd8\xff\xe0" + b"giay-chung-nhan" * 4
    (tmp_path / "scan" / "moi.jpg").write_bytes(jpeg)
    db = open_data_folder(folder)
    try:
        code = db.execute("SELECT code FROM dossiers").fetchone()[0]
        attach_file(db, folder, code, tmp_path / "scan" / "moi.jpg")
    finally:
        db.close()
    third = create_backup(folder, to=usb, plain=True, now=datetime(2030, 1, 2, 8, 0))
    assert third.attachments_copied == 1 and _stored(usb, jpeg, "jpg").read_bytes() == jpeg
    assert {p: p.stat().st_mtime_ns for p in _files(usb) if p in before} == before


def test_the_second_folder_gets_the_attachments_too(folder: Path, usb: Path) -> None:
    set_second_folder(folder, usb)
    result = create_backup(folder, plain=True)
    assert result.copies and result.attachments_copied == 2
    assert _stored(usb, PDF, "pdf").read_bytes() == PDF


def test_an_encrypted_backup_leaves_no_scan_in_clear_on_the_stick(folder: Path, usb: Path) -> None:
    _stored(usb, PDF, "pdf").parent.mkdir(parents=True)
    _stored(usb, PDF, "pdf").write_bytes(PDF)  # a clear copy from before protection was chosen
    result = create_backup(folder, to=usb, password=PASSWORD)
    assert result.attachments_copied == 2 and result.warnings == []
    names = {p.name for p in _files(usb)}
    assert names == {f"{_sha(PDF)}.pdf.enc", f"{_sha(PNG)}.png.enc"}
    for path in usb.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert b"Nguyen Van An" not in content and b"CCCD-so-001122334455" not in content
    # the same password again (a new salt): the copies already open with it, nothing re-encrypted
    before = {p: p.stat().st_mtime_ns for p in _files(usb)}
    again = create_backup(folder, to=usb, password=PASSWORD, now=datetime(2030, 1, 1, 8, 0))
    assert again.attachments_copied == 0
    assert {p: p.stat().st_mtime_ns for p in _files(usb)} == before
    # another password: re-encrypted, so every copy opens with the newest backup's password
    other = create_backup(folder, to=usb, password="mật khẩu khác", now=datetime(2030, 1, 2, 8, 0))
    assert other.attachments_copied == 2


def test_restore_after_a_dead_disk_brings_the_scans_back(folder: Path, usb: Path) -> None:
    backup = create_backup(folder, to=usb, plain=True).path
    _dead_disk(folder)
    result = restore_backup(folder, backup)
    assert result.attachments_restored == 2 and result.attachments_missing == [] and result.warnings == []
    assert _sha(_stored(folder, PDF, "pdf").read_bytes()) == _sha(PDF)
    assert _sha(_stored(folder, PNG, "png").read_bytes()) == _sha(PNG)
    assert not [p for p in (folder / "attachments").rglob("*") if p.name.endswith(".tmp")]
    assert restore_backup(folder, backup).attachments_restored == 0  # nothing missing any more


def test_restore_decrypts_the_copies_with_the_backup_password(folder: Path, usb: Path) -> None:
    backup = create_backup(folder, to=usb, password=PASSWORD).path
    _dead_disk(folder)
    result = restore_backup(folder, backup, password=PASSWORD)
    assert result.attachments_restored == 2 and result.warnings == []
    assert _stored(folder, PDF, "pdf").read_bytes() == PDF


def test_restore_with_this_pcs_stored_key(folder: Path, usb: Path) -> None:
    set_backup_password(folder, PASSWORD)
    set_second_folder(folder, usb)
    result = create_backup(folder, plain=True)
    assert {p.suffix for p in _files(usb)} == {".enc"}
    _dead_disk(folder)
    restored = restore_backup(folder, result.copies[0])  # no password typed: the PC's key opens both
    assert restored.attachments_restored == 2 and _stored(folder, PNG, "png").read_bytes() == PNG


def test_a_tampered_copy_on_the_stick_is_refused(folder: Path, usb: Path) -> None:
    backup = create_backup(folder, to=usb, plain=True).path
    copy = _stored(usb, PDF, "pdf")
    copy.write_bytes(PDF.replace(b"Nguyen Van An", b"Tran Thi Binh"))  # same size, other content
    _dead_disk(folder)
    result = restore_backup(folder, backup)
    assert result.attachments_restored == 1 and result.attachments_missing == [f"{_sha(PDF)}.pdf"]
    assert any("không khớp mã sha256" in warning for warning in result.warnings)
    assert any("Còn thiếu 1 tệp đính kèm" in warning for warning in result.warnings)
    assert not _stored(folder, PDF, "pdf").exists() and _stored(folder, PNG, "png").read_bytes() == PNG


def test_a_tampered_encrypted_copy_is_refused(folder: Path, usb: Path) -> None:
    backup = create_backup(folder, to=usb, password=PASSWORD).path
    copy = _stored(usb, PNG, "png", ".enc")
    data = bytearray(copy.read_bytes())
    data[-20] ^= 0x01
    copy.write_bytes(bytes(data))
    _dead_disk(folder)
    result = restore_backup(folder, backup, password=PASSWORD)
    assert result.attachments_restored == 1 and result.attachments_missing == [f"{_sha(PNG)}.png"]
    assert not _stored(folder, PNG, "png").exists()


def test_a_lost_original_is_a_warning_not_a_failure(folder: Path, usb: Path) -> None:
    _stored(folder, PNG, "png").unlink()
    result = create_backup(folder, to=usb, plain=True)
    assert result.path.exists() and result.attachments_copied == 1
    assert any(w.startswith("Thiếu 1 tệp đính kèm") and _sha(PNG) in w for w in result.warnings)
    assert [p.name for p in _files(usb)] == [f"{_sha(PDF)}.pdf"]


def test_a_damaged_original_is_not_copied(folder: Path, usb: Path) -> None:
    original = _stored(folder, PDF, "pdf")
    original.write_bytes(PDF.replace(b"%%EOF", b"%%EOX"))
    result = create_backup(folder, to=usb, plain=True)
    assert result.attachments_copied == 1 and any("không khớp mã sha256" in w for w in result.warnings)
    assert not _stored(usb, PDF, "pdf").exists()


def test_a_full_stick_leaves_nothing_half_written(folder: Path, usb: Path, monkeypatch) -> None:
    real_read = attachments_module._HashingReader.read

    def full(self, size=-1):
        block = real_read(self, size)
        if block:
            raise OSError(errno.ENOSPC, "No space left on device")
        return block

    monkeypatch.setattr(attachments_module._HashingReader, "read", full)
    result = create_backup(folder, to=usb, plain=True)
    assert result.path.exists() and result.attachments_copied == 0
    assert any("ổ đĩa đầy" in w for w in result.warnings)
    assert _files(usb) == []


def test_names_come_only_from_valid_hashes(folder: Path, usb: Path, tmp_path: Path) -> None:
    create_backup(folder, to=usb, plain=True)
    db = open_data_folder(folder)
    try:
        db.execute("UPDATE dossier_attachments SET sha256 = '../../../thoat' WHERE ext = 'png'")
    finally:
        db.close()
    (usb / "thoat.png").write_bytes(PNG)
    backup = create_backup(folder, to=usb, plain=True, now=datetime(2030, 1, 1, 8, 0)).path
    _dead_disk(folder)
    result = restore_backup(folder, backup)
    assert result.attachments_restored == 1 and any("không hợp lệ" in w for w in result.warnings)
    assert [p.name for p in (folder / "attachments").rglob("*") if p.is_file()] == [f"{_sha(PDF)}.pdf"]
    assert not (tmp_path / "thoat.png").exists()


def test_cli_verify_and_restore_report_the_attachments(folder: Path, usb: Path, cli) -> None:
    made = json.loads(cli("--data-dir", str(folder), "--json", "backup", "create", "--to", str(usb), "--plain").stdout)
    assert made["attachments_copied"] == 2
    _stored(usb, PNG, "png").unlink()
    verified = cli("--data-dir", str(folder), "backup", "verify", made["file"])
    assert verified.returncode == 0 and "Tệp đính kèm bên cạnh bản sao lưu: 1 có, 1 thiếu" in verified.stdout
    _dead_disk(folder)
    restored = cli("--data-dir", str(folder), "backup", "restore", made["file"])
    assert restored.returncode == 0, restored.stderr
    assert "Đã chép lại 1 tệp đính kèm" in restored.stdout and "Còn thiếu 1 tệp đính kèm" in restored.stdout

"""Digitised papers: stored by content hash inside the data folder, type read from the bytes."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime
from pathlib import Path

import pytest

from db.attachments import attach_file, display_name
from db.dossier_queries import get_dossier
from db.dossier_store import receive_dossier
from db.events import events_for
from models.dossier_applicant import make_applicant
from models.errors import UserError

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture
def dossier(db):
    applicant = make_applicant(name="Nguyễn Văn An", today=date(2026, 3, 1))
    return receive_dossier(db, procedure_code="1.004884", applicant=applicant,
                           received_at=datetime(2026, 3, 2, 9, 0), now=datetime(2026, 3, 20, 12, 0))


def all_files(root: Path) -> set[Path]:
    return {Path(folder) / name for folder, _, names in os.walk(root) for name in names}


def test_valid_pdf_stored_by_hash(db, data_dir, dossier, tmp_path) -> None:
    source = tmp_path / "giay to" / "Tờ khai khai sinh.pdf"
    source.parent.mkdir()
    source.write_bytes(PDF)
    outside_before = all_files(tmp_path) - all_files(data_dir)
    record = attach_file(db, data_dir, dossier.code, source)
    sha = hashlib.sha256(PDF).hexdigest()
    stored = data_dir / "attachments" / sha[:2] / f"{sha}.pdf"
    assert stored.read_bytes() == PDF and record["path"] == f"attachments/{sha[:2]}/{sha}.pdf"
    assert record["display_name"] == "Tờ khai khai sinh.pdf" and record["ext"] == "pdf"
    assert all_files(tmp_path) - all_files(data_dir) == outside_before  # nothing written outside
    [attachment] = get_dossier(db, dossier.code).attachments
    assert attachment["sha256"] == sha and attachment["size"] == len(PDF)
    assert events_for(db, "dossier", dossier.uuid)[-1]["action"] == "attach"
    with pytest.raises(UserError, match="đã được đính kèm"):
        attach_file(db, data_dir, dossier.code, source)


def test_dot_dot_names_never_escape(db, data_dir, dossier, tmp_path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "x").write_bytes(PNG)
    tricky = tmp_path / "a" / "b" / "..\\..\\evil.pdf"  # backslashes are part of the name on POSIX
    tricky.write_bytes(JPEG)
    outside_before = all_files(tmp_path) - all_files(data_dir)
    first = attach_file(db, data_dir, dossier.code, f"{tmp_path}/a/b/../../x")
    second = attach_file(db, data_dir, dossier.code, tricky)
    assert first["display_name"] == "x" and first["ext"] == "png"
    assert second["display_name"] == "evil.pdf" and second["ext"] == "jpg"
    for record in (first, second):
        stored = (data_dir / record["path"]).resolve()
        assert stored.is_file() and (data_dir / "attachments").resolve() in stored.parents
        assert stored.name == f"{record['sha256']}.{record['ext']}"
    assert all_files(tmp_path) - all_files(data_dir) == outside_before
    assert display_name("..\\..\\Windows\\system32\\a\x00b.pdf") == "ab.pdf"
    assert display_name("../../..") == ""


def test_not_a_pdf_with_pdf_name_refused(db, data_dir, dossier, tmp_path) -> None:
    fake = tmp_path / "hop-dong.pdf"
    fake.write_bytes(b"MZ\x90\x00 this is a program, not a PDF")
    events_before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(UserError, match="không phải PDF, JPEG hoặc PNG"):
        attach_file(db, data_dir, dossier.code, fake)
    assert all_files(data_dir / "attachments") == set()
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == events_before
    assert get_dossier(db, dossier.code).attachments == ()


def test_missing_file_and_unknown_dossier(db, data_dir, dossier, tmp_path) -> None:
    with pytest.raises(UserError, match="Không tìm thấy tệp"):
        attach_file(db, data_dir, dossier.code, tmp_path / "khong-co.pdf")
    good = tmp_path / "a.pdf"
    good.write_bytes(PDF)
    with pytest.raises(UserError, match="Không có hồ sơ mã"):
        attach_file(db, data_dir, "KHONG-CO", good)
    assert all_files(data_dir / "attachments") == set()

"""The catalog carries what the forms need (issue #12): papers, agencies, the verification time, and the
sample mark that an import replacing the sample removes; `--replace` makes the catalog exactly the file."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from db.catalog_store import apply_import, get_procedure, list_procedures, load_sample_catalog, plan_import
from db.dossier_store import receive_dossier
from models.catalog_papers import papers_of, parse_paper_text
from models.dossier_applicant import make_applicant
from models.errors import UserError
from output.catalog_export import export_catalog
from services.forms import render_dossier_form

NOW = datetime(2026, 3, 20, 12, 0)
CSV = """Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn giải quyết,Thành phần hồ sơ,Cơ quan thực hiện,Cơ quan phối hợp,Thời hạn cần xác minh
1.004873,Cấp Giấy xác nhận tình trạng hôn nhân,Hộ tịch,03 ngày làm việc,"1. Tờ khai (bản chính)
2. Giấy tờ chứng minh nơi cư trú (bản sao) 02 bản",UBND xã Hương Mai,Công an xã Hương Mai,23 ngày làm việc
2.000815,Chứng thực bản sao từ bản chính,Chứng thực,Trong ngày,Bản chính giấy tờ (bản chính); Bản sao cần chứng thực (bản sao),UBND xã Hương Mai,,
"""


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def write(tmp_path, text: str):
    path = tmp_path / "danh-muc.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_paper_lines_are_read_with_their_form_and_count() -> None:
    paper = parse_paper_text("2. Giấy chứng sinh (bản sao) 02 bản")
    assert (paper.name, paper.kind, paper.count) == ("Giấy chứng sinh", "ban_sao", 2)
    assert parse_paper_text("- Giấy ủy quyền (Bản sao chứng thực)").kind == "ban_sao_chung_thuc"
    assert parse_paper_text("Tờ khai").kind == "ban_chinh"


def test_import_reads_papers_agencies_and_verification_time_and_export_writes_them(db, tmp_path) -> None:
    apply_import(db, plan_import(db, write(tmp_path, CSV)))
    marriage = get_procedure(db, "1.004873")
    assert [(p.name, p.kind, p.count) for p in papers_of(marriage.papers)] == [
        ("Tờ khai", "ban_chinh", 1), ("Giấy tờ chứng minh nơi cư trú", "ban_sao", 2)]
    assert marriage.deciding_agency == "UBND xã Hương Mai" and marriage.cooperating_agency == "Công an xã Hương Mai"
    assert marriage.verification_text == "23 ngày làm việc"
    assert len(papers_of(get_procedure(db, "2.000815").papers)) == 2
    out = tmp_path / "xuat.csv"
    export_catalog(list_procedures(db), out)
    exported = out.read_text(encoding="utf-8-sig")
    assert "Thành phần hồ sơ" in exported and "Cơ quan phối hợp" in exported and "Thời hạn cần xác minh" in exported
    # The export reads back to the same procedures (the sample's others only lose their sample mark).
    changed = {row.code: row.changes for row in plan_import(db, out).changed}
    assert "1.004873" not in changed and "2.000815" not in changed
    assert all(changes == ("sample",) for changes in changed.values())


def test_a_dossier_that_needs_verification_gets_the_longer_time_from_the_start(db, tmp_path) -> None:
    apply_import(db, plan_import(db, write(tmp_path, CSV)))
    applicant = make_applicant(name="Vũ Thị Hà", today=date(2026, 3, 1))
    common = dict(procedure_code="1.004873", applicant=applicant, received_at=datetime(2026, 3, 2, 9, 0), now=NOW)
    plain = receive_dossier(db, **common)
    checked = receive_dossier(db, **common, needs_verification=True)
    assert plain.due_at == datetime(2026, 3, 5, 9, 0)  # 03 working days
    assert checked.due_at > plain.due_at and checked.extension_count == 0 and checked.needs_verification
    assert checked.first_due_at == checked.due_at  # the appointment itself, not an extension
    assert checked.deciding_agency == "UBND xã Hương Mai" and checked.cooperating_agency == "Công an xã Hương Mai"
    with pytest.raises(UserError, match="trường hợp cần xác minh"):
        receive_dossier(db, **{**common, "procedure_code": "2.000815"}, needs_verification=True)


def test_the_sample_is_marked_until_a_file_replaces_it_and_replace_is_exact(db, tmp_path) -> None:
    from db.settings_store import update_settings

    update_settings(db, {"unit_name": "UBND xã Hương Mai", "unit_code": "000.17.22.H56"})
    load_sample_catalog(db)
    assert all(p.sample for p in list_procedures(db))
    applicant = make_applicant(name="Vũ Thị Hà", today=date(2026, 3, 1))
    sample_dossier = receive_dossier(db, procedure_code="1.004873", applicant=applicant,
                                     received_at=datetime(2026, 3, 2, 9, 0), now=NOW)
    assert "DỮ LIỆU MẪU" in text_of(render_dossier_form(db, "tiep_nhan", sample_dossier.code).data)
    before = get_procedure(db, "1.004873")
    assert before.fees  # the sample gives a fee; the file below has no fee column
    plan = plan_import(db, write(tmp_path, CSV), replace=True)
    apply_import(db, plan)
    after = get_procedure(db, "1.004873")
    assert not after.sample and after.fees == "" and after.online_level == "" and not after.essential
    assert {p.code for p in list_procedures(db)} == {"1.004873", "2.000815"}
    mine = receive_dossier(db, procedure_code="1.004873", applicant=applicant, received_at=datetime(2026, 3, 3, 9, 0),
                           now=NOW)
    assert "DỮ LIỆU MẪU" not in text_of(render_dossier_form(db, "tiep_nhan", mine.code).data)

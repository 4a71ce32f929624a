"""The stored catalog: import plans applied all-or-nothing with their events, search, edits, export."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

import pytest

import db.catalog_store as store
from db.data_folder import open_data_folder
from models.catalog import Procedure
from models.errors import UserError
from models.resources import resource_path
from output.catalog_export import export_catalog

HEADER = ["Mã TTHC", "Tên TTHC", "Lĩnh vực", "Thời hạn giải quyết", "Phí, lệ phí", "Mức độ DVC", "Thiết yếu"]
BASE = [
    ["1.001193", "Đăng ký khai sinh", "Hộ tịch", "Trong ngày", "Miễn lệ phí", "Toàn trình", "x"],
    ["1.004884", "Đăng ký lại khai sinh", "Hộ tịch", "05 ngày làm việc", "", "Một phần", ""],
    ["2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", "Trong ngày", "2.000 đồng/trang", "", ""],
]


# The codes seen on the national portal (shared/domain.md): the sample must not invent any.
REAL_CODES = set(re.findall(r"\d\.\d{6}", """
    1.001193 1.000894 1.000656 1.004884 1.004873 1.004859 1.001022 1.004837 2.000806 2.000635 2.000815
    2.000884 2.000908 2.001019 2.000986 1.004222 1.003197 1.004194 1.003677 2.001159 1.010041"""))


@pytest.fixture
def empty_db(tmp_path: Path):
    database = open_data_folder(tmp_path / "trong", load_sample=False)
    yield database
    database.close()


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def counts(db) -> tuple[int, int]:
    return (db.execute("SELECT count(*) FROM procedures").fetchone()[0],
            db.execute("SELECT count(*) FROM events").fetchone()[0])


def import_rows(db, tmp_path: Path, rows: list[list[str]], **options) -> dict[str, int]:
    plan = store.plan_import(db, write_csv(tmp_path / "nhap.csv", rows), replace=options.pop("replace", False))
    return store.apply_import(db, plan, **options)


def procedure_events(db, code: str) -> list[tuple[str, dict]]:
    rows = db.execute("SELECT action, payload FROM events WHERE entity = 'procedure' AND entity_id = ? "
                      "ORDER BY seq", [code]).fetchall()
    return [(action, json.loads(payload)) for action, payload in rows]


def test_first_run_loads_the_labelled_sample_with_real_codes_only(db) -> None:
    procedures = store.list_procedures(db)
    assert len(procedures) >= 15
    assert {p.code for p in procedures} <= REAL_CODES
    with open(resource_path("sample_catalog.csv"), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert all("DỮ LIỆU MẪU" in row["Ghi chú"] for row in rows)
    assert {p.code for p in store.list_procedures(db, essential_only=True)} >= {"1.001193", "1.000894", "1.004222"}
    assert counts(db)[1] >= len(procedures)  # one event per added procedure


def test_import_adds_with_one_event_each(empty_db, tmp_path: Path) -> None:
    result = import_rows(empty_db, tmp_path, BASE, actor="can-bo-a")
    assert result["added"] == 3
    assert counts(empty_db) == (3, 3)
    action, payload = procedure_events(empty_db, "1.001193")[0]
    assert action == "add" and payload["procedure"]["name"] == "Đăng ký khai sinh"
    assert payload["source"] == "import:nhap.csv"
    assert empty_db.execute("SELECT DISTINCT actor FROM events").fetchall() == [("can-bo-a",)]


def test_reimport_is_unchanged_and_writes_nothing(empty_db, tmp_path: Path) -> None:
    import_rows(empty_db, tmp_path, BASE)
    before = counts(empty_db)
    assert import_rows(empty_db, tmp_path, BASE)["unchanged"] == 3
    assert counts(empty_db) == before


def test_update_lists_changed_fields_and_records_them(empty_db, tmp_path: Path) -> None:
    import_rows(empty_db, tmp_path, BASE)
    changed = [row[:] for row in BASE]
    changed[1][3] = "03 ngày làm việc"
    changed[1][4] = "8.000 đồng"
    plan = store.plan_import(empty_db, write_csv(tmp_path / "b.csv", changed))
    row = next(r for r in plan.rows if r.code == "1.004884")
    assert (row.status, row.changes) == ("updated", ("deadline_text", "deadline", "fees"))
    store.apply_import(empty_db, plan)
    assert store.get_procedure(empty_db, "1.004884").deadline_value == 3.0
    action, payload = procedure_events(empty_db, "1.004884")[-1]
    assert action == "update" and payload["changes"] == ["deadline_text", "deadline", "fees"]


def test_a_rejected_row_means_nothing_is_written(empty_db, tmp_path: Path) -> None:
    import_rows(empty_db, tmp_path, BASE)
    before = counts(empty_db)
    rows = [*BASE, ["9.999999", "", "", "", "", "", ""], ["1.000001", "Mới", "", "", "", "", ""]]
    plan = store.plan_import(empty_db, write_csv(tmp_path / "c.csv", rows))
    assert plan.counts["rejected"] == 1 and plan.counts["added"] == 1
    with pytest.raises(UserError, match="dòng bị từ chối"):
        store.apply_import(empty_db, plan)
    assert counts(empty_db) == before
    assert store.apply_import(empty_db, plan, skip_bad=True)["added"] == 1
    assert store.get_procedure(empty_db, "1.000001") is not None
    assert store.get_procedure(empty_db, "9.999999") is None


def test_failure_midway_rolls_back_procedures_and_events(empty_db, tmp_path: Path, monkeypatch) -> None:
    plan = store.plan_import(empty_db, write_csv(tmp_path / "d.csv", BASE))
    real, calls = store.record_event, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("đĩa đầy")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "record_event", flaky)
    with pytest.raises(RuntimeError):
        store.apply_import(empty_db, plan)
    assert counts(empty_db) == (0, 0)


def test_replace_retires_missing_and_reactivates_present(empty_db, tmp_path: Path) -> None:
    import_rows(empty_db, tmp_path, BASE)
    store.retire_procedure(empty_db, "2.000815")
    plan = store.plan_import(empty_db, write_csv(tmp_path / "e.csv", [BASE[0], BASE[2]]), replace=True)
    statuses = {row.code: row.status for row in plan.rows}
    assert statuses == {"1.001193": "unchanged", "2.000815": "updated", "1.004884": "retired"}
    assert next(r for r in plan.rows if r.code == "2.000815").changes == ("active",)
    store.apply_import(empty_db, plan)
    assert [p.code for p in store.list_procedures(empty_db)] == ["2.000815", "1.001193"]
    assert store.get_procedure(empty_db, "1.004884").active is False  # retired, never deleted
    assert procedure_events(empty_db, "1.004884")[-1][0] == "retire"


def test_replace_without_valid_rows_is_refused(empty_db, tmp_path: Path) -> None:
    import_rows(empty_db, tmp_path, BASE)
    with pytest.raises(UserError, match="danh sách trống"):
        store.plan_import(empty_db, write_csv(tmp_path / "f.csv", [["", "Không mã", "", "", "", "", ""]]),
                          replace=True)


def test_columns_missing_from_the_file_keep_stored_values(empty_db, tmp_path: Path) -> None:
    import_rows(empty_db, tmp_path, BASE)
    plan = store.plan_import(empty_db, write_csv(tmp_path / "g.csv", [["1.001193", "Đăng ký khai sinh"]],
                                                 header=["Mã TTHC", "Tên TTHC"]))
    assert plan.rows[0].status == "unchanged"
    assert store.get_procedure(empty_db, "1.001193").essential is True


def test_clerk_deadline_survives_reimport_until_the_text_becomes_readable(empty_db, tmp_path: Path) -> None:
    rows = [["1.000001", "Thủ tục A", "", "Theo quy định", "", "", ""]]
    import_rows(empty_db, tmp_path, rows)
    assert store.get_procedure(empty_db, "1.000001").deadline_unit is None
    store.set_deadline(empty_db, "1.000001", 4, "working_days")
    assert import_rows(empty_db, tmp_path, rows)["unchanged"] == 1
    rows[0][3] = "Theo quy định mới"  # changed but still unreadable: text updated, clerk's value kept
    import_rows(empty_db, tmp_path, rows)
    kept = store.get_procedure(empty_db, "1.000001")
    assert (kept.deadline_text, kept.deadline_value, kept.deadline_set_by_clerk) == ("Theo quy định mới", 4.0, True)
    rows[0][3] = "02 ngày làm việc"
    import_rows(empty_db, tmp_path, rows)
    now = store.get_procedure(empty_db, "1.000001")
    assert (now.deadline_value, now.deadline_unit, now.deadline_set_by_clerk) == (2.0, "working_days", False)


def test_a_plan_made_before_another_change_is_refused(empty_db, tmp_path: Path) -> None:
    import_rows(empty_db, tmp_path, BASE)
    plan = store.plan_import(empty_db, write_csv(tmp_path / "h.csv", [BASE[0]]), replace=True)
    store.set_essential(empty_db, "1.004884", True)
    before = counts(empty_db)
    with pytest.raises(UserError, match="đã thay đổi"):
        store.apply_import(empty_db, plan)
    assert counts(empty_db) == before


@pytest.mark.parametrize(
    ("query", "codes"),
    [("dang ky khai sinh", {"1.001193", "1.004884"}), ("ĐĂNG KÝ", {"1.001193", "1.004884"}),
     ("đăng", {"1.001193", "1.004884"}), ("lai khai sinh", {"1.004884"}), ("chung thuc", {"2.000815"}),
     ("1.0011", {"1.001193"}), ("%", set()), ("khai sinh chứng", set())],
)
def test_search_folds_accents_case_and_d(empty_db, tmp_path: Path, query: str, codes: set[str]) -> None:
    import_rows(empty_db, tmp_path, BASE)
    assert {p.code for p in store.list_procedures(empty_db, search=query)} == codes


def test_filters_order_and_field_counts(empty_db, tmp_path: Path) -> None:
    import_rows(empty_db, tmp_path, BASE)
    store.retire_procedure(empty_db, "1.004884")
    assert [p.code for p in store.list_procedures(empty_db, active_only=False)] == ["2.000815", "1.001193", "1.004884"]
    assert [p.code for p in store.list_procedures(empty_db, fields=["Hộ tịch"])] == ["1.001193"]
    assert [p.code for p in store.list_procedures(empty_db, essential_only=True)] == ["1.001193"]
    assert store.field_counts(empty_db) == {"Chứng thực": 1, "Hộ tịch": 1}
    assert [p.code for p in store.procedures_without_own_link(empty_db)] == ["2.000815", "1.001193"]


def test_save_procedure_validates_and_records(empty_db) -> None:
    for bad in (Procedure(code=" ", name="A"), Procedure(code="1", name=""),
                Procedure(code="1", name="A", own_url="dichvucong.gov.vn"),
                Procedure(code="1", name="A", online_level="cao")):
        with pytest.raises(UserError):
            store.save_procedure(empty_db, bad)
    assert counts(empty_db) == (0, 0)
    typed = unicodedata.normalize("NFD", " Thủ  tục A ")
    saved = store.save_procedure(empty_db, Procedure(code=" 1.000001 ", name=typed, deadline_text="05 ngày làm việc"))
    assert (saved.code, saved.name, saved.deadline_value) == ("1.000001", "Thủ tục A", 5.0)
    assert store.get_procedure(empty_db, "1.000001") == saved
    store.save_procedure(empty_db, saved)  # unchanged: no new event
    assert counts(empty_db) == (1, 1)
    store.save_procedure(empty_db, Procedure(code="1.000001", name="Thủ tục B", deadline_text="Trong ngày"))
    assert store.get_procedure(empty_db, "1.000001").deadline_unit == "same_day"
    assert procedure_events(empty_db, "1.000001")[-1][1]["changes"] == ["name", "deadline_text", "deadline"]


def test_retire_reactivate_essential_and_deadline(empty_db, tmp_path: Path) -> None:
    import_rows(empty_db, tmp_path, BASE)
    assert store.retire_procedure(empty_db, "1.004884") is True
    assert store.retire_procedure(empty_db, "1.004884") is False
    assert store.reactivate_procedure(empty_db, "1.004884") is True
    assert store.set_essential(empty_db, "2.000815", True) is True
    assert store.get_procedure(empty_db, "2.000815").essential is True
    with pytest.raises(UserError, match="Không có thủ tục mã"):
        store.retire_procedure(empty_db, "0.000000")
    with pytest.raises(UserError):
        store.set_deadline(empty_db, "2.000815", 0, "working_days")
    cleared = store.set_deadline(empty_db, "2.000815", None, None)
    assert (cleared.deadline_unit, cleared.deadline_set_by_clerk) == ("same_day", False)
    actions = [a for a, _ in procedure_events(empty_db, "1.004884")]
    assert actions == ["add", "retire", "reactivate"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_is_unchanged(db, tmp_path: Path, suffix: str) -> None:
    store.set_deadline(db, "2.001159", 1, "working_days")
    store.save_procedure(db, Procedure(code="9.000001", name="=Tên bắt đầu bằng dấu bằng", field="Khác",
                                       own_url="https://example.gov.vn/x?a=1"))
    path = export_catalog(store.list_procedures(db), tmp_path / f"xuat{suffix}")
    plan = store.plan_import(db, path, replace=True)
    assert plan.counts["unchanged"] == len(store.list_procedures(db))
    assert not plan.changed and not plan.rejected
    if suffix == ".csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_refuses_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\.xlsx hoặc \.csv"):
        export_catalog([], tmp_path / "x.pdf")

"""Fees collected at reception (issue #14): recorded with the receipt, shown, filtered, summed; list export."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from db.dossier_queries import count_dossiers, get_dossier, list_dossiers
from db.dossier_store import receive_dossier
from db.events import events_for
from models.dossier_applicant import make_applicant
from models.dossier_fees import parse_fee_amount, procedure_has_fee
from models.errors import UserError
from services.dossiers import export_list, fee_totals, record_fee
from sync.fold_dossier import FOLDED_COLUMNS, fold_dossier

NOW = datetime(2026, 11, 16, 9, 0)
WILL = "2.001019"  # Chứng thực di chúc: 50.000 đồng/di chúc
BIRTH = "1.001193"  # Đăng ký khai sinh: miễn lệ phí


@pytest.mark.parametrize("text, has", [("50.000 đồng/di chúc", True), ("Theo quy định", True), ("", False),
                                       ("Không", False), ("Miễn lệ phí (đăng ký đúng hạn)", False),
                                       ("Miễn phí", False), ("Theo mức do Hội đồng nhân dân cấp tỉnh quy định", True)])
def test_which_procedures_charge_a_fee(text, has):
    assert procedure_has_fee(text) is has


def test_amounts_are_typed_as_clerks_write_them():
    assert parse_fee_amount("50.000") == parse_fee_amount("50 000 đ") == parse_fee_amount(50000) == 50000
    assert parse_fee_amount("") is None
    with pytest.raises(UserError, match="số đồng"):
        parse_fee_amount("năm mươi")


def receive(db, code, name, **fee):
    return receive_dossier(db, procedure_code=code, applicant=make_applicant(name=name), received_at=NOW,
                           now=NOW, **fee)


def test_the_fee_is_recorded_shown_filtered_and_folded(db):
    paid = receive(db, WILL, "Nguyễn Văn An", fee_amount="50.000", fee_receipt="BL-0001234")
    unpaid = receive(db, WILL, "Trần Thị Bình")
    free = receive(db, BIRTH, "Lê Văn Cường")
    with pytest.raises(UserError, match="biên lai"):
        receive(db, WILL, "Phạm Dũng", fee_amount="50000")  # money without a receipt number
    assert (paid.fee_required, paid.fee_amount, paid.fee_receipt) == (True, 50000, "BL-0001234")
    assert (unpaid.fee_required, unpaid.fee_amount) == (True, None)
    assert free.fee_required is False
    assert [d.code for d in list_dossiers(db, unpaid=True)] == [unpaid.code]
    assert count_dossiers(db, unpaid=True) == 1
    record_fee(db, unpaid.code, amount="50000", receipt="BL-0001235")
    assert count_dossiers(db, unpaid=True) == 0
    row = db.execute(f"SELECT {', '.join(FOLDED_COLUMNS)} FROM dossiers WHERE code = ?", [unpaid.code]).fetchone()
    folded = fold_dossier(events_for(db, "dossier", unpaid.uuid))  # another PC gets the same row
    assert folded.values == dict(zip(FOLDED_COLUMNS, row, strict=True))
    assert get_dossier(db, unpaid.code).to_dict()["fee_amount"] == 50000


def test_the_fee_report_sums_per_field_and_procedure(db):
    receive(db, WILL, "Nguyễn Văn An", fee_amount="50.000", fee_receipt="1")
    receive(db, WILL, "Trần Thị Bình", fee_amount="50.000", fee_receipt="2")
    receive(db, WILL, "Lê Văn Cường")
    receive(db, BIRTH, "Đỗ Thị Đào")
    rows = fee_totals(db, date(2026, 11, 1), date(2026, 11, 30))
    assert [(r["procedure_code"], r["amount"], r["paid"], r["unpaid"]) for r in rows] == [(WILL, 100000, 2, 1)]
    assert rows[0]["field"] == "Chứng thực"
    assert fee_totals(db, date(2026, 12, 1), date(2026, 12, 31)) == []


def test_the_list_export_holds_exactly_the_filtered_rows(db, tmp_path):
    for index in range(3):
        receive(db, WILL, f"Nguyễn Văn An {index}", fee_amount="50.000", fee_receipt=f"BL{index}")
    receive(db, WILL, "=HYPERLINK(\"x\")")
    receive(db, BIRTH, "Lê Văn Cường")
    out = tmp_path / "ho-so.xlsx"
    assert export_list(db, out, {"unpaid": True}) == 1
    sheet = load_workbook(out).active
    data = [row for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert len(data) == 1 and data[0][2] == "'=HYPERLINK(\"x\")" and data[0][11] == "Chưa thu"
    assert "chưa thu phí" in sheet["A3"].value
    assert export_list(db, out, {"field": None}) == 5
    assert events_for(db, "report", "dossier_list")[-1]["payload"]["rows"] == 5  # the export is recorded


def test_the_command_line_records_shows_filters_and_exports(cli, data_dir, tmp_path):
    base = ("--data-dir", str(data_dir))
    made = cli(*base, "--json", "dossier", "receive", "--procedure", WILL, "--name", "Nguyễn Văn An",
               "--fee", "50.000", "--fee-receipt", "BL-77")
    assert made.returncode == 0, made.stderr
    code = json.loads(made.stdout)["code"]
    other = json.loads(cli(*base, "--json", "dossier", "receive", "--procedure", WILL, "--name", "Trần Bình").stdout)
    shown = cli(*base, "dossier", "show", code)
    assert "Phí, lệ phí: 50.000 đồng, biên lai BL-77" in shown.stdout
    unpaid = json.loads(cli(*base, "--json", "dossier", "list", "--unpaid").stdout)
    assert [d["code"] for d in unpaid] == [other["code"]]
    out = tmp_path / "chua-thu.xlsx"
    exported = cli(*base, "dossier", "list", "--unpaid", "--xlsx", str(out))
    assert exported.returncode == 0, exported.stderr
    assert load_workbook(out).active.cell(row=5, column=2).value == other["code"]
    assert cli(*base, "dossier", "fee", other["code"], "--amount", "50000", "--receipt", "BL-78").returncode == 0
    report = cli(*base, "fees", "--period", "year")
    assert "100.000 đồng" in report.stdout, report.stdout + report.stderr

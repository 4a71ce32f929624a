"""Fees at the counter and in the dossier list; the list's Excel export holds exactly its rows (issue #14)."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import QModelIndex

from db.dossier_queries import get_dossier, list_dossiers
from db.dossier_store import receive_dossier
from models.dossier_applicant import make_applicant

WILL = "2.001019"  # 50.000 đồng/di chúc
BIRTH = "1.001193"  # miễn lệ phí


def test_reception_asks_the_fee_only_when_the_procedure_charges_one(qtbot, context):
    from ui.reception_screen import ReceptionScreen

    screen = ReceptionScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    birth = next(p for p in screen.procedures if p.code == BIRTH)
    screen.picker.pick(birth)
    assert not screen.fee_widget.isVisible()
    will = next(p for p in screen.procedures if p.code == WILL)
    screen.picker.pick(will)
    assert screen.fee_widget.isVisible() and "50.000" in screen.fee_amount.toolTip()
    screen.applicant.name.setText("Nguyễn Văn An")
    screen.fee_amount.setText("50.000")
    screen.fee_receipt.setText("BL-0009")
    saved = screen.save()
    assert saved is not None, screen.message.text()
    stored = get_dossier(context.db, saved.code)
    assert (stored.fee_amount, stored.fee_receipt) == (50000, "BL-0009")
    assert screen.fee_amount.text() == ""  # ready for the next citizen


def test_the_list_filters_unpaid_and_exports_exactly_its_rows(qtbot, context, tmp_path, monkeypatch):
    import ui.dialogs
    from ui.dossier_list_screen import DossierListScreen

    said: list[str] = []
    monkeypatch.setattr(ui.dialogs, "show_info", lambda _parent, _title, message: said.append(message))

    for index in range(2):
        receive_dossier(context.db, procedure_code=WILL, applicant=make_applicant(name=f"Đã nộp {index}"),
                        fee_amount=50000, fee_receipt=f"B{index}")
    unpaid = receive_dossier(context.db, procedure_code=WILL, applicant=make_applicant(name="Chưa nộp"))
    receive_dossier(context.db, procedure_code=BIRTH, applicant=make_applicant(name="Miễn phí"))
    screen = DossierListScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: not screen.busy())
    screen.unpaid.setChecked(True)
    qtbot.waitUntil(lambda: not screen.busy() and screen.model.rowCount(QModelIndex()) == 1)
    assert screen.model.dossier(0).code == unpaid.code
    assert screen.open_code(unpaid.code)
    shown = [screen.detail.info.itemAt(i).widget().text() for i in range(screen.detail.info.count())
             if hasattr(screen.detail.info.itemAt(i).widget(), "text")]
    assert "Chưa thu" in shown  # the detail says the fee is still due
    out = tmp_path / "chua-thu.xlsx"
    screen.export_to(out)
    qtbot.waitUntil(lambda: getattr(screen, "last_export", None) is not None, timeout=20000)
    assert screen.last_export == (out, 1) and "1 hồ sơ" in said[0]
    sheet = load_workbook(out).active
    codes = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert codes == [unpaid.code] == [d.code for d in list_dossiers(context.db, unpaid=True)]


def test_the_report_screen_sums_fees_per_field_and_procedure(qtbot, context):
    from datetime import date

    from models.report_period import Period
    from ui.fee_report_dialog import FeeReportDialog

    for index in range(2):
        receive_dossier(context.db, procedure_code=WILL, applicant=make_applicant(name=f"Người {index}"),
                        fee_amount=50000, fee_receipt=f"B{index}")
    receive_dossier(context.db, procedure_code=WILL, applicant=make_applicant(name="Chưa nộp"))
    today = date.today()
    dialog = FeeReportDialog(context, Period(today.replace(day=1), today), None)
    qtbot.addWidget(dialog)
    assert dialog.lines[0][0] == "Chứng thực" and dialog.lines[0][1:5] == (3, 2, 1, 100000)
    assert dialog.lines[-1] == ("Tổng cộng", 3, 2, 1, 100000, True)
    assert dialog.table.item(dialog.table.rowCount() - 1, 4).text() == "100.000 đồng"

"""The reception desk driven like a clerk: pick by typing, check the căn cước, scan the card, save, print."""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog

import ui.reception_screen
from db.dossier_queries import count_dossiers, get_dossier, list_dossiers
from ui.reception_screen import ReceptionScreen

RENDER_TIMEOUT = 30000
CARD = "040190123456|187654321|Nguyễn Thị Phương Thảo|12031990|Nữ|Thôn Đông, xã Hương Mai, tỉnh Nghệ An|01012021"
TWO_DAYS = "2.001019"  # Chứng thực di chúc: 02 ngày làm việc
FRIDAY_BEFORE_TET = datetime(2026, 2, 13, 10, 0)  # + 2 working days = Tuesday 24/02/2026 10:00 (domain.md)


@pytest.fixture
def screen(qtbot, context):
    widget = ReceptionScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)  # focus moves (and "leaving a field") need an active window
    return widget


def pick(qtbot, screen, typed: str) -> None:
    screen.picker.edit.setFocus()
    qtbot.keyClicks(screen.picker.edit, typed)
    qtbot.keyClick(screen.picker.edit, Qt.Key.Key_Return)


def fill_person(qtbot, type_text, screen, cccd: str = "040190123456") -> None:
    """Type each field and press Enter to go to the next one, as a clerk does."""
    form = screen.applicant
    form.name.setFocus()
    for widget, text in ((form.name, "Nguyễn Thị Phương Thảo"), (form.cccd, cccd), (form.dob, "12/03/1990")):
        assert widget.hasFocus()
        type_text(widget, text)
        qtbot.keyClick(widget, Qt.Key.Key_Return)
    assert form.sex.hasFocus()
    form.phone.setFocus()
    for widget, text in ((form.phone, "0912 345 678"), (form.email, ""), (form.address, "Thôn Đông, xã Hương Mai")):
        assert widget.hasFocus()
        type_text(widget, text)
        qtbot.keyClick(widget, Qt.Key.Key_Return)


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def test_typing_khai_sinh_and_enter_picks_dang_ky_khai_sinh(qtbot, screen):
    pick(qtbot, screen, "khai sinh")
    assert screen.picker.procedure is not None
    assert screen.picker.procedure.name == "Đăng ký khai sinh"
    assert screen.picker.procedure.code == "1.001193"
    assert "Hạn trả" in screen.due_label.text()
    assert screen.applicant.scan.hasFocus()  # Enter moved on to the card scanner's field
    # Khai sinh is interlinked: thường trú is offered (BHYT is not in the sample catalog).
    assert [p.code for _box, p in screen.linked_boxes] == ["1.004222"]


def test_picker_folds_accents_and_đ_and_takes_arrows(qtbot, screen, type_text):
    screen.picker.edit.setFocus()
    type_text(screen.picker.edit, "ĐĂNG KÝ kết hôn")
    assert screen.picker.results()[0].name == "Đăng ký kết hôn"
    screen.picker.clear()
    qtbot.keyClicks(screen.picker.edit, "dang ky")
    results = screen.picker.results()
    essential = [p.essential for p in results]
    assert essential == sorted(essential, reverse=True)  # essential services come first
    qtbot.keyClick(screen.picker.edit, Qt.Key.Key_Down)
    qtbot.keyClick(screen.picker.edit, Qt.Key.Key_Return)
    assert screen.picker.procedure == results[1]
    screen.picker.clear()
    pick(qtbot, screen, "2.000815")
    assert screen.picker.procedure.name == "Chứng thực bản sao từ bản chính"
    assert screen.linked_boxes == []


def test_wrong_cccd_shows_the_message_and_save_writes_nothing(qtbot, screen, context, type_text):
    pick(qtbot, screen, "chung thuc ban sao")
    fill_person(qtbot, type_text, screen, cccd="04019012345")  # 11 digits
    form = screen.applicant
    assert "12 chữ số" in form.error("cccd") and "11" in form.error("cccd")  # shown when the field was left
    assert form.errors["cccd"].isVisible()
    form.cccd.setFocus()
    qtbot.keyClicks(form.cccd, "67")  # 13 digits: wrong while still typing
    assert "13" in form.error("cccd")
    screen.note.setFocus()
    qtbot.keyClick(screen, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert count_dossiers(context.db) == 0
    assert "người nộp" in screen.message.text()
    assert form.cccd.hasFocus()
    form.cccd.clear()
    qtbot.keyClicks(form.cccd, "040190123456")
    assert form.error("cccd") == ""
    qtbot.keyClick(screen.note, Qt.Key.Key_Return)  # Enter from the last field saves
    assert count_dossiers(context.db) == 1


def test_cccd_against_birth_date_and_province(qtbot, screen):
    form = screen.applicant
    qtbot.keyClicks(form.dob, "12/03/1985")
    qtbot.keyClicks(form.cccd, "040190123456")  # coded 1990
    assert "1990" in form.error("cccd")
    form.cccd.clear()
    qtbot.keyClicks(form.cccd, "099190123456")
    assert "mã tỉnh 099" in form.error("cccd")


@pytest.mark.parametrize("field", ["cccd", "scan"])
def test_a_card_scan_fills_the_fields(qtbot, screen, type_text, field):
    form = screen.applicant
    target = form.cccd if field == "cccd" else form.scan
    target.setFocus()
    type_text(target, CARD)  # the USB scanner types like a keyboard, then Enter
    qtbot.keyClick(target, Qt.Key.Key_Return)
    assert form.name.text() == "Nguyễn Thị Phương Thảo"
    assert form.cccd.text() == "040190123456"
    assert form.dob.text() == "12/03/1990"
    assert form.sex.currentData() == "nu"
    assert form.address.text() == "Thôn Đông, xã Hương Mai, tỉnh Nghệ An"
    assert "Đã đọc" in form.scan_status.text() and form.error("cccd") == ""
    assert form.phone.hasFocus()  # on to what the card does not hold


@pytest.mark.parametrize("scan, why", [
    ("04019012345|187654321|Nguyễn Văn A|12031990|Nam|Hà Nội|01012021", "12 chữ số"),
    ("040190123456|187654321|Nguyễn Văn A|12031990|Nam|Hà Nội|01012021", "giới tính"),
    ("040190123456|18765|Nguyễn Văn A|12031990|Nữ|Hà Nội|01012021", "CMND"),
    ("http://example.com/?a=1|2", "căn cước"),
])
def test_a_malformed_scan_changes_nothing_and_says_why(qtbot, screen, type_text, scan, why):
    form = screen.applicant
    type_text(form.name, "Trần Văn Bình")
    form.cccd.setFocus()
    type_text(form.cccd, scan)
    qtbot.keyClick(form.cccd, Qt.Key.Key_Return)
    assert form.name.text() == "Trần Văn Bình"
    assert form.cccd.text() == "" and form.dob.text() == "" and form.address.text() == ""
    assert form.sex.currentData() == ""
    assert "Không đọc được thẻ" in form.scan_status.text() and why in form.scan_status.text()


def test_due_date_shown_before_saving_is_the_one_stored(qtbot, screen, context, type_text, monkeypatch):
    monkeypatch.setattr(ui.reception_screen, "now_local", lambda: FRIDAY_BEFORE_TET)
    pick(qtbot, screen, TWO_DAYS)
    assert screen.shown_due() == datetime(2026, 2, 24, 10, 0)  # Tết 16–20/02 skipped
    assert "10:00 Thứ Ba, 24/02/2026" in screen.due_label.text()
    fill_person(qtbot, type_text, screen)
    dossier = screen.save()
    assert dossier is not None
    stored = get_dossier(context.db, dossier.code)
    assert stored.due_at == datetime(2026, 2, 24, 10, 0) and stored.received_at == FRIDAY_BEFORE_TET
    assert stored.due_source == "law"


def test_a_due_date_that_changed_since_it_was_shown_is_not_saved_silently(qtbot, screen, context, type_text,
                                                                          monkeypatch):
    clock = {"now": datetime(2026, 3, 18, 14, 59)}  # a Wednesday, just before the 15:00 cut-off
    monkeypatch.setattr(ui.reception_screen, "now_local", lambda: clock["now"])
    pick(qtbot, screen, "2.000815")  # chứng thực bản sao: trong ngày
    assert screen.shown_due() == datetime(2026, 3, 18, 17, 0)
    fill_person(qtbot, type_text, screen)
    clock["now"] = datetime(2026, 3, 18, 15, 1)
    assert screen.save() is None
    assert count_dossiers(context.db) == 0
    assert "Hạn trả vừa thay đổi" in screen.message.text()
    assert screen.shown_due() == datetime(2026, 3, 19, 17, 0)  # the new date is on screen now
    dossier = screen.save()
    assert dossier is not None and dossier.due_at == datetime(2026, 3, 19, 17, 0)


def test_saving_writes_the_dossier_clears_the_form_and_prints_the_receipt(qtbot, screen, context, type_text,
                                                                         monkeypatch, tmp_path, errors):
    pick(qtbot, screen, "khai sinh")
    screen.set_linked("1.004222")
    fill_person(qtbot, type_text, screen)
    screen.channel.setCurrentIndex(screen.channel.findData("ho_tro_truc_tuyen"))
    screen.papers.item(0, 0).setText("Tờ khai đăng ký khai sinh")
    row = screen.papers.add_row("Giấy chứng sinh", "ban_chinh", 1)
    screen.papers.item(row, 2).setData(Qt.ItemDataRole.EditRole, 2)
    screen.sets.setValue(2)
    type_text(screen.note, "Con thứ hai")
    with qtbot.waitSignal(screen.saved):
        qtbot.keyClick(screen.note, Qt.Key.Key_Return)
    [dossier] = [d for d in list_dossiers(context.db) if d.procedure_code == "1.001193"]
    stored = get_dossier(context.db, dossier.code)
    assert stored.applicant.name == "Nguyễn Thị Phương Thảo" and stored.applicant.cccd == "040190123456"
    assert stored.applicant.phone == "0912345678" and stored.channel == "ho_tro_truc_tuyen"
    assert [(p.name, p.kind, p.count) for p in stored.papers] == [
        ("Tờ khai đăng ký khai sinh", "ban_chinh", 1), ("Giấy tờ tùy thân (căn cước)", "ban_sao", 1),
        ("Giấy chứng sinh", "ban_chinh", 2)]
    assert stored.sets == 2 and stored.note == "Con thứ hai"
    assert [g["procedure_code"] for g in stored.group] == ["1.004222"]
    # Cleared for the next citizen; the receipt of this one is offered.
    assert screen.picker.procedure is None and screen.applicant.name.text() == ""
    assert screen.papers.rowCount() == 2 and screen.note.text() == ""
    assert stored.code in screen.message.text() and screen.print_button.isVisible()
    assert screen.print_button.hasFocus()

    with qtbot.waitSignal(screen.print_button.clicked):
        qtbot.keyClick(screen.print_button, Qt.Key.Key_Return)  # Enter on the offered button
    dialog = screen.receipt_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.form is not None, timeout=RENDER_TIMEOUT)
    preview = dialog.form
    text = squash(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(preview.data)).pages))
    assert squash(stored.code) in text and squash("GIẤY TIẾP NHẬN HỒ SƠ") in text
    assert squash("Nguyễn Thị Phương Thảo") in text
    assert dialog.view.page_count() == len(PdfReader(io.BytesIO(preview.data)).pages) >= 1

    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "giay-tiep-nhan.pdf"
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(dialog.work_finished, timeout=RENDER_TIMEOUT):
        assert dialog.print_form(printer) is not None
    assert errors == []
    assert dialog.last_printed == len(preview.images)
    assert len(PdfReader(out).pages) == len(preview.images)
    assert "Đã gửi" in dialog.notice.text()
    dialog.reject()


def test_no_procedure_or_no_name_saves_nothing(qtbot, screen, context):
    assert screen.save() is None and "Chưa chọn thủ tục" in screen.message.text()
    pick(qtbot, screen, "chung thuc chu ky")
    assert screen.save() is None
    assert "họ tên" in screen.applicant.error("name")
    assert count_dossiers(context.db) == 0


def test_procedure_without_computable_time_needs_a_typed_due_date(qtbot, screen, context, type_text):
    pick(qtbot, screen, "2.000986")  # "Theo thời hạn của từng thủ tục thành phần"
    assert screen.manual_due.isVisible() and "nhập hạn trả" in screen.due_label.text()
    fill_person(qtbot, type_text, screen)
    assert screen.save() is None and "Cần nhập hạn trả" in screen.message.text()
    later = datetime.now().replace(second=0, microsecond=0).replace(year=datetime.now().year + 1)
    qtbot.keyClicks(screen.manual_due, f"{later:%d/%m/%Y %H:%M}")
    dossier = screen.save()
    assert dossier is not None and dossier.due_at == later and dossier.due_source == "clerk"


def test_the_procedures_papers_are_a_checklist_with_the_delegate_and_the_result_delivery(qtbot, screen, context,
                                                                                       type_text):
    from models.catalog import Procedure
    from services.catalog import get_procedure, save_procedure

    own = get_procedure(context.db, TWO_DAYS)
    save_procedure(context.db, Procedure(**{**own.__dict__, "papers": "Di chúc|ban_chinh|1\nCăn cước|ban_sao|1",
                                            "deciding_agency": "UBND xã Hương Mai"}))
    screen.reload_catalog()
    pick(qtbot, screen, "chung thuc di chuc")
    # The catalog's papers, unticked, instead of the two generic rows; the clerk ticks what was handed in.
    assert [screen.papers.item(r, 0).text() for r in range(screen.papers.rowCount())] == ["Di chúc", "Căn cước"]
    assert all(screen.papers.item(r, 0).checkState() == Qt.CheckState.Unchecked for r in range(2))
    screen.papers.item(0, 0).setCheckState(Qt.CheckState.Checked)
    row = screen.papers.add_row("Giấy ủy quyền", "ban_sao_chung_thuc", 1)  # one more, ticked
    assert screen.papers.item(row, 0).checkState() == Qt.CheckState.Checked
    fill_person(qtbot, type_text, screen)
    screen.delegate.setChecked(True)
    screen.delegate.edits["name"].setText("Lê Văn Cường")
    screen.delegate.edits["paper"].setText("Giấy ủy quyền số 12/UQ")
    screen.delivery.setCurrentIndex(screen.delivery.findData("buu_chinh"))
    with qtbot.waitSignal(screen.saved):
        screen.save()
    [dossier] = list_dossiers(context.db)
    stored = get_dossier(context.db, dossier.code)
    assert [(p.name, p.kind) for p in stored.papers] == [("Di chúc", "ban_chinh"), ("Giấy ủy quyền", "ban_sao_chung_thuc")]
    assert stored.delegate.name == "Lê Văn Cường" and stored.delegate.paper == "Giấy ủy quyền số 12/UQ"
    assert stored.result_delivery == "buu_chinh" and stored.deciding_agency == "UBND xã Hương Mai"
    # A procedure without papers on record keeps the two generic rows.
    pick(qtbot, screen, "khai sinh")
    assert screen.papers.rowCount() == 2 and screen.papers.item(0, 0).text().startswith("Tờ khai")

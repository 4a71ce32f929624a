"""The catalog screen driven like a clerk: grouped list, search, retire, essential, add/edit, import, export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from db.catalog_store import field_counts, get_procedure, list_procedures, plan_import
from models.catalog_plan import ADDED, REJECTED, RETIRED, UNCHANGED, UPDATED
from models.text import fold
from ui.catalog_model import COL_ESSENTIAL, COL_NAME, NO_FIELD, PROCEDURE_ROLE
from ui.catalog_screen import CatalogScreen
from ui.procedure_dialog import ProcedureDialog

BIRTH = "1.001193"  # Đăng ký khai sinh: active and essential in the sample catalog
REREGISTER = "1.004884"  # Đăng ký lại khai sinh: not essential


@pytest.fixture
def screen(qtbot, context):
    widget = CatalogScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    return widget


def shown(screen: CatalogScreen) -> list:
    """Every procedure row under every field row, as the tree holds them."""
    model = screen.model
    procedures = []
    for group in range(model.rowCount()):
        parent = model.index(group, 0)
        procedures += [model.index(row, 0, parent).data(PROCEDURE_ROLE) for row in range(model.rowCount(parent))]
    return procedures


def write_csv(path, rows):
    lines = ["Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn giải quyết"] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def open_import(qtbot, monkeypatch, screen, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    screen.import_action.trigger()
    qtbot.waitUntil(lambda: screen.import_dialog is not None and screen.import_dialog.isVisible(), timeout=10000)
    return screen.import_dialog


def test_sample_catalog_is_grouped_by_field_with_counts(screen, context, qtmodeltester):
    counts = field_counts(context.db)
    model = screen.model
    labels = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert labels == [f"{field or NO_FIELD} ({count})" for field, count in counts.items()]
    for row, count in enumerate(counts.values()):
        assert model.rowCount(model.index(row, 0)) == count
        assert screen.view.isExpanded(model.index(row, 0))
    assert {p.code for p in shown(screen)} == {p.code for p in list_procedures(context.db)}
    assert "Hộ tịch" in counts and f"{len(list_procedures(context.db))} thủ tục" in screen.summary.text()
    qtmodeltester.check(model)


def test_typing_without_accents_finds_the_procedure(qtbot, screen, context):
    everything = len(shown(screen))
    qtbot.keyClicks(screen.search, "dang ky khai sinh")
    assert len(shown(screen)) == everything  # debounced: nothing reloads key by key
    qtbot.waitUntil(lambda: not screen.search_timer.isActive(), timeout=2000)
    names = [p.name for p in shown(screen)]
    assert "Đăng ký khai sinh" in names and len(names) < everything
    assert all(word in fold(name) for name in names for word in ("dang", "ky", "khai", "sinh"))
    assert {p.code for p in shown(screen)} == {p.code for p in list_procedures(context.db, search="khai sinh dang ky")}
    assert "Tìm thấy" in screen.summary.text()
    screen.search.clear()
    qtbot.waitUntil(lambda: len(shown(screen)) > 5, timeout=2000)


def test_retiring_hides_the_row_unless_retired_ones_are_shown(qtbot, screen, context, errors):
    assert screen.select_code(BIRTH)
    assert screen.retire_action.text() == "Ngưng áp dụng"
    screen.retire_action.trigger()
    assert get_procedure(context.db, BIRTH).active is False
    assert not screen.model.index_of(BIRTH).isValid()
    screen.show_retired.setChecked(True)
    index = screen.model.index_of(BIRTH)
    assert index.isValid()
    assert "(đã ngưng)" in index.siblingAtColumn(COL_NAME).data()
    assert screen.select_code(BIRTH) and screen.retire_action.text() == "Áp dụng lại"
    screen.retire_action.trigger()
    assert get_procedure(context.db, BIRTH).active is True
    assert errors == []


def test_marking_essential_is_stored(screen, context):
    assert get_procedure(context.db, REREGISTER).essential is False
    screen.select_code(REREGISTER)
    assert screen.essential_action.text() == "Đánh dấu thiết yếu"
    screen.essential_action.trigger()
    assert get_procedure(context.db, REREGISTER).essential is True
    assert screen.model.index_of(REREGISTER).siblingAtColumn(COL_ESSENTIAL).data() == "Có"
    assert screen.essential_action.text() == "Bỏ đánh dấu thiết yếu"


def test_adding_a_procedure_with_a_deadline_set_by_hand(qtbot, screen, context, errors, type_text):
    screen.add_action.trigger()
    dialog = screen.findChild(ProcedureDialog)
    assert dialog is not None and dialog.isVisible()
    type_text(dialog.code, "9.000001")
    type_text(dialog.name, "Xác nhận thử nghiệm đường dây")
    dialog.field.setCurrentText("Hộ tịch")
    type_text(dialog.deadline_text, "Theo từng trường hợp")
    assert "Chưa đọc được" in dialog.parsed.text()
    dialog.by_hand.setChecked(True)
    dialog.value.setValue(4)
    dialog.unit.setCurrentIndex(dialog.unit.findData("working_days"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert errors == []
    stored = get_procedure(context.db, "9.000001")
    assert stored.name == "Xác nhận thử nghiệm đường dây" and stored.field == "Hộ tịch"
    assert (stored.deadline_value, stored.deadline_unit, stored.deadline_set_by_clerk) == (4, "working_days", True)
    assert screen.current_procedure().code == "9.000001"
    assert screen.model.index(0, 0).data() != ""


def test_adding_an_existing_code_is_refused(qtbot, screen, context, errors, type_text):
    dialog = screen.add_procedure()
    type_text(dialog.code, BIRTH)
    type_text(dialog.name, "Tên khác")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(errors) == 1 and "đã có" in errors[0]
    assert get_procedure(context.db, BIRTH).name == "Đăng ký khai sinh"


def test_enter_opens_the_edit_dialog_and_saves(qtbot, screen, context, errors, type_text):
    screen.select_code(REREGISTER)
    screen.view.setFocus()
    qtbot.keyClick(screen.view, Qt.Key.Key_Return)
    dialog = screen.findChild(ProcedureDialog)
    assert dialog is not None and dialog.code.isReadOnly() and dialog.code.text() == REREGISTER
    dialog.name.selectAll()
    type_text(dialog.name, "Đăng ký lại khai sinh (sửa)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert errors == []
    assert get_procedure(context.db, REREGISTER).name == "Đăng ký lại khai sinh (sửa)"


def test_import_shows_each_row_then_applies(qtbot, monkeypatch, screen, context, errors, tmp_path, qtmodeltester):
    path = write_csv(tmp_path / "moi.csv", [
        ("9.000002", "Cấp giấy phép thử", "Thử nghiệm", "05 ngày làm việc"),
        (BIRTH, "Đăng ký khai sinh (mới)", "Hộ tịch", "Trong ngày"),
        (REREGISTER, "Đăng ký lại khai sinh", "Hộ tịch", "05 ngày làm việc"),
    ])
    dialog = open_import(qtbot, monkeypatch, screen, path)
    statuses = {row.code: row.status for row in dialog.model.rows}
    assert statuses == {"9.000002": ADDED, BIRTH: UPDATED, REREGISTER: UNCHANGED}
    assert "thêm mới: 1" in dialog.summary.text() and "cập nhật: 1" in dialog.summary.text()
    qtmodeltester.check(dialog.model)
    assert dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert errors == []
    assert get_procedure(context.db, "9.000002").field == "Thử nghiệm"
    assert get_procedure(context.db, BIRTH).name == "Đăng ký khai sinh (mới)"
    assert screen.model.index_of("9.000002").isValid()
    assert "Đã nhập moi.csv" in screen.notice.text()


def test_replace_option_retires_procedures_missing_from_the_file(qtbot, monkeypatch, screen, context, tmp_path):
    path = write_csv(tmp_path / "thay.csv", [(BIRTH, "Đăng ký khai sinh", "Hộ tịch", "Trong ngày")])
    dialog = open_import(qtbot, monkeypatch, screen, path)
    assert not any(row.status == RETIRED for row in dialog.model.rows)
    dialog.replace_box.setChecked(True)
    qtbot.waitUntil(lambda: dialog.plan.replace and dialog.apply_button.isEnabled(), timeout=10000)
    retired = [row.code for row in dialog.model.rows if row.status == RETIRED]
    assert len(retired) == len(list_procedures(context.db)) - 1
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert [p.code for p in list_procedures(context.db)] == [BIRTH]


def test_rejected_row_blocks_apply_until_skipped(qtbot, monkeypatch, screen, context, errors, tmp_path):
    path = write_csv(tmp_path / "loi.csv", [
        ("9.000003", "Thủ tục hợp lệ", "Thử nghiệm", "03 ngày làm việc"),
        ("9.000004", "", "Thử nghiệm", "03 ngày làm việc"),
    ])
    before = list_procedures(context.db, active_only=False)
    dialog = open_import(qtbot, monkeypatch, screen, path)
    rejected = [row for row in dialog.model.rows if row.status == REJECTED]
    assert [row.code for row in rejected] == ["9.000004"] and "Thiếu tên" in rejected[0].reason
    assert "Thiếu tên" in dialog.model.index(1, 4).data()
    assert not dialog.apply_button.isEnabled()
    dialog.apply()  # even forced, the store refuses a plan with rejected rows
    assert len(errors) == 1 and "từ chối" in errors[0]
    assert list_procedures(context.db, active_only=False) == before
    dialog.skip_bad.setChecked(True)
    assert dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert get_procedure(context.db, "9.000003") is not None
    assert get_procedure(context.db, "9.000004") is None


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_reimports_unchanged(qtbot, monkeypatch, screen, context, errors, tmp_path, suffix):
    target = tmp_path / "xuat"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    (screen.export_xlsx_action if suffix == ".xlsx" else screen.export_csv_action).trigger()
    written = target.with_name("xuat" + suffix)
    assert errors == [] and written.exists()
    assert str(written) in screen.notice.text()
    plan = plan_import(context.db, written)
    assert plan.counts[UNCHANGED] == len(list_procedures(context.db))
    assert not plan.changed and not plan.rejected
    dialog = open_import(qtbot, monkeypatch, screen, written)
    assert not dialog.apply_button.isEnabled()
    assert "không làm thay đổi" in dialog.summary.text()


def test_a_clerk_reads_and_exports_but_sees_no_edit_actions(qtbot, context):
    from models.session import User, acting_as

    with acting_as(User("lan", "Lan", "clerk")):
        clerk_screen = CatalogScreen(context)
    qtbot.addWidget(clerk_screen)
    assert not clerk_screen.add_action.isVisible() and not clerk_screen.import_action.isEnabled()
    assert clerk_screen.export_xlsx_action.isVisible()
    admin_screen = CatalogScreen(context)  # the test's signed-in admin
    qtbot.addWidget(admin_screen)
    assert admin_screen.add_action.isVisible() and admin_screen.add_action.isEnabled()


def test_the_dialog_edits_papers_agencies_and_the_verification_time(qtbot, screen, context, errors, type_text):
    screen.select_code(REREGISTER)
    dialog = screen.edit_procedure() if hasattr(screen, "edit_procedure") else None
    if dialog is None:
        screen.view.setFocus()
        qtbot.keyClick(screen.view, Qt.Key.Key_Return)
        dialog = screen.findChild(ProcedureDialog)
    dialog.papers.setPlainText("Tờ khai (bản chính)\nGiấy chứng sinh (bản sao) 02 bản")
    dialog.deciding_agency.setText("UBND xã Hương Mai")
    dialog.cooperating_agency.setText("Công an xã Hương Mai")
    dialog.verification_text.setText("10 ngày làm việc")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert errors == []
    stored = get_procedure(context.db, REREGISTER)
    assert stored.papers == "Tờ khai|ban_chinh|1\nGiấy chứng sinh|ban_sao|2"
    assert (stored.deciding_agency, stored.cooperating_agency, stored.verification_text) == (
        "UBND xã Hương Mai", "Công an xã Hương Mai", "10 ngày làm việc")

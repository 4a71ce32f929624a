"""The backup dialog, the damaged-database check at start, and the audit screen, driven as a clerk would."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from sqlite_utils import Database

import ui.backup_dialog as backup_dialog
import ui.dialogs
import ui.startup_check as startup_check
from db.backup import create_backup, second_folder, stored_key
from db.backup_files import check_database
from db.device import device_id
from db.settings_store import update_settings
from ui.audit_screen import AuditScreen
from ui.backup_dialog import BackupDialog

UNIT = "000.17.22.H56"


@pytest.fixture
def answers(monkeypatch):
    """Scripted answers to the blocking boxes: yes/no, passwords; what was shown is kept."""
    state = {"yes": True, "passwords": [], "infos": [], "asked": []}

    def ask(parent, title, question):
        state["asked"].append(question)
        return state["yes"]

    monkeypatch.setattr(ui.dialogs, "ask_yes_no", ask)
    monkeypatch.setattr(ui.dialogs, "show_info", lambda parent, title, text: state["infos"].append(text))
    monkeypatch.setattr(backup_dialog, "ask_password", lambda parent, text: state["passwords"].pop(0)
                        if state["passwords"] else None)
    return state


@pytest.fixture
def unit(context):
    update_settings(context.db, {"unit_code": UNIT, "unit_name": "UBND xã Trước"}, actor="an")
    return context


def _unit_name(context) -> str:
    return context.settings().unit_name


def test_back_up_now_lists_the_new_backup(qtbot, unit, answers, errors) -> None:
    dialog = BackupDialog(unit)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and not dialog.restore_button.isEnabled()
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
    assert dialog.table.item(0, 4).text().startswith(f"motcua-{UNIT}-")
    assert "Đã sao lưu và kiểm tra" in dialog.status.text() and errors == []


def test_restore_asks_first_then_replaces_the_data(qtbot, unit, answers, errors) -> None:
    create_backup(unit.data_dir)
    update_settings(unit.db, {"unit_name": "UBND xã Sau"}, actor="an")
    changes = []
    unit.changed.connect(changes.append)
    dialog = BackupDialog(unit)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    answers["yes"] = False
    dialog.restore_button.click()
    assert _unit_name(unit) == "UBND xã Sau" and "Khôi phục dữ liệu từ bản sao lưu lúc" in answers["asked"][0]
    answers["yes"] = True
    dialog.restore_button.click()
    assert _unit_name(unit) == "UBND xã Trước"  # the reopened connection sees the restored data
    assert [c.restore for c in changes] == [True] and errors == []
    assert any(name.startswith("truoc-khoi-phuc-") for name in os.listdir(unit.data_dir / "backups"))


def test_restore_of_an_encrypted_backup_asks_for_the_password(qtbot, unit, answers, errors) -> None:
    create_backup(unit.data_dir, password="mật khẩu")
    update_settings(unit.db, {"unit_name": "UBND xã Sau"}, actor="an")
    dialog = BackupDialog(unit)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    answers["passwords"] = ["sai", "mật khẩu"]
    dialog.restore_button.click()
    assert _unit_name(unit) == "UBND xã Trước" and answers["passwords"] == [] and errors == []


def test_a_refused_restore_keeps_the_data_and_the_connection(qtbot, unit, answers, errors, tmp_path) -> None:
    saved = create_backup(unit.data_dir)
    with open(saved.path, "r+b") as handle:
        handle.truncate(saved.path.stat().st_size // 2)
    update_settings(unit.db, {"unit_name": "UBND xã Sau"}, actor="an")
    dialog = BackupDialog(unit)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    assert errors and "cắt cụt" in errors[0]
    assert _unit_name(unit) == "UBND xã Sau"


def test_settings_second_folder_and_password(qtbot, unit, answers, errors, monkeypatch, tmp_path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(stick))
    dialog = BackupDialog(unit)
    qtbot.addWidget(dialog)
    dialog.choose_folder()
    assert second_folder(unit.data_dir) == stick and dialog.folder_edit.text() == str(stick)
    answers["passwords"] = ["một", "hai"]
    dialog.password_box.setChecked(True)
    assert stored_key(unit.data_dir) is None and not dialog.password_box.isChecked()
    assert "không khớp" in errors[0]
    answers["passwords"] = ["mật khẩu", "mật khẩu"]
    dialog.password_box.setChecked(True)
    assert stored_key(unit.data_dir) is not None and dialog.password_box.isChecked()
    dialog.password_box.setChecked(False)
    assert stored_key(unit.data_dir) is None
    dialog.clear_folder_button.click()
    assert second_folder(unit.data_dir) is None


# ----- the check at start

def _damage(path: Path) -> bytes:
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(os.urandom(16384))
    return path.read_bytes()


@pytest.fixture
def damaged(unit):
    """A data folder whose database was damaged after a good backup; the GUI's connection closed."""
    create_backup(unit.data_dir, now=datetime(2026, 3, 1, 17))
    update_settings(unit.db, {"unit_name": "UBND xã Sau"}, actor="an")
    unit.db.close()
    path = unit.data_dir / "motcua.sqlite3"
    yield path, _damage(path)
    unit.db = Database(memory=True)  # something for the context fixture to close


def test_a_whole_database_opens_without_a_question(unit, monkeypatch) -> None:
    monkeypatch.setattr(startup_check, "ask_restore", lambda *a: pytest.fail("asked"))
    assert startup_check.check_or_recover(unit.data_dir) is True


def test_a_damaged_database_offers_the_latest_good_backup(unit, damaged, answers, errors, monkeypatch) -> None:
    path, _bytes = damaged
    shown = []
    monkeypatch.setattr(startup_check, "ask_restore", lambda parent, text: shown.append(text) or True)
    assert startup_check.check_or_recover(unit.data_dir) is True
    assert "bị hỏng" in shown[0] and "17:00 01/03/2026" in shown[0]
    check_database(path)
    assert errors == [] and "Đã khôi phục" in answers["infos"][0]


def test_quitting_leaves_the_damaged_file_as_it_was(unit, damaged, answers, errors, monkeypatch) -> None:
    path, damaged_bytes = damaged
    monkeypatch.setattr(startup_check, "ask_restore", lambda parent, text: False)
    assert startup_check.check_or_recover(unit.data_dir) is False
    assert path.read_bytes() == damaged_bytes


def test_no_backup_at_all_is_said_plainly(unit, answers, errors) -> None:
    unit.db.close()
    path = unit.data_dir / "motcua.sqlite3"
    damaged_bytes = _damage(path)
    try:
        assert startup_check.check_or_recover(unit.data_dir) is False
    finally:
        unit.db = Database(memory=True)
    assert "Không tìm thấy bản sao lưu tốt" in errors[0] and path.read_bytes() == damaged_bytes


# ----- the audit screen

def test_audit_screen_filters_verifies_and_exports(qtbot, unit, answers, errors, monkeypatch, tmp_path) -> None:
    update_settings(unit.db, {"unit_name": "UBND xã Hai"}, actor="binh")
    screen = AuditScreen(unit)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.table.rowCount() > 2, timeout=10000)
    assert screen.table.item(0, 1).text() == "binh" and "/ " in screen.page_label.text()
    screen.actor_box.setCurrentText("an")
    with qtbot.waitSignal(screen.page_loaded, timeout=10000):
        screen.apply_button.click()
    assert screen.table.rowCount() == 1 and screen.table.item(0, 2).text() == "Sửa"  # Vietnamese, not "update"
    screen.verify()
    qtbot.waitUntil(lambda: "nguyên vẹn" in screen.verify_label.text(), timeout=10000)
    unit.db.execute("UPDATE events SET actor = 'ai-do' WHERE actor = 'binh'")
    screen.verify()
    qtbot.waitUntil(lambda: "bị phá vỡ" in screen.verify_label.text(), timeout=10000)
    assert device_id(unit.db) in screen.verify_label.text()
    target = tmp_path / "nhat-ky"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Tệp CSV (*.csv)"))
    screen.choose_export()
    qtbot.waitUntil(lambda: bool(answers["infos"]), timeout=10000)
    assert (tmp_path / "nhat-ky.csv").exists() and "1 dòng" in answers["infos"][0] and errors == []

"""One errand, one function: the window and the command line give the same result for the same errand.

Each test does an errand once through the real widgets and once through `python main.py ...` on the same
data, then compares what was stored or written.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from report_scenario import FEBRUARY, NOW, build  # noqa: E402

import ui.dialogs  # noqa: E402
from db.dossier_queries import get_dossier  # noqa: E402
from db.dossier_store import receive_dossier  # noqa: E402
from db.events import events_for  # noqa: E402
from db.settings_store import update_settings  # noqa: E402
from models.dossier_applicant import make_applicant  # noqa: E402
from ui.backup_dialog import BackupDialog  # noqa: E402
from ui.dashboard_screen import DashboardScreen  # noqa: E402
from ui.dossier_move_dialog import MoveDialog  # noqa: E402
from ui.reception_screen import ReceptionScreen  # noqa: E402

TIMEOUT = 30000
PROCEDURE = "1.001193"


def run_json(cli, data_dir: Path, *args: str) -> dict:
    result = cli("--data-dir", str(data_dir), "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _facts(dossier: dict) -> dict:
    """What the errand decides (not the code, ids or clock readings)."""
    keep = ("procedure_code", "procedure_name", "state", "channel", "sets", "name", "cccd", "phone", "address",
            "deadline_text", "due_source")
    return {key: dossier.get(key) for key in keep}


def test_receive_stores_the_same_dossier(qtbot, context, cli):
    screen = ReceptionScreen(context)
    qtbot.addWidget(screen)
    screen.picker.select_code(PROCEDURE)
    form = screen.applicant
    form.name.setText("Trần Văn Bình")
    form.cccd.setText("001203004567")
    form.phone.setText("0912345678")
    form.address.setText("Thôn Đông, xã Hương Mai")
    saved = screen.save()
    assert saved is not None, screen.message.text()
    by_window = get_dossier(context.db, saved.code).to_dict()
    by_command = run_json(cli, context.data_dir, "dossier", "receive", "--procedure", PROCEDURE,
                          "--name", "Trần Văn Bình", "--cccd", "001203004567", "--phone", "0912345678",
                          "--address", "Thôn Đông, xã Hương Mai")
    assert _facts(by_window) == _facts(by_command)
    assert by_window["name"] == "Trần Văn Bình" and by_window["state"] == "tiep_nhan"
    assert by_window["due_at"][:13] == by_command["due_at"][:13]  # the same rule for the due moment


@pytest.fixture
def two(context):
    person = make_applicant(name="Lê Thị Hoa")
    return [receive_dossier(context.db, procedure_code=PROCEDURE, applicant=person).code for _ in range(2)]


def _move_in_window(qtbot, context, code: str, target: str, note: str) -> MoveDialog:
    dialog = MoveDialog(context, get_dossier(context.db, code), target)
    qtbot.addWidget(dialog)
    dialog.note.setPlainText(note)
    dialog.apply()
    return dialog


def test_a_move_without_a_reason_is_applied_alike(qtbot, context, cli, two):
    window_code, command_code = two
    dialog = _move_in_window(qtbot, context, window_code, "dang_xu_ly", "")
    assert dialog.moved is not None and dialog.error.text() == ""
    moved = run_json(cli, context.data_dir, "dossier", "move", command_code, "--to", "dang_xu_ly")
    assert get_dossier(context.db, window_code).state == moved["state"] == "dang_xu_ly"


def test_a_refusal_needs_its_reason_in_both(qtbot, context, cli, two):
    window_code, command_code = two
    dialog = _move_in_window(qtbot, context, window_code, "tu_choi", "   ")
    refused = cli("--data-dir", str(context.data_dir), "dossier", "move", command_code, "--to", "tu_choi")
    assert dialog.moved is None and refused.returncode == 2
    line = refused.stderr.strip().removeprefix("Lỗi: ")
    assert line == dialog.error.text() and "Cần ghi lý do từ chối" in line
    for code in two:
        assert get_dossier(context.db, code).state == "tiep_nhan"  # nothing moved
    dialog = _move_in_window(qtbot, context, window_code, "tu_choi", "Không thuộc thẩm quyền")
    moved = run_json(cli, context.data_dir, "dossier", "move", command_code, "--to", "tu_choi",
                     "--note", "Không thuộc thẩm quyền")
    assert dialog.moved is not None and dialog.moved.state == moved["state"] == "tu_choi"
    notes = [events_for(context.db, "dossier", get_dossier(context.db, code).uuid)[-1]["payload"]["note"]
             for code in two]
    assert notes == ["Không thuộc thẩm quyền"] * 2


_PRINTED_AT = re.compile(r"in lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}")


def _cells(path: Path) -> dict[str, list[list[object]]]:
    """Every cell's value; the moment of writing ("in lúc 10:05 ngày …") may differ by a minute."""
    book = openpyxl.load_workbook(path)
    return {sheet.title: [[_PRINTED_AT.sub("in lúc …", cell.value) if isinstance(cell.value, str) else cell.value
                           for cell in row] for row in sheet.iter_rows()] for sheet in book}


@pytest.fixture
def dashboard(qtbot, context, tmp_path, monkeypatch):
    build(context.db, context.data_dir, tmp_path)
    widget = DashboardScreen(context, clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.set_dates(*FEBRUARY)
    with qtbot.waitSignal(widget.report_ready, timeout=TIMEOUT):
        widget.refresh()
    monkeypatch.setattr(ui.dialogs, "show_error", lambda *a, **k: pytest.fail(f"error box: {a}"))
    return widget


def _export(qtbot, monkeypatch, screen, method, target: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(screen.export_done, timeout=TIMEOUT):
        method("xlsx")


def test_the_report_export_writes_the_same_workbook(qtbot, monkeypatch, context, cli, dashboard, tmp_path):
    _export(qtbot, monkeypatch, dashboard, dashboard.choose_export, tmp_path / "cua-so")
    start, end = (day.strftime("%d/%m/%Y") for day in FEBRUARY)
    run_json(cli, context.data_dir, "report", "--from", start, "--to", end, "--at", NOW.isoformat(),
             "--xlsx", str(tmp_path / "lenh.xlsx"))
    by_window, by_command = _cells(tmp_path / "cua-so.xlsx"), _cells(tmp_path / "lenh.xlsx")
    assert by_window == by_command and any("Tổng cộng" in row for row in by_window["Báo cáo"])


def test_the_logbook_export_writes_the_same_workbook_and_is_recorded(qtbot, monkeypatch, context, cli, dashboard,
                                                                      tmp_path):
    _export(qtbot, monkeypatch, dashboard, dashboard.choose_logbook, tmp_path / "so-cua-so")
    start, end = (day.strftime("%d/%m/%Y") for day in FEBRUARY)
    done = run_json(cli, context.data_dir, "logbook", "--from", start, "--to", end,
                    "--xlsx", str(tmp_path / "so-lenh.xlsx"))
    assert done["lines"] == 14
    assert _cells(tmp_path / "so-cua-so.xlsx") == _cells(tmp_path / "so-lenh.xlsx")
    exports = [e["payload"] for e in events_for(context.db, "report", "logbook")]
    assert [e["lines"] for e in exports] == [14, 14]
    assert [e["files"] for e in exports] == [["so-cua-so.xlsx"], ["so-lenh.xlsx"]]


def test_a_backup_is_made_and_described_alike(qtbot, context, cli, monkeypatch):
    update_settings(context.db, {"unit_code": "000.17.22.H56", "unit_name": "UBND xã Hương Mai"})
    monkeypatch.setattr(ui.dialogs, "show_error", lambda *a, **k: pytest.fail(f"error box: {a}"))
    dialog = BackupDialog(context)
    qtbot.addWidget(dialog)
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=TIMEOUT)
    by_command = run_json(cli, context.data_dir, "backup", "create")["manifest"]
    by_window = dialog.backups[-1].manifest
    assert by_window is not None
    for key in ("format", "unit_code", "encrypted", "migrations"):
        assert by_window.get(key) == by_command.get(key), key
    for table in ("dossiers", "procedures"):  # the command line signs in first: its account event is extra
        assert by_window["counts"][table] == by_command["counts"][table], table
    assert by_window["unit_code"] == "000.17.22.H56" and by_window["counts"]["procedures"] > 0

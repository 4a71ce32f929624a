"""Faults leave a trace: an unexpected error in a slot, a thread or a background job is logged with its
traceback (never a full căn cước number) and the clerk sees one plain Vietnamese box."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, Signal, qWarning
from PySide6.QtWidgets import QApplication, QMessageBox

import services.logs as logs
import ui.backup_dialog
import ui.dialogs
from ui.backup_dialog import BackupDialog
from ui.errors import FAULT_TITLE, install_fault_hooks, remove_fault_hooks

CCCD = "001203004567"


@pytest.fixture
def hooks(qapp, data_dir):
    install_fault_hooks(data_dir)
    yield logs.log_path(data_dir)
    remove_fault_hooks()
    logs.stop_logging()
    for box in QApplication.topLevelWidgets():
        if box.objectName() == "faultBox":
            box.close()


def fault_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "faultBox" and w.isVisible()]


class _Button(QObject):
    clicked = Signal()


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_is_logged_and_shown_plainly(qtbot, hooks):
    button = _Button()

    def broken() -> None:
        raise ZeroDivisionError(f"hỏng khi tính hạn của {CCCD}")

    button.clicked.connect(broken)
    button.clicked.emit()
    qtbot.waitUntil(lambda: bool(fault_boxes()), timeout=5000)
    [box] = fault_boxes()
    assert box.windowTitle() == FAULT_TITLE
    assert "không bị mất" in box.text() and str(hooks) in box.text() and "Traceback" not in box.text()
    text = hooks.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError" in text and "in broken" in text
    assert CCCD not in text and "001******567" in text


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_thread_is_logged_and_shown(qtbot, hooks):
    thread = threading.Thread(target=lambda: [][1], name="thu-nghiem")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(fault_boxes()), timeout=5000)
    text = hooks.read_text(encoding="utf-8")
    assert "thu-nghiem" in text and "IndexError" in text and "Traceback" in text


def test_a_qt_warning_goes_to_the_log(hooks):
    qWarning("cảnh báo của Qt")
    assert "Qt: cảnh báo của Qt" in hooks.read_text(encoding="utf-8")
    assert fault_boxes() == []  # a warning is not a fault


def test_an_error_in_a_background_job_is_logged_and_shown(qtbot, hooks, context, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(ui.dialogs, "show_error", lambda parent, message, title="": shown.append(message))

    def broken(*_args, **_kwargs):
        raise RuntimeError(f"ổ đĩa lạ với {CCCD}")

    monkeypatch.setattr(ui.backup_dialog, "make_backup", broken)
    dialog = BackupDialog(context)
    qtbot.addWidget(dialog)
    dialog.create_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown == [logs.fault_message()]
    assert "không bị mất" in shown[0] and str(hooks) in shown[0] and CCCD not in shown[0]
    text = hooks.read_text(encoding="utf-8")
    assert "công việc chạy nền" in text and "RuntimeError" in text and "in broken" in text
    assert CCCD not in text
    assert dialog.create_button.isEnabled()  # the dialog is usable again

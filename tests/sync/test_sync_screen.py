"""The Đồng bộ screen and the status bar indicator, driven with real widgets against a real hub process."""

from __future__ import annotations

import time

import pytest
from sync_helpers import receive

import ui.dialogs
from db.events import pending_count
from services.changes import Changes


@pytest.fixture
def context(tmp_path, qapp):
    from ui.app import create_application, open_context

    create_application()
    ctx = open_context(tmp_path / "gui")
    yield ctx
    ctx.db.close()


@pytest.fixture
def boxes(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(ui.dialogs, "show_error", lambda parent, message, title="": shown.append(message))
    monkeypatch.setattr(ui.dialogs, "show_info", lambda parent, title, message: shown.append(message))
    return shown


def _enrolled_screen(qtbot, context, hub, boxes):
    from ui.sync_screen import SyncScreen

    screen = SyncScreen(context)
    qtbot.addWidget(screen)
    assert screen.hub_label.text() == "Chưa đăng ký" and not screen.sync_button.isEnabled()
    screen.hub_edit.setText(hub.url)
    screen.token_edit.setText(hub.token())
    worker = screen.enroll()
    qtbot.waitUntil(lambda: bool(boxes), timeout=10_000)
    assert "đã đăng ký" in boxes[-1] and worker is not None
    assert screen.enroll_box.isHidden() and screen.sync_button.isEnabled()
    return screen


def test_enroll_then_sync_now_in_a_worker(qtbot, context, hub, boxes):
    from ui.sync_screen import SyncStatusWidget

    screen = _enrolled_screen(qtbot, context, hub, boxes)
    indicator = SyncStatusWidget(context)
    qtbot.addWidget(indicator)
    receive(context.db)
    context.publish(Changes(all_dossiers=True))            # as the reception screen does after a write
    pending = pending_count(context.db)
    assert indicator.label.text().startswith(f"Chờ đồng bộ: {pending}")
    began = time.monotonic()
    assert screen.sync_now()
    assert time.monotonic() - began < 0.5        # the GUI thread does not wait for the network
    assert screen.stop_button.isEnabled() and not screen.sync_button.isEnabled()
    qtbot.waitUntil(lambda: not screen.controller.running, timeout=20_000)
    assert pending_count(context.db) == 0 and len(hub.events()) == pending
    assert screen.pending_label.text() == "0" and screen.last_ok_label.text() != "chưa có"
    assert screen.error_label.text() == "không có"
    assert indicator.label.text().startswith("Chờ đồng bộ: 0 · Đồng bộ lúc")


def test_a_sync_can_be_stopped_and_the_error_is_plain(qtbot, context, hub, boxes):
    screen = _enrolled_screen(qtbot, context, hub, boxes)
    hub.kill()                                   # every request now fails and is retried with back-off
    assert screen.sync_now()
    qtbot.wait(300)
    screen.stop_button.click()
    qtbot.waitUntil(lambda: not screen.controller.running, timeout=10_000)
    assert screen.error_label.text() == "Đã dừng đồng bộ."
    assert screen.sync_now()
    qtbot.waitUntil(lambda: not screen.controller.running, timeout=30_000)
    assert "Không kết nối được máy chủ" in screen.error_label.text()
    assert "Errno" not in screen.error_label.text()
    from ui.sync_controller import status_line

    text, tip = status_line(screen.controller.status())
    assert "Lỗi: Không kết nối được" in text and "Lỗi cuối" in tip


def test_auto_sync_minutes_are_kept(qtbot, context, hub, boxes):
    from sync.state import load_state
    from ui.sync_controller import controller_for

    screen = _enrolled_screen(qtbot, context, hub, boxes)
    screen.auto_spin.setValue(15)
    screen.auto_spin.editingFinished.emit()
    assert load_state(context.db).auto_minutes == 15
    controller = controller_for(context)
    assert controller.timer.isActive() and controller.timer.interval() == 15 * 60_000
    controller.set_auto_minutes(0)
    assert not controller.timer.isActive() and screen.auto_spin.value() == 0


def test_usb_export_and_import_and_conflicts_are_listed(qtbot, context, hub, boxes, tmp_path, clients):
    from sync.client import enroll

    screen = _enrolled_screen(qtbot, context, hub, boxes)
    other = clients("other", 2)
    enroll(other.db, hub.url, hub.token())
    receive(other.db, name="Hoàng Văn Em")
    from sync.client import run_sync
    from sync.usb_file import export_file

    run_sync(context.db, context.data_dir)  # a PC learns the unit's signing keys when it syncs (or enrolls)

    path = tmp_path / "other.motcua"
    export_file(other.db, other.data_dir, path)
    screen.import_from(str(path))
    qtbot.waitUntil(lambda: "Đã nhập" in screen.usb_label.text(), timeout=10_000)
    assert context.db.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 1
    out = tmp_path / "mine.motcua"
    screen.export_to(str(out))
    qtbot.waitUntil(lambda: "Đã ghi" in screen.usb_label.text(), timeout=10_000)
    assert out.is_file()
    screen.import_from(str(tmp_path / "missing.motcua"))
    qtbot.waitUntil(lambda: len(boxes) > 1, timeout=10_000)
    assert "Không tìm thấy tệp" in boxes[-1]


def test_a_copied_folder_is_shown_and_enrolls_as_a_new_device(qtbot, tmp_path, hub, boxes, qapp):
    import shutil

    from ui.app import create_application, open_context
    from ui.sync_screen import SyncScreen

    create_application()
    original = open_context(tmp_path / "goc")
    from sync.client import enroll

    enroll(original.db, hub.url, hub.token())
    original.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    original.db.close()
    shutil.copytree(tmp_path / "goc", tmp_path / "ban-chep")
    copy = open_context(tmp_path / "ban-chep")
    screen = None
    try:
        screen = SyncScreen(copy)
        qtbot.addWidget(screen)
        screen.resize(1366, 728)
        screen.show()
        assert "chép từ máy khác" in screen.trust_label.text() and screen.trust_label.isVisible()
        assert screen.enroll_box.isVisible()
        screen.grab().save(str(tmp_path.parent / "sync-screen-copied.png"))
        old = copy.db.execute("SELECT value FROM local WHERE key = 'device_id'").fetchone()[0]
        screen.hub_edit.setText(hub.url)
        screen.token_edit.setText(hub.token())
        screen.enroll()
        qtbot.waitUntil(lambda: bool(boxes), timeout=10_000)
        assert "đã đăng ký" in boxes[-1]
        screen.refresh()
        assert screen.trust_label.isHidden()
        assert copy.db.execute("SELECT value FROM local WHERE key = 'device_id'").fetchone()[0] != old
    finally:
        if screen is not None:
            screen.auto_spin.editingFinished.disconnect()  # closing the shown window must not write any more
            screen.close()
        copy.db.close()


def test_same_code_notes_station_and_per_pc_counts_are_shown(qtbot, context, hub, boxes, clients):
    from datetime import timedelta

    from sync_helpers import BASE, UNIT

    from db.settings_store import update_settings
    from sync.client import enroll, run_sync

    update_settings(context.db, {"unit_code": UNIT})
    screen = _enrolled_screen(qtbot, context, hub, boxes)
    assert screen.station_label.text() == "1 (máy chủ đã xác nhận)"
    mine = receive(context.db, name="Nguyễn Văn An")
    other = clients("other")                                  # default settings, works before it is enrolled
    theirs = receive(other.db, name="Hoàng Văn Em", at=BASE + timedelta(minutes=5))
    assert theirs.code == mine.code
    enroll(other.db, hub.url, hub.token())
    assert run_sync(other.db, other.data_dir).error is None
    assert screen.sync_now()
    qtbot.waitUntil(lambda: not screen.controller.running, timeout=20_000)
    codes = [screen.conflicts_table.item(row, 1).text() for row in range(screen.conflicts_table.rowCount())]
    assert sorted(codes) == [mine.code, f"{mine.code}-2"]
    notes = " ".join(screen.conflicts_table.item(row, 2).text() for row in range(screen.conflicts_table.rowCount()))
    assert "Trùng mã hồ sơ" in notes and "in lại giấy tiếp nhận" in notes
    rows = [[screen.unseen_table.item(row, column).text() for column in range(3)]
            for row in range(screen.unseen_table.rowCount())]
    assert rows[0][:2] == ["Máy này", "1"] and rows[1][1] == "2" and len(rows) == 2
    assert rows[0][2] == "1"                                  # the other PC has not pulled this PC's dossier yet
    assert "Theo máy chủ lúc" in screen.unseen_note.text()


def test_settings_dialog_asks_the_hub_about_the_station_number(qtbot, context, hub, boxes, clients, monkeypatch):
    import ui.settings_dialog
    from db.device import station_number
    from sync.client import enroll
    from ui.settings_dialog import SettingsDialog

    monkeypatch.setattr(ui.settings_dialog, "show_error", lambda parent, message, title="": boxes.append(message))
    monkeypatch.setattr(ui.settings_dialog, "show_info", lambda parent, title, message: boxes.append(message))
    _enrolled_screen(qtbot, context, hub, boxes)
    other = clients("other")
    enroll(other.db, hub.url, hub.token())                     # holds station 2
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.station.setValue(2)
    dialog.save_button.click()                                 # asked off the GUI thread, then refused
    qtbot.waitUntil(lambda: any("Số máy trạm 2 đang do một máy khác" in box for box in boxes), timeout=20_000)
    assert station_number(context.db) == 1
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5_000)
    dialog.station.setValue(3)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: station_number(context.db) == 3, timeout=20_000)
    qtbot.waitUntil(lambda: dialog.result() == 1, timeout=5_000)  # accepted once the job's answer is handled

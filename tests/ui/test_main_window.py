"""The main window driven like a clerk: shortcuts to each area, the status bar, remembered geometry."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt

from db.events import record_event
from db.settings_store import update_settings
from services.changes import Changes
from ui import strings
from ui.main_window import MainWindow


def test_window_opens_navigates_by_shortcut_and_closes(qtbot, context):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == strings.APP_TITLE
    labels = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert labels == ["Tiếp nhận hồ sơ", "Hồ sơ", "Danh mục TTHC", "In niêm yết", "Báo cáo", "Đồng bộ", "Cài đặt"]
    for index, (key, _label, shortcut) in enumerate(strings.AREAS):
        window.area_actions[key].trigger()
        assert window.current_area() == key
        assert window.stack.currentWidget() is window.area_widgets[key]
        assert window.area_actions[key].shortcut().toString() == shortcut
        assert window.navigation.currentRow() == index
    window.navigation.setCurrentRow(0)
    assert window.current_area() == "reception"
    assert window.close()


def test_keyboard_shortcut_switches_area(qtbot, context):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "settings"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "dossiers"


def test_status_bar_shows_unit_and_pending_changes(qtbot, context):
    update_settings(context.db, {"unit_name": "UBND xã Hương Mai", "unit_code": "000.17.22.H56"})
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert "UBND xã Hương Mai" in window.unit_label.text()
    count = context.db.execute("SELECT count(*) FROM events WHERE acked_at IS NULL").fetchone()[0]
    assert window.sync_label.text().startswith(f"Chờ đồng bộ: {count}")
    with context.db.atomic():
        record_event(context.db, entity="x", entity_id="1", action="t", payload={})
    context.publish(Changes(audit=True))
    assert window.sync_label.text().startswith(f"Chờ đồng bộ: {count + 1}")


def test_window_remembers_size_position_and_area(qtbot, context):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.setGeometry(QRect(30, 40, 700, 520))  # inside the 800x600 offscreen screen
    window.show_area("catalog")
    window.close()

    again = MainWindow(context)
    qtbot.addWidget(again)
    again.show()
    assert (again.size().width(), again.size().height()) == (700, 520)
    assert again.current_area() == "catalog"


def test_closing_the_window_backs_up_changed_data(qtbot, context):
    from db.backup import all_backups

    update_settings(context.db, {"unit_name": "UBND xã Sao Lưu"})
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    before = len(all_backups(context.data_dir))
    window.close()
    assert len(all_backups(context.data_dir)) == before + 1


def test_audit_and_backup_windows_open_from_the_menu(qtbot, context, monkeypatch):
    import ui.backup_dialog

    opened = []
    monkeypatch.setattr(ui.backup_dialog.BackupDialog, "exec", lambda self: opened.append(self) or 0)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.open_backups()
    assert len(opened) == 1
    window.open_audit()
    assert window.audit_window.isVisible()
    assert window.audit_window.windowTitle() == "Nhật ký thao tác"


def test_status_bar_has_a_sync_now_button_enabled_once_enrolled(qtbot, context):
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.sync_status.button.text() == "Đồng bộ ngay"
    assert not window.sync_status.button.isEnabled()  # no hub enrolled yet: nothing to sync with

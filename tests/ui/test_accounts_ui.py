"""Accounts in the window: signing in (and making the admin on first run), the idle lock that only the same
user's password lifts, the admin's accounts dialog, and what a clerk's window does not offer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from db.accounts import authenticate, create_user, has_accounts, idle_lock_minutes, list_users
from db.events import events_for
from models.session import User, current_user, sign_in
from ui.login_dialog import LoginDialog
from ui.main_window import MainWindow


def _account(context, name: str, role: str, password: str = "mat-khau-tot") -> User:
    create_user(context.db, name, password, role, full_name=f"Người {name}", must_change_password=False)
    return User(name, f"Người {name}", role)


def _window(qtbot, context) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_first_run_makes_the_admin_account_with_a_confirmed_password(qtbot, context, type_text):
    sign_in(None)
    assert not has_accounts(context.db)
    dialog = LoginDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.first_run and dialog.username.text() == "admin"
    dialog.full_name.clear()
    type_text(dialog.full_name, "Trần Thị Quản Trị")
    qtbot.keyClicks(dialog.password, "mat-khau-quan-tri")
    qtbot.keyClicks(dialog.confirm, "mat-khau-khac")
    dialog.ok_button.click()
    assert "không giống nhau" in dialog.message.text() and not has_accounts(context.db)
    qtbot.keyClicks(dialog.password, "mat-khau-quan-tri")
    qtbot.keyClicks(dialog.confirm, "mat-khau-quan-tri")
    dialog.ok_button.click()
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert current_user() == User("admin", "Trần Thị Quản Trị", "admin")
    assert authenticate(context.db, "admin", "mat-khau-quan-tri").role == "admin"


def test_sign_in_refuses_a_wrong_password_and_accepts_the_right_one(qtbot, context):
    _account(context, "an", "clerk")
    sign_in(None)
    dialog = LoginDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.first_run
    qtbot.keyClicks(dialog.username, "an")
    qtbot.keyClicks(dialog.password, "sai-mat-khau")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.message.text() == "Sai tên đăng nhập hoặc mật khẩu."
    assert dialog.result() != LoginDialog.DialogCode.Accepted and current_user() is None
    assert dialog.password.text() == ""
    qtbot.keyClicks(dialog.password, "mat-khau-tot")
    dialog.ok_button.click()
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert current_user() == User("an", "Người an", "clerk") == dialog.user


def test_the_window_locks_when_idle_and_opens_only_with_the_same_users_password(qtbot, context):
    user = _account(context, "an", "clerk")
    sign_in(user)
    window = _window(qtbot, context)
    assert idle_lock_minutes(context.db) == 10 and "an" in window.user_label.text()
    lock = window.idle_lock
    lock.set_interval_ms(60)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)
    assert lock.cover.isVisible() and lock.cover.geometry() == window.rect()
    before = window.current_area()
    qtbot.keyClick(window.navigation, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == before  # shortcuts do nothing behind the cover
    qtbot.keyClicks(lock.cover.password, "sai-mat-khau")
    lock.cover.unlock_button.click()
    assert lock.is_locked and lock.cover.message.text() == "Sai mật khẩu."  # not "tên đăng nhập": it is not asked
    qtbot.keyClicks(lock.cover.password, "mat-khau-tot")
    qtbot.keyClick(lock.cover.password, Qt.Key.Key_Return)
    assert not lock.is_locked and not lock.cover.isVisible() and lock.timer.isActive()
    window.lock_action.trigger()  # Ctrl+L
    assert lock.is_locked


def test_someone_else_signs_out_from_the_lock(qtbot, context):
    sign_in(_account(context, "an", "clerk"))
    window = _window(qtbot, context)
    window.idle_lock.lock()
    window.idle_lock.cover.sign_out_button.click()
    assert window.signed_out and current_user() is None and not window.isVisible()


def test_a_clerk_does_not_see_admin_or_leader_actions(qtbot, context):
    sign_in(_account(context, "an", "clerk"))
    window = _window(qtbot, context)
    hidden = {window.area_keys[row] for row in range(window.navigation.count()) if window.navigation.isRowHidden(row)}
    assert hidden == {"reports"}
    for action in (window.accounts_action, window.settings_action, window.audit_action, window.backup_action):
        assert not action.isVisible() and not action.isEnabled()
    assert window.change_password_action.isVisible() and window.lock_action.isVisible()
    window.area_actions["reports"].trigger()
    assert window.current_area() != "reports"
    assert "Tiếp nhận và trả kết quả" in window.user_label.text()


def test_an_officer_does_not_see_the_reception_and_an_admin_sees_everything(qtbot, context):
    sign_in(_account(context, "binh", "officer"))
    window = _window(qtbot, context)
    assert window.navigation.isRowHidden(window.area_keys.index("reception"))
    assert window.current_area() != "reception"
    window.close()
    sign_in(User("admin", "Quản trị kiểm thử", "admin"))
    admin = _window(qtbot, context)
    assert not any(admin.navigation.isRowHidden(row) for row in range(admin.navigation.count()))
    assert admin.accounts_action.isVisible()


def test_the_admin_adds_an_account_disables_it_and_changes_the_lock_minutes(qtbot, context, monkeypatch, type_text):
    from ui import accounts_dialog

    def fill(dialog):
        dialog.username.setText("chi")
        type_text(dialog.full_name, "Lê Thị Chi")
        dialog.role.setCurrentIndex(dialog.role.findData("leader"))
        dialog.password.setText("mat-khau-tam-1")
        dialog.confirm.setText("mat-khau-tam-1")
        return 1

    monkeypatch.setattr(accounts_dialog.NewAccountDialog, "exec", fill)
    monkeypatch.setattr(accounts_dialog, "show_info", lambda *args: None)
    dialog = accounts_dialog.AccountsDialog(context)
    qtbot.addWidget(dialog)
    dialog.add_button.click()
    chi = next(a for a in list_users(context.db) if a.username == "chi")
    assert (chi.full_name, chi.role, chi.must_change_password) == ("Lê Thị Chi", "leader", True)
    dialog.select("chi")
    dialog.toggle_button.click()
    assert not next(a for a in list_users(context.db) if a.username == "chi").active
    assert [e["action"] for e in events_for(context.db, "account", "chi")] == ["create", "disable"]
    dialog.idle_minutes.setValue(3)
    dialog.save_idle_minutes()
    assert idle_lock_minutes(context.db) == 3


@pytest.mark.parametrize("forced", [True, False])
def test_change_password_dialog(qtbot, context, forced):
    user = _account(context, "an", "clerk")
    sign_in(user)
    from ui.change_password_dialog import ChangePasswordDialog

    dialog = ChangePasswordDialog(context, user=user, forced=forced,
                                  old_password="mat-khau-tot" if forced else None)
    qtbot.addWidget(dialog)
    if not forced:
        qtbot.keyClicks(dialog.old, "mat-khau-tot")
    qtbot.keyClicks(dialog.new, "mat-khau-moi-1")
    qtbot.keyClicks(dialog.confirm, "mat-khau-moi-1")
    dialog.save_button.click()
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted, dialog.message.text()
    assert authenticate(context.db, "an", "mat-khau-moi-1").username == "an"


def test_a_temporary_password_must_be_changed_before_the_window_opens(qtbot, context, monkeypatch):
    create_user(context.db, "an", "mat-khau-tam-1", "clerk", "Ngô Văn An")  # temporary: must be changed
    sign_in(None)
    from ui import change_password_dialog

    def choose_new(dialog):
        dialog.new.setText("mat-khau-rieng-2")
        dialog.confirm.setText("mat-khau-rieng-2")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(change_password_dialog.ChangePasswordDialog, "exec", choose_new)
    dialog = LoginDialog(context)
    qtbot.addWidget(dialog)
    dialog.username.setText("an")
    dialog.password.setText("mat-khau-tam-1")
    dialog.ok_button.click()
    assert current_user().username == "an"
    assert authenticate(context.db, "an", "mat-khau-rieng-2").username == "an"
    assert not next(a for a in list_users_as_admin(context) if a.username == "an").must_change_password


def list_users_as_admin(context):
    from models.session import acting_as

    with acting_as(User("admin", "", "admin")):
        return list_users(context.db)


def test_an_account_without_a_full_name_is_asked_for_it_at_sign_in(qtbot, context, monkeypatch):
    """Forms print the signer's full name, never the login (issue #12): asked once, then stored."""
    from PySide6.QtWidgets import QInputDialog

    create_user(context.db, "binh", "mat-khau-dai-du-12", "clerk", must_change_password=False)
    sign_in(None)
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (asked.append(a) or ("Trần Văn Bình", True)))
    dialog = LoginDialog(context)
    qtbot.addWidget(dialog)
    dialog.username.setText("binh")
    dialog.password.setText("mat-khau-dai-du-12")
    dialog.ok_button.click()
    assert len(asked) == 1 and current_user().full_name == "Trần Văn Bình"
    assert next(a for a in list_users_as_admin(context) if a.username == "binh").full_name == "Trần Văn Bình"

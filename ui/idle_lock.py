"""Locking the window after N idle minutes (or Ctrl+L): a cover hides the screen until the same user's
password is typed; someone else must sign out first.

An application-wide event filter restarts a single-shot QTimer on every key, mouse and wheel input.
While locked the cover hides the whole window, and input to anything but the cover is swallowed
(keyboard shortcuts included), so nobody can act as the person who walked away from a shared PC.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.errors import UserError
from models.session import current_user
from services.accounts import SignInRefused, check_own_password, idle_lock_minutes
from ui.app_context import AppContext
from ui.login_dialog import ERROR_STYLE, password_field

_INPUT = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
          QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
          QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.ShortcutOverride}
_BLOCKED_WHILE_LOCKED = _INPUT | {QEvent.Type.Shortcut, QEvent.Type.ContextMenu}


class LockCover(QFrame):
    """The opaque cover over the locked window: whose session it is, the password, Mở khóa, Đăng xuất."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        self.setStyleSheet("#lockCover { background: #eef1f5; }")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame()
        box.setMaximumWidth(460)
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        self.title = QLabel()
        self.title.setObjectName("areaTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        hint = QLabel("Màn hình đã khóa. Nhập mật khẩu để dùng tiếp; người khác cần đăng xuất trước rồi đăng "
                      "nhập bằng tài khoản của mình.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.password = password_field("mật khẩu")
        self.password.setObjectName("unlockPassword")
        layout.addWidget(self.password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.unlock_button = QPushButton("Mở khóa")
        self.unlock_button.setDefault(True)
        self.sign_out_button = QPushButton("Đăng xuất")
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.password.returnPressed.connect(self.unlock_button.click)


class IdleLock(QObject):
    """Locks `window` after `minutes` without input (db.accounts.idle_lock_minutes by default)."""

    locked = Signal()
    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, window: QMainWindow, context: AppContext, minutes: int | None = None):
        super().__init__(window)
        self.window = window
        self.context = context
        self.is_locked = False
        self.cover = LockCover(window)
        self.cover.hide()
        self.cover.unlock_button.clicked.connect(self.try_unlock)
        self.cover.sign_out_button.clicked.connect(self.sign_out_requested.emit)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_interval_ms((minutes or idle_lock_minutes(context.db)) * 60_000)
        window.installEventFilter(self)
        QApplication.instance().installEventFilter(self)

    def set_interval_ms(self, milliseconds: int) -> None:
        self.timer.setInterval(max(1, int(milliseconds)))
        if not self.is_locked:
            self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(minutes * 60_000)

    # ----- input
    def _inside_cover(self, obj: QObject) -> bool:
        current: QObject | None = obj
        while current is not None:
            if current is self.cover:
                return True
            current = current.parent()
        return False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if obj is self.window and kind == QEvent.Type.Resize and self.is_locked:
            self.cover.setGeometry(self.window.rect())
        if self.is_locked:
            # Swallowed: nothing behind the cover (menus, shortcuts, other windows) acts. Events to a QWindow
            # pass: Qt forwards them to the widget under the mouse or in focus, which is checked then.
            if kind == QEvent.Type.Shortcut or (kind in _BLOCKED_WHILE_LOCKED and isinstance(obj, QWidget)
                                                and not self._inside_cover(obj)):
                return True
        elif kind in _INPUT:
            self.timer.start()  # restart: the clerk is at the keyboard
        return False

    # ----- locking
    def lock(self) -> None:
        if self.is_locked:
            return
        user = current_user()
        self.is_locked = True
        self.timer.stop()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        self.cover.title.setText(f"Đang khóa: {user.display}" if user else "Đang khóa")
        self.cover.message.clear()
        self.cover.password.clear()
        self.cover.setGeometry(self.window.rect())
        self.cover.show()
        self.cover.raise_()
        self.cover.password.setFocus()
        self.locked.emit()

    def try_unlock(self) -> bool:
        """The same user's password lifts the cover (wrong tries count toward the account's lockout)."""
        user = current_user()
        if user is None:
            self.sign_out_requested.emit()
            return False
        try:
            check_own_password(self.context.db, user, self.cover.password.text())
        except SignInRefused as refused:
            self.cover.message.setText(str(refused))
            self.cover.password.clear()
            return False
        except UserError as error:
            self.cover.message.setText(str(error))
            return False
        self.is_locked = False
        self.cover.hide()
        self.cover.password.clear()
        self.timer.start()
        self.unlocked.emit()
        return True

    def stop(self) -> None:
        """Stop watching (the window is closing or its user signed out)."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


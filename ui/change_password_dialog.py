"""Changing one's own password (menu Tài khoản), or a temporary one before the window opens."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from models.errors import UserError
from models.session import User, acting_as, current_user
from services.accounts import MIN_PASSWORD_LENGTH, change_password
from ui import strings
from ui.app_context import AppContext
from ui.dialogs import guard_confirm
from ui.login_dialog import ERROR_STYLE, password_field


class ChangePasswordDialog(QDialog):
    """The old password (unless just typed at sign-in), the new one twice; db.accounts.change_password."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, user: User | None = None,
                 forced: bool = False, old_password: str | None = None):
        super().__init__(parent)
        self.context = context
        self.user = user or current_user()
        self.given_old = old_password
        self.setWindowTitle("Đổi mật khẩu")
        self.setMinimumWidth(400)
        layout = QVBoxLayout(self)
        text = (f"Tài khoản {self.user.username} đang dùng mật khẩu tạm: hãy đặt mật khẩu mới của riêng mình."
                if forced else f"Đổi mật khẩu của {self.user.username}.")
        intro = QLabel(f"{text} Mật khẩu có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.old = password_field()
        if old_password is None:
            form.addRow("Mật khẩu hiện tại:", self.old)
        self.new = password_field()
        form.addRow("Mật khẩu mới:", self.new)
        self.confirm = password_field()
        form.addRow("Nhập lại mật khẩu mới:", self.confirm)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(strings.SAVE, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(strings.CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        guard_confirm(self, self.save_button, self.old if old_password is None else self.new)

    def save(self) -> None:
        if self.new.text() != self.confirm.text():
            self.message.setText("Hai lần nhập mật khẩu mới không giống nhau.")
            return
        old = self.given_old if self.given_old is not None else self.old.text()
        try:
            with acting_as(self.user):
                change_password(self.context.db, old, self.new.text())
        except UserError as error:
            self.message.setText(str(error))
            return
        self.accept()

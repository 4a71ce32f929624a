"""Signing in at start (and after signing out); on the very first run, making the admin account instead.

The password is checked by db.accounts.authenticate (counted wrong tries, lockout); a temporary password
(new account, reset by the admin) must be changed before the window opens.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.errors import UserError
from models.session import User, sign_in
from services.accounts import DEFAULT_ADMIN, authenticate, ensure_admin, has_accounts, must_change_password
from ui.app_context import AppContext

ERROR_STYLE = "color: #a4161a;"


def password_field(placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


class LoginDialog(QDialog):
    """Sign in with a user name and password; with no account in the database, create the admin.

    On success `self.user` is the signed-in user (models.session.sign_in has been called).
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.user: User | None = None
        self.first_run = not has_accounts(context.db)
        self.setWindowTitle("Tạo tài khoản quản trị" if self.first_run else "Đăng nhập MotCua")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Lần đầu dùng MotCua trên dữ liệu này: hãy tạo tài khoản quản trị. Quản trị sẽ tạo tài khoản "
            "cho từng cán bộ; mỗi người đăng nhập bằng tài khoản của mình." if self.first_run else
            f"{context.settings().unit_name}\nĐăng nhập bằng tài khoản của anh/chị.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.username = QLineEdit(DEFAULT_ADMIN if self.first_run else "")
        self.username.setObjectName("username")
        form.addRow("Tên đăng nhập:", self.username)
        self.full_name = QLineEdit()
        self.full_name.setObjectName("full_name")
        self.full_name.setPlaceholderText("Họ và tên của anh/chị, in trên giấy tờ (không phải tên đăng nhập)")
        if self.first_run:
            form.addRow("Họ tên:", self.full_name)
        self.password = password_field()
        self.password.setObjectName("password")
        form.addRow("Mật khẩu:", self.password)
        self.confirm = password_field("nhập lại mật khẩu")
        if self.first_run:
            form.addRow("Nhập lại:", self.confirm)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Tạo tài khoản" if self.first_run else "Đăng nhập",
                                           QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        buttons.addButton("Thoát", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if self.first_run else self.username).setFocus()

    def submit(self) -> None:
        self.message.clear()
        try:
            user = self._create_admin() if self.first_run else self._sign_in()
        except UserError as error:
            self.message.setText(str(error))
            self.password.clear()
            self.confirm.clear()
            self.password.setFocus()
            return
        if user is None:
            return
        sign_in(user)
        self.user = user
        self.accept()

    def _create_admin(self) -> User:
        if self.password.text() != self.confirm.text():
            raise UserError("Hai lần nhập mật khẩu không giống nhau.")
        if not self.full_name.text().strip():
            raise UserError("Cần họ tên của anh/chị: giấy tờ in họ tên người ký, không in tên đăng nhập.")
        account = ensure_admin(self.context.db, self.username.text(), self.password.text(), self.full_name.text())
        if account is None:  # another window made it meanwhile
            raise UserError("Dữ liệu này đã có tài khoản: hãy đăng nhập.")
        return account.user

    def _sign_in(self) -> User | None:
        user = authenticate(self.context.db, self.username.text(), self.password.text())
        if must_change_password(self.context.db, user.username):
            from ui.change_password_dialog import ChangePasswordDialog

            dialog = ChangePasswordDialog(self.context, self, user=user, forced=True,
                                          old_password=self.password.text())
            if not dialog.exec():
                self.password.clear()
                self.message.setText("Cần đổi mật khẩu tạm trước khi dùng MotCua.")
                return None
        if not user.full_name:  # forms print the signer's full name, never the login: ask once
            return self._ask_full_name(user)
        return user

    def _ask_full_name(self, user: User) -> User:
        from PySide6.QtWidgets import QInputDialog

        from models.session import acting_as
        from services.accounts import set_full_name

        name, ok = QInputDialog.getText(self, "Họ tên người ký", "Họ và tên của anh/chị (in trên giấy tờ, chỗ "
                                        "\"ký và ghi rõ họ tên\"; không phải tên đăng nhập):")
        if not ok or not name.strip():
            return user  # asked again at the next sign-in
        with acting_as(user):
            return set_full_name(self.context.db, user.username, name).user


def ask_sign_in(context: AppContext, parent: QWidget | None = None) -> User | None:
    """Show the sign-in (or first-run) dialog; the signed-in user, or None when the clerk chose Thoát."""
    dialog = LoginDialog(context, parent)
    return dialog.user if dialog.exec() else None


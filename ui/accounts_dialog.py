"""The admin's accounts dialog: list, add, reset a password, disable or enable, change a role; and after how
many idle minutes this PC's window locks. Every change goes through db.accounts (checked and recorded)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.errors import UserError
from models.roles import ROLES, role_label
from services.accounts import (
    ACCOUNTS,
    MAX_IDLE_LOCK_MINUTES,
    MIN_PASSWORD_LENGTH,
    Account,
    create_user,
    idle_lock_minutes,
    list_users,
    reset_password,
    set_active,
    set_idle_lock_minutes,
    set_role,
)
from ui import strings
from ui.app_context import AppContext
from ui.dialogs import enable, guard_confirm, show_error, show_info
from ui.login_dialog import ERROR_STYLE, password_field

HEADERS = ["Tên đăng nhập", "Họ tên", "Vai trò", "Tình trạng"]


def account_state(account: Account) -> str:
    if not account.active:
        return "Đã khóa"
    if account.locked_until is not None:
        return f"Tạm khóa đến {account.locked_until:%H:%M %d/%m}"
    return "Phải đổi mật khẩu" if account.must_change_password else "Đang dùng"


class NewAccountDialog(QDialog):
    """A new account, or (with `username`) a new password for an existing one."""

    def __init__(self, parent: QWidget | None = None, username: str | None = None):
        super().__init__(parent)
        self.resetting = username is not None
        self.setWindowTitle(f"Đặt lại mật khẩu: {username}" if self.resetting else "Thêm tài khoản")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        note = QLabel(f"Mật khẩu tạm, ít nhất {MIN_PASSWORD_LENGTH} ký tự: người dùng phải đổi khi đăng nhập lần đầu. "
                      "Hãy đưa mật khẩu tận tay, không ghi lên giấy dán ở máy.")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.username = QLineEdit(username or "")
        self.username.setPlaceholderText("ví dụ: nguyen.an")
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for key, label in ROLES.items():
            self.role.addItem(label, key)
        if not self.resetting:
            form.addRow("Tên đăng nhập:", self.username)
            form.addRow("Họ tên:", self.full_name)
            form.addRow("Vai trò:", self.role)
        self.password = password_field()
        self.confirm = password_field()
        form.addRow("Mật khẩu tạm:", self.password)
        form.addRow("Nhập lại:", self.confirm)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(strings.SAVE, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(strings.CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        guard_confirm(self, self.save_button, self.password if self.resetting else self.username)

    def check(self) -> None:
        if self.password.text() != self.confirm.text():
            self.message.setText("Hai lần nhập mật khẩu không giống nhau.")
            return
        self.accept()


class AccountsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Quản lý tài khoản")
        self.resize(760, 460)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton("Thêm tài khoản…")
        self.reset_button = QPushButton("Đặt lại mật khẩu…")
        self.toggle_button = QPushButton("Khóa tài khoản")
        self.role_box = QComboBox()
        for key, label in ROLES.items():
            self.role_box.addItem(label, key)
        self.role_button = QPushButton("Đổi vai trò")
        for widget in (self.add_button, self.reset_button, self.toggle_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.role_box)
        row.addWidget(self.role_button)
        layout.addLayout(row)
        idle = QFormLayout()
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(1, MAX_IDLE_LOCK_MINUTES)
        self.idle_minutes.setSuffix(" phút")
        self.idle_minutes.setValue(idle_lock_minutes(context.db))
        self.idle_minutes.editingFinished.connect(self.save_idle_minutes)
        idle.addRow("Tự khóa màn hình máy này sau khi không dùng:", self.idle_minutes)
        layout.addLayout(idle)
        close = QDialogButtonBox()
        close.addButton(strings.CLOSE, QDialogButtonBox.ButtonRole.RejectRole)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.add_button.clicked.connect(self.add)
        self.reset_button.clicked.connect(self.reset)
        self.toggle_button.clicked.connect(self.toggle)
        self.role_button.clicked.connect(self.change_role)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.accounts: list[Account] = []
        self.refresh()
        guard_confirm(self, None, self.table)

    # ----- content
    def refresh(self, select: str | None = None) -> None:
        current = select or (self.selected().username if self.selected() else None)
        self.accounts = list_users(self.context.db)
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            for column, text in enumerate((account.username, account.full_name, role_label(account.role),
                                           account_state(account))):
                self.table.setItem(row, column, QTableWidgetItem(text))
            if account.username == current:
                self.table.selectRow(row)
        self.table.resizeColumnToContents(0)
        self._selection_changed()

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or not 0 <= rows[0].row() < len(self.accounts):
            return None
        return self.accounts[rows[0].row()]

    def select(self, username: str) -> None:
        for row, account in enumerate(self.accounts):
            if account.username == username:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        account = self.selected()
        for widget in (self.reset_button, self.toggle_button, self.role_button):
            enable(widget, account is not None, "Chọn một tài khoản trong bảng trước")
        if account is not None:
            self.toggle_button.setText("Khóa tài khoản" if account.active else "Mở khóa tài khoản")
            self.role_box.setCurrentIndex(self.role_box.findData(account.role))

    def _run(self, action, select: str | None = None) -> bool:
        try:
            action()
        except UserError as error:
            show_error(self, str(error))
            return False
        self.refresh(select)
        self.context.publish(ACCOUNTS)
        return True

    # ----- actions
    def add(self) -> None:
        dialog = NewAccountDialog(self)
        if not dialog.exec():
            return
        name = dialog.username.text().strip().lower()
        if self._run(lambda: create_user(self.context.db, dialog.username.text(), dialog.password.text(),
                                         dialog.role.currentData(), dialog.full_name.text()), name):
            show_info(self, "Đã thêm tài khoản", f"Đã tạo tài khoản {name}. Người dùng đổi mật khẩu khi đăng "
                                                 "nhập lần đầu.")

    def reset(self) -> None:
        account = self.selected()
        if account is None:
            return
        dialog = NewAccountDialog(self, username=account.username)
        if dialog.exec():
            self._run(lambda: reset_password(self.context.db, account.username, dialog.password.text()),
                      account.username)

    def toggle(self) -> None:
        account = self.selected()
        if account is not None:
            self._run(lambda: set_active(self.context.db, account.username, not account.active), account.username)

    def change_role(self) -> None:
        account = self.selected()
        if account is not None:
            self._run(lambda: set_role(self.context.db, account.username, self.role_box.currentData()),
                      account.username)

    def save_idle_minutes(self) -> None:
        try:
            minutes = set_idle_lock_minutes(self.context.db, self.idle_minutes.value())
        except UserError as error:
            show_error(self, str(error))
            return
        self.context.publish(ACCOUNTS)
        parent = self.parent()
        lock = getattr(parent, "idle_lock", None)
        if lock is not None:
            lock.set_minutes(minutes)

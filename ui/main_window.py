"""The main window: navigation to the areas, a status bar with the unit and the sync state, shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from models.roles import AUDIT, BACKUP, EDIT_SETTINGS, MANAGE_ACCOUNTS, RECEIVE, VIEW_DOSSIERS, VIEW_REPORTS
from models.session import can, current_user, sign_out
from services.changes import Changes
from ui import strings
from ui.app_context import AppContext
from ui.areas import area_factories
from ui.dialogs import show_info
from ui.elided_label import ElidedLabel
from ui.style import DEFAULT_WINDOW_SIZE, MINIMUM_WINDOW_SIZE, NAVIGATION_WIDTH

_GEOMETRY_KEY = "main_window/geometry"
_STATE_KEY = "main_window/state"
_AREA_KEY = "main_window/area"


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.setWindowTitle(strings.APP_TITLE)
        self.factories = area_factories()
        self.area_keys = [key for key, _label, _shortcut in strings.AREAS]
        self.area_widgets: dict[str, QWidget] = {}

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(NAVIGATION_WIDTH)
        for key, label, shortcut in strings.AREAS:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{label} ({shortcut})")
            self.navigation.addItem(item)
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.navigation)
        # A screen taller or wider than a small window (1366×768 at 125 %) scrolls instead of being clipped.
        holder = QScrollArea()
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidget(self.stack)
        layout.addWidget(holder, 1)
        self.setCentralWidget(central)
        self.navigation.currentRowChanged.connect(self._show_row)

        self.signed_out = False
        self._build_menus()
        self._build_status_bar()
        self._apply_role()
        from ui.idle_lock import IdleLock

        self.idle_lock = IdleLock(self, context)  # locks after the idle minutes (db.accounts), Ctrl+L at once
        self.idle_lock.sign_out_requested.connect(self.sign_out)
        context.changed.connect(lambda _changes: self.refresh_status())
        context.watch_outside_writes()  # the command line or a sync worker wrote: refresh without F5
        self._restore_window()

    # ----- areas
    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self.area_keys):
            self.show_area(self.area_keys[row])

    def show_area(self, key: str) -> QWidget:
        """Show an area, building its screen the first time it is visited (the first allowed one instead
        when the signed-in role does not see `key`)."""
        if hasattr(self, "area_actions") and not self.area_allowed(key):
            key = next(k for k in self.area_keys if self.area_allowed(k))
        widget = self.area_widgets.get(key)
        if widget is None:
            widget = self.factories[key](self.context)
            self.area_widgets[key] = widget
            self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
        row = self.area_keys.index(key)
        if self.navigation.currentRow() != row:
            self.navigation.setCurrentRow(row)
        return widget

    def current_area(self) -> str:
        return self.area_keys[self.navigation.currentRow()]

    # ----- menus and shortcuts
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Tệp")
        self.settings_action = QAction("&Cài đặt…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(self.settings_action)
        backup_action = self.backup_action = QAction("Sao lưu và &khôi phục…", self)
        backup_action.triggered.connect(self.open_backups)
        file_menu.addAction(backup_action)
        audit_action = self.audit_action = QAction("&Nhật ký thao tác…", self)
        audit_action.triggered.connect(self.open_audit)
        file_menu.addAction(audit_action)
        file_menu.addSeparator()
        quit_action = QAction("&Thoát", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&Xem")
        self.area_actions: dict[str, QAction] = {}
        for key, label, shortcut in strings.AREAS:
            action = QAction(label, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, k=key: self.show_area(k))
            view_menu.addAction(action)
            self.area_actions[key] = action
        refresh = QAction("Làm &mới", self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(lambda: self.context.publish(Changes.everything()))
        view_menu.addAction(refresh)

        self._build_account_menu()

        help_menu = self.menuBar().addMenu("Trợ &giúp")
        guide = QAction("&Hướng dẫn sử dụng (màn hình này)", self)
        guide.setShortcut(QKeySequence("F1"))
        guide.triggered.connect(lambda: self.open_help())
        help_menu.addAction(guide)
        first_day = QAction("Ngày đầu tiên: &thiết lập đơn vị", self)
        first_day.triggered.connect(lambda: self.open_help("bat-dau.html"))
        help_menu.addAction(first_day)
        about = QAction("&Giới thiệu MotCua", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _build_account_menu(self) -> None:
        menu = self.menuBar().addMenu("Tài &khoản")
        self.change_password_action = QAction("Đổi &mật khẩu…", self)
        self.change_password_action.triggered.connect(self.change_password)
        self.accounts_action = QAction("&Quản lý tài khoản…", self)
        self.accounts_action.triggered.connect(self.open_accounts)
        self.lock_action = QAction("&Khóa màn hình", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lambda: self.idle_lock.lock())
        self.sign_out_action = QAction("Đăng &xuất", self)
        self.sign_out_action.triggered.connect(self.sign_out)
        for action in (self.change_password_action, self.accounts_action, self.lock_action, self.sign_out_action):
            menu.addAction(action)

    # Areas and menu entries a role without the permission does not see (the data layer refuses anyway).
    AREA_PERMISSIONS = {"reception": RECEIVE, "reports": VIEW_REPORTS}

    def _apply_role(self) -> None:
        for row, key in enumerate(self.area_keys):
            allowed = can(self.AREA_PERMISSIONS.get(key, VIEW_DOSSIERS))
            self.navigation.setRowHidden(row, not allowed)
            self.area_actions[key].setVisible(allowed)
            self.area_actions[key].setEnabled(allowed)
        for action, permission in ((self.settings_action, EDIT_SETTINGS), (self.backup_action, BACKUP),
                                   (self.audit_action, AUDIT), (self.accounts_action, MANAGE_ACCOUNTS)):
            action.setVisible(can(permission))
            action.setEnabled(can(permission))

    def area_allowed(self, key: str) -> bool:
        return not self.navigation.isRowHidden(self.area_keys.index(key))

    def change_password(self) -> None:
        from ui.change_password_dialog import ChangePasswordDialog

        if ChangePasswordDialog(self.context, self).exec():
            show_info(self, "Đổi mật khẩu", "Đã đổi mật khẩu.")

    def open_accounts(self) -> None:
        from ui.accounts_dialog import AccountsDialog

        AccountsDialog(self.context, self).exec()

    def sign_out(self) -> None:
        """Close the window and forget who was signed in; ui.app asks who signs in next."""
        self.signed_out = True
        sign_out()
        self.close()

    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        SettingsDialog(self.context, self).exec()

    def open_backups(self) -> None:
        from ui.backup_dialog import BackupDialog

        BackupDialog(self.context, self).exec()

    def open_audit(self) -> None:
        """The audit trail in its own window, so the clerk keeps the area they were working in."""
        from ui.audit_screen import AuditScreen

        screen = AuditScreen(self.context)
        screen.setParent(self, screen.windowFlags() | Qt.WindowType.Window)
        screen.setWindowTitle("Nhật ký thao tác")
        screen.resize(1000, 600)
        screen.show()
        self.audit_window = screen

    def open_help(self, page: str | None = None):
        """F1: the guide's page for the screen in front (bundled, offline)."""
        from ui.help_dialog import HelpDialog, page_for

        dialog = HelpDialog(page or page_for(self.current_area()), self)
        dialog.show()
        self.help_dialog = dialog
        return dialog

    def bring_to_front(self) -> None:
        """A second start on this data folder asked for this window (ui.single_instance)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def show_about(self) -> None:
        from ui.about_dialog import AboutDialog

        AboutDialog(self.context.data_dir, self).exec()

    # ----- status bar
    def _build_status_bar(self) -> None:
        self.unit_label = ElidedLabel()
        self.user_label = QLabel()
        self.user_label.setObjectName("userLabel")
        from ui.sync_screen import SyncStatusWidget

        # Pending count, last success or error, and "Đồng bộ ngay"; it refreshes itself on every change.
        self.sync_status = SyncStatusWidget(self.context)
        self.sync_label = self.sync_status.label
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addWidget(self.unit_label, 1)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.refresh_status()

    def refresh_status(self) -> None:
        settings = self.context.settings()
        self.unit_label.setText(f"{settings.unit_name} · Mã đơn vị {settings.unit_code}")
        user = current_user()
        self.user_label.setText(f"Người dùng: {user.display}" if user else "Chưa đăng nhập")

    # ----- remembering size and position
    def _restore_window(self) -> None:
        stored = self.context.ui_settings()
        geometry = stored.value(_GEOMETRY_KEY)
        self.setMinimumSize(*MINIMUM_WINDOW_SIZE)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_WINDOW_SIZE)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None and screen.width() >= MINIMUM_WINDOW_SIZE[0] and (
                self.width() > screen.width() or self.height() > screen.height()):
            self.resize(min(self.width(), screen.width()), min(self.height(), screen.height()))
        state = stored.value(_STATE_KEY)
        if state is not None:
            self.restoreState(state)
        area = stored.value(_AREA_KEY, self.area_keys[0])
        self.show_area(area if area in self.area_keys else self.area_keys[0])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        from ui.backup_dialog import backup_at_exit

        self.idle_lock.stop()
        if self.context.watch_timer is not None:
            self.context.watch_timer.stop()
        backup_at_exit(self.context, self)  # only if data changed since the last backup
        stored = self.context.ui_settings()
        stored.setValue(_GEOMETRY_KEY, self.saveGeometry())
        stored.setValue(_STATE_KEY, self.saveState())
        stored.setValue(_AREA_KEY, self.current_area())
        stored.sync()
        super().closeEvent(event)

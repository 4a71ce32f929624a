"""Starting the GUI: the Qt application, the data folder, the first-run dialog, the main window."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication

from models.app_info import APP_NAME, ORGANIZATION_NAME
from models.errors import UserError
from models.resources import resource_path
from models.roles import EDIT_SETTINGS
from models.session import can
from services.folder import finish_first_run, first_run_pending, open_folder
from ui.app_context import AppContext
from ui.dialogs import show_error
from ui.main_window import MainWindow
from ui.plain_text import install_plain_text_labels
from ui.style import STYLESHEET


def create_application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setOrganizationName(ORGANIZATION_NAME)
    app.setApplicationName(APP_NAME)
    icon = resource_path("icons", "motcua.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    font = QFont(app.font())
    font.setPointSize(max(font.pointSize(), 10))
    app.setFont(font)
    install_plain_text_labels(app)  # names and notes never render as HTML (ui/plain_text.py)
    app.setStyleSheet(STYLESHEET)
    from ui.translation import install_vietnamese

    install_vietnamese(app)  # Qt's own menus and buttons, month names: Vietnamese
    return app


def open_context(data_dir: Path) -> AppContext:
    return AppContext(data_dir, open_folder(data_dir))


def run(data_dir: Path | None, default_data_dir: Callable[[], Path]) -> int:
    app = create_application()
    folder = data_dir or default_data_dir()
    from ui.errors import install_fault_hooks

    install_fault_hooks(folder)  # from here on an unexpected error is logged and shown plainly
    from ui.startup_check import check_or_recover

    if not check_or_recover(folder):  # a damaged database: say so, offer the latest good backup
        return 1
    from ui.single_instance import ALREADY_OPEN, SingleInstance

    instance = SingleInstance(folder)
    if not instance.acquire():  # another window has this folder: it was asked to come forward
        show_error(None, ALREADY_OPEN.format(folder=folder), "MotCua đang mở")
        return 0
    try:
        context = open_context(folder)
    except UserError as error:
        show_error(None, str(error), "Không mở được dữ liệu")
        return 1
    from ui.login_dialog import ask_sign_in

    if ask_sign_in(context) is None:  # the first run makes the admin account; later runs sign in
        return 0
    if first_run_pending(context.db) and can(EDIT_SETTINGS):
        from ui.settings_dialog import SettingsDialog

        SettingsDialog(context, None, first_run=True).exec()
        finish_first_run(context.db)
    from ui.backup_dialog import start_automatic_backups

    while True:  # signing out closes the window and asks who signs in next
        window = MainWindow(context)
        instance.show_requested.connect(window.bring_to_front)
        window.show()
        window.backup_timer = start_automatic_backups(context, window)  # at most daily, only when changed
        code = app.exec()
        instance.show_requested.disconnect(window.bring_to_front)
        if not window.signed_out or ask_sign_in(context) is None:
            instance.release()
            return code

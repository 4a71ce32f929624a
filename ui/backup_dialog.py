"""The backup dialog: the list of backups, back up now, restore with confirmation, second folder, password."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.errors import UserError
from services.backup import (
    BackupDone,
    BackupInfo,
    PasswordNeeded,
    all_backups,
    auto_backup,
    make_backup,
    restore,
    second_folder,
    set_backup_password,
    set_second_folder,
    stored_key,
)
from ui import dialogs, strings
from ui.app_context import AppContext
from ui.dialogs import enable, guard_confirm
from ui.worker import Worker, run_job, run_with_progress

COLUMNS = ["Thời điểm", "Dung lượng", "Mật khẩu", "Thư mục", "Tệp"]
_REASONS = {"thu_cong": "sao lưu tay", "exit": "khi thoát", "start": "khi mở", "daily": "hằng ngày"}


def ask_password(parent: QWidget | None, text: str) -> str | None:
    """A password typed hidden; None when cancelled (tests replace this)."""
    value, ok = QInputDialog.getText(parent, "Mật khẩu sao lưu", text, QLineEdit.EchoMode.Password)
    return value if ok and value else None


def size_text(size: int) -> str:
    return f"{size / 1_048_576:,.1f} MB".replace(",", "X").replace(".", ",").replace("X", ".")


def _actor(context: AppContext) -> str | None:
    """Who acts: the signed-in clerk once accounts exist (AppContext.actor), else the OS user."""
    return getattr(context, "actor", None)


class BackupDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.worker: Worker | None = None
        self.backups: list[BackupInfo] = []
        self.setWindowTitle("Sao lưu và khôi phục")
        self.setMinimumSize(820, 480)
        layout = QVBoxLayout(self)
        intro = QLabel("MotCua tự sao lưu khi mở, hằng ngày và khi thoát (chỉ khi dữ liệu có thay đổi). Mỗi lần "
                       "\"Sao lưu ngay\" và mỗi lần thoát là một điểm khôi phục: trong ngày giữ 10 điểm gần nhất, "
                       "rồi giữ 7 bản theo ngày, 4 theo tuần, 12 theo tháng. Mỗi bản được kiểm tra ngay sau khi ghi.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.create_button = QPushButton("&Sao lưu ngay")
        self.restore_button = QPushButton("&Khôi phục bản đã chọn…")
        self.restore_file_button = QPushButton("Khôi phục từ &tệp khác…")
        for button, slot in ((self.create_button, self.backup_now), (self.restore_button, self.restore_selected),
                             (self.restore_file_button, self.restore_other)):
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self._settings_box())
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        buttons.addButton(strings.CLOSE, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()
        guard_confirm(self, None, None)

    def _settings_box(self) -> QGroupBox:
        box = QGroupBox("Cài đặt sao lưu của máy này")
        form = QFormLayout(box)
        folder_row = QHBoxLayout()
        self.folder_edit = QLineEdit()
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setPlaceholderText("(không chép sang thư mục thứ hai)")
        choose = QPushButton("Chọn…")
        choose.clicked.connect(self.choose_folder)
        self.clear_folder_button = QPushButton("Bỏ")
        self.clear_folder_button.clicked.connect(lambda: self.set_folder(None))
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        folder_row.addWidget(self.clear_folder_button)
        form.addRow("Thư mục thứ hai (USB):", folder_row)
        self.password_box = QCheckBox("Đặt mật khẩu cho bản sao lưu (mã hóa AES-256)")
        self.password_box.toggled.connect(self._password_toggled)
        form.addRow("", self.password_box)
        return box

    # ----- list
    def refresh(self) -> None:
        self.backups = all_backups(self.context.data_dir)
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            reason = _REASONS.get((info.manifest or {}).get("reason", ""), "")
            cells = [f"{info.created_at:%H:%M %d/%m/%Y}" + (f" ({reason})" if reason else ""), size_text(info.size),
                     "Có" if info.encrypted else "Không", str(info.path.parent), info.path.name]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        folder = second_folder(self.context.data_dir)
        self.folder_edit.setText(str(folder) if folder else "")
        enable(self.clear_folder_button, folder is not None, "Chưa chọn thư mục thứ hai")
        self.password_box.blockSignals(True)
        self.password_box.setChecked(stored_key(self.context.data_dir) is not None)
        self.password_box.blockSignals(False)
        if not self.backups:
            self.status.setText("Chưa có bản sao lưu nào.")
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        idle = self.worker is None
        busy = "Đang sao lưu hoặc khôi phục: chờ xong"
        enable(self.create_button, idle, busy)
        enable(self.restore_button, idle and self.selected() is not None,
               busy if not idle else "Chọn một bản sao lưu trong bảng trước")
        enable(self.restore_file_button, idle, busy)

    # ----- back up now
    def backup_now(self) -> None:
        data_dir = self.context.data_dir

        def job(_progress, _cancelled) -> BackupDone:
            return make_backup(data_dir)

        def done(outcome: BackupDone) -> None:
            self.worker = None
            result = outcome.backup
            lines = [f"Đã sao lưu và kiểm tra: {result.path.name}."] + result.warnings
            self.status.setText(" ".join(lines))
            self.refresh()

        def failed(message: str) -> None:
            self.worker = None
            self._update_buttons()
            dialogs.show_error(self, message)

        self.worker = run_with_progress(self, "Đang sao lưu…", job, done, failed, cancellable=False)
        self._update_buttons()

    # ----- restore
    def restore_selected(self) -> None:
        info = self.selected()
        if info is not None:
            self.restore(info.path, f"bản sao lưu lúc {info.created_at:%H:%M %d/%m/%Y}")

    def restore_other(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Chọn bản sao lưu", str(self.context.data_dir / "backups"),
                                                    "Bản sao lưu MotCua (*.sqlite3 *.motcua-backup)")
        if path:
            self.restore(Path(path), f"tệp {Path(path).name}")

    def restore(self, path: Path, label: str) -> bool:
        """Confirm, close this window's connection, restore, reopen; True when the data was replaced."""
        question = (f"Khôi phục dữ liệu từ {label}?\n\nBản sao lưu được kiểm tra trước. Dữ liệu đang dùng được cất "
                    "vào thư mục backups (truoc-khoi-phuc-…); những gì nhập sau thời điểm sao lưu sẽ không còn "
                    "trong dữ liệu đang dùng.")
        if not dialogs.ask_yes_no(self, "Khôi phục", question):
            return False
        password = None
        while True:
            outcome = self._restore_once(path, password)
            if not isinstance(outcome, PasswordNeeded):
                return outcome
            password = ask_password(self, str(outcome))
            if password is None:
                return False

    def _restore_once(self, path: Path, password: str | None) -> bool | PasswordNeeded:
        context = self.context
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        context.db.close()  # the restore refuses a database anyone holds open
        failure: UserError | None = None
        try:
            result = restore(context.data_dir, path, password=password, actor=_actor(context))
        except UserError as error:  # BackupRejected and PasswordNeeded included
            failure = error
        finally:
            context.reopen()
            QApplication.restoreOverrideCursor()
        if isinstance(failure, PasswordNeeded):
            return failure
        if failure is not None:
            dialogs.show_error(self, str(failure))
            return False
        context.publish(result.changes)
        self.refresh()
        restored = result.result
        aside = f" Dữ liệu trước đó được giữ ở {restored.kept_aside.name}." if restored.kept_aside else ""
        if restored.attachments_restored:
            aside += f" Đã chép lại {restored.attachments_restored} tệp đính kèm."
        notes = "".join(f"\n\n{warning}" for warning in restored.warnings)
        self.status.setText(f"Đã khôi phục từ {path.name}.{aside}")
        dialogs.show_info(self, "Đã khôi phục", f"Đã khôi phục dữ liệu từ {path.name}.{aside}{notes}")
        return True

    # ----- settings
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Thư mục thứ hai cho bản sao lưu (USB)")
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path | None) -> None:
        set_second_folder(self.context.data_dir, folder)
        self.refresh()

    def _password_toggled(self, on: bool) -> None:
        if on:
            first = ask_password(self, "Mật khẩu mới cho bản sao lưu (ghi nhớ nó: mất mật khẩu là mất bản sao lưu):")
            second = ask_password(self, "Nhập lại mật khẩu:") if first else None
            if not first or first != second:
                if first:
                    dialogs.show_error(self, "Hai lần nhập mật khẩu không khớp: chưa đặt mật khẩu.")
                self.refresh()
                return
            set_backup_password(self.context.data_dir, first)
            self.status.setText("Từ nay bản sao lưu có mật khẩu.")
        else:
            if not dialogs.ask_yes_no(self, "Bỏ mật khẩu", "Các bản sao lưu sau sẽ không có mật khẩu. Tiếp tục?"):
                self.refresh()
                return
            set_backup_password(self.context.data_dir, None)
            self.status.setText("Các bản sao lưu sau sẽ không có mật khẩu.")
        self.refresh()


# ----- automatic backups, for the main window to call

def start_automatic_backups(context: AppContext, parent: QWidget) -> QTimer:
    """Back up in a worker at start and every hour (maybe_backup skips unless a day passed and data changed).

    A failure shows in the status bar of `parent` if it has one: it must not stop the clerk's work.
    """
    data_dir = context.data_dir

    def run(reason: str) -> None:
        status = getattr(parent, "statusBar", None)

        def failed(message: str) -> None:
            if status is not None:
                status().showMessage(f"Sao lưu tự động: {message}")

        run_job(lambda _progress, _cancelled: auto_backup(data_dir, reason), lambda _result: None, failed)

    timer = QTimer(parent)
    timer.setInterval(60 * 60 * 1000)
    timer.timeout.connect(lambda: run("daily"))
    timer.start()
    run("start")
    return timer


def backup_at_exit(context: AppContext, parent: QWidget | None) -> None:
    """The backup at exit (only if something changed), on the GUI thread behind a wait cursor."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        auto_backup(context.data_dir, "exit")
    except UserError as error:
        QApplication.restoreOverrideCursor()
        dialogs.show_error(parent, f"Sao lưu khi thoát không thành: {error}")
        return
    QApplication.restoreOverrideCursor()

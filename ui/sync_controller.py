"""One sync controller per window: runs sync in a worker thread, can stop it, and syncs every N minutes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from models.moments import moment_label
from services.changes import Changes
from services.sync import SyncReport, enroll, load_state, run_sync, save_state, sync_changes, sync_status
from ui import strings
from ui.app_context import AppContext
from ui.worker import Cancelled, Progress, Worker, on_connection, run_job

MAX_AUTO_MINUTES = 24 * 60


def status_line(status: dict, running: bool = False, progress: tuple[int, int] | None = None) -> tuple[str, str]:
    """(text, tooltip) for the status bar: 'Chờ đồng bộ: N · Đồng bộ lúc … · Lỗi …', in plain Vietnamese."""
    parts = [strings.pending_text(status["pending"])]
    if running:
        done, total = progress or (0, 0)
        parts.append(f"Đang đồng bộ {done}/{total}…" if total else "Đang đồng bộ…")
    elif not status["enrolled"]:
        parts.append("Chưa đăng ký máy chủ")
    elif status["last_error"] and (not status["last_ok"] or status["last_attempt"] > status["last_ok"]):
        error = status["last_error"]
        parts.append(f"Lỗi: {error if len(error) <= 70 else error[:69] + '…'}")
    elif status["last_ok"]:
        parts.append(f"Đồng bộ lúc {moment_label(status['last_ok'])}")
    else:
        parts.append(strings.SYNC_NEVER)
    if status["conflicts"]:
        parts.append(f"Xung đột: {status['conflicts']}")
    tips = [f"Lần thành công cuối: {moment_label(status['last_ok']) or 'chưa có'}"]
    if status["last_error"]:
        tips.append(f"Lỗi cuối: {status['last_error']}")
    if status["clock_warning"]:
        tips.append(status["clock_warning"])
    return " · ".join(parts), "\n".join(tips)


class SyncController(QObject):
    """Shared by the Đồng bộ screen and the status bar (get it with `controller_for(context)`)."""

    changed = Signal()
    progress = Signal(int, int)
    running_changed = Signal(bool)

    def __init__(self, context: AppContext):
        super().__init__(context)
        self.context = context
        self.worker: Worker[SyncReport] | None = None
        self.last_progress: tuple[int, int] = (0, 0)
        self.last_message = ""  # why the last run could not start or finish, in words
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.start)
        self._arm(load_state(context.db).auto_minutes)

    @property
    def running(self) -> bool:
        return self.worker is not None

    def status(self) -> dict:
        return sync_status(self.context.db)

    def start(self) -> bool:
        """Begin one push and pull off the GUI thread; False when one is already running or not enrolled."""
        if self.running or not load_state(self.context.db).enrolled:
            return False
        data_dir = Path(self.context.data_dir)
        open_connection = self.context.open_worker_connection

        def job(progress: Progress, cancelled: Cancelled) -> SyncReport:
            db = open_connection()  # SQLite connections stay in the thread that made them
            try:
                return run_sync(db, data_dir, progress=progress, cancelled=cancelled)
            finally:
                db.close()

        self.last_progress = (0, 0)
        self.worker = run_job(job, self._on_finished, self._on_failed, on_progress=self._on_progress)
        self.running_changed.emit(True)
        self.changed.emit()
        return True

    def stop(self) -> None:
        """Ask the run to stop between two requests; acknowledged batches stay acknowledged."""
        if self.worker is not None:
            self.worker.cancel()

    def _on_progress(self, done: int, total: int) -> None:
        self.last_progress = (done, total)
        self.progress.emit(done, total)
        self.changed.emit()

    def _finish(self) -> None:
        self.worker = None
        self.running_changed.emit(False)
        self.changed.emit()

    def _on_finished(self, report: SyncReport) -> None:
        self.last_message = "Đã dừng đồng bộ." if report.stopped else (report.error or "")
        self._finish()
        self.context.publish(sync_changes(report))

    def _on_failed(self, message: str) -> None:
        self.last_message = message
        self._finish()
        self.context.publish(Changes(sync=True))

    def _arm(self, minutes: int) -> None:
        self.timer.stop()
        if minutes > 0:
            self.timer.start(minutes * 60_000)

    def set_auto_minutes(self, minutes: int) -> None:
        minutes = max(0, min(MAX_AUTO_MINUTES, int(minutes)))
        save_state(self.context.db, auto_minutes=minutes)
        self._arm(minutes)
        self.changed.emit()

    def enroll(self, hub_url: str, token: str, on_done: Callable[[dict], None],
               on_error: Callable[[str], None], new_device: bool = False) -> Worker[dict]:
        """Enroll off the GUI thread (it is a network call); `new_device` after the screen said the folder
        was copied from another PC (sync/identity.py)."""
        def done(result: dict) -> None:
            self.changed.emit()
            on_done(result)

        return run_job(on_connection(self.context.data_dir, lambda db: enroll(db, hub_url, token, new_device=new_device)),
                       done, on_error)


def controller_for(context: AppContext) -> SyncController:
    controller = getattr(context, "_sync_controller", None)
    if controller is None:
        controller = SyncController(context)
        context._sync_controller = controller
    return controller

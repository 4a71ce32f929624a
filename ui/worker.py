"""Running long work (import, printing, sync, big queries) off the GUI thread, with progress and cancel.

The job is a plain function `job(progress, cancelled) -> result` that never touches widgets: it reports
with `progress(done, total)` and checks `cancelled()`; the result or the error comes back by signal.
`on_connection` gives a job its own short-lived database connection (pragmas only: the migrations ran
when the data folder was opened). Results are typed: `Worker[T]` hands `T` to its callbacks.
Every background job starts through `run_job` (which wires result, error, progress and cancel) or
`run_with_progress` (the same behind a progress dialog), so the wiring is written once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar, cast

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance
from PySide6.QtWidgets import QProgressDialog, QWidget
from sqlite_utils import Database

from models.errors import UserError
from services.folder import job_connection
from services.logs import fault_message, log_fault
from ui import strings

T = TypeVar("T")
V = TypeVar("V")
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Job = Callable[[Progress, Cancelled], T]


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)


# Workers still running: the Python object (and its signals) must outlive the call that started it,
# or Qt may report to an object Python already collected and the callback never runs.
_running: set[Worker] = set()


class Worker(QRunnable, Generic[T]):
    def __init__(self, job: Job[T]):
        super().__init__()
        self.setAutoDelete(False)
        self.job = job
        self.signals = _Signals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def then(self, on_done: Callable[[T], None], on_error: Callable[[str], None] | None = None) -> Worker[T]:
        """Call `on_done(result)` or `on_error(message)` on the GUI thread when the job ends; a callback
        whose widget was closed meanwhile is skipped (its labels are gone, not the result's fault)."""
        self.signals.finished.connect(lambda result: _if_alive(on_done, cast("T", result)))
        if on_error is not None:
            self.signals.failed.connect(lambda message: _if_alive(on_error, message))
        return self

    def run(self) -> None:
        try:
            result = self.job(self.signals.progress.emit, self._cancel.is_set)
        except UserError as error:
            self.signals.failed.emit(str(error))
        except Exception:  # noqa: BLE001 - a worker must report, never die silently
            log_fault("Lỗi không mong đợi trong công việc chạy nền")
            self.signals.failed.emit(fault_message())
        else:
            self.signals.finished.emit(result)


def _if_alive(callback: Callable[[V], None], value: V) -> None:
    """Run `callback(value)` unless it is a method of a Qt object already deleted."""
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, QObject) and not shiboken6.isValid(owner):
        return
    callback(value)


def on_connection(data_dir: Path, errand: Callable[[Database], T]) -> Job[T]:
    """A job that runs `errand` on its own light connection, closed whatever happens."""
    def job(_progress: Progress, _cancelled: Cancelled) -> T:
        db = job_connection(data_dir)
        try:
            return errand(db)
        finally:
            db.close()

    return job


def run_with_progress(parent: QWidget, label: str, job: Job[T],
                      on_done: Callable[[T], None],
                      on_error: Callable[[str], None],
                      cancellable: bool = True) -> Worker[T]:
    """Start `job` in the global thread pool behind a progress dialog; returns the worker."""
    dialog = QProgressDialog(label, strings.CANCEL if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle("Đang xử lý")
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(True)
    if not cancellable:
        dialog.setCancelButton(None)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    def finish(result: T) -> None:
        dialog.reset()
        dialog.deleteLater()
        on_done(result)

    def fail(message: str) -> None:
        dialog.reset()
        dialog.deleteLater()
        on_error(message)

    return run_job(job, finish, fail, on_progress=progress, cancel_on=dialog.canceled)


def run_job(job: Job[T], on_done: Callable[[T], None], on_error: Callable[[str], None] | None = None, *,
            on_progress: Callable[[int, int], None] | None = None,
            cancel_on: SignalInstance | None = None) -> Worker[T]:
    """Start `job` in the global pool: `on_done(result)` or `on_error(message)` and `on_progress(done,
    total)` run on the GUI thread; `cancel_on` (e.g. a Hủy button's `clicked`) asks the job to stop until
    it has reported. Returns the worker (its `cancel()` asks the same)."""
    worker = Worker(job)
    if cancel_on is not None:
        cancel_on.connect(worker.cancel)

        def unhook(*_args: object) -> None:
            try:
                cancel_on.disconnect(worker.cancel)
            except (RuntimeError, TypeError):  # the sender is gone (Qt dropped the link with it)
                pass

        worker.signals.finished.connect(unhook)
        worker.signals.failed.connect(unhook)
    if on_progress is not None:
        worker.signals.progress.connect(on_progress)
    return start(worker.then(on_done, on_error))


def start(worker: Worker[T]) -> Worker[T]:
    """Run a worker in the global pool, keeping it alive until it has reported; then its signals go, and
    with them the callbacks (and the screens they belong to), not at the next cyclic garbage collection: a
    dialog closed with WA_DeleteOnClose is then really gone."""
    def reported(*_args: object) -> None:
        _running.discard(worker)
        worker.signals.deleteLater()  # after every slot of this emission has run

    _running.add(worker)
    worker.signals.finished.connect(reported)
    worker.signals.failed.connect(reported)
    QThreadPool.globalInstance().start(worker)
    return worker

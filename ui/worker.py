"""Running long work (import, printing, sync, big queries) off the GUI thread, with progress and cancel.

The job is a plain function `job(progress, cancelled) -> result` that never touches widgets: it reports
with `progress(done, total)` and checks `cancelled()`; the result or the error comes back by signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from models.errors import UserError
from services.logs import fault_message, log_fault
from ui import strings

Job = Callable[[Callable[[int, int], None], Callable[[], bool]], object]


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)


# Workers still running: the Python object (and its signals) must outlive the call that started it,
# or Qt may report to an object Python already collected and the callback never runs.
_running: set[Worker] = set()


class Worker(QRunnable):
    def __init__(self, job: Job):
        super().__init__()
        self.setAutoDelete(False)
        self.job = job
        self.signals = _Signals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

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


def run_with_progress(parent: QWidget, label: str, job: Job,
                      on_done: Callable[[object], None],
                      on_error: Callable[[str], None],
                      cancellable: bool = True) -> Worker:
    """Start `job` in the global thread pool behind a progress dialog; returns the worker."""
    dialog = QProgressDialog(label, strings.CANCEL if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle("Đang xử lý")
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(True)
    if not cancellable:
        dialog.setCancelButton(None)
    worker = Worker(job)

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    def finish(result: object) -> None:
        dialog.reset()
        dialog.deleteLater()
        on_done(result)

    def fail(message: str) -> None:
        dialog.reset()
        dialog.deleteLater()
        on_error(message)

    worker.signals.progress.connect(progress)
    worker.signals.finished.connect(finish)
    worker.signals.failed.connect(fail)
    dialog.canceled.connect(worker.cancel)
    start(worker)
    return worker


def start(worker: Worker) -> None:
    """Run a worker in the global pool, keeping it alive until it has reported."""
    _running.add(worker)
    worker.signals.finished.connect(lambda _result: _running.discard(worker))
    worker.signals.failed.connect(lambda _message: _running.discard(worker))
    QThreadPool.globalInstance().start(worker)

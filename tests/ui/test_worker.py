"""The one job helper (ui.worker.run_job): result, error, progress and cancel wired the same for every job."""

import threading

from PySide6.QtCore import QObject, Signal

from models.errors import UserError
from ui.worker import run_job

TIMEOUT = 10_000


class _Button(QObject):
    clicked = Signal()


def test_result_and_progress_reach_the_gui_thread(qtbot):
    seen: list[tuple[int, int]] = []
    results: list[int] = []
    gui = threading.current_thread()

    def job(progress, _cancelled) -> int:
        for done in range(1, 4):
            progress(done, 3)
        return 42

    def done(result: int) -> None:
        assert threading.current_thread() is gui
        results.append(result)

    worker = run_job(job, done, on_progress=lambda d, t: seen.append((d, t)))
    qtbot.waitUntil(lambda: results == [42], timeout=TIMEOUT)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert worker is not None


def test_a_user_error_comes_back_as_its_message(qtbot):
    errors: list[str] = []

    def job(_progress, _cancelled) -> None:
        raise UserError("Không đọc được tệp.")

    run_job(job, lambda _result: None, errors.append)
    qtbot.waitUntil(lambda: errors == ["Không đọc được tệp."], timeout=TIMEOUT)


def test_cancel_on_stops_the_job_and_is_unhooked_after(qtbot):
    button = _Button()
    started, results = threading.Event(), []

    def job(_progress, cancelled) -> str:
        started.set()
        for _ in range(1000):
            if cancelled():
                return "stopped"
            threading.Event().wait(0.01)
        return "ran to the end"

    worker = run_job(job, results.append, cancel_on=button.clicked)
    assert started.wait(TIMEOUT / 1000)
    assert button.receivers("2clicked()") == 1
    button.clicked.emit()
    qtbot.waitUntil(lambda: results == ["stopped"], timeout=TIMEOUT)
    # The finished job no longer listens: a later click cannot reach it (nor keep it alive).
    assert button.receivers("2clicked()") == 0
    assert worker._cancel.is_set()


def test_a_result_for_a_closed_screen_is_dropped_not_raised(qtbot):
    """A screen closed while its job runs (a test's teardown, a dialog closed early): the job's answer is
    not delivered to the deleted widget, where touching a label would raise 'already deleted'."""
    from PySide6.QtWidgets import QLabel, QWidget

    class Screen(QWidget):
        def __init__(self):
            super().__init__()
            self.label = QLabel(self)

        def show_result(self, result: str) -> None:
            self.label.setText(result)

    release, delivered = threading.Event(), []
    screen = Screen()
    worker = run_job(lambda _progress, _cancelled: release.wait(5) and "xong", screen.show_result)
    worker.signals.finished.connect(lambda result: delivered.append(result))
    import shiboken6

    shiboken6.delete(screen)
    release.set()
    qtbot.waitUntil(lambda: delivered == ["xong"], timeout=5000)

"""Faults leave a trace: hooks that log every unexpected error and show the clerk one plain box.

`sys.excepthook` (errors in slots and event handlers), `threading.excepthook` (threads) and Qt's own
message handler all write to the data folder's log (services/logs.py); the clerk sees what happened,
that nothing was lost, and where the log is — never a traceback (as Anki's `qt/aqt/errors.py` does).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QObject, Qt, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from services.logs import fault_message, log, log_fault, start_logging
from ui import strings

FAULT_TITLE = "Lỗi không mong đợi"


class _FaultRelay(QObject):
    """Carries a fault from any thread to the GUI thread, where the box may be shown."""

    fault = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.box: QMessageBox | None = None
        self.fault.connect(self.show_box, Qt.ConnectionType.QueuedConnection)

    def show_box(self) -> None:
        if self.box is not None and self.box.isVisible():
            return  # one box for a burst of faults; the log has them all
        parent = QApplication.activeWindow()
        box = QMessageBox(QMessageBox.Icon.Critical, FAULT_TITLE, fault_message(),
                          QMessageBox.StandardButton.Ok, parent)
        box.button(QMessageBox.StandardButton.Ok).setText(strings.CLOSE)
        box.setObjectName("faultBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): never a nested event loop inside an error handler
        self.box = box


_relay: _FaultRelay | None = None


def report_fault(what: str, error: BaseException | None = None) -> None:
    """Log `error` (or the one being handled) and show the clerk's box on the GUI thread."""
    log_fault(what, error)
    if _relay is not None:
        _relay.fault.emit()


def _excepthook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    report_fault("Lỗi không mong đợi trong giao diện", error.with_traceback(trace))


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    name = args.thread.name if args.thread else "?"
    report_fault(f"Lỗi không mong đợi trong luồng {name}", args.exc_value)


_QT_LEVELS = {QtMsgType.QtDebugMsg: 10, QtMsgType.QtInfoMsg: 20, QtMsgType.QtWarningMsg: 30,
              QtMsgType.QtCriticalMsg: 40, QtMsgType.QtFatalMsg: 50}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own warnings go to the log; a critical or fatal one also shows the box."""
    level = _QT_LEVELS.get(kind, 30)
    if level < 30:
        return
    where = f" ({context.file}:{context.line})" if context.file else ""
    log.log(level, "Qt: %s%s", message, where)
    if level >= 40 and _relay is not None:
        _relay.fault.emit()


def install_fault_hooks(data_dir: Path) -> None:
    """Start the log in `data_dir` and route every unexpected error there (call on the GUI thread)."""
    global _relay
    start_logging(data_dir)
    if _relay is None:
        _relay = _FaultRelay()
    sys.excepthook = _excepthook
    threading.excepthook = _thread_hook
    qInstallMessageHandler(_qt_message)


def remove_fault_hooks() -> None:
    """Give the hooks back (tests; the window's end)."""
    global _relay
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__
    qInstallMessageHandler(None)
    _relay = None

"""The pinned Qt binding must not leak references to None/True: 6.12.0 did, and the app aborted."""

from __future__ import annotations

import subprocess
import sys

PROBE = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
class Emitter(QObject):
    fired = Signal(int)
emitter = Emitter()
emitter.fired.connect(lambda value: None)
label = QLabel()
none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
for i in range(3000):
    label.setText("Đăng ký khai sinh")
    app.processEvents()
    emitter.fired.emit(i)
print(sys.getrefcount(None) - none_before, sys.getrefcount(True) - true_before)
"""


def test_thousands_of_qt_calls_and_emits_keep_none_and_true_alive():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    none_delta, true_delta = (int(value) for value in result.stdout.split())
    assert none_delta > -100 and true_delta > -100

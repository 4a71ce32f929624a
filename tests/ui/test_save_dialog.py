"""Save dialogs open in the last folder used (first time Documents) with a sensible name (issue #14)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from models.file_names import dated_name, period_name


def test_names_say_what_and_when():
    assert dated_name("danh-muc-TTHC", date(2026, 12, 6), "pdf") == "danh-muc-TTHC-2026-12-06.pdf"
    assert period_name("so-theo-doi", date(2026, 11, 1), date(2026, 11, 30), "xlsx") == "so-theo-doi-11-2026.xlsx"
    assert period_name("bao-cao", date(2026, 10, 1), date(2026, 12, 31), ".xlsx") == "bao-cao-quy-4-2026.xlsx"
    assert period_name("bao-cao", date(2026, 1, 1), date(2026, 12, 31), "pdf") == "bao-cao-2026.pdf"
    assert period_name("bao-cao", date(2026, 11, 3), date(2026, 11, 20), "pdf") == \
        "bao-cao-2026-11-03-den-2026-11-20.pdf"


def test_the_dialog_opens_in_documents_then_in_the_last_folder(qapp, monkeypatch, tmp_path):
    from ui import save_dialog

    monkeypatch.setattr(save_dialog, "_settings", lambda: _Memory())
    offered: list[str] = []
    chosen = tmp_path / "USB" / "bao-cao"
    chosen.parent.mkdir()

    def fake(_parent, _title, suggested, _kinds):
        offered.append(suggested)
        return str(chosen), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    first = save_dialog.ask_save_path(None, "Lưu", "so-theo-doi-11-2026.xlsx", "Excel (*.xlsx)", ".xlsx")
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert Path(offered[0]) == Path(documents or Path.home()) / "so-theo-doi-11-2026.xlsx"
    assert first == chosen.with_name("bao-cao.xlsx")  # the suffix is added
    save_dialog.ask_save_path(None, "Lưu", "danh-muc-TTHC-2026-12-06.pdf", "PDF (*.pdf)", ".pdf")
    assert Path(offered[1]) == chosen.parent / "danh-muc-TTHC-2026-12-06.pdf"


class _Memory:
    values: dict = {}

    def value(self, key):
        return self.values.get(key)

    def setValue(self, key, value):  # noqa: N802 - Qt's name
        self.values[key] = value

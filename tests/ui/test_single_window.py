"""One window per data folder, and a window that sees writes made elsewhere (issue #14)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from db.dossier_store import receive_dossier
from models.dossier_applicant import make_applicant
from ui.single_instance import SingleInstance


def test_a_second_instance_is_refused_and_the_first_is_asked_forward(qtbot, data_dir):
    first = SingleInstance(data_dir)
    assert first.acquire()
    second = SingleInstance(data_dir)
    with qtbot.waitSignal(first.show_requested, timeout=5000):
        assert not second.acquire()
    assert second.lock is None and second.server is None
    first.release()
    third = SingleInstance(data_dir)  # once the first is gone the folder is free again
    assert third.acquire()
    third.release()


def test_another_folder_is_not_refused(data_dir, tmp_path):
    first, other = SingleInstance(data_dir), SingleInstance(tmp_path / "khac")
    assert first.acquire() and other.acquire()
    first.release()
    other.release()


def test_a_write_from_another_connection_refreshes_the_list(qtbot, context):
    from ui.dossier_list_screen import DossierListScreen

    screen = DossierListScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: not screen.busy())
    assert screen.model.rowCount() == 0
    context.watch_outside_writes(50)
    outside = context.open_worker_connection()  # as the command line would: its own connection
    try:
        made = receive_dossier(outside, procedure_code="2.001019", applicant=make_applicant(name="Nguyễn Văn An"))
    finally:
        outside.close()

    def listed() -> bool:
        while screen.model.canFetchMore(QModelIndex()):
            screen.model.fetchMore(QModelIndex())
        return screen.model.row_of(made.code) is not None

    qtbot.waitUntil(listed, timeout=5000)  # no F5 pressed
    # The refresh's own reads may let SQLite refresh its statistics once; then it settles (no endless loop).
    qtbot.waitUntil(lambda: not context.check_outside_writes(), timeout=5000)
    context.watch_timer.stop()

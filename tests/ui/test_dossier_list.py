"""The dossier list: a lazy model, filters and search, a scanned code opening its dossier, moves and forms."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from db.dossier_queries import count_dossiers, get_dossier, list_dossiers
from db.dossier_store import move_dossier, receive_dossier
from models.dossier import MOVES
from models.dossier_applicant import make_applicant
from services.changes import Changes
from services.dossiers import due_soon_until
from ui.dossier_list_screen import DossierListScreen
from ui.dossier_move_dialog import FormPreviewDialog, MoveDialog
from ui.dossier_table_model import (
    COL_CODE,
    COL_DUE,
    DOSSIER_ROLE,
    OVERDUE_BACKGROUND,
    SOON_BACKGROUND,
    DossierTableModel,
)

RENDER_TIMEOUT = 30000
PEOPLE = [("Nguyễn Văn An", "0912345678"), ("Trần Thị Bình", "0987000111"), ("Đỗ Thị Đào", "0388123456")]


def office_moment(days_ago: int) -> datetime:
    """10:00 on a weekday `days_ago` days back (or earlier, to the previous weekday)."""
    day = date.today() - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, datetime.min.time()).replace(hour=10)


@pytest.fixture
def dossiers(context):
    """33 dossiers: 30 received long ago (10 of them closed, 10 in processing, all overdue or done), 3 today."""
    db = context.db
    made = []
    for index in range(30):
        name, phone = PEOPLE[index % 3]
        person = make_applicant(name=f"{name} {index}", phone=phone)
        made.append(receive_dossier(db, procedure_code="2.001019", applicant=person, channel="truc_tiep",
                                    received_at=office_moment(60 - index)))
    for dossier in made[:10]:
        move_dossier(db, dossier.code, "dang_xu_ly")
        move_dossier(db, dossier.code, "co_ket_qua")
        move_dossier(db, dossier.code, "da_tra")
    for dossier in made[10:20]:
        move_dossier(db, dossier.code, "dang_xu_ly")
    for index in range(3):
        made.append(receive_dossier(db, procedure_code="1.004222", channel="truc_tuyen",
                                    applicant=make_applicant(name=f"Lê Minh Châu {index}")))
    return made


@pytest.fixture
def screen(qtbot, context, dossiers):
    widget = DossierListScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: not widget.busy())
    return widget


def shown(screen) -> list:
    model = screen.model
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return [model.dossier(row) for row in range(model.rowCount())]


def test_model_is_lazy_and_passes_the_model_tester(qtmodeltester, context, dossiers):
    asked: list[tuple[int, int]] = []

    def loader(offset: int, limit: int):
        asked.append((offset, limit))
        return list_dossiers(context.db, limit=limit, offset=offset)

    model = DossierTableModel(loader, page_size=10)
    assert model.rowCount() == 0 and model.canFetchMore(QModelIndex()) and asked == []
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 10 and asked == [(0, 10)]
    for row in range(model.rowCount()):  # reading cells never fetches
        model.data(model.index(row, COL_CODE))
    assert asked == [(0, 10)]
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 20 and asked[-1] == (10, 10)
    qtmodeltester.check(model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == count_dossiers(context.db) == 33
    assert all(limit == 10 for _offset, limit in asked)
    newest = model.data(model.index(0, COL_CODE), DOSSIER_ROLE)
    assert newest.code == list_dossiers(context.db, limit=1)[0].code


def test_overdue_rows_are_red_and_due_soon_amber(context, dossiers):
    model = DossierTableModel(lambda offset, limit: list_dossiers(context.db, limit=limit, offset=offset),
                              horizon=lambda now: due_soon_until(context.db, now))
    model.fetchMore(QModelIndex())
    colours = {}
    for row in range(model.rowCount()):
        dossier = model.dossier(row)
        colours[dossier.code] = model.data(model.index(row, COL_DUE), Qt.ItemDataRole.BackgroundRole)
    assert colours[dossiers[15].code] == OVERDUE_BACKGROUND  # in processing, due long ago
    assert colours[dossiers[5].code] is None  # returned: no colour however late it was
    now = model.now
    until = due_soon_until(context.db, now)  # the unit's setting: 2 working days unless changed
    assert until >= now + timedelta(hours=24)
    soon = [d for d in dossiers[30:] if now <= d.due_at < until]
    for dossier in soon:
        assert colours[dossier.code] == SOON_BACKGROUND
    for dossier in dossiers[30:]:
        if dossier.due_at >= until:
            assert colours[dossier.code] is None


def test_opening_shows_the_newest_page_and_the_count(screen, context, dossiers):
    assert screen.model.rowCount() == 33  # fewer than a page
    assert screen.model.dossier(0).code == list_dossiers(context.db, limit=1)[0].code
    assert screen.count_label.text() == "33 hồ sơ"


@pytest.mark.parametrize("name, key, expected", [
    ("state", "dang_xu_ly", lambda d: d.state == "dang_xu_ly"),
    ("deadline", "overdue", lambda d: d.state in ("tiep_nhan", "dang_xu_ly") and d.due_at < datetime.now()),
    ("channel", "truc_tuyen", lambda d: d.channel == "truc_tuyen"),
])
def test_filters_narrow_the_rows(qtbot, screen, name, key, expected):
    with qtbot.waitSignal(screen.loaded):
        screen.set_filter(name, key)
    rows = shown(screen)
    assert 0 < len(rows) < 33
    assert all(expected(d) for d in rows)
    qtbot.waitUntil(lambda: screen.count_label.text() == f"{len(rows)} hồ sơ")
    with qtbot.waitSignal(screen.loaded):
        screen.clear_button.click()
    assert len(shown(screen)) == 33


def test_period_filter(qtbot, screen, dossiers):
    day = dossiers[29].received_at.date()
    with qtbot.waitSignal(screen.loaded):
        screen.received_from.setDate(day)
    assert {d.code for d in shown(screen)} == {d.code for d in dossiers if d.received_at.date() >= day}


@pytest.mark.parametrize("typed, who", [("nguyen van", "Nguyễn Văn An"), ("DAO", "Đỗ Thị Đào"),
                                        ("0987000", "Trần Thị Bình"), ("Đỗ thị", "Đỗ Thị Đào")])
def test_search_as_you_type_narrows_the_rows(qtbot, screen, type_text, typed, who):
    screen.search.setFocus()
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        type_text(screen.search, typed)  # debounced: one query after the typing pause
    rows = shown(screen)
    assert len(rows) == 10
    assert all(d.applicant.name.startswith(who) for d in rows)


def test_scanning_a_receipt_code_and_enter_opens_the_dossier(qtbot, screen, dossiers):
    target = dossiers[3]
    screen.search.setFocus()
    qtbot.keyClicks(screen.search, target.code)  # the desk scanner types the QR's text
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert screen.detail.dossier is not None and screen.detail.dossier.code == target.code  # at once
    assert target.code in screen.detail.code_label.text()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)  # the list shows it too
    assert screen.model.dossier(0).code == target.code


def test_a_move_through_the_detail_changes_the_state_and_adds_a_timeline_row(qtbot, screen, context,
                                                                             dossiers, monkeypatch, tmp_path):
    target = dossiers[31]  # received today, tiep_nhan
    assert screen.open_code(target.code)
    detail = screen.detail
    assert set(detail.move_buttons) == set(MOVES["tiep_nhan"])
    assert "co_ket_qua" not in detail.move_buttons and "da_tra" not in detail.move_buttons  # not offered
    assert detail.move("co_ket_qua") is None  # and refused if asked for anyway
    before = detail.timeline.rowCount()
    forms: list[FormPreviewDialog] = []
    detail.form_opened.connect(forms.append)
    detail.move_buttons["cho_bo_sung"].click()
    dialog = detail.findChild(MoveDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.buttons.accepted.emit()  # no note: refused, nothing moves
    assert "Cần ghi" in dialog.error.text() and get_dossier(context.db, target.code).state == "tiep_nhan"
    dialog.note.setPlainText("Bổ sung bản sao giấy khai sinh")
    dialog.buttons.accepted.emit()
    stored = get_dossier(context.db, target.code)
    assert stored.state == "cho_bo_sung"
    assert detail.timeline.rowCount() == before + 1
    _at, _actor, what, note = detail.timeline_rows[before]
    assert "Chờ công dân bổ sung" in what and note == "Bổ sung bản sao giấy khai sinh"
    assert "Bổ sung bản sao giấy khai sinh" in detail.timeline.item(before, 1).text()
    assert set(detail.move_buttons) == set(MOVES["cho_bo_sung"])
    row = screen.model.row_of(target.code)
    assert screen.model.dossier(row).state == "cho_bo_sung"  # the list refreshed from `changed`
    # Mẫu 02 is offered right away, and prints the same pages it shows.
    assert len(forms) == 1 and forms[0].kind == "bo_sung"
    form = forms[0]
    qtbot.waitUntil(lambda: form.form is not None, timeout=RENDER_TIMEOUT)
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(form.form.data)).pages)
    assert "Bổ sung bản sao giấy khai sinh" in text and "Mẫu số 02" in text
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "mau-02.pdf"))
    with qtbot.waitSignal(form.work_finished, timeout=RENDER_TIMEOUT):
        form.print_form(printer)
    assert len(PdfReader(tmp_path / "mau-02.pdf").pages) == len(form.form.images)
    form.reject()


def test_a_final_dossier_offers_no_move_and_only_the_forms_it_has(screen, dossiers):
    screen.open_code(dossiers[0].code)  # da_tra
    detail = screen.detail
    assert detail.move_buttons == {} and "kết thúc" in detail.moves_label.text()
    assert not detail.extend_button.isVisible()
    enabled = {action.text()[:6]: action.isEnabled() for action in detail.print_menu.actions()}
    # 2025 set (received in 2026): Mẫu 06 is the control sheet, 05 the stop notice this dossier never had.
    assert enabled["Mẫu 01"] and enabled["Mẫu 06"] and not enabled["Mẫu 05"] and not enabled["Mẫu 03"]
    assert not enabled["Mẫu 04"]


def test_extension_moves_the_due_date_and_offers_the_apology(qtbot, screen, context, dossiers):
    late = dossiers[15]  # dang_xu_ly, overdue: too late to extend (less than 01 working day before the due date)
    screen.open_code(late.code)
    dialog = screen.detail.extend()
    dialog.reason.setPlainText("Chờ xác minh")
    dialog.buttons.accepted.emit()
    assert "Không gia hạn được" in dialog.error.text() and get_dossier(context.db, late.code).extension_count == 0
    dialog.reject()
    target = receive_dossier(context.db, procedure_code="1.004884", applicant=make_applicant(name="Phạm Thị Hoa"))
    move_dossier(context.db, target.code, "dang_xu_ly")
    context.publish(Changes.dossiers([target.code]))
    screen.open_code(target.code)
    forms: list[FormPreviewDialog] = []
    screen.detail.form_opened.connect(forms.append)
    dialog = screen.detail.extend()
    dialog.days.setValue(3)
    dialog.reason.setPlainText("Chờ xác minh của cơ quan khác")
    dialog.buttons.accepted.emit()
    stored = get_dossier(context.db, target.code)
    assert stored.extension_count == 1 and stored.due_at > target.due_at
    assert [f.kind for f in forms] == ["xin_loi"]
    assert screen.detail.timeline_rows[-1][2].startswith("Gia hạn đến")
    assert screen.detail.timeline_rows[-1][3] == "Chờ xác minh của cơ quan khác"
    qtbot.waitUntil(lambda: forms[0].form is not None or forms[0].worker is None, timeout=RENDER_TIMEOUT)
    forms[0].reject()


def test_linked_dossiers_open_from_the_detail(qtbot, screen, context):
    person = make_applicant(name="Phạm Thị Hoa")
    first = receive_dossier(context.db, procedure_code="1.001193", applicant=person, linked=["1.004222"])
    context.publish(Changes.dossiers([first.code]))
    screen.open_code(first.code)
    [linked] = first.group
    assert linked["code"] in screen.detail.linked.text()
    screen.detail.linked.linkActivated.emit(linked["code"])
    assert screen.detail.dossier.code == linked["code"]


def test_attachments_are_added_and_opened(screen, context, dossiers, monkeypatch, tmp_path, errors):
    png = tmp_path / "giay-khai-sinh.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    fake = tmp_path / "khong-phai.pdf"
    fake.write_bytes(b"hello")
    screen.open_code(dossiers[31].code)
    detail = screen.detail
    for path in (png, fake):
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, p=path, **k: (str(p), ""))
        detail.add_file_button.click()
    assert len(errors) == 1 and "không phải PDF" in errors[0]
    assert detail.attachments.count() == 1 and "giay-khai-sinh.png" in detail.attachments.item(0).text()
    assert len(get_dossier(context.db, dossiers[31].code).attachments) == 1
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    detail.open_file_button.click()
    assert len(opened) == 1 and opened[0].isLocalFile() and opened[0].toLocalFile().endswith(".png")



def test_a_query_typed_past_is_interrupted(qtbot, context):
    import threading
    import time

    from ui.dossier_list_screen import Query

    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    query = Query(context, lambda db: db.execute(endless).fetchone())
    answer: list = []
    thread = threading.Thread(target=lambda: answer.append(query(None, None)))
    thread.start()
    qtbot.waitUntil(lambda: query.connection is not None)
    time.sleep(0.05)
    started = time.perf_counter()
    query.interrupt()
    thread.join(timeout=5)
    assert not thread.is_alive() and answer == [None]  # stopped, and says so with None
    assert time.perf_counter() - started < 1


def test_only_the_newest_search_is_shown(qtbot, screen):
    screen.search.setText("nguyen")
    screen.reload()
    screen.search.setText("dao")
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.reload()
    qtbot.waitUntil(lambda: not screen.busy())
    assert {d.applicant.name.split(" ")[0] for d in shown(screen)} == {"Đỗ"}


def test_a_refused_read_is_said_not_raised(qtbot, screen, dossiers, monkeypatch):
    import ui.dossier_detail
    import ui.dossier_list_screen
    from models.errors import UserError

    def refuse(*_args, **_kwargs):
        raise UserError("Chưa đăng nhập: không được xem danh sách hồ sơ.")

    monkeypatch.setattr(ui.dossier_list_screen, "list_dossiers", refuse)
    monkeypatch.setattr(ui.dossier_detail, "find_dossier", refuse)
    screen.model.refresh_rows()
    assert screen.model.rowCount() == 0 and screen.count_label.text() == "Không tìm được"
    assert not screen.open_code(dossiers[0].code)
    assert "Chưa đăng nhập" in screen.detail.placeholder.text()


def test_returning_a_result_asks_the_citizen_for_a_rating(qtbot, screen, context, dossiers, monkeypatch):
    import ui.rating_dialog

    target = dossiers[12]  # dang_xu_ly
    move_dossier(context.db, target.code, "co_ket_qua")
    asked: list[str] = []
    monkeypatch.setattr(ui.rating_dialog, "ask_rating",
                        lambda parent, ctx, code: asked.append(code) or "hai_long")
    assert screen.open_code(target.code)
    screen.detail.move_buttons["da_tra"].click()
    dialog = screen.detail.findChild(MoveDialog)
    dialog.buttons.accepted.emit()
    assert get_dossier(context.db, target.code).state == "da_tra"
    assert asked == [target.code]


def test_a_timeline_row_shows_its_whole_text_in_a_narrow_detail(qtbot, screen, context, dossiers):
    """A long move label and its note wrap onto several lines: the row is as tall as they are, also when
    the table was filled while its tab was hidden and the window is 1366×728 (no '…' cutting the note)."""
    target = dossiers[31]
    for state, note in (("dang_xu_ly", "Chuyển công chức tư pháp - hộ tịch xem xét hồ sơ"),
                        ("co_ket_qua", "Đã có kết quả, ký duyệt ngày hôm nay, chuyển bộ phận một cửa trả")):
        move_dossier(context.db, target.code, state, note=note)
    screen.resize(1366, 728)
    assert screen.open_code(target.code)
    detail = screen.detail
    detail.tabs.setCurrentWidget(detail.timeline)
    qtbot.waitUntil(lambda: detail.timeline.isVisible())
    table = detail.timeline
    rows = range(table.rowCount())
    assert table.rowCount() >= 3 and any("\n" in table.item(r, 1).text() for r in rows)
    qtbot.wait(50)  # the tab's layout settles
    assert all(table.rowHeight(r) >= table.sizeHintForRow(r) for r in rows)
    fm = table.fontMetrics()
    for r in rows:  # every line of the cell fits: its wrapped height is within the row's
        text, width = table.item(r, 1).text(), table.columnWidth(1) - 8
        needed = fm.boundingRect(0, 0, width, 10_000, int(Qt.TextFlag.TextWordWrap), text).height()
        assert table.rowHeight(r) >= needed, (r, text)

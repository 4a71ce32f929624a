"""Qt's own texts a clerk meets are Vietnamese: text box menus, calendars, standard buttons (issue #14)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from PySide6.QtCore import QDate, QLocale, QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QPlainTextEdit

from tests.conftest import ROOT


def menu_texts(widget) -> list[str]:
    menu = widget.createStandardContextMenu()
    texts = [action.text().split("\t")[0].replace("&", "") for action in menu.actions() if not action.isSeparator()]
    menu.deleteLater()
    return texts


def test_the_right_click_menu_of_text_boxes_is_vietnamese(context):
    for widget in (QLineEdit("chữ"), QPlainTextEdit("chữ")):
        texts = menu_texts(widget)
        assert {"Hoàn tác", "Làm lại", "Cắt", "Sao chép", "Dán", "Xóa", "Chọn tất cả"} <= set(texts), texts
        assert not {"Undo", "Copy", "Paste", "Select All"} & set(texts)


def test_standard_buttons_say_vietnamese(context):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Close)
    texts = {button.text().replace("&", "") for button in box.buttons()}
    assert texts == {"Đồng ý", "Hủy", "Đóng"}


def test_the_calendar_shows_vietnamese_months_and_opens_on_today(qtbot, context):
    from ui.dossier_list_screen import DossierListScreen

    assert QLocale().language() == QLocale.Language.Vietnamese
    assert "tháng" in QLocale().monthName(12).lower()
    screen = DossierListScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: not screen.busy())
    today = date.today()
    for edit in (screen.received_from, screen.received_to):
        calendar = open_calendar(qtbot, edit)
        assert (calendar.yearShown(), calendar.monthShown()) == (today.year, today.month)  # never 01/2000
        assert calendar.locale().language() == QLocale.Language.Vietnamese
        calendar.window().close()
    screen.received_from.setDate(QDate(2025, 3, 14))  # a filter with a value opens on that value
    calendar = open_calendar(qtbot, screen.received_from)
    assert (calendar.yearShown(), calendar.monthShown()) == (2025, 3)
    calendar.window().close()
    qtbot.waitUntil(lambda: not screen.busy())  # the reload the date started ends before the test does


def open_calendar(qtbot, edit):
    """Click the arrow of a date box as a clerk would; the calendar pops up."""
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(edit.width() - 8, edit.height() // 2))
    calendar = edit.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    return calendar


def test_the_compiled_translation_is_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "qt_vi_ts.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_audit_screen_speaks_vietnamese_with_the_raw_form_one_click_away(qtbot, context):
    import json

    from db.dossier_store import move_dossier, receive_dossier
    from models.dossier_applicant import make_applicant
    from ui.audit_screen import COLUMNS, AuditScreen

    made = receive_dossier(context.db, procedure_code="2.001019", applicant=make_applicant(name="Nguyễn Văn An"))
    move_dossier(context.db, made.code, "dang_xu_ly", note="Chuyển phòng Tư pháp")
    screen = AuditScreen(context)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.page_loaded, timeout=10000):
        screen.load(0)
    rows = [[screen.table.item(r, c).text() for c in range(len(COLUMNS))] for r in range(screen.table.rowCount())]
    moved = next(row for row in rows if row[2] == "Chuyển trạng thái")
    assert moved[3] == "Hồ sơ" and "Trạng thái: Mới tiếp nhận → Đang xử lý" in moved[5]
    assert "Ghi chú: Chuyển phòng Tư pháp" in moved[5] and "{" not in moved[5]
    assert any(row[2] == "Tiếp nhận" for row in rows)
    assert "receive" not in {row[2] for row in rows} and "dossier" not in {row[3] for row in rows}
    screen.table.selectRow(rows.index(moved))
    raw = json.loads(screen.raw_text())
    assert raw["action"] == "move" and raw["payload"]["to"] == "dang_xu_ly"
    assert screen.action_box.findText("Chuyển trạng thái") >= 0

"""The dashboard: pick a period, see the hand-counted figures, charts drawn, exports, print preview, rating."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from report_scenario import FEBRUARY, NOW, build  # noqa: E402

from db.events import events_for  # noqa: E402
from db.ratings import get_rating  # noqa: E402
from ui.dashboard_screen import DashboardScreen  # noqa: E402
from ui.rating_dialog import RatingDialog, ask_rating  # noqa: E402

TIMEOUT = 30000
SHOTS = Path("/tmp/motcua-shots")


@pytest.fixture
def made(context, tmp_path):
    return build(context.db, context.data_dir, tmp_path)


@pytest.fixture
def screen(qtbot, context, made):
    widget = DashboardScreen(context, clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(1280, 900)
    widget.show()
    return widget


def show(qtbot, screen) -> None:
    with qtbot.waitSignal(screen.report_ready, timeout=TIMEOUT):
        qtbot.mouseClick(screen.refresh_button, Qt.MouseButton.LeftButton)


def not_blank(image) -> bool:
    """More than a few per cent of the pixels are clearly not white: something was drawn."""
    small = image.scaled(200, 120)
    drawn = sum(1 for x in range(small.width()) for y in range(small.height())
                if QColor(small.pixel(x, y)).lightness() < 200)
    return drawn > 0.03 * small.width() * small.height()


def tile(screen, key: str) -> str:
    return screen.tiles[key][0].text()


def test_february_at_a_glance(qtbot, screen, errors) -> None:
    assert screen.preset_box.currentData() == "month"
    assert screen.start_edit.date().toPython() == date(2026, 3, 1)  # this month, by the screen's clock
    screen.set_dates(*FEBRUARY)
    assert screen.preset_box.currentData() == "custom"
    show(qtbot, screen)
    assert errors == []
    # The February hand count (tests/reports/test_report_dataset.py): 1 + 14 = 9 + 3 + 3.
    assert (tile(screen, "carried_over"), tile(screen, "received"), tile(screen, "resolved"),
            tile(screen, "ended_without_result"), tile(screen, "in_progress")) == ("1", "14", "9", "3", "3")
    assert "trực tiếp 7 · trực tuyến 6 · bưu chính 1" in screen.tiles["received"][1].text()
    assert "trong hạn 1 · quá hạn 2" in screen.tiles["in_progress"][1].text()
    assert tile(screen, "on_time_share") == "66,7%" and tile(screen, "online_share") == "21,4%"
    assert tile(screen, "digitised_share") == "13,3%" and tile(screen, "satisfaction_rate") == "53,3%"
    assert tile(screen, "resolved_on_time_share") == "66,7%"  # 6/9: the unit's own view, labelled so
    assert screen.field_model.rowCount() == 4  # three fields and the total
    assert screen.field_model.rows[-1].cells[:3] == ["Tổng cộng", "1", "14"]  # tồn kỳ trước, tiếp nhận
    assert screen.due_model.rowCount() == 2 and screen.due_model.rows[0].alert
    assert screen.indicator_model.rowCount() == 13  # QĐ 766's and the unit's own, labelled so
    assert "đường dẫn riêng" not in " ".join(row.cells[1] for row in screen.indicator_model.rows)
    assert screen.posting_label.text().startswith("Niêm yết (không thuộc chỉ số 766)")
    assert screen.average_model.rowCount() == 6  # one per procedure resolved in February
    assert "Từ 01/02/2026 đến 28/02/2026" in screen.status.text() and "cân đối" in screen.status.text()
    for chart in (screen.month_chart, screen.share_chart):
        assert not_blank(chart.grab().toImage())
        assert not_blank(chart.render_image())
    SHOTS.mkdir(exist_ok=True)
    screen.grab().save(str(SHOTS / "dashboard.png"))
    screen.month_chart.render_image(900, 450).save(str(SHOTS / "chart-months.png"))
    screen.share_chart.render_image(900, 450).save(str(SHOTS / "chart-share.png"))


def test_presets_move_the_dates(qtbot, screen) -> None:
    screen.set_preset("quarter")
    assert (screen.start_edit.date().toPython(), screen.end_edit.date().toPython()) == \
        (date(2026, 1, 1), date(2026, 3, 31))
    show(qtbot, screen)
    assert tile(screen, "received") == "16" and screen.report.moment == NOW
    screen.set_preset("year")
    assert screen.period().label == "Năm 2026"
    screen.set_preset("half_year")
    assert screen.period().end == date(2026, 6, 30)


def test_exports_from_the_screen(qtbot, monkeypatch, screen, context, tmp_path, errors) -> None:
    screen.set_dates(*FEBRUARY)
    show(qtbot, screen)
    target = tmp_path / "bao-cao"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(screen.export_done, timeout=TIMEOUT):
        screen.choose_export("xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "bao-cao.xlsx")["Báo cáo"]
    assert any(c.value == "Tổng cộng" for row in sheet.iter_rows() for c in row)
    logbook = tmp_path / "so"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(logbook), ""))
    with qtbot.waitSignal(screen.export_done, timeout=TIMEOUT):
        screen.choose_logbook("pdf")
    assert len(PdfReader(str(tmp_path / "so.pdf")).pages) >= 1
    assert events_for(context.db, "report", "logbook")[-1]["payload"]["lines"] == 14
    assert errors == []


def test_print_preview_saves_and_prints_the_same_pages(qtbot, monkeypatch, screen, tmp_path, errors) -> None:
    screen.set_dates(*FEBRUARY)
    show(qtbot, screen)
    screen.open_print_preview()
    qtbot.waitUntil(lambda: getattr(screen, "print_dialog", None) is not None, timeout=TIMEOUT)
    dialog = screen.print_dialog
    assert dialog.view.page_count() >= 2
    assert dialog.view.images[0].width() > dialog.view.images[0].height()  # landscape
    dialog.view.grab().save(str(SHOTS / "print-preview.png")) if SHOTS.exists() else None
    assert dialog.save(tmp_path / "bc.pdf") and (tmp_path / "bc.pdf").read_bytes() == dialog.data
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "in.pdf"))
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    dialog.print_document(printer)
    qtbot.waitUntil(lambda: dialog.printed is not None, timeout=TIMEOUT)
    assert dialog.printed == dialog.view.page_count()
    assert errors == []
    dialog.close()


def test_rating_dialog_records_and_the_dashboard_follows(qtbot, monkeypatch, screen, context, made) -> None:
    screen.set_dates(*FEBRUARY)
    show(qtbot, screen)
    e = next(case for case in made if case.key == "E")  # returned on 06/02, not rated yet
    dialog = RatingDialog(screen, context, e.code)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()
    dialog.choose("khong_hai_long")
    dialog.comment.setText("Phải bổ sung hai lần")
    with qtbot.waitSignal(context.changed, timeout=TIMEOUT):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved == "khong_hai_long" and get_rating(context.db, e.code).comment == "Phải bổ sung hai lần"
    # Rated now (20/03), so it counts in March, not February; the screen refreshes by itself.
    with qtbot.waitSignal(screen.report_ready, timeout=TIMEOUT):
        pass
    assert tile(screen, "satisfaction_rate") == "53,3%"
    monkeypatch.setattr(RatingDialog, "exec", lambda self: (self.choose("hai_long"), self.save()))
    assert ask_rating(screen, context, e.code) == "hai_long"
    k = next(case for case in made if case.key == "K")  # still being processed: refused with a message
    shown = []
    monkeypatch.setattr("ui.dialogs.show_error", lambda parent, message, title="": shown.append(message))
    monkeypatch.setattr(RatingDialog, "exec", lambda self: (self.choose("hai_long"), self.save()))
    assert ask_rating(screen, context, k.code) is None
    assert shown and "chỉ ghi đánh giá" in shown[0]
    # The rating's own refresh finishes here, not during the next test.
    qtbot.waitUntil(lambda: screen.worker is None and not screen.refresh_timer.isActive(), timeout=TIMEOUT)


def test_the_logbook_of_one_field(qtbot, screen, context, monkeypatch, tmp_path):
    """Mẫu 07 is kept per field: the clerk picks the field before exporting (issue #12)."""
    screen.set_dates(*FEBRUARY)
    show(qtbot, screen)
    book = tmp_path / "so-ho-tich.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(book), ""))
    box = screen.logbook_field
    box.setCurrentIndex(box.findData("Hộ tịch"))
    with qtbot.waitSignal(screen.export_done, timeout=TIMEOUT):
        screen.choose_logbook("xlsx")
    rows = [r for r in openpyxl.load_workbook(book).active.iter_rows(values_only=True) if r and r[0]]
    assert any("Hộ tịch" in str(cell) for row in rows[:6] for cell in row if cell)
    lines = events_for(context.db, "report", "logbook")[-1]["payload"]["lines"]
    assert 0 < lines < 14
    qtbot.waitUntil(lambda: screen.worker is None and not screen.refresh_timer.isActive(), timeout=TIMEOUT)

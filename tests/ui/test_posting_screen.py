"""The posting screen: preview in a worker, save the previewed bytes, cards of essential services, print."""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from db.catalog_store import list_procedures
from services.changes import Changes
from ui.posting_screen import PostingScreen, parse_codes

PREVIEW_TIMEOUT = 30000


@pytest.fixture
def screen(qtbot, context):
    widget = PostingScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1100, 750)
    widget.show()
    yield widget
    if widget.worker is not None:  # never leave a worker writing to a closed screen
        widget.worker.cancel()
        qtbot.waitUntil(lambda: widget.worker is None, timeout=PREVIEW_TIMEOUT)


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def pdf_text(data: bytes) -> str:
    return squash(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def preview(qtbot, screen):
    with qtbot.waitSignal(screen.worker_finished, timeout=PREVIEW_TIMEOUT):
        qtbot.mouseClick(screen.preview_button, Qt.MouseButton.LeftButton)
    assert screen.preview is not None
    return screen.preview


def test_preview_shows_pages_and_save_writes_the_same_pdf(qtbot, monkeypatch, screen, context, errors, tmp_path):
    assert not screen.save_button.isEnabled() and not screen.print_button.isEnabled()
    result = preview(qtbot, screen)
    assert errors == []
    assert screen.pdf_view.page_count() >= 1
    image = screen.pdf_view.images[0]
    assert not image.isNull() and image.height() > image.width() > 300  # an A4 page, portrait
    assert screen.pdf_view.page_label.text() == f"Trang 1/{screen.pdf_view.page_count()}"
    assert result.procedures == len(list_procedures(context.db))
    assert f"{result.procedures} thủ tục" in screen.status.text()

    target = tmp_path / "niem-yet"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    assert screen.save_button.isEnabled()
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "niem-yet.pdf"
    assert saved.read_bytes() == result.data
    assert squash("Đăng ký khai sinh") in pdf_text(saved.read_bytes())
    assert str(saved) in screen.notice.text()


def test_cards_default_to_essential_services(qtbot, screen, context, errors):
    assert not screen.essential.isChecked()
    screen.set_layout("cards")
    assert screen.essential.isChecked()
    result = preview(qtbot, screen)
    essential = list_procedures(context.db, essential_only=True)
    assert result.choice.layout == "cards" and result.procedures == len(essential)
    assert len(result.images) == -(-len(essential) // 6)
    text = pdf_text(result.data)
    assert squash("Đăng ký khai sinh") in text
    assert squash("Chứng thực di chúc") not in text  # not an essential service
    screen.set_layout("list")
    assert not screen.essential.isChecked()


def test_changing_a_filter_makes_the_preview_stale(qtbot, screen, context, errors):
    preview(qtbot, screen)
    screen.codes.setPlainText("1.001193, 1.000894")
    assert screen.stale and not screen.save_button.isEnabled() and not screen.print_button.isEnabled()
    assert "Xem trước" in screen.stale_label.text()
    result = preview(qtbot, screen)
    assert result.procedures == 2 and not screen.stale and screen.save_button.isEnabled()
    context.publish(Changes(catalog=True))  # the catalog changed: the preview no longer shows it
    assert screen.stale and not screen.print_button.isEnabled()
    assert parse_codes("1.001193,1.000894\n 2.000908;") == ["1.001193", "1.000894", "2.000908"]


def test_unknown_code_is_reported_and_nothing_previewed(qtbot, screen, errors):
    screen.codes.setPlainText("9.999999")
    with qtbot.waitSignal(screen.worker_finished, timeout=PREVIEW_TIMEOUT):
        screen.start_preview()
    assert screen.preview is None
    assert len(errors) == 1 and "9.999999" in errors[0]
    assert not screen.save_button.isEnabled()


def test_cancelled_preview_leaves_nothing(qtbot, screen, errors):
    with qtbot.waitSignal(screen.worker_finished, timeout=PREVIEW_TIMEOUT):
        screen.start_preview()
        screen.cancel_preview()
    assert screen.preview is None and errors == []
    assert "hủy" in screen.status.text()


def test_printing_paints_every_previewed_page(qtbot, monkeypatch, screen, errors, tmp_path):
    result = preview(qtbot, screen)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "may-in.pdf"
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(screen.worker_finished, timeout=PREVIEW_TIMEOUT):
        assert screen.print_preview(printer) is not None
    assert errors == []
    assert screen.last_printed == len(result.images)
    assert len(PdfReader(out).pages) == len(result.images)
    assert "Đã gửi" in screen.notice.text()


def test_a_refused_print_dialog_prints_nothing(qtbot, monkeypatch, screen, errors, tmp_path):
    preview(qtbot, screen)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "khong.pdf"))
    assert screen.print_preview(printer) is None
    assert screen.last_printed is None and not (tmp_path / "khong.pdf").exists()

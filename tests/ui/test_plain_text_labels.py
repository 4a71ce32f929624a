"""A name typed as HTML is shown as the very text typed, never rendered: labels are plain text."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from db.dossier_store import receive_dossier
from models.dossier_applicant import make_applicant
from ui.dossier_detail import DossierDetail

HOSTILE = '<img src="http://ke-gian.example/x.png"><a href="http://ke-gian.example">Bấm</a> <b>Ác</b>'


def test_an_html_name_is_shown_as_plain_text(qtbot, context) -> None:
    person = make_applicant(name=HOSTILE, address="<h1>Địa chỉ</h1>", today=date(2026, 3, 1))
    dossier = receive_dossier(context.db, procedure_code="2.001019", applicant=person, note="<i>ghi chú</i>")
    assert dossier.applicant.name == HOSTILE  # stored as typed: it is text, not markup
    detail = DossierDetail(context)
    qtbot.addWidget(detail)
    detail.show_code(dossier.code)
    detail.show()
    qtbot.waitExposed(detail)
    holding = [label for label in detail.findChildren(QLabel) if "<img" in label.text() or "<h1>" in label.text()]
    assert holding, "the name should be on screen"
    for label in holding:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_the_rich_labels_escape_user_text(qtbot, context) -> None:
    from ui.rating_dialog import RatingDialog

    person = make_applicant(name=HOSTILE, today=date(2026, 3, 1))
    dossier = receive_dossier(context.db, procedure_code="2.001019", applicant=person)
    dialog = RatingDialog(None, context, dossier.code)
    qtbot.addWidget(dialog)
    rich = [label for label in dialog.findChildren(QLabel) if label.textFormat() == Qt.TextFormat.RichText]
    assert rich and all("<img" not in label.text() and "&lt;img" in label.text() for label in rich)

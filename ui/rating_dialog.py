"""Asking the citizen's rating when a result is returned: three choices and an optional comment."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

import ui.dialogs
from models.errors import UserError
from models.report_rules import MAX_RATING_COMMENT, RATINGS
from services.dossiers import require_dossier
from services.reports import get_rating, set_rating_for
from ui import strings
from ui.app_context import AppContext
from ui.dialogs import enable, guard_confirm
from ui.plain_text import rich_label


class RatingDialog(QDialog):
    """One dossier's rating; "Bỏ qua" records nothing (a citizen may decline to answer)."""

    def __init__(self, parent: QWidget | None, context: AppContext, dossier_code: str):
        super().__init__(parent)
        self.context = context
        dossier = require_dossier(context.db, dossier_code)
        self.code = dossier.code
        self.saved: str | None = None
        self.setWindowTitle("Đánh giá mức độ hài lòng")
        question = rich_label(f"Hồ sơ <b>{escape(dossier.code)}</b> – {escape(dossier.applicant.display_name)}<br>"
                              f"{escape(dossier.procedure_name)}<br><br>Ông/bà có hài lòng với việc giải quyết "
                              "hồ sơ không?")
        question.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        for key, label in RATINGS.items():
            button = QRadioButton(label)
            self.group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        self.comment = QLineEdit()
        self.comment.setMaxLength(MAX_RATING_COMMENT)
        self.comment.setPlaceholderText("Ý kiến của người dân (không bắt buộc)")
        layout.addWidget(self.comment)
        previous = get_rating(context.db, dossier.code)
        if previous is not None:
            self.buttons[previous.rating].setChecked(True)
            self.comment.setText(previous.comment)
        box = QDialogButtonBox()
        self.save_button = box.addButton(strings.SAVE, QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button = box.addButton(strings.SKIP, QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        self.group.buttonToggled.connect(lambda *_args: self._update())
        layout.addWidget(box)
        self._update()
        guard_confirm(self, self.save_button, self.comment)

    def chosen(self) -> str | None:
        return next((key for key, button in self.buttons.items() if button.isChecked()), None)

    def choose(self, rating: str) -> None:
        self.buttons[rating].setChecked(True)

    def _update(self) -> None:
        enable(self.save_button, self.chosen() is not None, "Chọn một mức hài lòng trước")

    def save(self) -> None:
        rating = self.chosen()
        if rating is None:
            return
        try:
            _saved, changes = set_rating_for(self.context.db, self.code, rating, self.comment.text())
        except UserError as error:
            ui.dialogs.show_error(self, str(error))
            return
        self.saved = rating
        self.context.publish(changes)
        self.accept()


def ask_rating(parent: QWidget | None, context: AppContext, dossier_code: str) -> str | None:
    """Ask and record the rating of a dossier whose result was just returned; the rating key
    ('hai_long', 'binh_thuong', 'khong_hai_long') or None when the clerk skipped it."""
    try:
        dialog = RatingDialog(parent, context, dossier_code)
    except UserError as error:
        ui.dialogs.show_error(parent, str(error))
        return None
    dialog.exec()
    return dialog.saved

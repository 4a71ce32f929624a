"""Errand: print a dossier's form (any kind), for the window and the command line alike.

The form is dated on its act and takes the set in force that day (or the unit's pinned set); the
signers are full names; a form printed before says "Bản in lại"; a procedure of the bundled sample
catalog prints "DỮ LIỆU MẪU". 'Printed' is recorded only after printing succeeded (record_print).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from sqlite_utils import Database

from db.accounts import full_names
from db.catalog_store import get_procedure
from db.dossier_queries import get_dossier
from db.dossier_rules import load_dossier_rules
from db.dossier_store import record_printed
from db.settings_store import load_settings
from models.dossier import Dossier
from models.dossier_clock import local_naive, now_local
from models.dossier_forms import FORM_KINDS, FormSet, form_set, form_set_for
from models.errors import UserError
from models.form_acts import FormInput, find_act, form_input, kind_for
from services.changes import Changes


@dataclass(frozen=True)
class PrintedForm:
    """A rendered form: what it is, the act's moment and set, and the PDF (bytes when rendered to memory)."""

    code: str
    kind: str
    number: str
    title: str
    basis: str
    act_at: datetime
    reprint: bool
    pages: int
    data: bytes = b""

    def to_dict(self) -> dict:
        return {"code": self.code, "form": self.kind, "number": self.number, "title": self.title,
                "basis": self.basis, "act_at": self.act_at.isoformat(timespec="seconds"),
                "reprint": self.reprint, "pages": self.pages}


def form_ready(dossier: Dossier, kind: str) -> bool:
    """Whether the dossier's timeline has the act form `kind` records (the GUI greys the others out)."""
    try:
        find_act(kind, dossier)
    except UserError:
        return False
    return True


def prepare_form(db: Database, kind_text: str, code: str, *, now: datetime | None = None) -> FormInput:
    """Everything the form prints, read from the dossier (with its timeline), the settings and accounts."""
    dossier = get_dossier(db, code)
    rules = load_dossier_rules(db)
    kind = kind_for(kind_text, dossier, rules.form_set)
    printed_before = any(e["action"] == "print" and e["payload"].get("form") == kind for e in dossier.events)
    procedure = get_procedure(db, dossier.procedure_code)
    return form_input(kind, dossier, load_settings(db), pinned=rules.form_set, names=full_names(db),
                      reprinted_at=(local_naive(now) if now else now_local()) if printed_before else None,
                      sample=bool(procedure and procedure.sample), result_place=rules.result_place)


def render_dossier_form(db: Database, kind_text: str, code: str, out: Path | str | BinaryIO | None = None, *,
                        now: datetime | None = None) -> PrintedForm:
    """Render a form to `out` (a .pdf path or a stream) or, when None, to memory (PrintedForm.data)."""
    from printing.forms import render_form  # reportlab loads only when something is printed

    form = prepare_form(db, kind_text, code, now=now)
    if isinstance(out, (str, Path)) and Path(out).suffix.lower() != ".pdf":
        raise UserError(f"Tệp in phải có đuôi .pdf: '{out}'.")
    buffer = io.BytesIO()
    pages = render_form(form, buffer if out is None else out)
    return PrintedForm(code=form.dossier.code, kind=form.kind, number=form.forms.numbers[form.kind],
                       title=form.forms.titles[form.kind], basis=form.forms.basis, act_at=form.act_at,
                       reprint=form.reprinted_at is not None, pages=pages,
                       data=buffer.getvalue() if out is None else b"")


def record_print(db: Database, code: str, kind: str) -> Changes:
    """A form was printed (the printer took it, or its PDF was written): recorded only after success
    (shared/domain.md "Lessons"); a later print of the same form says "Bản in lại"."""
    record_printed(db, code, kind)
    return Changes(dossier_codes=frozenset([code]), audit=True)


def forms_in_force(db: Database) -> FormSet:
    """The set the unit pinned, else the one in force today (each form still follows its act's date)."""
    return form_set(load_dossier_rules(db).form_set)


def forms_on(db: Database, day: date | datetime) -> FormSet:
    """The set the unit pinned, else the one in force on `day` (the logbook: the period's first day)."""
    return form_set_for(day, load_dossier_rules(db).form_set)


def available_forms(db: Database) -> dict[str, str]:
    """kind -> what it is for (its number depends on the date of its act, shown in the preview)."""
    return dict(FORM_KINDS)


def form_menu(db: Database, dossier: Dossier) -> dict[str, str]:
    """kind -> 'Mẫu 02 – Phiếu yêu cầu bổ sung…' for this dossier: each form numbered by the set in force
    on its act (the receipt's day for a form whose act has not happened), the unnumbered notice by name;
    kinds the set of that day lacks are left out."""
    pinned = load_dossier_rules(db).form_set
    menu = {}
    for kind, what in FORM_KINDS.items():
        try:
            _act, moment = find_act(kind, dossier)
        except UserError:
            moment = dossier.received_at
        number = form_set_for(moment, pinned).numbers.get(kind)
        if number is None:
            continue
        menu[kind] = f"Mẫu {number} – {what}" if number else what
    return menu


@dataclass(frozen=True)
class RenderedForm:
    code: str
    kind: str
    number: str
    title: str
    pages: int


def render_form_for(db: Database, code: str, kind: str, out: Path | BinaryIO) -> RenderedForm:
    """Write form `kind` of dossier `code` (PDF) to a path or a buffer; nothing is recorded as printed."""
    printed = render_dossier_form(db, kind, code, out)
    return RenderedForm(printed.code, printed.kind, printed.number, printed.title.capitalize(), printed.pages)


def print_form_to_file(db: Database, kind_text: str, code: str, out: Path | str, *,
                       now: datetime | None = None) -> PrintedForm:
    """The command line's errand: write the PDF, then record the print."""
    printed = render_dossier_form(db, kind_text, code, out, now=now)
    record_print(db, printed.code, printed.kind)
    return printed

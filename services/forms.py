"""Form errands: which forms the unit's set prints, rendering one for a dossier, recording a print that succeeded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlite_utils import Database

from db.dossier_queries import get_dossier
from db.dossier_rules import load_dossier_rules
from db.dossier_store import record_printed
from db.settings_store import load_settings
from models.dossier_forms import FORM_KINDS, FormSet, form_set, resolve_kind
from models.errors import UserError
from services.changes import Changes

__all__ = ["RenderedForm", "available_forms", "forms_in_force", "record_print", "render_form_for", "resolve_form"]


def forms_in_force(db: Database) -> FormSet:
    """The numbering and titles of the form set the unit chose (its dossier rules)."""
    return form_set(load_dossier_rules(db).form_set)


def available_forms(db: Database) -> dict[str, str]:
    """kind -> 'Mẫu 02 – Phiếu yêu cầu bổ sung…' for the set in force."""
    return {kind: f"Mẫu {number} – {FORM_KINDS[kind]}" for kind, number in forms_in_force(db).numbers.items()}


def resolve_form(db: Database, text: str) -> str:
    """'02', 'bo_sung' or 'bổ sung' -> the form kind, by the numbers of the set in force."""
    return resolve_kind(text, forms_in_force(db))


@dataclass(frozen=True)
class RenderedForm:
    code: str
    kind: str
    number: str
    title: str
    pages: int


def render_form_for(db: Database, code: str, kind: str, out: Path | BinaryIO) -> RenderedForm:
    """Write form `kind` of dossier `code` (PDF) to a path or a buffer; nothing is recorded as printed."""
    from printing.forms import render_form  # reportlab loads only when something is printed

    if isinstance(out, Path) and out.suffix.lower() != ".pdf":
        raise UserError(f"Tệp in phải có đuôi .pdf: '{out}'.")
    dossier = get_dossier(db, code)
    rules = load_dossier_rules(db)
    forms = form_set(rules.form_set)
    pages = render_form(kind, dossier, load_settings(db), out, forms=forms, result_place=rules.result_place)
    return RenderedForm(dossier.code, kind, forms.numbers[kind], forms.titles[kind].capitalize(), int(pages or 0))


def record_print(db: Database, code: str, kind: str) -> Changes:
    """A form was printed (the printer took it, or its PDF was written): recorded only after success."""
    record_printed(db, code, kind)
    return Changes(dossier_codes=frozenset([code]), audit=True)

"""Reception errands: the procedures offered, the due moment a dossier would get, receiving a dossier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from db.catalog_store import list_procedures
from db.dossier_store import preview_due, receive_dossier
from db.settings_store import load_settings
from models.dossier import Dossier, Paper
from models.dossier_applicant import Applicant, Delegate
from models.dossier_clock import parse_due_text
from services.changes import Changes
from services.logs import mask_names

__all__ = ["Received", "due_from_text", "list_procedures", "preview_due", "receive"]


def due_from_text(db: Database, text: str | None) -> datetime | None:
    """A typed due moment; a date alone means the unit's close of day (its afternoon end), for both ends."""
    return parse_due_text(text or "", load_settings(db).close_of_day)


@dataclass(frozen=True)
class Received:
    dossier: Dossier  # the first of the group, with `group` naming the linked ones
    codes: list[str]
    changes: Changes
    message: str


def receive(db: Database, *, procedure_code: str, applicant: Applicant, channel: str = "truc_tiep",
            papers: Sequence[Paper] = (), sets: int = 1, note: str = "", received_at: datetime | None = None,
            due_at: datetime | None = None, linked: Sequence[str] = (), logbook: str = "",
            delegate: Delegate | None = None, result_delivery: str = "", needs_verification: bool = False,
            now: datetime | None = None, fee_amount: int | str | None = None,
            fee_receipt: str | None = None) -> Received:
    """Receive a complete dossier (and its liên thông ones) with its event; one line for the clerk."""
    mask_names(applicant.name, applicant.organisation)  # never in the fault log, whatever fails later
    dossier = receive_dossier(db, procedure_code=procedure_code, applicant=applicant, channel=channel,
                              papers=papers, sets=sets, note=note, received_at=received_at, due_at=due_at,
                              linked=linked, logbook=logbook, delegate=delegate, result_delivery=result_delivery,
                              needs_verification=needs_verification, now=now,
                              fee_amount=fee_amount, fee_receipt=fee_receipt)
    codes = [dossier.code] + [g["code"] for g in dossier.group]
    return Received(dossier, codes, Changes.dossiers(codes),
                    f"Đã tiếp nhận hồ sơ {', '.join(codes)}. Hạn trả: {dossier.due_at:%H:%M %d/%m/%Y}.")

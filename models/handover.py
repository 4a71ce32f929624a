"""Hand-overs of a dossier (giao, nhận) between the one-stop desk and the body that processes it: who
gives, who receives, when; the control sheet (Mẫu 06 of 2025, 05 of 2018) prints one row per hand-over.

A hand-over travels inside the 'move' event that carries the dossier on (payload key 'handover'), so every
PC that holds the dossier's events shows the same rows, and the sync fold needs nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.dossier_clock import local_naive, timeliness
from models.errors import UserError
from models.text import clean_text

MAX_PARTY = 200
# Moves after which the dossier is in other hands: to processing (also once the supplement came in), and
# back to the desk with the result.
# Another move records a hand-over only when the clerk names a receiver.
HANDOVER_MOVES = {("tiep_nhan", "dang_xu_ly"), ("cho_bo_sung", "dang_xu_ly"), ("dang_xu_ly", "co_ket_qua")}


@dataclass(frozen=True)
class Party:
    """One side of a hand-over: a person (full name), their body, and their account when they have one."""

    name: str = ""
    agency: str = ""
    account: str = ""

    @property
    def text(self) -> str:
        """'Trần Văn Bảo, Công an xã Hương Mai' (a blank for the pen when nobody was named)."""
        return ", ".join(part for part in (self.name, self.agency) if part)

    def to_dict(self) -> dict:
        return {"name": self.name, "agency": self.agency, "account": self.account}

    @classmethod
    def from_dict(cls, data: dict | None) -> Party:
        data = data or {}
        return cls(**{k: clean_text(data.get(k)) for k in ("name", "agency", "account")})


def parse_outside_party(text: str) -> Party | None:
    """'Công an xã Hương Mai|Trần Văn Bảo' -> Party(agency, name); None when `text` has no '|' (then it
    names an account of the unit)."""
    text = clean_text(text)
    if "|" not in text:
        return None
    agency, _, name = (part.strip() for part in text.partition("|"))
    if not agency or not name or "|" in name:
        raise UserError(f"Người nhận '{text}' phải có dạng 'Cơ quan|Họ tên' "
                        "(ví dụ 'Công an xã Hương Mai|Trần Văn Bảo') hoặc là tên đăng nhập của một tài khoản.")
    if len(agency) > MAX_PARTY or len(name) > MAX_PARTY:
        raise UserError(f"Tên cơ quan hoặc họ tên người nhận quá dài (tối đa {MAX_PARTY} ký tự).")
    return Party(name=name, agency=agency)


@dataclass(frozen=True)
class Handover:
    at: datetime
    giver: Party
    receiver: Party
    from_state: str
    to_state: str
    due_at: datetime | None  # the due moment in force at the hand-over
    note: str = ""

    @property
    def result(self) -> str:
        """The step's result as the receiving side writes it: trước hạn / đúng hạn / quá hạn."""
        return timeliness(self.at, self.due_at) if self.due_at else ""

    def to_dict(self) -> dict:
        return {"from": self.giver.to_dict(), "to": self.receiver.to_dict(),
                "at": self.at.isoformat(timespec="seconds"), "from_state": self.from_state,
                "to_state": self.to_state, "result": self.result, "note": self.note}


def handovers(events) -> list[Handover]:
    """The dossier's hand-overs in timeline order, from its 'move' events that carry one."""
    rows: list[Handover] = []
    for event in events:
        payload = event.get("payload") or {}
        handover = payload.get("handover") if event.get("action") == "move" else None
        if not isinstance(handover, dict):
            continue
        due = payload.get("due_at")
        rows.append(Handover(
            at=local_naive(datetime.fromisoformat(event["at"])),
            giver=Party.from_dict(handover.get("from")), receiver=Party.from_dict(handover.get("to")),
            from_state=payload.get("from", ""), to_state=payload.get("to", ""),
            due_at=local_naive(datetime.fromisoformat(due)) if due else None,
            note=clean_text(payload.get("note"))))
    return rows

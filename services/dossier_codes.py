"""Finding a dossier by the code a citizen holds, older codes (aliases) included (sync/same_code.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from db.dossier_queries import get_dossier, holders_of_alias
from models.dossier import Dossier
from models.text import clean_text


@dataclass(frozen=True)
class ShownDossier:
    """A dossier found by the code asked, and the dossiers for which that code is an older code (`alias_of`:
    their receipt has it, they now show another code). The dossier is the one showing the code, or, when
    none does, the first (by receipt) that had it."""

    dossier: Dossier
    asked: str
    alias_of: tuple[dict, ...] = field(default=())  # {code, name, received_at}

    @property
    def notes(self) -> list[str]:
        """What the clerk must know about the code asked, in Vietnamese."""
        lines = []
        if self.dossier.code != self.asked:
            lines.append(f"Mã {self.asked} là mã cũ của hồ sơ này (trùng mã khi đồng bộ): mã hiện tại là "
                         f"{self.dossier.code}.")
        for other in self.alias_of:
            if other["code"] != self.dossier.code:
                lines.append(f"Mã {self.asked} cũng là mã cũ trên giấy tiếp nhận của hồ sơ {other['code']} "
                             f"({other['name']}): hãy đối chiếu tên người nộp.")
        return lines

    def to_dict(self) -> dict:
        return {**self.dossier.to_dict(), "asked_code": self.asked,
                "alias_of": [other["code"] for other in self.alias_of], "notes": self.notes}


def show_dossier(db: Database, code: str) -> ShownDossier:
    """The dossier a code names, with its timeline, and the renamed dossiers that code is an older code of."""
    asked = clean_text(code)
    return ShownDossier(get_dossier(db, asked), asked, holders_of_alias(db, asked))

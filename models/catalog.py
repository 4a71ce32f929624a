"""A procedure (thủ tục hành chính) of the unit's catalog, and what follows from its fields."""

from __future__ import annotations

from dataclasses import dataclass

from models.settings import UnitSettings
from models.text import MAX_LONG_TEXT, MAX_PROCEDURE_NAME, MAX_SHORT_TEXT, check_length

ONLINE_LEVELS = {"toan_trinh": "Toàn trình", "mot_phan": "Một phần", "": "Không"}

DEADLINE_UNITS = {
    "working_days": "ngày làm việc",
    "calendar_days": "ngày",
    "working_hours": "giờ làm việc",
    "same_day": "trong ngày",
}


# Longest text of each field where it is entered (form, command line, file import): real names reach
# about 950 characters; every printout wraps and splits up to these.
TEXT_LIMITS = {
    "code": (50, "Mã thủ tục"), "name": (MAX_PROCEDURE_NAME, "Tên thủ tục"), "field": (MAX_SHORT_TEXT, "Lĩnh vực"),
    "deadline_text": (MAX_LONG_TEXT, "Thời hạn giải quyết"), "fees": (MAX_LONG_TEXT, "Phí, lệ phí"),
    "own_url": (MAX_LONG_TEXT, "Đường dẫn"),
}


def check_procedure_texts(texts: dict[str, str]) -> None:
    """UserError (one line) for the first text of a procedure longer than TEXT_LIMITS allows."""
    for key, (limit, what) in TEXT_LIMITS.items():
        check_length(texts.get(key, ""), limit, what)


@dataclass(frozen=True)
class Procedure:
    """One catalog entry. Retired (active=False), never deleted, since dossiers point at it."""

    code: str
    name: str
    field: str = ""
    deadline_text: str = ""
    # Parsed processing time: (value, unit) with unit a key of DEADLINE_UNITS, or None, None.
    deadline_value: float | None = None
    deadline_unit: str | None = None
    deadline_set_by_clerk: bool = False
    fees: str = ""
    online_level: str = ""  # key of ONLINE_LEVELS
    essential: bool = False
    own_url: str = ""
    active: bool = True
    # What the forms need (issue #12, shared/domain.md "Dossiers"): the papers, one 'name|kind|count' a
    # line (models.dossier.parse_paper); the agency that decides (cơ quan thực hiện / chủ trì) and the
    # one that cooperates; the longer time where the law gives one for cases that need verification.
    papers: str = ""
    deciding_agency: str = ""
    cooperating_agency: str = ""
    verification_text: str = ""
    # Loaded from the bundled sample catalog and not replaced by the unit's own file: every sheet and
    # form printed from it carries "DỮ LIỆU MẪU" (shared/domain.md: sample data labelled as a sample).
    sample: bool = False
    # The result is a paper (a certificate, an extract): QĐ 766 then counts an online dossier as online
    # only with an electronic result too (shared/domain.md, "The 766 index"); default "has a paper result".
    paper_result: bool = True

    @property
    def online_level_label(self) -> str:
        return ONLINE_LEVELS.get(self.online_level, "")

    def qr_url(self, settings: UnitSettings) -> str:
        """The link a citizen's phone opens: the procedure's own link, else the unit's template."""
        return self.own_url or settings.qr_url_for(self.code)

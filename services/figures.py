"""Errands that feed the portal's (QĐ 766) figures: which procedures' result is a paper."""

from __future__ import annotations

from sqlite_utils import Database

from db.catalog_store import set_paper_result as _set_paper_result


def set_paper_result(db: Database, code: str, paper: bool) -> bool:
    """Say whether a procedure's result is a paper (default yes); False when it already was so.
    QĐ 766 counts an online dossier of such a procedure as online only with an electronic result too."""
    return _set_paper_result(db, code, paper)

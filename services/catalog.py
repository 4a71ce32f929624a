"""Catalog errands: the procedure list, one procedure's edit, retire/reactivate, deadlines, file import.

Reads pass through to db.catalog_store; every write answers `CATALOG` so the screens that show procedures
(reception, posting, catalog, dossier filters) re-read them.
"""

from __future__ import annotations

from db.catalog_store import (
    apply_import,
    field_counts,
    get_procedure,
    list_procedures,
    plan_import,
    procedures_without_own_link,
    reactivate_procedure,
    require_procedure,
    retire_procedure,
    save_procedure,
    set_deadline,
    set_essential,
)
from services.changes import Changes

CATALOG = Changes(catalog=True)

__all__ = ["CATALOG", "apply_import", "field_counts", "get_procedure", "list_procedures", "plan_import",
           "procedures_without_own_link", "reactivate_procedure", "require_procedure", "retire_procedure",
           "save_procedure", "set_deadline", "set_essential"]

"""Catalog errands: the procedure list, one procedure's edit, retire/reactivate, deadlines, file import.

Reads pass through to db.catalog_store; every write answers `CATALOG` so the screens that show procedures
(reception, posting, catalog, dossier filters) re-read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

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
    set_paper_result,
)
from services.changes import Changes

CATALOG = Changes(catalog=True)


@dataclass(frozen=True)
class CatalogExport:
    file: Path
    count: int
    message: str


def export_catalog_file(db: Database, path: Path | str) -> CatalogExport:
    """The procedures in force to .xlsx or .csv, with the headers the importer reads (a file round-trips)."""
    from output.catalog_export import export_catalog

    procedures = list_procedures(db)
    written = export_catalog(procedures, path)
    return CatalogExport(written, len(procedures), f"Đã xuất {len(procedures)} thủ tục đang áp dụng ra {written}.")

__all__ = ["CATALOG", "CatalogExport", "apply_import", "export_catalog_file", "field_counts", "get_procedure", "list_procedures", "plan_import",
           "procedures_without_own_link", "reactivate_procedure", "require_procedure", "retire_procedure",
           "save_procedure", "set_deadline", "set_essential", "set_paper_result"]

"""The data folder: created on first run with its database and the bundled sample catalog."""

from __future__ import annotations

import errno
from pathlib import Path

from sqlite_utils import Database

from db.connection import database_path, open_database
from db.device import device_id
from db.local import get_local, put_local
from db.rows import scalar
from db.stale_files import clean_stale_temporaries
from models.errors import UserError

ATTACHMENTS_DIR = "attachments"
BACKUPS_DIR = "backups"


def _make_dirs(data_dir: Path, *, inner: bool = True) -> None:
    """The folder itself, then (once its database proved to be MotCua's) its attachments and backups."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if inner:
            (data_dir / ATTACHMENTS_DIR).mkdir(exist_ok=True)
            (data_dir / BACKUPS_DIR).mkdir(exist_ok=True)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise UserError(f"Ổ đĩa đã đầy, không tạo được thư mục dữ liệu {data_dir}.") from None
        raise UserError(f"Không tạo được thư mục dữ liệu {data_dir}: {error.strerror or error}.") from None


def open_data_folder(data_dir: Path, *, load_sample: bool = True, optimize_now: bool = True) -> Database:
    """Open the data folder's database, creating folder, schema and sample catalog on first run.

    The sample catalog is loaded only into an empty catalog, once, so the app never opens empty and a
    unit's own catalog is never mixed with it.
    """
    data_dir = Path(data_dir)
    if data_dir.exists() and not data_dir.is_dir():
        raise UserError(f"Đường dẫn dữ liệu {data_dir} là một tệp, không phải thư mục.")
    _make_dirs(data_dir, inner=False)
    db = open_database(database_path(data_dir), optimize_now=optimize_now)  # refuses a foreign database
    try:
        _make_dirs(data_dir)
    except BaseException:
        db.close()
        raise
    clean_stale_temporaries(data_dir)  # what a killed backup or restore left (db.stale_files)
    device_id(db)
    if load_sample and not _sample_offered(db):
        from db.catalog_store import load_sample_catalog  # the catalog module owns the sample's format

        with db.atomic():
            if scalar(db, "SELECT count(*) FROM procedures") == 0:
                load_sample_catalog(db)
            put_local(db, "sample_catalog_offered", "1")
    return db


def _sample_offered(db: Database) -> bool:
    return get_local(db, "sample_catalog_offered") is not None


def first_run_pending(db: Database) -> bool:
    """True until the unit's settings were confirmed (or the first-run dialog skipped) on this PC."""
    return get_local(db, "first_run_done") is None


def mark_first_run_done(db: Database) -> None:
    with db.atomic():
        put_local(db, "first_run_done", "1")

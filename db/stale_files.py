"""Temporary files a killed backup or restore left behind, removed at the next start.

A backup writes a database-sized `.dang-sao-luu-*.tmp` in backups/, a restore a `.khoi-phuc-*.tmp` beside
the database; SIGKILL or a power cut leaves them. Backups elsewhere only removed them after 12 hours.
At start the backup lock tells whether a backup is running on this folder: when it is free, every backup
temporary is stale. A restore takes no such lock, so its temporaries go once they are an hour old
(a restore writing its copy keeps touching it; a restore that lost its file fails and changes nothing).
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path

from db.backup_files import BackupBusy, BackupLock

BACKUPS_DIR = "backups"
RESTORE_AGE = timedelta(hours=1)


def _remove(paths, older_than: timedelta) -> list[Path]:
    limit = datetime.now().timestamp() - older_than.total_seconds()
    removed = []
    for path in paths:
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mtime <= limit:
                path.unlink()
                removed.append(path)
    return removed


def clean_stale_temporaries(data_dir: Path) -> list[Path]:
    """Remove what killed backups and restores left in the data folder; the paths removed."""
    data_dir = Path(data_dir)
    removed: list[Path] = []
    with contextlib.suppress(BackupBusy, OSError):
        with BackupLock(data_dir):  # no backup runs on this folder now: none of its temporaries is in use
            removed += _remove((data_dir / BACKUPS_DIR).glob(".*.tmp"), timedelta(0))
    removed += _remove(data_dir.glob(".khoi-phuc-*.tmp"), RESTORE_AGE)
    return removed

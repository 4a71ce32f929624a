"""Sync errands: enrolling with the hub, a push and pull, the status, USB files, conflicts and refused events.

The window and `python main.py sync ...` call these; what another PC wrote can touch every kind of data,
so a pull or an import answers `FROM_OTHERS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from services.changes import Changes
from sync.client import RetryPolicy, SyncReport, enroll, run_sync, sync_status
from sync.conflicts import list_conflicts
from sync.lock import SyncLock
from sync.state import forget_rejections, load_state, rejected_events, save_state
from sync.usb_file import export_file, import_file

FROM_OTHERS = Changes(all_dossiers=True, catalog=True, settings=True, calendar=True, ratings=True, sync=True)

__all__ = ["FROM_OTHERS", "RetryPolicy", "SyncReport", "UsbDone", "enroll", "export_usb", "import_usb",
           "list_conflicts", "load_state", "rejected_events", "retry_rejected", "run_sync", "save_state",
           "sync_changes", "sync_status"]


def sync_changes(report: SyncReport) -> Changes:
    """What a finished sync changed here: data from other PCs, or only the sync state."""
    if report.pulled or report.recovered or report.renumbered:
        return FROM_OTHERS
    return Changes(sync=True)


@dataclass(frozen=True)
class UsbDone:
    result: dict
    message: str
    changes: Changes


def export_usb(db: Database, data_dir: Path, out: str | Path) -> UsbDone:
    """This PC's pending events (and their scanned files) into a USB file for another PC or the hub."""
    result = export_file(db, data_dir, str(out))
    return UsbDone(result, f"Đã ghi {result['events']} sự kiện và {result['attachments']} tệp đính kèm vào "
                           f"{result['file']}.", Changes(sync=True))


def import_usb(db: Database, data_dir: Path, path: str | Path) -> UsbDone:
    """Another PC's USB file, checked and folded in (one sync at a time in this data folder)."""
    with SyncLock(data_dir):
        result = import_file(db, data_dir, str(path))
    text = (f"Đã nhập {result['new']} sự kiện mới của máy {result['device_id'][:8]} "
            f"({result['duplicates']} đã có)." if result["new"] else
            f"Tệp không có gì mới ({result['duplicates']} sự kiện đã có).")
    if result["conflicts"]:
        text += f" Có {result['conflicts']} xung đột mới (xem: sync conflicts)."
    return UsbDone(result, text, FROM_OTHERS if result["new"] else Changes(sync=True))


def retry_rejected(db: Database) -> tuple[int, Changes]:
    """Let the events the hub refused be sent again at the next sync."""
    return forget_rejections(db), Changes(sync=True)


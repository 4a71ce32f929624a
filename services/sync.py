"""Sync errands: enrolling with the hub, a push and pull, the status, USB files, conflicts and refused events.

The window and `python main.py sync ...` call these; what another PC wrote can touch every kind of data,
so a pull or an import answers `FROM_OTHERS`.

This PC's station number is asked of the hub here too (sync/README.md, "Station numbers"); what each PC has
that the others have not seen is in sync_status (`unseen_by_pc`), which the Đồng bộ screen and `sync status`
both show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from db.device import set_station_number, station_number
from models.errors import UserError
from models.roles import EDIT_SETTINGS
from models.session import require
from services.changes import Changes
from sync.client import RetryPolicy, SyncReport, enroll, run_sync, sync_status
from sync.conflicts import list_conflicts
from sync.lock import SyncLock
from sync.state import forget_rejections, load_state, rejected_events, save_state
from sync.stations import ask_hub
from sync.transport import Transport
from sync.usb_file import export_file, import_file

FROM_OTHERS = Changes(all_dossiers=True, catalog=True, settings=True, calendar=True, ratings=True, sync=True)

__all__ = ["FROM_OTHERS", "RetryPolicy", "StationChange", "SyncReport", "UsbDone", "choose_station", "enroll",
           "export_usb", "import_usb", "station_needs_hub",
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


HUB_TIMEOUT = 5.0  # seconds: asking about a station number must not keep the clerk waiting long


@dataclass(frozen=True)
class StationChange:
    station: int
    changed: bool
    checked: bool          # the hub confirmed that no other PC of the unit holds it
    warning: str | None    # why it could not be checked (set anyway, offline)

    def to_dict(self) -> dict:
        return {"station": self.station, "changed": self.changed, "checked": self.checked, "warning": self.warning}


def station_needs_hub(db: Database, number: int) -> bool:
    """Whether setting `number` asks the hub (a network call: the window runs it off the GUI thread)."""
    return load_state(db).enrolled and (number != station_number(db) or load_state(db).station_confirmed != number)


def choose_station(db: Database, number: int, *,
                   transport: Transport | None = None) -> tuple[StationChange, Changes]:
    """Set this PC's station number: refused when the hub says another PC of the unit holds it; set with a
    warning when the hub cannot be asked (or this PC is not enrolled), and the next sync run checks again."""
    require(EDIT_SETTINGS, "đổi số máy trạm")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 9:
        raise UserError("Số máy trạm phải là một chữ số từ 1 đến 9.")
    before = station_number(db)
    state = load_state(db)
    if not state.enrolled:
        set_station_number(db, number)
        return StationChange(number, number != before, False, (
            f"Máy này chưa đăng ký với máy chủ đồng bộ nên chưa kiểm tra được số {number} có trùng máy khác của "
            "đơn vị không. Mỗi máy một số khác nhau; khi đăng ký, máy chủ sẽ cấp số không trùng.")
            if number != before else None), Changes(settings=True, sync=True)
    if not station_needs_hub(db, number):
        return StationChange(number, False, True, None), Changes()
    transport = transport or Transport(state.hub_url, state.token, pin=state.hub_pin, timeout=HUB_TIMEOUT)
    allowed, warning = ask_hub(db, transport, number)
    if not allowed:
        raise UserError(f"Không đổi số máy trạm: {warning}")
    with db.atomic():
        set_station_number(db, number)
        if warning is None:
            save_state(db, station_confirmed=number, station_note=None)
    return StationChange(number, number != before, warning is None, warning), Changes(settings=True, sync=True)

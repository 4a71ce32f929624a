"""Sync errands the window and the command line share: this PC's station number, asked of the hub
(sync/README.md, "Station numbers"). What each PC has that the others have not seen is in
sync.client.sync_status (`unseen_by_pc`), which the Đồng bộ screen and `sync status` both show."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from db.device import set_station_number, station_number
from models.errors import UserError
from models.roles import EDIT_SETTINGS
from models.session import require
from services.changes import Changes
from sync.state import load_state, save_state
from sync.stations import ask_hub
from sync.transport import Transport

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
    allowed, warning = ask_hub(db, transport or Transport(state.hub_url, state.token, timeout=HUB_TIMEOUT), number)
    if not allowed:
        raise UserError(f"Không đổi số máy trạm: {warning}")
    with db.atomic():
        set_station_number(db, number)
        if warning is None:
            save_state(db, station_confirmed=number, station_note=None)
    return StationChange(number, number != before, warning is None, warning), Changes(settings=True, sync=True)

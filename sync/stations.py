"""This PC's station number as the hub hands it out (sync/README.md, "Station numbers").

The hub gives each PC of a unit its own number (1–9, the first digit of the day's dossier sequence), so two
PCs never give one code. The PC takes the hub's number at enrollment and at the start of a sync run when
the number it uses is not the one the hub confirmed (changed by hand while the hub could not be asked);
dossiers already received keep their codes, new ones take the new number.
"""

from __future__ import annotations

from sqlite_utils import Database

from db.device import device_id, set_station_number, station_number
from db.local import get_local
from models.session import system_work
from sync.state import save_state
from sync.transport import HubError, HubRefused


def station_used(db: Database, station: int) -> bool:
    """Whether this PC received dossiers under `station` (then it keeps the number if nobody else holds it)."""
    return db.execute("SELECT 1 FROM events WHERE device_id = ? AND entity = 'dossier' AND action = 'receive' "
                      "AND json_extract(payload, '$.station') = ? LIMIT 1", [device_id(db), station]).fetchone() \
        is not None


def station_chosen(db: Database) -> bool:
    """Whether the number was set on this PC (by hand or by the hub), not the default 1."""
    return get_local(db, "station_number") is not None


def keep_wish(db: Database) -> bool:
    """At enrollment: keep the number in use when it was chosen or used; a fresh PC takes the hub's."""
    return station_chosen(db) or station_used(db, station_number(db))


def adopt(db: Database, station: int | None, *, reason: str = "") -> str | None:
    """Take the hub's number (inside or outside a transaction); a note for the clerk when it changed."""
    if not isinstance(station, int) or not 1 <= station <= 9:
        return None
    before = station_number(db)
    note = None
    if station != before or not station_chosen(db):
        with system_work():
            set_station_number(db, station)
        if station != before:
            kept = " Hồ sơ đã tiếp nhận giữ nguyên mã." if station_used(db, before) else ""
            note = (f"Máy chủ cấp số máy trạm {station} cho máy này (trước là {before}){reason}: hồ sơ mới "
                    f"mang số thứ tự bắt đầu bằng {station}.{kept}")
    save_state(db, station_confirmed=station, **({"station_note": note} if note else {}))
    return note


def confirm(db: Database, call) -> str | None:
    """At the start of a sync run: when the number in use is not the one the hub confirmed, ask for it;
    if another PC holds it, take the one the hub holds for this PC. `call(method, path, body)` is the run's
    request function. Returns a note when the number changed; an older hub (404) is left alone."""
    from sync.state import load_state

    wanted = station_number(db)
    if load_state(db).station_confirmed == wanted:
        return None
    try:
        data = call("POST", "/v1/station", {"device_id": device_id(db), "station": wanted}).data
    except HubRefused as error:
        if error.status in (404, 405):
            return None
        if error.code == "station_taken":
            return adopt(db, error.data.get("station"), reason=f" vì số {wanted} đã có máy khác của đơn vị dùng")
        if error.code == "no_station":
            save_state(db, station_note=str(error))
            return str(error)
        raise
    return adopt(db, data.get("station"))


def ask_hub(db: Database, transport, station: int) -> tuple[bool, str | None]:
    """Before setting a number by hand: (allowed, warning). Refused (UserError by the caller) when the hub
    says another PC holds it; allowed with a warning when the hub cannot be asked."""
    try:
        transport.request("POST", "/v1/station", {"device_id": device_id(db), "station": station})
    except HubRefused as error:
        if error.code in ("station_taken", "no_station"):
            return False, str(error)
        if error.status in (404, 405):
            return True, "Máy chủ đồng bộ chưa hỗ trợ kiểm tra số máy trạm: hãy chắc chắn không máy nào khác dùng số này."
        return True, f"Máy chủ không kiểm tra được số máy trạm ({error})."
    except HubError as error:
        return True, (f"Chưa hỏi được máy chủ ({error}) nên chưa biết số {station} có trùng máy khác không. Đã đổi "
                      "trên máy này; lần đồng bộ sau máy chủ sẽ kiểm tra, và nếu số đã có máy khác dùng, máy này "
                      "nhận số máy chủ giữ cho nó.")
    finally:
        transport.close()
    return True, None

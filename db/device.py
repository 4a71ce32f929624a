"""Facts about this PC that are never synced: its device id and its station number (1-9)."""

from __future__ import annotations

import uuid

from sqlite_utils import Database

from db.local import get_local, put_local
from models.errors import UserError


def _get(db: Database, key: str) -> str | None:
    return get_local(db, key)


def _put(db: Database, key: str, value: str) -> None:
    put_local(db, key, value)


_DEVICE_ID_ATTRIBUTE = "_motcua_device_id"


def device_id(db: Database) -> str:
    """This PC's id, made once (a UUID) the first time it is asked for.

    Remembered on the connection: every recorded event asks for it, and it never changes while a
    database is open.
    """
    value = getattr(db, _DEVICE_ID_ATTRIBUTE, None)
    if value is not None:
        return value
    value = _get(db, "device_id")
    if value is None:
        value = str(uuid.uuid4())
        with db.atomic():
            _put(db, "device_id", value)
    setattr(db, _DEVICE_ID_ATTRIBUTE, value)
    return value


def known_device_id(db: Database) -> str | None:
    """This PC's id if it was made already (None on a database that recorded nothing): for reads that
    must not write, such as counting pending events."""
    return getattr(db, _DEVICE_ID_ATTRIBUTE, None) or _get(db, "device_id")


def station_number(db: Database) -> int:
    """The PC's station number: the first digit of its dossiers' daily sequence (shared/domain.md)."""
    return int(_get(db, "station_number") or 1)


def set_station_number(db: Database, number: int) -> None:
    from models.roles import EDIT_SETTINGS
    from models.session import require

    require(EDIT_SETTINGS, "đổi số máy trạm")
    if not isinstance(number, int) or not 1 <= number <= 9:
        raise UserError("Số máy trạm phải là một chữ số từ 1 đến 9.")
    with db.atomic():
        _put(db, "station_number", str(number))

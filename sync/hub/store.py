"""The hub's storage: one interface (HubStore), two engines: SQLite (the default, a file in the data folder)
and PostgreSQL (a province's hub, several processes against one database). `open_store` picks one."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from models.errors import UserError

HUB_DATABASE = "hub.sqlite3"
DATABASE_URL_ENV = "MOTCUA_HUB_DATABASE_URL"
PROVINCE = "*"  # the unit_code of events published for every unit of the hub (the province's catalog)


@dataclass(frozen=True)
class Device:
    token_id: str
    unit_code: str
    device_id: str | None  # None until the token is claimed by `sync enroll`
    usb_key: str
    station: int | None = None

    @property
    def enrolled_id(self) -> str:
        """The device id of a claimed token (the hub refuses unclaimed ones before asking)."""
        if self.device_id is None:
            raise ValueError("token not enrolled")
        return self.device_id


@dataclass(frozen=True)
class Admin:
    """A province administrator's token: publishes the catalog, reads figures, holds no clerk rights."""

    token_id: str
    note: str


class StoreConflict(Exception):
    """The batch holds events that contradict stored ones (a uuid or a device's seq reused); nothing stored."""

    def __init__(self, rejected: list[dict]):
        super().__init__(f"{len(rejected)} sự kiện mâu thuẫn với dữ liệu đã có")
        self.rejected = rejected


STATIONS = range(1, 10)  # the first digit of a dossier's daily sequence (shared/domain.md): 9 PCs per unit


class NoFreeStation(Exception):
    """Every station number of the unit is held: the 10th PC is refused (sync/README.md, "Station numbers")."""

    def __init__(self, unit_code: str):
        super().__init__(
            f"Đơn vị {unit_code} đã có đủ 9 máy trạm (số 1–9: chữ số đầu của số thứ tự hồ sơ trong ngày). "
            f"Không cấp thêm số được: hãy giải phóng số của một máy không còn dùng (hub stations --unit-code "
            f"{unit_code} --release N) rồi đăng ký lại.")
        self.unit_code = unit_code


class HubStore(ABC):
    """What the hub needs from storage. Implementations make `store_events` one transaction and hand out
    `server_seq` values that become visible in increasing order per pull stream (the pull cursor relies on
    it: sync/README.md, "Several hub processes")."""

    engine: str = ""

    @abstractmethod
    def create_token(self, unit_code: str, note: str = "") -> str: ...

    @abstractmethod
    def create_admin_token(self, note: str = "") -> str: ...

    @abstractmethod
    def device_for(self, token: str) -> Device | None: ...

    @abstractmethod
    def admin_for(self, token: str) -> Admin | None: ...

    @abstractmethod
    def device_by_token_id(self, token_id: str) -> Device | None: ...

    @abstractmethod
    def claim(self, token_id: str, device_id: str, station: int | None) -> tuple[Device, list[str]]:
        """Bind the token to the device (once; again with the same device is fine). Returns the device
        and the ids of other devices of the unit with the same station number (a warning)."""

    # Station numbers (sync/README.md, "Station numbers"): table `stations`, keyed (unit_code, station), one
    # row per token (so per PC once claimed); `create_token` and `claim` reserve one in their transaction.

    @abstractmethod
    def reserve_station(self, token_id: str, wanted: int | None = None) -> int:
        """The token's station number: `wanted` if no other PC of the unit holds it (the token moves there),
        else the one the token holds, else the lowest free one (NoFreeStation when all 9 are held)."""

    @abstractmethod
    def station_of(self, token_id: str) -> int | None: ...

    @abstractmethod
    def holder_of(self, unit_code: str, station: int) -> dict | None:
        """{station, token_id, device_id, note, assigned_at, enrolled_at} of the PC holding it, or None."""

    @abstractmethod
    def stations(self, unit_code: str) -> list[dict]:
        """Which PC holds which number, by number (rows as holder_of)."""

    @abstractmethod
    def release_station(self, unit_code: str, station: int) -> bool:
        """Free a number (a PC that is gone); False when nobody held it."""

    @abstractmethod
    def record_pull(self, device_id: str, after: int) -> None:
        """The device asked for events after `after`: it holds every other device's event up to there."""

    @abstractmethod
    def unseen_dossiers(self, unit_code: str) -> list[dict]:
        """Per device of the unit: {device_id, station, unseen, pulled_at}, `unseen` being how many dossiers
        it received (receive events on the hub) that at least one other PC of the unit has not pulled yet."""

    @abstractmethod
    def unit_key(self, unit_code: str) -> str: ...

    @abstractmethod
    def units(self) -> list[str]:
        """The unit codes known to the hub (enrolled at least once)."""

    @abstractmethod
    def store_events(self, unit_code: str, events: list[dict]) -> tuple[list[str], list[str]]:
        """Store new events of `unit_code` (accepted uuids, duplicate uuids); StoreConflict stores none."""

    def store_push(self, unit_code: str, device_id: str, events: list[dict]) -> tuple[list[str], list[str], int]:
        """store_events, plus the sender's highest stored seq afterwards (an engine may read it in the same
        transaction)."""
        accepted, duplicates = self.store_events(unit_code, events)
        return accepted, duplicates, self.max_seq(device_id)

    @abstractmethod
    def events_after(self, unit_code: str, after: int, limit: int, exclude_device: str, *,
                     raw_payload: bool = False) -> list[dict]:
        """The unit's events (and those published for the whole province) after a server_seq. With
        `raw_payload` each payload is its stored JSON text as an orjson.Fragment (written out as is)."""

    @abstractmethod
    def own_events(self, device_id: str, after_seq: int, limit: int, *, raw_payload: bool = False) -> list[dict]:
        """The device's own events with seq > after_seq, by seq: how a PC restored from an old backup
        gets back what it had pushed since (sync/README.md, "After a restore")."""

    @abstractmethod
    def max_seq(self, device_id: str) -> int:
        """The highest seq stored for the device (0 when none)."""

    @abstractmethod
    def stats(self) -> dict: ...

    # --- device keys (issue #17): each device's Ed25519 public key; events carry their signature (`sig`)

    @abstractmethod
    def set_device_key(self, device_id: str, public_key: str) -> str:
        """Record the device's public key once; returns the key stored (an earlier one wins)."""

    @abstractmethod
    def device_key(self, device_id: str) -> str | None: ...

    @abstractmethod
    def unit_device_keys(self, unit_code: str) -> dict[str, str]:
        """device_id -> public key of the unit's devices that registered one."""

    @abstractmethod
    def health(self) -> dict:
        """{'engine', 'schema', 'schema_current'}: raises when the store cannot be reached."""

    @abstractmethod
    def refresh_facts(self) -> int:
        """Fold the dossiers touched by events stored since the last refresh into dossier_facts; how many."""

    @abstractmethod
    def read_rows(self, sql: str, params: list) -> list[tuple]:
        """Run a read-only query written with '?' parameters (the report's aggregates, tests)."""

    @abstractmethod
    def backup(self, target: Path) -> Path:
        """A consistent copy of the hub's data while it runs (SQLite online backup API, pg_dump)."""

    def close(self) -> None:
        return None


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def database_url(given: str | None) -> str | None:
    """--database-url, else MOTCUA_HUB_DATABASE_URL, else None (the SQLite file)."""
    url = (given or os.environ.get(DATABASE_URL_ENV) or "").strip()
    if not url:
        return None
    if not url.startswith(("postgresql://", "postgres://")):
        raise UserError("Địa chỉ cơ sở dữ liệu phải bắt đầu bằng postgresql:// (ví dụ "
                        "postgresql://motcua@127.0.0.1:5432/motcua_hub).")
    return url


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    scheme, _, rest = url.partition("://")
    if "@" in rest:
        credentials, _, host = rest.rpartition("@")
        return f"{scheme}://{credentials.split(':')[0]}@{host}"
    return url


def open_store(data_dir: Path | str, url: str | None = None, *, pool_size: int = 4) -> HubStore:
    """PostgreSQL when a URL is given (or set in MOTCUA_HUB_DATABASE_URL), else the SQLite file."""
    url = database_url(url)
    if url:
        from sync.hub.store_pg import PostgresHubStore

        return PostgresHubStore(url, pool_size=pool_size)
    from sync.hub.store_sqlite import SqliteHubStore

    return SqliteHubStore(data_dir)


def __getattr__(name: str):
    """`from sync.hub.store import SqliteHubStore` keeps working (the class lives in store_sqlite)."""
    if name == "SqliteHubStore":
        from sync.hub.store_sqlite import SqliteHubStore

        return SqliteHubStore
    raise AttributeError(name)

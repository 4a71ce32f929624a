"""What a hub process remembers of its devices between requests, so a push or a pull does not ask the database
again what it answered a moment ago (bench/bench_hub.py: at 200 PCs these lookups were half of the queries).

Only what cannot go stale is kept for long: a device's public key never changes once recorded (an earlier one
wins, sync/hub/store.py) and no token is ever unbound from its device. A token's entry is still re-read after
TOKEN_SECONDS, and the match is on the whole token (its hash), so a wrong token is never taken for a right one.
"""

from __future__ import annotations

import time

from sync.hub.store import Device, HubStore
from sync.tokens import token_hash

TOKEN_SECONDS = 60.0
UNIT_KEYS_SECONDS = 60.0
MAX_ENTRIES = 20_000  # far more than a province's PCs; past it the memory starts again empty


class KnownDevices:
    def __init__(self, store: HubStore):
        self.store = store
        self._tokens: dict[str, tuple[float, Device]] = {}
        self._keys: dict[str, str] = {}
        self._unit_keys: dict[str, tuple[float, dict[str, str]]] = {}

    def device(self, token: str) -> Device | None:
        """The enrolled device of this token when it was looked up in the last TOKEN_SECONDS, else None."""
        entry = self._tokens.get(token_hash(token))
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def remember(self, token: str, device: Device) -> None:
        if device.device_id is None:  # a token not yet claimed changes at enrollment: never remembered
            return
        if len(self._tokens) >= MAX_ENTRIES:
            self._tokens.clear()
        self._tokens[token_hash(token)] = (time.monotonic() + TOKEN_SECONDS, device)

    def key(self, device_id: str) -> str | None:
        """The device's public key (None while it has registered none: asked again next time)."""
        key = self._keys.get(device_id)
        if key is None:
            key = self.store.device_key(device_id)
            if key is not None:
                if len(self._keys) >= MAX_ENTRIES:
                    self._keys.clear()
                self._keys[device_id] = key
        return key

    def unit_keys(self, unit_code: str, needed: set[str]) -> dict[str, str]:
        """The unit's device keys; read again when older than UNIT_KEYS_SECONDS or when a device in `needed`
        (the devices of the events being handed out) is missing, so a page never goes out without the key
        of a device that has one."""
        entry = self._unit_keys.get(unit_code)
        if entry is None or entry[0] < time.monotonic() or not needed <= entry[1].keys():
            if len(self._unit_keys) >= MAX_ENTRIES:
                self._unit_keys.clear()
            entry = (time.monotonic() + UNIT_KEYS_SECONDS, self.store.unit_device_keys(unit_code))
            self._unit_keys[unit_code] = entry
        return entry[1]

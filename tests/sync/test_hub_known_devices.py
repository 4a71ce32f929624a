"""What a hub process remembers between requests (sync/hub/known_devices.py) never lets a wrong token in,
never hands out a page without the key of a device in it, and never keeps a key that is not yet recorded."""

from __future__ import annotations

from sync.hub.known_devices import KnownDevices
from sync.hub.store import Device


class CountingStore:
    """The three lookups KnownDevices makes, answered from dicts and counted."""

    def __init__(self):
        self.keys: dict[str, str] = {}
        self.units: dict[str, list[str]] = {}
        self.asked: list[str] = []

    def device_key(self, device_id: str) -> str | None:
        self.asked.append(f"key {device_id}")
        return self.keys.get(device_id)

    def unit_device_keys(self, unit_code: str) -> dict[str, str]:
        self.asked.append(f"unit {unit_code}")
        return {d: self.keys[d] for d in self.units.get(unit_code, []) if d in self.keys}


def test_a_token_is_remembered_only_whole_and_only_once_enrolled():
    known = KnownDevices(CountingStore())  # type: ignore[arg-type]
    token = "mc1.abc123.secret-part-one"
    known.remember(token, Device("abc123", "U", None, "k"))           # not yet claimed: not remembered
    assert known.device(token) is None
    device = Device("abc123", "U", "dev-1", "k")
    known.remember(token, device)
    assert known.device(token) == device
    assert known.device("mc1.abc123.secret-part-two") is None          # same token id, other secret: unknown
    assert known.device(token + " ") == device                         # the hub strips the header's spaces


def test_a_key_is_kept_once_recorded_and_asked_again_while_missing():
    store = CountingStore()
    known = KnownDevices(store)  # type: ignore[arg-type]
    assert known.key("dev-1") is None and known.key("dev-1") is None
    assert store.asked == ["key dev-1", "key dev-1"]                   # no key yet: asked each time
    store.keys["dev-1"] = "a" * 64
    assert known.key("dev-1") == "a" * 64 and known.key("dev-1") == "a" * 64
    assert store.asked.count("key dev-1") == 3                         # then remembered


def test_a_page_never_goes_out_without_the_key_of_a_device_in_it():
    store = CountingStore()
    known = KnownDevices(store)  # type: ignore[arg-type]
    store.units["U"] = ["dev-1", "dev-2"]
    store.keys["dev-1"] = "a" * 64
    assert known.unit_keys("U", {"dev-1"}) == {"dev-1": "a" * 64}
    assert known.unit_keys("U", {"dev-1"}) == {"dev-1": "a" * 64}
    assert store.asked == ["unit U"]                                   # remembered
    store.keys["dev-2"] = "b" * 64                                     # a PC enrolled since, and pushed
    assert known.unit_keys("U", {"dev-1", "dev-2"}) == {"dev-1": "a" * 64, "dev-2": "b" * 64}
    assert store.asked == ["unit U", "unit U"]                         # its events made the hub ask again

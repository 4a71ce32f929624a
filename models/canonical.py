"""The canonical form of an event and its chain hash, shared by this PC (db/events.py) and the hub (sync/hub):
both ends import this module, so they compute the very same bytes and hashes (no I/O here)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64

# The canonical form is the standard library's: one encoder for every event (json.dumps would build a
# new one per call). orjson writes the same bytes five times faster for the values events carry
# (tests/test_events.py compares both on generated values); _orjson_safe sends every other value,
# the ones where the two differ (1e-05 vs 0.00001, NaN, int keys, huge ints, subclasses), to json.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
try:
    import orjson
except ImportError:  # pragma: no cover - orjson is pinned in requirements.txt; the form stays the same
    orjson = None  # type: ignore[assignment]  # the standard idiom for an optional module

_ORJSON_FLOATS = (1e-4, 1e16)  # inside this range both write repr(float); outside, only json does
_PLAIN = frozenset({str, int, bool, type(None)})  # written alike (orjson refuses ints beyond 64 bits)


def _orjson_safe(value: Any) -> bool:
    """Whether orjson writes `value` exactly as the standard library's canonical form does: only these
    plain types (no subclasses, datetimes, UUIDs...), floats in _ORJSON_FLOATS. A key that is not a str
    makes orjson raise, and canonical_json then falls back too."""
    kind = type(value)
    if kind is dict:
        values = value.values()
    elif kind is list or kind is tuple:
        values = value
    else:
        values = (value,)
    for item in values:
        kind = type(item)
        if kind in _PLAIN:
            continue
        if kind is float:
            if item != 0.0 and not _ORJSON_FLOATS[0] <= abs(item) < _ORJSON_FLOATS[1]:
                return False
        elif kind is dict or kind is list or kind is tuple:
            if not _orjson_safe(item):
                return False
        else:
            return False
    return True


def _orjson_bytes(value: object) -> bytes | None:
    """orjson's canonical bytes of `value`, or None where only json writes the canonical form."""
    if orjson is not None and _orjson_safe(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # orjson.JSONEncodeError: a key that is not a str, lone surrogates, deep nesting
            pass
    return None


def canonical_json_bytes(value: object) -> bytes:
    """canonical_json(value) encoded as UTF-8: what is hashed (orjson writes these bytes directly)."""
    fast = _orjson_bytes(value)
    return fast if fast is not None else _CANONICAL.encode(value).encode()


def canonical_json(value: object) -> str:
    """Sorted keys, no spaces, Vietnamese kept as is: the form events are hashed and stored in."""
    fast = _orjson_bytes(value)
    return fast.decode() if fast is not None else _CANONICAL.encode(value)


def event_hash(prev_hash: str, fields: dict) -> str:
    """The chain link: sha256 of the previous hash and the event's fields as canonical JSON."""
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


def event_order(event: dict) -> tuple:
    """The one order every PC applies an entity's events in, `(at, device_id, seq)` (sync/README.md, "The rule")."""
    return event["at"], event["device_id"], event["seq"]

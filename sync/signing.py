"""Ed25519 device signatures (library `cryptography`): each PC signs what it sends, peers check the sender.

A PC makes its key pair once (the private key in the secrets file, db/secret_store.py); the hub records the
public key at enrollment and hands the unit's keys out (`device_keys` in enroll and pull replies), and each PC
keeps them in `peer_keys`. Events are signed when they leave the PC (push, USB file), not when recorded, so
the write path pays nothing: the signature covers the event's uuid and chain hash, and the hash its content.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime

from sqlite_utils import Database

from db import secret_store
from db.secrets_move import data_dir_of

SIGNING_SECRET = "signing_key"
_HEX = re.compile(r"^[0-9a-f]+$")


def is_hex(value: object, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and bool(_HEX.match(value))


def _private(db: Database):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    def make() -> str:
        from cryptography.hazmat.primitives import serialization

        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()).hex()

    raw = secret_store.ensure(data_dir_of(db), SIGNING_SECRET, make)
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(raw))


def public_key(db: Database) -> str:
    from cryptography.hazmat.primitives import serialization

    return _private(db).public_key().public_bytes(serialization.Encoding.Raw,
                                                  serialization.PublicFormat.Raw).hex()


def event_message(event: dict) -> bytes:
    return f"motcua-event-v1\n{event['uuid']}\n{event['hash']}".encode()


def push_message(device: str, events: list[dict]) -> bytes:
    """What a push's own signature covers: the sender and every event's uuid and hash, in order. The hub
    checks this one signature per push rather than 50 (an Ed25519 check costs ~90 µs here, half a core at a
    province's 5,000 events/s: bench/bench_hub.py); each event's own `sig` is checked by the PCs that pull it."""
    lines = "".join(f"\n{event['uuid']} {event['hash']}" for event in events)
    return f"motcua-push-v1\n{device}{lines}".encode()


class Signer:
    """This PC's key, loaded once for a batch."""

    def __init__(self, db: Database):
        self._key = _private(db)

    def sign(self, data: bytes) -> str:
        return self._key.sign(data).hex()

    def sign_events(self, events: list[dict]) -> list[dict]:
        return [{**event, "sig": self.sign(event_message(event))} for event in events]

    def push_body(self, device: str, events: list[dict]) -> dict:
        """A push: each event signed for the peers, and the whole batch signed once for the hub."""
        return {"device_id": device, "events": self.sign_events(events),
                "push_sig": self.sign(push_message(device, events))}


@functools.lru_cache(maxsize=4096)
def _public(public_hex: str):
    """A device's key object, made once: a pull or a USB file checks many events of few devices."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))


def verify(public_hex: str, data: bytes, signature: object) -> bool:
    from cryptography.exceptions import InvalidSignature

    if not is_hex(public_hex, 64) or not isinstance(signature, str) or not is_hex(signature, 128):
        return False
    try:
        _public(public_hex).verify(bytes.fromhex(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_event(public_hex: str, event: dict) -> bool:
    return verify(public_hex, event_message(event), event.get("sig"))


def verify_push(public_hex: str, device: str, events: list[dict], signature: object) -> bool:
    return verify(public_hex, push_message(device, events), signature)


# ----- the other devices' public keys, as the hub handed them out

def peer_keys(db: Database) -> dict[str, str]:
    return dict(db.execute("SELECT device_id, public_key FROM peer_keys").fetchall())


def learn_keys(db: Database, keys: object) -> list[str]:
    """Store keys the hub handed out; a device's key never changes (a new PC enrolls with a new id), so a
    different key for a known device is not taken: those device ids are returned."""
    if not isinstance(keys, dict):
        return []
    known, refused = peer_keys(db), []
    moment = datetime.now().astimezone().isoformat(timespec="seconds")
    with db.atomic():
        for device, key in list(keys.items())[:10000]:
            if not isinstance(device, str) or not 0 < len(device) <= 64 or not is_hex(key, 64):
                continue
            if device in known:
                if known[device] != key:
                    refused.append(device)
                continue
            db.execute("INSERT INTO peer_keys(device_id, public_key, learned_at) VALUES (?, ?, ?)",
                       [device, key, moment])
    return refused

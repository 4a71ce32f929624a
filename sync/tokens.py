"""Device tokens and the keys derived from them (shared by hub and client; standard library only)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "mc1"


def new_token() -> tuple[str, str]:
    """(token_id, token): the id is public (named in USB files), the rest is the secret."""
    token_id = secrets.token_hex(6)
    return token_id, f"{TOKEN_PREFIX}.{token_id}.{secrets.token_urlsafe(24)}"


def token_id_of(token: str) -> str | None:
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def usb_key(token: str) -> str:
    """The key a device signs its USB files with; the hub keeps it, never the token itself."""
    return hmac.new(token.strip().encode("utf-8"), b"motcua-usb-file-v1", hashlib.sha256).hexdigest()


def sign(key_hex: str, data: bytes) -> str:
    return hmac.new(bytes.fromhex(key_hex), data, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))

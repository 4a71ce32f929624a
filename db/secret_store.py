"""This PC's secrets, kept in a file of the data folder and never in the database (so never in a backup).

`secrets.motcua` holds the hub token, the unit key, the Ed25519 signing key, the audit key (it keys the
event chain, db.events.event_mac), the backup key and the hub certificate's pinned fingerprint. On Windows
the file is sealed with DPAPI (CryptProtectData, bound to the Windows user: a copy of the folder opened by
another user or on another PC cannot read it); elsewhere it is owner-only (0600). Beside the secrets it
keeps a fingerprint of the machine and folder it was made for: a data folder copied to another PC (or
folder) is noticed (`copied`) and the clerk is asked to enroll it as a new device (sync/README.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import sys
import threading
from pathlib import Path

SECRETS_FILE = "secrets.motcua"
_DPAPI_MAGIC = b"MOTCUA-DPAPI1\n"
_PLAIN_MAGIC = b"MOTCUA-SECRETS1\n"
_MAX_BYTES = 1 << 20
_LOCK = threading.Lock()
_CACHE: dict[Path, dict] = {}


class SecretsUnreadable(Exception):
    """The secrets file is there but cannot be opened here (another Windows user or PC, or damaged)."""


# ----- Windows DPAPI through ctypes (no dependency); only called on Windows

def _dpapi(data: bytes, protect: bool) -> bytes:  # pragma: no cover - exercised on Windows only
    import ctypes
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    windll = getattr(ctypes, "windll")  # noqa: B009 - Windows only; getattr keeps type checkers on Linux quiet
    crypt32, kernel32 = windll.crypt32, windll.kernel32
    buffer = ctypes.create_string_buffer(data, len(data))
    source, out = Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char))), Blob()
    entropy_bytes = b"motcua-secrets-v1"
    entropy_buffer = ctypes.create_string_buffer(entropy_bytes, len(entropy_bytes))
    entropy = Blob(len(entropy_bytes), ctypes.cast(entropy_buffer, ctypes.POINTER(ctypes.c_char)))
    ui_forbidden = 0x1  # CRYPTPROTECT_UI_FORBIDDEN
    call = crypt32.CryptProtectData if protect else crypt32.CryptUnprotectData
    if protect:
        ok = call(ctypes.byref(source), "MotCua", ctypes.byref(entropy), None, None, ui_forbidden, ctypes.byref(out))
    else:
        ok = call(ctypes.byref(source), None, ctypes.byref(entropy), None, None, ui_forbidden, ctypes.byref(out))
    if not ok:
        raise SecretsUnreadable(f"DPAPI error {getattr(ctypes, 'GetLastError')()}")  # noqa: B009
    try:
        return ctypes.string_at(out.pbData, out.cbData)
    finally:
        kernel32.LocalFree(out.pbData)


def _use_dpapi() -> bool:
    return sys.platform == "win32"


def seal(data: bytes) -> bytes:
    """The file's bytes for `data`: DPAPI-sealed on Windows, plain (owner-only file) elsewhere."""
    return _DPAPI_MAGIC + _dpapi(data, True) if _use_dpapi() else _PLAIN_MAGIC + data


def unseal(raw: bytes) -> bytes:
    if raw.startswith(_DPAPI_MAGIC):
        if not _use_dpapi():
            raise SecretsUnreadable("sealed with DPAPI on Windows")
        return _dpapi(raw[len(_DPAPI_MAGIC):], False)
    if raw.startswith(_PLAIN_MAGIC):
        return raw[len(_PLAIN_MAGIC):]
    raise SecretsUnreadable("not a MotCua secrets file")


# ----- the machine fingerprint

def _machine_id() -> str:
    override = os.environ.get("MOTCUA_MACHINE_ID")  # tests: two "PCs" on one machine
    if override:
        return override
    if sys.platform == "win32":  # pragma: no cover
        with contextlib.suppress(OSError):
            import winreg

            key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography", 0,
                                 winreg.KEY_READ | getattr(winreg, "KEY_WOW64_64KEY", 0))
            return str(winreg.QueryValueEx(key, "MachineGuid")[0])
    for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        with contextlib.suppress(OSError):
            text = Path(candidate).read_text().strip()
            if text:
                return text
    import uuid

    return f"node-{uuid.getnode():012x}"


def fingerprint(data_dir: Path) -> str:
    """This machine and this folder: a folder copied elsewhere (or to another PC) gets another one."""
    where = str(Path(data_dir).resolve())
    return hashlib.sha256(f"{_machine_id()}\n{where}".encode()).hexdigest()


# ----- reading and writing

def secrets_path(data_dir: Path) -> Path:
    return Path(data_dir) / SECRETS_FILE


def _read(data_dir: Path) -> dict:
    path = secrets_path(data_dir)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    if len(raw) > _MAX_BYTES:
        raise SecretsUnreadable("too large")
    try:
        data = json.loads(unseal(raw))
    except ValueError as error:
        raise SecretsUnreadable(str(error)) from None
    if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
        raise SecretsUnreadable("wrong shape")
    return data


def _write(data_dir: Path, data: dict) -> None:
    path = secrets_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = seal(json.dumps(data, sort_keys=True).encode("utf-8"))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _load(data_dir: Path) -> dict:
    """The file's content (cached per folder). An unreadable file (another Windows user, another PC,
    damaged) is set aside and a fresh one started, marked `unreadable`: the PC then asks to enroll again."""
    key = Path(data_dir).resolve()
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    try:
        data = _read(data_dir)
        fresh = not data
    except SecretsUnreadable:
        path = secrets_path(data_dir)
        with contextlib.suppress(OSError):
            os.replace(path, path.with_name(f"{path.name}.khong-doc-duoc"))
        data, fresh = {}, True
        data["unreadable"] = True
    if fresh:  # written with the first secret put (asking must not create files)
        data.setdefault("values", {})
        data["fingerprint"] = fingerprint(data_dir)
    _CACHE[key] = data
    return data


def forget_cache(data_dir: Path | None = None) -> None:
    """Tests and restores: read the file again next time."""
    with _LOCK:
        if data_dir is None:
            _CACHE.clear()
        else:
            _CACHE.pop(Path(data_dir).resolve(), None)


def get(data_dir: Path, name: str) -> str | None:
    with _LOCK:
        value = _load(data_dir)["values"].get(name)
    return value if isinstance(value, str) else None


def put(data_dir: Path, **values: str | None) -> None:
    """Set (or, with None, remove) secrets; written at once, atomically."""
    with _LOCK:
        data = _load(data_dir)
        for name, value in values.items():
            if value is None:
                data["values"].pop(name, None)
            else:
                data["values"][name] = value
        _write(data_dir, data)


def ensure(data_dir: Path, name: str, make) -> str:
    """The secret `name`, made by `make()` the first time."""
    value = get(data_dir, name)
    if value is None:
        value = make()
        put(data_dir, **{name: value})
    return value


def copied(data_dir: Path) -> bool:
    """True when the secrets were made for another machine or folder, or could not be read here."""
    with _LOCK:
        data = _load(data_dir)
    return bool(data.get("unreadable")) or not hmac.compare_digest(str(data.get("fingerprint", "")),
                                                                     fingerprint(data_dir))


def accept_here(data_dir: Path) -> None:
    """The clerk confirmed: this folder now belongs to this machine (after enrolling as a new device)."""
    with _LOCK:
        data = _load(data_dir)
        data["fingerprint"] = fingerprint(data_dir)
        data.pop("unreadable", None)
        _write(data_dir, data)


def new_key_hex() -> str:
    return secrets.token_hex(32)

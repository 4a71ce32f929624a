"""The USB stick route: pending events (and their attachment files) in one signed, encrypted zip file."""

# manifest.json names the unit, device and token id, the SHA-256 of the events and of each attachment, and
# signs itself twice: an HMAC with the device's token-derived key (the hub checks it) and the device's Ed25519
# signature (the hub and every PC of the unit check it against the key the hub recorded, sync/signing.py: a PC
# holding the unit's key cannot sign as another PC). The events and files are encrypted for the unit
# (AES-256-GCM under a key derived from the unit key; each member bound to this manifest's file id), so a
# lost stick shows no citizen's data. A file that fails any check is refused whole; importing it twice is a
# no-op.

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from db.attachments import attachment_path
from db.device import device_id
from db.events import PENDING, canonical_json
from models.errors import UserError
from models.roles import SYNC
from models.session import require
from sync.projection import apply_remote_events
from sync.signing import Signer, peer_keys, verify
from sync.state import load_state, now_iso
from sync.tokens import same, sign, token_id_of, usb_key
from sync.wire import EVENT_COLUMNS, problem, row_to_wire

FORMAT = "motcua-sync"
VERSION = 2
MAX_MEMBER_BYTES = 200 * 1024 * 1024
_MACS = ("hmac_device", "signature")
_NONCE = 12


def _aes(unit_key: str):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"motcua-usb-file-v2").derive(
        bytes.fromhex(unit_key))
    return AESGCM(key)


def _seal(aes, file_id: str, name: str, data: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + aes.encrypt(nonce, data, f"{file_id}\n{name}".encode())


def _open(aes, file_id: str, name: str, sealed: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag

    try:
        return aes.decrypt(sealed[:_NONCE], sealed[_NONCE:], f"{file_id}\n{name}".encode())
    except (InvalidTag, ValueError):
        raise ValueError(f"phần {name} không giải mã được bằng khóa của đơn vị") from None


@dataclass
class UsbFile:
    manifest: dict
    events: list[dict]
    attachments: dict[str, tuple[str, bytes]]  # sha256 -> (ext, data)


def _signed_part(manifest: dict) -> bytes:
    return canonical_json({k: v for k, v in manifest.items() if k not in _MACS}).encode("utf-8")


def export_file(db: Database, data_dir: Path | str, out: Path | str) -> dict:
    """Write this PC's pending events to `out` (atomically: a half-written file never has the name)."""
    require(SYNC, "ghi tệp đồng bộ")
    state = load_state(db)
    if not state.enrolled or not state.unit_key:
        raise UserError("Máy này chưa đăng ký với máy chủ: chưa có khóa để ký tệp đồng bộ (sync enroll).")
    rows = db.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE {PENDING} ORDER BY seq",
                      [device_id(db)]).fetchall()
    events = [row_to_wire(row) for row in rows]
    files: dict[str, tuple[str, Path]] = {}
    for event in events:
        p = event["payload"]
        if event["action"] == "attach" and p.get("sha256") and p.get("ext"):
            path = attachment_path(Path(data_dir), p["sha256"], p["ext"])
            if path.is_file():
                files[p["sha256"]] = (p["ext"], path)
    signer = Signer(db)
    events = signer.sign_events(events)
    body = canonical_json(events).encode("utf-8")
    manifest = {"format": FORMAT, "version": VERSION, "unit_code": state.unit_code, "device_id": device_id(db),
                "file_id": secrets.token_hex(16),
                "token_id": token_id_of(state.token), "created_at": now_iso(), "event_count": len(events),
                "events_sha256": hashlib.sha256(body).hexdigest(),
                "attachments": [{"sha256": sha, "ext": ext, "size": path.stat().st_size}
                                for sha, (ext, path) in sorted(files.items())]}
    signed = _signed_part(manifest)
    manifest.update(hmac_device=sign(usb_key(state.token), signed), signature=signer.sign(signed))
    aes = _aes(state.unit_key)
    target = Path(out)
    handle, temp = tempfile.mkstemp(prefix=".motcua-", suffix=".tmp", dir=target.parent if target.parent.exists()
                                    else None)
    os.close(handle)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            file_id = str(manifest["file_id"])
            archive.writestr("events.bin", _seal(aes, file_id, "events", body))
            for sha, (ext, path) in sorted(files.items()):
                name = f"attachments/{sha}.{ext}"
                archive.writestr(name + ".bin", _seal(aes, file_id, name, path.read_bytes()))
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise UserError(f"Không ghi được tệp {target}: {error.strerror or error}.") from None
    return {"file": str(target), "events": len(events), "attachments": len(files), "device_id": device_id(db)}


def _refuse(path: Path, why: str) -> UserError:
    return UserError(f"Không nhập tệp {path.name}: {why} Không có gì bị thay đổi.")


def read_manifest(path: Path | str) -> dict:
    """The manifest alone (clear text): says which unit's key opens the file and which device signed it."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("manifest.json")
            if info.file_size > 1024 * 1024:
                raise _refuse(path, "tệp chứa phần quá lớn.")
            manifest = json.loads(archive.read("manifest.json"))
    except UserError:
        raise
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp {path}.") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, KeyError, TypeError, OSError,
            EOFError, NotImplementedError, RecursionError) as error:  # NotImplementedError: a damaged compression method byte
        raise _refuse(path, f"tệp hỏng hoặc không phải tệp đồng bộ MotCua ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise _refuse(path, "đây không phải tệp đồng bộ MotCua (hoặc của phiên bản khác).")
    if not isinstance(manifest.get("file_id"), str) or not isinstance(manifest.get("attachments", []), list):
        raise _refuse(path, "tệp hỏng hoặc không phải tệp đồng bộ MotCua.")
    return manifest


def read_file(path: Path | str, unit_key: str) -> UsbFile:
    """Open, decrypt with the unit's key and check everything but the signatures (check_signature)."""
    path = Path(path)
    manifest = read_manifest(path)
    try:
        aes = _aes(unit_key)
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if "events.bin" not in members:
                raise _refuse(path, "đây không phải tệp đồng bộ MotCua.")
            if any(info.file_size > MAX_MEMBER_BYTES for info in members.values()):
                raise _refuse(path, "tệp chứa phần quá lớn.")
            body = _open(aes, manifest["file_id"], "events", archive.read("events.bin"))
            blobs = {}
            for item in manifest.get("attachments") or []:
                name = f"attachments/{item['sha256']}.{item['ext']}"
                if name + ".bin" not in members:
                    raise _refuse(path, f"thiếu tệp đính kèm {item['sha256'][:12]}.")
                blobs[item["sha256"]] = (item["ext"], _open(aes, manifest["file_id"], name,
                                                            archive.read(name + ".bin")))
    except UserError:
        raise
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp {path}.") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, KeyError, TypeError, OSError,
            EOFError, NotImplementedError) as error:
        raise _refuse(path, f"tệp hỏng hoặc không phải tệp đồng bộ MotCua ({error}).") from None
    if hashlib.sha256(body).hexdigest() != manifest.get("events_sha256"):
        raise _refuse(path, "nội dung sự kiện không khớp mã kiểm tra (tệp hỏng).")
    for sha, (_ext, data) in blobs.items():
        if hashlib.sha256(data).hexdigest() != sha:
            raise _refuse(path, f"tệp đính kèm {sha[:12]} không khớp mã kiểm tra (tệp hỏng).")
    try:
        events = json.loads(body)
    except (ValueError, RecursionError):
        raise _refuse(path, "nội dung sự kiện hỏng.") from None
    if not isinstance(events, list) or len(events) != manifest.get("event_count"):
        raise _refuse(path, "số sự kiện không khớp.")
    for event in events:
        reason = problem(event)
        if reason is None and event["device_id"] != manifest.get("device_id"):
            reason = "sự kiện của máy khác máy đã ghi tệp"
        if reason:
            raise _refuse(path, f"có sự kiện không hợp lệ ({reason}).")
    return UsbFile(manifest, events, blobs)


def check_mac(usb: UsbFile, which: str, key_hex: str, path: Path | str) -> None:
    if not same(str(usb.manifest.get(which, "")), sign(key_hex, _signed_part(usb.manifest))):
        raise _refuse(Path(path), "chữ ký không đúng: tệp đã bị sửa hoặc không phải của đơn vị này.")


def check_signature(manifest: dict, public_hex: str | None, path: Path | str) -> None:
    """The writing device's Ed25519 signature over the manifest (which holds the events' SHA-256)."""
    device = str(manifest.get("device_id", ""))[:64]
    if public_hex is None:
        raise _refuse(Path(path), f"chưa biết khóa ký của máy {device[:8]} (hãy đồng bộ qua mạng một lần để "
                                  "nhận khóa các máy của đơn vị).")
    if not verify(public_hex, _signed_part(manifest), manifest.get("signature")):
        raise _refuse(Path(path), f"chữ ký của máy {device[:8]} không đúng: tệp đã bị sửa hoặc do máy khác "
                                  "giả danh.")


def store_blobs(data_dir: Path, blobs: dict[str, tuple[str, bytes]]) -> int:
    """Write attachment files under their hash (atomic, skipped when present); how many were new."""
    new = 0
    for sha, (ext, data) in blobs.items():
        try:
            target = attachment_path(data_dir, sha, ext)
        except ValueError:
            continue
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
        new += 1
    return new


def import_file(db: Database, data_dir: Path | str, path: Path | str) -> dict:
    """Apply another PC's file of the same unit: all of it or, on any problem, nothing."""
    require(SYNC, "nhập tệp đồng bộ")
    state = load_state(db)
    if not state.enrolled or not state.unit_key:
        raise UserError("Máy này chưa đăng ký với máy chủ nên chưa kiểm tra được chữ ký tệp (sync enroll).")
    manifest = read_manifest(path)
    if manifest.get("unit_code") != state.unit_code:
        raise _refuse(Path(path), f"tệp của đơn vị khác ({manifest.get('unit_code')}), "
                                  f"máy này thuộc đơn vị {state.unit_code}.")
    if manifest.get("device_id") == device_id(db):
        raise _refuse(Path(path), "tệp mang mã của chính máy này.")
    check_signature(manifest, peer_keys(db).get(str(manifest.get("device_id"))), path)
    usb = read_file(path, state.unit_key)
    if usb.manifest != manifest:
        raise _refuse(Path(path), "tệp thay đổi trong lúc đọc.")
    with db.atomic():  # BEGIN IMMEDIATE (db.connection.MotCuaDatabase)
        result = apply_remote_events(db, usb.events)
        if result.invalid:
            raise _refuse(Path(path), f"{len(result.invalid)} sự kiện mâu thuẫn với dữ liệu máy này "
                                      f"({result.invalid[0]['reason']}).")
    files = store_blobs(Path(data_dir), usb.attachments)
    return {"file": str(path), "device_id": usb.manifest["device_id"], "events": len(usb.events), "new": result.new,
            "duplicates": result.duplicates, "attachments_new": files, "conflicts": result.conflicts}

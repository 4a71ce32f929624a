"""Digitised papers (số hóa): PDF/JPEG/PNG copied into the data folder under their content hash."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
import uuid
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from db.data_folder import ATTACHMENTS_DIR
from db.dossier_queries import require_dossier
from db.events import record_event
from models.dossier import iso
from models.dossier_clock import local_naive, now_local
from models.dossier_timeline import ATTACHMENT_KINDS  # noqa: F401 - re-exported for ui/ and cli/
from models.errors import UserError
from models.roles import ATTACH
from models.session import require
from models.text import clean_text

MAX_BYTES = 50 * 1024 * 1024
# The type is read from the first bytes, never from the name.
_MAGIC = ((b"%PDF-", "pdf"), (b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"))
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sniff_type(head: bytes) -> str | None:
    """'pdf', 'jpg' or 'png' from the file's first bytes; None for anything else."""
    for magic, ext in _MAGIC:
        if head.startswith(magic):
            return ext
    return None


def display_name(source: str | os.PathLike) -> str:
    """The original file name as harmless display text: last path part only (either slash), no
    control characters, NFC, at most 120 characters. Never used to build a path."""
    name = re.split(r"[\\/]", str(source))[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = clean_text(name).strip(". ")
    return name[:120]


def attachment_path(data_dir: Path, sha256: str, ext: str) -> Path:
    """attachments/<sha[:2]>/<sha>.<ext> inside `data_dir`, built from the hash alone."""
    if not _SHA256.match(sha256) or ext not in {e for _, e in _MAGIC}:
        raise ValueError("not a content hash and known type")
    root = (Path(data_dir) / ATTACHMENTS_DIR).resolve()
    path = (root / sha256[:2] / f"{sha256}.{ext}").resolve()
    if root not in path.parents:  # cannot happen with a hex hash; checked anyway
        raise ValueError("attachment path outside the data folder")
    return path


def _read(source: Path) -> bytes:
    try:
        if not source.is_file():
            raise UserError(f"Không tìm thấy tệp '{display_name(source)}' để đính kèm.")
        if source.stat().st_size > MAX_BYTES:
            raise UserError(f"Tệp '{display_name(source)}' quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
        return source.read_bytes()
    except OSError as error:
        raise UserError(f"Không đọc được tệp '{display_name(source)}' ({error.strerror or error}).") from None


def _store_file(path: Path, data: bytes) -> bool:
    """Write atomically (temp file in the same folder, then rename); False when already there."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise UserError(f"Không lưu được tệp đính kèm ({error.strerror or error}).") from None
    return True


def attach_file(db: Database, data_dir: Path, dossier_code: str, source_path: str | os.PathLike, *,
                kind: str = "ho_so", actor: str | None = None, now: datetime | None = None) -> dict:
    """Copy a PDF, JPEG or PNG into the data folder, named by its SHA-256, and record it with its event.

    The type comes from the magic bytes (a .pdf that is not a PDF is refused); the stored name comes
    from the hash only, so no input name (e.g. '../../x') can lead a write outside the data folder.
    Attaching the same content twice to a dossier is refused.
    """
    require(ATTACH, "đính kèm bản số hóa vào hồ sơ")
    if kind not in ATTACHMENT_KINDS:
        raise UserError(f"Loại tệp đính kèm không hợp lệ: '{kind}' (chọn: {', '.join(ATTACHMENT_KINDS)}).")
    source = Path(source_path)
    data = _read(source)
    ext = sniff_type(data[:16])
    if ext is None:
        raise UserError(f"Tệp '{display_name(source)}' không phải PDF, JPEG hoặc PNG (đã kiểm tra nội dung "
                        "tệp, không chỉ phần đuôi tên).")
    sha = hashlib.sha256(data).hexdigest()
    shown = display_name(source)
    moment = local_naive(now) if now else now_local()
    dossier = require_dossier(db, dossier_code)
    if db.execute("SELECT 1 FROM dossier_attachments WHERE dossier_id = ? AND sha256 = ?",
                  [dossier.id, sha]).fetchone():
        raise UserError(f"Tệp '{shown}' đã được đính kèm vào hồ sơ {dossier.code}.")
    path = attachment_path(data_dir, sha, ext)
    created = _store_file(path, data)
    record = {"uuid": str(uuid.uuid4()), "sha256": sha, "ext": ext, "size": len(data), "display_name": shown,
              "kind": kind, "added_at": iso(moment)}
    try:
        with db.atomic():
            db.execute("INSERT INTO dossier_attachments (uuid, dossier_id, sha256, ext, size, display_name, "
                       "kind, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [record["uuid"], dossier.id, sha, ext, len(data), shown, kind, record["added_at"]])
            record_event(db, entity="dossier", entity_id=dossier.uuid, action="attach",
                         payload={"code": dossier.code, **record}, actor=actor)
    except BaseException:
        if created:  # nothing refers to the new file: leave no orphan behind
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return {**record, "code": dossier.code, "path": f"{ATTACHMENTS_DIR}/{sha[:2]}/{sha}.{ext}"}

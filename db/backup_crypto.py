"""Password-protected backup files: AES-256-GCM in chunks under a scrypt-derived key (library `cryptography`).

A file is MAGIC, a 4-byte header length, the header (JSON: the manifest in clear, the scrypt parameters
and salt, a key id, a per-file salt and nonce prefix), then chunks of (4-byte length, ciphertext+tag).
Each chunk is authenticated with the header's digest, its index and a "last chunk" flag, so an edited
header, reordered or dropped chunks and a truncated file are all refused. The per-file key comes from
the password's key by HKDF with the per-file salt, so a nonce never repeats under one key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from models.errors import UserError

MAGIC = b"MOTCUA-BACKUP\x00\x01\n"
CHUNK_SIZE = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # ~32 MiB and ~0.1 s per derivation on an office PC
_MAX_HEADER = 1 << 20
_TAG = 16


class BackupRejected(UserError):
    """A backup file that must not be restored (or a password that does not open it); nothing changed."""


class PasswordNeeded(BackupRejected):
    """The file is encrypted and no password (nor this PC's stored key) opens it: ask for one."""


class WrongPassword(PasswordNeeded):
    pass


@dataclass(frozen=True)
class BackupKey:
    """A key derived from the backup password; stored in the `local` table so automatic backups need no prompt."""

    salt: bytes
    key: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    @property
    def key_id(self) -> str:
        """Tells which password a file needs without revealing more than the ciphertext already does."""
        return hmac.new(self.key, b"motcua-backup-key-id", hashlib.sha256).hexdigest()[:16]

    def kdf(self) -> dict:
        return {"name": "scrypt", "salt": self.salt.hex(), "n": self.n, "r": self.r, "p": self.p}

    def to_json(self) -> str:
        return json.dumps({**self.kdf(), "key": self.key.hex()})

    @classmethod
    def from_json(cls, text: str) -> BackupKey:
        data = json.loads(text)
        return cls(bytes.fromhex(data["salt"]), bytes.fromhex(data["key"]), data["n"], data["r"], data["p"])


def derive_key(password: str, salt: bytes | None = None, *, n: int = SCRYPT_N, r: int = SCRYPT_R,
               p: int = SCRYPT_P) -> BackupKey:
    """The key of a password (NFC first: a Vietnamese password typed decomposed is the same password)."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not password:
        raise UserError("Mật khẩu sao lưu không được để trống.")
    salt = salt if salt is not None else os.urandom(16)
    secret = unicodedata.normalize("NFC", password).encode("utf-8")
    return BackupKey(salt, Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret), n, r, p)


def _file_key(master: bytes, file_salt: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=file_salt, info=b"motcua-backup-v1").derive(master)


def _aad(header_digest: bytes, index: int, last: bool) -> bytes:
    return header_digest + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def is_encrypted(path: os.PathLike | str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


class Readable(Protocol):
    """What write_encrypted reads from: a binary file, or a reader that hashes what passes through it."""

    def read(self, size: int = -1, /) -> bytes: ...


def write_encrypted(source: Readable, target: BinaryIO, key: BackupKey, manifest: dict) -> None:
    """Encrypt `source` (the plain SQLite image) into `target` with the manifest in the header."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    file_salt, prefix = os.urandom(16), os.urandom(4)
    header = {"manifest": manifest, "kdf": key.kdf(), "key_id": key.key_id, "file_salt": file_salt.hex(),
              "nonce_prefix": prefix.hex(), "chunk_size": CHUNK_SIZE, "cipher": "AES-256-GCM"}
    header_bytes = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    target.write(MAGIC + len(header_bytes).to_bytes(4, "big") + header_bytes)
    digest = hashlib.sha256(MAGIC + header_bytes).digest()
    aes = AESGCM(_file_key(key.key, file_salt))
    index, current = 0, source.read(CHUNK_SIZE)
    while True:
        following = source.read(CHUNK_SIZE) if current else b""
        last = not following
        sealed = aes.encrypt(prefix + index.to_bytes(8, "big"), current, _aad(digest, index, last))
        target.write(len(sealed).to_bytes(4, "big") + sealed)
        if last:
            return
        index, current = index + 1, following


def read_header(source: BinaryIO) -> tuple[dict, bytes]:
    """The header of an encrypted file (readable without the password) and its raw bytes."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupRejected("Tệp không phải bản sao lưu có mật khẩu của MotCua.")
    size = int.from_bytes(source.read(4), "big")
    raw = source.read(size) if 0 < size <= _MAX_HEADER else b""
    try:
        header = json.loads(raw.decode("utf-8"))
        _ = header["manifest"], header["kdf"], header["key_id"], header["file_salt"], header["nonce_prefix"]
    except (ValueError, KeyError, TypeError):
        raise BackupRejected("Bản sao lưu bị cắt cụt hoặc hỏng: phần đầu tệp không đọc được.") from None
    return header, raw


def key_for(header: dict, *, password: str | None = None, stored: BackupKey | None = None) -> bytes:
    """The master key that opens this file: this PC's stored key if it is the one, else the password's."""
    if stored is not None and hmac.compare_digest(stored.key_id, str(header["key_id"])):
        return stored.key
    if not password:
        raise PasswordNeeded("Bản sao lưu này có mật khẩu: hãy nhập mật khẩu sao lưu.")
    kdf = header["kdf"]
    n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    if not (2 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):  # a crafted header must not exhaust memory
        raise BackupRejected("Bản sao lưu có tham số mã hóa không hợp lệ.")
    candidate = derive_key(password, bytes.fromhex(kdf["salt"]), n=n, r=r, p=p)
    if not hmac.compare_digest(candidate.key_id, str(header["key_id"])):
        raise WrongPassword("Mật khẩu sao lưu không đúng.")
    return candidate.key


def decrypt_stream(source: BinaryIO, sink: Callable[[bytes], object], *, password: str | None = None,
                   stored: BackupKey | None = None) -> dict:
    """Decrypt into `sink` chunk by chunk; returns the header. Raises BackupRejected on any tampering.

    The caller must discard what `sink` received when this raises: plaintext is only trustworthy whole.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header, raw = read_header(source)
    master = key_for(header, password=password, stored=stored)
    digest = hashlib.sha256(MAGIC + raw).digest()
    aes = AESGCM(_file_key(master, bytes.fromhex(header["file_salt"])))
    prefix = bytes.fromhex(header["nonce_prefix"])
    limit = int(header.get("chunk_size", CHUNK_SIZE)) + _TAG
    index = 0
    while True:
        size_bytes = source.read(4)
        size = int.from_bytes(size_bytes, "big") if len(size_bytes) == 4 else -1
        sealed = source.read(size) if _TAG <= size <= limit else b""
        if len(sealed) != size or size < _TAG:
            raise BackupRejected("Bản sao lưu bị cắt cụt: tệp thiếu phần cuối.")
        nonce = prefix + index.to_bytes(8, "big")
        for last in (False, True):
            try:
                plain = aes.decrypt(nonce, sealed, _aad(digest, index, last))
                break
            except InvalidTag:
                continue
        else:
            raise BackupRejected("Bản sao lưu bị sửa hoặc hỏng (dữ liệu mã hóa không khớp mã xác thực).")
        sink(plain)
        if last:
            if source.read(1):
                raise BackupRejected("Bản sao lưu có dữ liệu lạ sau phần cuối.")
            return header
        index += 1

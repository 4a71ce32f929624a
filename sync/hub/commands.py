"""The hub's errands (serve, enroll a device, import a USB file, status), shared by its own entry point
(`python -m sync.hub`) and the desktop's `main.py hub ...`: each returns (data, Vietnamese text)."""

from __future__ import annotations

from pathlib import Path

from models.errors import UserError
from models.text import clean_text
from sync.hub.store import HUB_DATABASE, SqliteHubStore


def open_store(folder: Path, *, create: bool = False) -> SqliteHubStore:
    if not create and not (Path(folder) / HUB_DATABASE).is_file():
        raise UserError(f"Thư mục {folder} chưa có dữ liệu máy chủ đồng bộ (tạo bằng 'hub enroll').")
    return SqliteHubStore(folder)


def serve(folder: Path, host: str, port: int, *, tls_cert: str | None = None, tls_key: str | None = None) -> None:
    """Run the hub; https with uvicorn's TLS when a certificate and its key are given (issue #17)."""
    from sync.hub.app import serve as run

    if bool(tls_cert) != bool(tls_key):
        raise UserError("Cần cả --tls-cert và --tls-key để chạy https.")
    for name in (tls_cert, tls_key):
        if name and not Path(name).is_file():
            raise UserError(f"Không thấy tệp {name}.")
    run(str(folder), host, port, tls_cert=tls_cert, tls_key=tls_key)


def enroll(folder: Path, unit_code: str, note: str = "") -> tuple[dict, str]:
    code = clean_text(unit_code)
    if not code:
        raise UserError("Mã đơn vị không được để trống.")
    store = open_store(folder, create=True)
    try:
        token = store.create_token(code, clean_text(note))
    finally:
        store.close()
    return {"unit_code": code, "token": token}, token


def import_usb(folder: Path, file: str) -> tuple[dict, str]:
    from sync.hub.usb_import import import_to_hub

    store = open_store(folder)
    try:
        result = import_to_hub(store, Path(folder), file)
    finally:
        store.close()
    return result, (f"Đã nhập {result['new']} sự kiện mới ({result['duplicates']} đã có) của máy "
                    f"{result['device_id'][:8]}, đơn vị {result['unit_code']}.")


def status(folder: Path) -> tuple[dict, str]:
    store = open_store(folder)
    try:
        data = store.stats()
    finally:
        store.close()
    lines = [f"Sự kiện: {data['events']}"] + [
        f"  {d['unit_code']}  máy {d['device_id'] or '(chưa gắn)'}  trạm {d['station'] or '-'}  "
        f"{d['events']} sự kiện" + (f", thiếu {d['gaps']}" if d["gaps"] else "") for d in data["devices"]]
    return data, "\n".join(lines)

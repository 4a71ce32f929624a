"""A device's USB file brought to the hub: checked with that device's key, then stored like a push."""

from __future__ import annotations

from pathlib import Path

from models.errors import UserError
from sync.hub.store import HubStore, NoFreeStation, StoreConflict
from sync.usb_file import check_mac, check_signature, read_file, read_manifest, store_blobs


def import_to_hub(store: HubStore, data_dir: Path | str, path: Path | str) -> dict:
    manifest = read_manifest(path)
    device = store.device_by_token_id(str(manifest.get("token_id", "")))
    if device is None:
        raise UserError(f"Không nhập tệp {Path(path).name}: máy ghi tệp chưa được đăng ký với máy chủ này. "
                        "Không có gì bị thay đổi.")
    usb = read_file(path, store.unit_key(device.unit_code))
    check_mac(usb, "hmac_device", device.usb_key, path)
    if device.device_id is not None:
        check_signature(manifest, store.device_key(device.device_id), path)
    if manifest.get("unit_code") != device.unit_code:
        raise UserError(f"Không nhập tệp {Path(path).name}: tệp ghi đơn vị {manifest.get('unit_code')}, "
                        f"mã đăng ký thuộc đơn vị {device.unit_code}. Không có gì bị thay đổi.")
    if device.device_id is None:
        try:
            store.claim(device.token_id, str(manifest["device_id"]), None)
        except StoreConflict as error:
            raise UserError(f"Không nhập tệp {Path(path).name}: {error.rejected[0]['reason']}. "
                            "Không có gì bị thay đổi.") from None
        except NoFreeStation as error:
            raise UserError(f"Không nhập tệp {Path(path).name}: {error} Không có gì bị thay đổi.") from None
    elif device.device_id != manifest["device_id"]:
        raise UserError(f"Không nhập tệp {Path(path).name}: mã đăng ký đã gắn với máy khác. "
                        "Không có gì bị thay đổi.")
    try:
        accepted, duplicates = store.store_events(device.unit_code, usb.events) if usb.events else ([], [])
    except StoreConflict as error:
        raise UserError(f"Không nhập tệp {Path(path).name}: {error} ({error.rejected[0]['reason']}). "
                        "Không có gì bị thay đổi.") from None
    files = store_blobs(Path(data_dir), usb.attachments)
    return {"file": str(path), "device_id": manifest["device_id"], "unit_code": device.unit_code,
            "events": len(usb.events), "new": len(accepted), "duplicates": len(duplicates), "attachments_new": files}

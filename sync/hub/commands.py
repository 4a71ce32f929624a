"""The hub's errands (serve, enroll a device or an administrator, import a USB file, status, publish the
catalog, the province's figures, backup), shared by its own entry point (`python -m sync.hub`) and the
desktop's `main.py hub ...`: each returns (data, Vietnamese text). `url` is a PostgreSQL address (else
MOTCUA_HUB_DATABASE_URL, else the SQLite file in `folder`)."""

from __future__ import annotations

import sys
from pathlib import Path

from models.errors import UserError
from models.text import clean_text
from sync.hub.schema import SchemaTooNew
from sync.hub.store import HUB_DATABASE, PROVINCE, STATIONS, HubStore, NoFreeStation, database_url
from sync.hub.store import open_store as open_engine


def open_store(folder: Path, url: str | None = None, *, create: bool = False) -> HubStore:
    url = database_url(url)
    if url is None and not create and not (Path(folder) / HUB_DATABASE).is_file():
        raise UserError(f"Thư mục {folder} chưa có dữ liệu máy chủ đồng bộ (tạo bằng 'hub enroll').")
    try:
        return open_engine(folder, url)
    except SchemaTooNew as error:
        raise UserError(str(error)) from None


def serve(folder: Path, host: str, port: int, url: str | None = None, workers: int = 1, *,
          tls_cert: str | None = None, tls_key: str | None = None) -> None:
    """Run the hub; https with uvicorn's TLS when a certificate and its key are given (issue #17)."""
    from sync.hub.app import serve as run

    if workers < 1:
        raise UserError("--workers phải từ 1 trở lên.")
    if bool(tls_cert) != bool(tls_key):
        raise UserError("Cần cả --tls-cert và --tls-key để chạy https.")
    for name in (tls_cert, tls_key):
        if name and not Path(name).is_file():
            raise UserError(f"Không thấy tệp {name}.")
    try:
        run(str(folder), host, port, url, workers, tls_cert=tls_cert, tls_key=tls_key)
    except SchemaTooNew as error:
        raise UserError(str(error)) from None


def enroll(folder: Path, unit_code: str, note: str = "", url: str | None = None) -> tuple[dict, str]:
    code = clean_text(unit_code)
    if not code or code == PROVINCE:
        raise UserError("Mã đơn vị không được để trống.")
    store = open_store(folder, url, create=True)
    try:
        token = store.create_token(code, clean_text(note))
        station = store.station_of(token.split(".")[1])
    except NoFreeStation as error:
        raise UserError(f"Không tạo mã đăng ký: {error}") from None
    finally:
        store.close()
    print(f"Số máy trạm dành cho máy này: {station} (máy nhận số này khi đăng ký).", file=sys.stderr)
    return {"unit_code": code, "token": token, "station": station}, token


def _day(moment: str) -> str:
    """An ISO moment as dd/mm/yyyy."""
    return f"{moment[8:10]}/{moment[5:7]}/{moment[:4]}"


def stations(folder: Path, unit_code: str, release: int | None = None, url: str | None = None) -> tuple[dict, str]:
    """Which PC holds which station number in a unit (and free one with `release`)."""
    code = clean_text(unit_code)
    store = open_store(folder, url)
    try:
        if release is not None:
            if release not in STATIONS:
                raise UserError("Số máy trạm phải từ 1 đến 9.")
            if not store.release_station(code, release):
                raise UserError(f"Số máy trạm {release} của đơn vị {code} chưa cấp cho máy nào.")
        rows = store.stations(code)
        unseen = {d["device_id"]: d["unseen"] for d in store.unseen_dossiers(code)}
    finally:
        store.close()
    for row in rows:
        row["unseen"] = unseen.get(row["device_id"], 0)
    free = [n for n in STATIONS if n not in {r["station"] for r in rows}]
    lines = [f"Đơn vị {code}: {len(rows)} máy trạm, số còn trống: {', '.join(map(str, free)) or 'không còn'}."]
    if release is not None:
        lines.insert(0, f"Đã giải phóng số máy trạm {release}.")
    lines += [f"  Số {r['station']}: máy {r['device_id'] or '(mã đăng ký chưa gắn máy)'}"
              + (f" ({r['note']})" if r["note"] else "")
              + (f", đăng ký {_day(r['enrolled_at'])}" if r["enrolled_at"] else "")
              + (f", {r['unseen']} hồ sơ máy khác chưa nhận" if r["unseen"] else "") for r in rows]
    return {"unit_code": code, "stations": rows, "free": free}, "\n".join(lines)


def enroll_admin(folder: Path, note: str = "", url: str | None = None) -> tuple[dict, str]:
    store = open_store(folder, url, create=True)
    try:
        token = store.create_admin_token(clean_text(note))
    finally:
        store.close()
    return {"role": "province_admin", "token": token}, token


def import_usb(folder: Path, file: str, url: str | None = None) -> tuple[dict, str]:
    from sync.hub.usb_import import import_to_hub

    store = open_store(folder, url)
    try:
        result = import_to_hub(store, Path(folder), file)
    finally:
        store.close()
    return result, (f"Đã nhập {result['new']} sự kiện mới ({result['duplicates']} đã có) của máy "
                    f"{result['device_id'][:8]}, đơn vị {result['unit_code']}.")


def status(folder: Path, url: str | None = None) -> tuple[dict, str]:
    store = open_store(folder, url)
    try:
        data = store.stats()
    finally:
        store.close()
    lines = [f"Sự kiện: {data['events']}"] + [
        f"  {d['unit_code']}  máy {d['device_id'] or '(chưa gắn)'}  trạm {d['station'] or '-'}  "
        f"{d['events']} sự kiện" + (f", thiếu {d['gaps']}" if d["gaps"] else "") for d in data["devices"]]
    return data, "\n".join(lines)


def publish_catalog(folder: Path, file: str, unit_code: str | None, url: str | None = None) -> tuple[dict, str]:
    from sync.hub.catalog_publish import publish_file

    unit = clean_text(unit_code) if unit_code else None
    store = open_store(folder, url, create=True)
    try:
        result = publish_file(store, file, unit)
    finally:
        store.close()
    return result, (f"Đã công bố danh mục cho {result['scope_label']}: thêm {result['added']}, cập nhật "
                    f"{result['updated']}, không đổi {result['unchanged']}, bị từ chối {result['rejected']}.")


def report(folder: Path, first: str, last: str, unit_code: str | None = None,
           url: str | None = None) -> tuple[dict, str]:
    """`first`/`last` as YYYY-MM-DD."""
    from sync.hub.report import hub_report, report_text

    store = open_store(folder, url)
    try:
        data = hub_report(store, first, last, unit_code)
    finally:
        store.close()
    return data, report_text(data)


def backup(folder: Path, out: str, url: str | None = None) -> tuple[dict, str]:
    store = open_store(folder, url)
    try:
        target = store.backup(Path(out))
    finally:
        store.close()
    return {"engine": store.engine, "file": str(target)}, f"Đã sao lưu dữ liệu máy chủ vào {target}."

"""The catalog published once on the hub (`hub catalog publish`), received by every PC of its scope at the next
sync, applied like an import under the unit's own edits; on both engines."""

from __future__ import annotations

import json
import time
from datetime import datetime

from openpyxl import Workbook
from sync_helpers import OTHER_UNIT, UNIT, enroll

from db.catalog_store import get_procedure, set_essential
from db.events import events_for
from sync.client import run_sync
from sync.conflicts import conflicts_for

HEADERS = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Thời hạn giải quyết", "Thiết yếu"]


def _xlsx(path, rows) -> str:
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH CỦA TỈNH"])  # a title row above the header, as files have
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def _after_the_second_of(at: str) -> None:
    """Wait until the clock is past the second of `at`. Every PC folds an entity's events in (at, device, seq)
    order, `at` in whole seconds: a list published within the same second as the unit's mark may sort before
    it (by device id), and then the mark is simply a later edit with nothing to show. Real lists come long
    after; this test must not depend on the tie (it failed about one run in four)."""
    moment = datetime.fromisoformat(at)
    while datetime.now(moment.tzinfo).replace(microsecond=0) <= moment:
        time.sleep(0.05)


def test_the_province_catalog_reaches_every_pc_of_its_scope_and_the_unit_edits_win(hub, clients, cli, tmp_path):
    a, c = clients("a", 1), clients("c", 2)
    other = clients("x", 1, unit=OTHER_UNIT)
    for client, unit in ((a, UNIT), (c, UNIT), (other, OTHER_UNIT)):
        enroll(client, hub, unit=unit)
    before = get_procedure(a.db, "1.004884")
    assert before is not None and not before.essential
    set_essential(a.db, "1.004884", True)                 # the unit's own mark, made before the province's list
    assert run_sync(a.db, a.data_dir).all_acknowledged
    _after_the_second_of(events_for(a.db, "procedure", "1.004884")[-1]["at"])
    province = _xlsx(tmp_path / "tinh.xlsx", [
        ["1.004884", "Đăng ký khai sinh (danh mục tỉnh)", "Hộ tịch", "05 ngày làm việc", ""],
        ["9.000001", "Thủ tục riêng của tỉnh", "Tư pháp", "03 ngày làm việc", "x"],
    ])
    unit_only = _xlsx(tmp_path / "xa.xlsx", [["9.000002", "Thủ tục riêng của xã", "Tư pháp", "01 ngày làm việc", ""]])
    result = cli("--data-dir", str(hub.data_dir), "--json", "hub", "catalog", "publish", province, "--scope",
                 "province", env=hub.env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 2
    result = cli("--data-dir", str(hub.data_dir), "--json", "hub", "catalog", "publish", unit_only, "--unit-code",
                 UNIT, env=hub.env)
    assert result.returncode == 0 and json.loads(result.stdout)["events"] == 1, result.stderr
    again = cli("--data-dir", str(hub.data_dir), "--json", "hub", "catalog", "publish", province, "--scope",
                "province", env=hub.env)
    assert json.loads(again.stdout)["events"] == 0          # published once: nothing new to send
    for client in (a, c, other):
        assert run_sync(client.db, client.data_dir).all_acknowledged
    for client in (a, c):                                   # the unit's PCs: province + unit list, unit's mark kept
        birth = get_procedure(client.db, "1.004884")
        assert birth.name == "Đăng ký khai sinh (danh mục tỉnh)" and birth.essential
        assert get_procedure(client.db, "9.000001").essential
        assert get_procedure(client.db, "9.000002").name == "Thủ tục riêng của xã"
        shown = conflicts_for(client.db, "procedure", "1.004884")
        assert [x["kind"] for x in shown] == ["procedure_province"] and "Thiết yếu" in shown[0]["message"]
    birth = get_procedure(other.db, "1.004884")             # another unit: the province's list, not U's own
    assert birth.name == "Đăng ký khai sinh (danh mục tỉnh)" and not birth.essential
    assert get_procedure(other.db, "9.000001") is not None and get_procedure(other.db, "9.000002") is None
    assert conflicts_for(other.db, "procedure", "1.004884") == []


def test_a_catalog_with_bad_rows_publishes_nothing(hub, cli, tmp_path):
    bad = _xlsx(tmp_path / "hong.xlsx", [["9.000003", "", "Tư pháp", "03 ngày làm việc", ""]])
    result = cli("--data-dir", str(hub.data_dir), "hub", "catalog", "publish", bad, "--scope", "province",
                 env=hub.env)
    assert result.returncode == 2 and "bị từ chối" in result.stderr
    assert hub.events() == []


def test_the_administrator_publishes_over_http_and_a_clerk_cannot(hub, clients, cli, tmp_path):
    from sync_helpers import request_raw

    a = clients("a", 1)
    clerk = enroll(a, hub)
    result = cli("--data-dir", str(hub.data_dir), "--json", "hub", "enroll-admin", env=hub.env)
    admin = json.loads(result.stdout)["token"]
    data = tmp_path / "x.xlsx"
    _xlsx(data, [["9.000004", "Thủ tục gửi qua mạng", "Tư pháp", "02 ngày làm việc", ""]])
    status, body = request_raw(hub.url, "POST", f"/v1/admin/catalog?unit_code={UNIT}", data.read_bytes(), clerk)
    assert status == 403 and body["error"] == "not_admin" and hub.events() == []
    status, body = request_raw(hub.url, "POST", "/v1/admin/catalog", b"not a workbook", admin)
    assert status == 400 and "Không đọc được" in body["message"] and hub.events() == []
    status, body = request_raw(hub.url, "POST", f"/v1/admin/catalog?unit_code={UNIT}", data.read_bytes(), admin)
    assert status == 200 and body["added"] == 1 and body["scope"] == UNIT
    assert run_sync(a.db, a.data_dir).all_acknowledged
    assert get_procedure(a.db, "9.000004").name == "Thủ tục gửi qua mạng"

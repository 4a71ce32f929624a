"""The catalog command line, run as a script would: exit codes, one-line Vietnamese errors, JSON keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

LIST_KEYS = {"code", "name", "field", "qr_url", "essential", "level", "deadline_text", "deadline_value",
             "deadline_unit", "active"}


@pytest.fixture
def folder(tmp_path: Path, cli) -> str:
    data = str(tmp_path / "du-lieu")
    result = cli("init", "--data-dir", data, "--unit-name", "UBND xã Thử", "--unit-code", "000.00.00.H99")
    assert result.returncode == 0, result.stderr
    return data


def listing(cli, folder: str, *args: str) -> list[dict]:
    result = cli("--data-dir", folder, "--json", "catalog", "list", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_one_line_error(result) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: "), result.stderr


def test_list_json_has_the_documented_keys_and_links(cli, folder: str) -> None:
    items = listing(cli, folder)
    assert items and all(set(item) == LIST_KEYS for item in items)
    by_code = {item["code"]: item for item in items}
    assert by_code["1.001193"]["qr_url"].startswith("https://dichvucong.gov.vn/thu-tuc-hanh-chinh/")
    assert by_code["1.004884"]["qr_url"].endswith("keyword=1.004884")
    assert by_code["1.001193"]["essential"] is True and by_code["1.001193"]["level"] == "toan_trinh"
    assert by_code["1.004884"]["deadline_value"] == 5.0 and by_code["1.004884"]["deadline_unit"] == "working_days"


def test_list_filters_and_options_after_the_command(cli, folder: str) -> None:
    found = listing(cli, folder, "--search", "dang ky khai sinh")
    assert {item["code"] for item in found} == {"1.001193", "1.004884"}
    assert {item["field"] for item in listing(cli, folder, "--field", "Cư trú")} == {"Cư trú"}
    assert all(item["essential"] for item in listing(cli, folder, "--essential"))
    result = cli("catalog", "list", "--search", "chứng thực", "--json", "--data-dir", folder)
    assert {item["field"] for item in json.loads(result.stdout)} == {"Chứng thực"}


def test_retire_activate_essential_and_set_deadline(cli, folder: str) -> None:
    assert cli("--data-dir", folder, "catalog", "retire", "1.004884").returncode == 0
    assert "1.004884" not in {i["code"] for i in listing(cli, folder)}
    retired = {i["code"]: i for i in listing(cli, folder, "--all")}["1.004884"]
    assert retired["active"] is False
    assert cli("--data-dir", folder, "catalog", "activate", "1.004884").returncode == 0
    assert cli("--data-dir", folder, "catalog", "essential", "1.004884", "--on").returncode == 0
    result = cli("--data-dir", folder, "--json", "catalog", "set-deadline", "2.001159", "--value", "1,5",
                 "--unit", "working_days")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["deadline_set_by_clerk"] is True
    items = {i["code"]: i for i in listing(cli, folder)}
    assert items["1.004884"]["essential"] is True
    assert (items["2.001159"]["deadline_value"], items["2.001159"]["deadline_unit"]) == (1.5, "working_days")
    assert_one_line_error(cli("--data-dir", folder, "catalog", "retire", "0.000000"))
    assert_one_line_error(cli("--data-dir", folder, "catalog", "set-deadline", "2.001159"))


def test_add_and_fields(cli, folder: str) -> None:
    result = cli("--data-dir", folder, "--json", "catalog", "add", "--code", "9.000001", "--name", "Thủ tục thử",
                 "--field", "Khác", "--deadline-text", "03 ngày làm việc", "--level", "Một phần", "--essential")
    assert result.returncode == 0, result.stderr
    added = json.loads(result.stdout)
    assert (added["level"], added["deadline_value"], added["essential"]) == ("mot_phan", 3.0, True)
    assert_one_line_error(cli("--data-dir", folder, "catalog", "add", "--code", "9.000001", "--name", "X",
                              "--field", "Khác"))
    assert_one_line_error(cli("--data-dir", folder, "catalog", "add", "--code", "9.000002", "--name", "X",
                              "--field", "Khác", "--url", "khong-phai-link"))
    fields = json.loads(cli("--data-dir", folder, "--json", "catalog", "fields").stdout)
    assert {"field": "Khác", "count": 1} in fields


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_with_a_rejected_row_changes_nothing_unless_skip_bad(cli, folder: str, tmp_path: Path) -> None:
    path = _write(tmp_path / "dm.csv", "Mã TTHC;Tên TTHC;Lĩnh vực\n9.000001;Thủ tục mới;Khác\n;Không có mã;Khác\n")
    before = listing(cli, folder)
    result = cli("--data-dir", folder, "catalog", "import", str(path))
    assert_one_line_error(result)
    assert "Dòng 3" in result.stdout and "Thiếu mã thủ tục" in result.stdout
    assert listing(cli, folder) == before
    result = cli("--data-dir", folder, "--json", "catalog", "import", str(path), "--skip-bad")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["applied"] is True and report["counts"]["added"] == 1 and report["counts"]["rejected"] == 1
    assert {"row": 3, "code": "", "name": "Không có mã", "status": "rejected", "reason": "Thiếu mã thủ tục",
            "changes": []} in report["rows"]
    assert len(listing(cli, folder)) == len(before) + 1


def test_dry_run_and_replace(cli, folder: str, tmp_path: Path) -> None:
    path = _write(tmp_path / "dm.csv", "Mã TTHC,Tên TTHC\n1.001193,Đăng ký khai sinh\n")
    before = listing(cli, folder)
    result = cli("--data-dir", folder, "--json", "catalog", "import", str(path), "--replace", "--dry-run")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["applied"] is False and report["counts"]["retired"] == len(before) - 1
    assert listing(cli, folder) == before
    result = cli("--data-dir", folder, "catalog", "import", str(path), "--replace")
    assert result.returncode == 0 and "Ngừng áp dụng" in result.stdout
    assert [i["code"] for i in listing(cli, folder)] == ["1.001193"]


def test_export_then_import_reports_unchanged(cli, folder: str, tmp_path: Path) -> None:
    for name in ("dm.xlsx", "dm.csv"):
        target = str(tmp_path / name)
        assert cli("--data-dir", folder, "catalog", "export", target).returncode == 0
        result = cli("--data-dir", folder, "--json", "catalog", "import", target, "--replace")
        counts = json.loads(result.stdout)["counts"]
        assert counts["unchanged"] == len(listing(cli, folder)) and counts["added"] == counts["updated"] == 0


def test_broken_files_give_one_vietnamese_line(cli, folder: str, tmp_path: Path) -> None:
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    assert_one_line_error(cli("--data-dir", folder, "catalog", "import", str(broken)))
    assert_one_line_error(cli("--data-dir", folder, "catalog", "import", str(tmp_path / "khong-co.csv")))
    assert_one_line_error(cli("--data-dir", folder, "catalog", "export", str(tmp_path / "x.pdf")))

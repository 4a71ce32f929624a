"""The command line of the foundation, run as a script would: exit codes, JSON, Vietnamese errors."""

from __future__ import annotations

import json

from models.app_info import VERSION


def test_help_lists_the_commands(cli):
    result = cli("--help")
    assert result.returncode == 0
    for command in ("version", "init", "settings", "calendar"):
        assert command in result.stdout
    assert "--data-dir" in result.stdout and "--json" in result.stdout


def test_version_plain_and_json(cli):
    assert cli("version").stdout.strip() == f"MotCua {VERSION}"
    assert json.loads(cli("--json", "version").stdout) == {"version": VERSION}


def test_init_creates_the_data_folder_without_dialog(cli, tmp_path):
    folder = tmp_path / "xa"
    result = cli("--data-dir", str(folder), "--json", "init", "--unit-name", "UBND xã Hương Mai",
                 "--unit-code", "000.17.22.H56", "--province", "Bắc Ninh", "--station", "2")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["unit_name"] == "UBND xã Hương Mai" and data["station_number"] == 2
    assert (folder / "motcua.sqlite3").exists()
    shown = json.loads(cli("settings", "show", "--data-dir", str(folder), "--json").stdout)
    assert shown["unit_code"] == "000.17.22.H56" and shown["district"] == ""


def _assert_one_vietnamese_line(result):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Lỗi:")


def test_bad_input_is_one_vietnamese_line_and_changes_nothing(cli, tmp_path):
    folder = tmp_path / "xa"
    _assert_one_vietnamese_line(cli("--data-dir", str(folder), "init", "--unit-name", "X"))
    assert not folder.exists()
    _assert_one_vietnamese_line(cli("khong-co-lenh"))
    _assert_one_vietnamese_line(cli("--data-dir", str(folder), "init", "--unit-name", "X",
                                    "--unit-code", "A B"))
    _assert_one_vietnamese_line(cli("--data-dir", str(folder), "init", "--unit-name", "X", "--unit-code", "Y"))
    assert cli("--data-dir", str(folder), "init", "--unit-name", "X", "--unit-code", "000.17.22.H56").returncode == 0
    _assert_one_vietnamese_line(cli("--data-dir", str(folder), "settings", "set", "--qr-template", "abc"))
    _assert_one_vietnamese_line(cli("--data-dir", str(folder), "calendar", "add-off", "31/02/2026"))
    _assert_one_vietnamese_line(cli("--data-dir", str(folder), "init", "--unit-name", "X",
                                    "--unit-code", "000.17.22.H56", "--station", "12"))
    shown = json.loads(cli("--data-dir", str(folder), "--json", "settings", "show").stdout)
    assert shown["qr_template"].startswith("https://") and shown["station_number"] == 1


def test_a_file_in_place_of_the_data_folder_is_refused(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    _assert_one_vietnamese_line(cli("--data-dir", str(blocker), "settings", "show"))


def test_calendar_commands_compute_due_dates_over_tet(cli, tmp_path):
    folder = str(tmp_path / "xa")
    result = cli("--data-dir", folder, "--json", "calendar", "due", "--from", "2026-02-13T10:00", "--days", "2")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["due_at"] == "2026-02-24T10:00:00"
    assert cli("--data-dir", folder, "calendar", "add-work", "21/02/2026", "--note", "làm bù").returncode == 0
    result = cli("--data-dir", folder, "--json", "calendar", "due", "--from", "13/02/2026 10:00", "--days", "2")
    assert json.loads(result.stdout)["due_at"] == "2026-02-23T10:00:00"
    listing = json.loads(cli("--data-dir", folder, "--json", "calendar", "list", "--year", "2026").stdout)
    days = {row["day"]: row for row in listing}
    assert days["2026-02-21"]["kind"] == "work" and days["2026-02-21"]["status"] == "don_vi"
    # A decided day carries the document that decided it (resources/calendar/2026.json).
    assert days["2026-02-17"]["status"] == "quyet_dinh"
    assert "Bộ luật Lao động 2019" in days["2026-02-17"]["source"]
    assert cli("--data-dir", folder, "calendar", "remove", "2026-02-21").returncode == 0
    assert cli("--data-dir", folder, "calendar", "remove", "2026-02-21").returncode == 2

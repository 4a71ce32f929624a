"""Accounts on the command line: init makes the admin, every other command signs in from the environment
(never from argv), and the data layer refuses what a role may not do, whoever calls it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

UNIT = ["--unit-name", "UBND xã Hương Mai", "--unit-code", "000.17.22.H56"]
CCCD = "001203004567"
NO_SIGN_IN = {"MOTCUA_USER": "", "MOTCUA_PASSWORD": "", "MOTCUA_ADMIN_PASSWORD": ""}


def _as(user: str, password: str) -> dict:
    return {"MOTCUA_USER": user, "MOTCUA_PASSWORD": password, "MOTCUA_ADMIN_PASSWORD": ""}


@pytest.fixture
def office(data_dir: Path, cli):
    """A unit with an admin (quantri), a clerk (an), an officer (binh) and a leader (chi); returns run(user, *args)."""
    made = cli("--data-dir", str(data_dir), "init", *UNIT,
               env={**NO_SIGN_IN, "MOTCUA_ADMIN_USER": "quantri", "MOTCUA_ADMIN_PASSWORD": "quan-tri-123"})
    assert made.returncode == 0, made.stderr
    passwords = {"quantri": "quan-tri-123", "an": "an-mat-khau", "binh": "binh-mat-khau", "chi": "chi-mat-khau"}
    for name, role in (("an", "clerk"), ("binh", "officer"), ("chi", "leader")):
        added = cli("--data-dir", str(data_dir), "account", "add", name, "--role", role, "--keep-password",
                    env={**_as("quantri", "quan-tri-123"), "MOTCUA_NEW_PASSWORD": passwords[name]})
        assert added.returncode == 0, added.stderr

    def run(user: str, *args: str, env: dict | None = None):
        return cli("--data-dir", str(data_dir), *args, env={**_as(user, passwords[user]), **(env or {})})

    return run


def _settings_name(run) -> str:
    return json.loads(run("quantri", "--json", "settings", "show").stdout)["unit_name"]


def test_init_makes_the_admin_named_by_the_environment_and_refuses_without_a_password(data_dir, cli) -> None:
    refused = cli("--data-dir", str(data_dir), "init", *UNIT, env=NO_SIGN_IN, input_text="")
    assert refused.returncode == 2 and "MOTCUA_ADMIN_PASSWORD" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    made = cli("--data-dir", str(data_dir), "init", *UNIT,
               env={**NO_SIGN_IN, "MOTCUA_ADMIN_USER": "truong.bp", "MOTCUA_ADMIN_PASSWORD": "mat-khau-1"})
    assert made.returncode == 0, made.stderr
    listed = cli("--data-dir", str(data_dir), "--json", "account", "list", env=_as("truong.bp", "mat-khau-1"))
    assert [(a["username"], a["role"]) for a in json.loads(listed.stdout)] == [("truong.bp", "admin")]


def test_a_folder_without_accounts_is_refused_unless_the_admin_password_is_given(data_dir, cli) -> None:
    refused = cli("--data-dir", str(data_dir), "settings", "show", env=NO_SIGN_IN)
    assert refused.returncode == 2 and "init" in refused.stderr and "chưa có tài khoản" in refused.stderr
    first = cli("--data-dir", str(data_dir), "--json", "settings", "show")  # the suite's MOTCUA_ADMIN_PASSWORD
    assert first.returncode == 0, first.stderr


def test_a_wrong_password_is_one_line_and_exit_2(office) -> None:
    wrong = office("an", "dossier", "list", env={"MOTCUA_PASSWORD": "sai-mat-khau"})
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == "Lỗi: Đăng nhập không được: Sai tên đăng nhập hoặc mật khẩu."
    unknown = office("an", "dossier", "list", env={"MOTCUA_USER": "khong-co"})
    assert unknown.stderr == wrong.stderr


def test_no_password_without_a_terminal_asks_for_the_environment(office) -> None:
    missing = office("an", "dossier", "list", env={"MOTCUA_PASSWORD": ""})
    assert missing.returncode == 2 and "MOTCUA_PASSWORD" in missing.stderr


def test_five_wrong_tries_lock_the_account_on_the_command_line(office) -> None:
    for _ in range(4):
        assert "Sai tên" in office("an", "dossier", "list", env={"MOTCUA_PASSWORD": "sai"}).stderr
    locked = office("an", "dossier", "list", env={"MOTCUA_PASSWORD": "sai"})
    assert locked.returncode == 2 and "tạm khóa 15 phút" in locked.stderr
    again = office("an", "dossier", "list")  # the right password, still locked
    assert again.returncode == 2 and "tạm khóa" in again.stderr
    reset = office("quantri", "account", "reset-password", "an", env={"MOTCUA_NEW_PASSWORD": "mat-khau-tam-9"})
    assert reset.returncode == 0, reset.stderr
    temporary = office("an", "dossier", "list", env={"MOTCUA_PASSWORD": "mat-khau-tam-9"})
    assert temporary.returncode == 2 and "account passwd" in temporary.stderr
    changed = office("an", "account", "passwd", env={"MOTCUA_PASSWORD": "mat-khau-tam-9",
                                                     "MOTCUA_NEW_PASSWORD": "an-mat-khau-2"})
    assert changed.returncode == 0, changed.stderr
    assert office("an", "dossier", "list", env={"MOTCUA_PASSWORD": "an-mat-khau-2"}).returncode == 0


def test_a_clerk_trying_a_leaders_or_admins_action_is_refused_and_nothing_changes(office, tmp_path) -> None:
    before = _settings_name(office)
    refused = office("an", "settings", "set", "--unit-name", "UBND xã Khác")
    assert refused.returncode == 2
    assert refused.stderr.strip() == ("Lỗi: Tài khoản 'an' (vai trò Tiếp nhận và trả kết quả) không có quyền "
                                      "sửa cài đặt đơn vị. Không có gì bị thay đổi.")
    assert _settings_name(office) == before
    book = tmp_path / "so.xlsx"
    logbook = office("an", "logbook", "--period", "month", "--xlsx", str(book))
    assert logbook.returncode == 2 and "xuất sổ theo dõi" in logbook.stderr and not book.exists()
    report = office("an", "report", "--xlsx", str(tmp_path / "bc.xlsx"))
    assert report.returncode == 2 and "xem báo cáo" in report.stderr and not (tmp_path / "bc.xlsx").exists()
    for command in (["account", "list"], ["audit", "list"], ["catalog", "retire", "1.001193"]):
        result = office("an", *command)
        assert result.returncode == 2 and "không có quyền" in result.stderr, command
    events = json.loads(office("quantri", "--json", "audit", "list", "--actor", "an").stdout)
    assert events == []


def test_an_officer_cannot_receive_and_a_clerk_cannot_decide_the_result(office) -> None:
    refused = office("binh", "dossier", "receive", "--procedure", "1.001193", "--name", "Nguyễn Văn An")
    assert refused.returncode == 2 and "không có quyền tiếp nhận hồ sơ" in refused.stderr
    received = office("an", "--json", "dossier", "receive", "--procedure", "1.001193", "--name", "Nguyễn Văn An")
    code = json.loads(received.stdout)["code"]
    assert office("an", "dossier", "move", code, "--to", "dang_xu_ly").returncode == 0
    decided = office("an", "dossier", "move", code, "--to", "co_ket_qua")
    assert decided.returncode == 2 and "Đã có kết quả" in decided.stderr
    assert json.loads(office("an", "--json", "dossier", "show", code).stdout)["state"] == "dang_xu_ly"
    assert office("binh", "dossier", "move", code, "--to", "co_ket_qua").returncode == 0
    actors = [(e["actor"], e["action"]) for e in json.loads(office("quantri", "--json", "dossier", "show",
                                                                          code).stdout)["events"]]
    assert actors == [("an", "receive"), ("an", "move"), ("binh", "move")]


def test_the_cccd_number_is_masked_for_a_leader_whole_for_a_clerk_and_search_finds_it(office) -> None:
    received = office("an", "--json", "dossier", "receive", "--procedure", "1.001193", "--name", "Nguyễn Văn An",
                      "--cccd", CCCD)
    assert received.returncode == 0, received.stderr
    office("an", "dossier", "receive", "--procedure", "1.001193", "--name", "Trần Bình", "--cccd", "079304001234")
    clerk = json.loads(office("an", "--json", "dossier", "list", "--search", CCCD).stdout)
    leader = json.loads(office("chi", "--json", "dossier", "list", "--search", CCCD).stdout)
    assert [d["applicant_cccd"] for d in clerk] == [CCCD]
    assert [d["applicant_cccd"] for d in leader] == ["001******567"]
    shown = office("chi", "--json", "dossier", "show", clerk[0]["code"]).stdout
    assert CCCD not in shown and "001******567" in shown


def test_a_leaders_logbook_export_is_recorded_with_their_name(office, tmp_path) -> None:
    book = tmp_path / "so.xlsx"
    exported = office("chi", "logbook", "--period", "month", "--xlsx", str(book))
    assert exported.returncode == 0, exported.stderr
    assert book.exists()
    events = json.loads(office("quantri", "--json", "audit", "list", "--action", "export").stdout)
    assert [(e["actor"], e["entity"], e["payload"]["files"]) for e in events] == [("chi", "report", ["so.xlsx"])]


def test_passwords_are_never_taken_from_the_command_line(office) -> None:
    for args in (["account", "add", "dung", "--role", "clerk", "--password", "x"],
                 ["account", "passwd", "--password", "x"]):
        result = office("quantri", *args)
        assert result.returncode == 2 and "tham số không nhận ra" in result.stderr


def test_version_and_help_need_no_sign_in(data_dir, cli) -> None:
    assert cli("version", env=NO_SIGN_IN).returncode == 0
    assert cli("account", "--help", env=NO_SIGN_IN).returncode == 0


def test_dossier_show_names_people_and_dates_as_a_clerk_reads_them(office, data_dir, cli) -> None:
    """The timeline of `dossier show` gives who by full name (the one the event carries, else the account's;
    the login only for an account this PC does not know) and times as hh:mm dd/mm/yyyy, never ISO; --json
    carries the same timeline."""
    named = cli("--data-dir", str(data_dir), "account", "set-name", "binh", "--full-name", "Trần Thị Bình",
                env=_as("quantri", "quan-tri-123"))
    assert named.returncode == 0, named.stderr
    received = office("an", "--json", "dossier", "receive", "--procedure", "1.001193", "--name", "Nguyễn Văn An",
                      "--received-at", "2026-02-13T10:00")
    code = json.loads(received.stdout)["code"]
    assert office("binh", "dossier", "move", code, "--to", "dang_xu_ly", "--at", "2026-02-13T11:05").returncode == 0
    text = office("quantri", "dossier", "show", code).stdout
    lines = text.splitlines()
    assert "10:00 13/02/2026  an  Tiếp nhận hồ sơ" in text              # no full name on this account: the login
    assert any("11:05 13/02/2026  Trần Thị Bình  " in line for line in lines)
    assert "2026-02-13T" not in text and "T10:00" not in text          # no ISO moment anywhere in the text
    assert f"{code}  " in lines[0] and "/2026" in lines[0]
    shown = json.loads(office("quantri", "--json", "dossier", "show", code).stdout)
    assert [(e["who"], e["at"]) for e in shown["timeline"]] == [("an", "2026-02-13T10:00:00"),
                                                                 ("Trần Thị Bình", "2026-02-13T11:05:00")]

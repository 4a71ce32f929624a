"""Accounts in the data layer: scrypt hashes, wrong passwords, lockout and its end, roles checked where the
data is written (not only in the GUI), masked căn cước numbers, every event naming the signed-in actor."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from db.accounts import (
    LOCK_MINUTES,
    MAX_FAILED_ATTEMPTS,
    SignInRefused,
    authenticate,
    change_password,
    create_user,
    ensure_admin,
    hash_password,
    list_users,
    reset_password,
    set_active,
    verify_password,
)
from db.connection import database_path
from db.dossier_queries import get_dossier, list_dossiers
from db.dossier_store import move_dossier, receive_dossier
from db.events import events_for
from db.report_queries import build_report, logbook_lines
from db.settings_store import load_settings, update_settings
from models.dossier_applicant import Applicant
from models.errors import UserError
from models.report_period import Period
from models.roles import (
    MOVE_PERMISSIONS,
    PERMISSIONS,
    ROLE_PERMISSIONS,
    ROLES,
    VIEW_FULL_ID,
    has_permission,
    mask_cccd,
)
from models.session import NotSignedIn, PermissionDenied, User, acting_as, require, sign_in

NOW = datetime(2026, 3, 2, 9, 0)
CCCD = "001203004567"


def _user(db, name: str, role: str, password: str = "mat-khau-tot") -> User:
    create_user(db, name, password, role, full_name=name.title(), must_change_password=False, now=NOW)
    return User(name, name.title(), role)


def _receive(db, name: str = "Nguyễn Văn An", cccd: str = CCCD):
    return receive_dossier(db, procedure_code="1.001193", applicant=Applicant(name=name, cccd=cccd),
                           received_at=NOW, now=NOW + timedelta(minutes=5))


# ----- hashing and signing in

def test_the_password_is_stored_only_as_a_salted_scrypt_hash(db, data_dir) -> None:
    create_user(db, "an", "mot-mat-khau-rieng", "clerk", "Nguyễn Văn An", now=NOW)
    stored = db.execute("SELECT password_hash FROM users WHERE username = 'an'").fetchone()[0]
    kind, n, r, p, salt, digest = stored.split("$")
    assert (kind, n, r, p) == ("scrypt", str(2**14), "8", "1") and len(bytes.fromhex(salt)) == 16
    assert verify_password("mot-mat-khau-rieng", stored) and not verify_password("mot-mat-khau-rieng!", stored)
    assert hash_password("mot-mat-khau-rieng") != hash_password("mot-mat-khau-rieng")  # a fresh salt each time
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    path = database_path(data_dir)
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"mot-mat-khau-rieng" not in raw and "mot-mat-khau-rieng".encode("utf-16-le") not in raw
    assert stored.encode() in raw  # the hash is what is kept


def test_account_events_never_carry_the_hash_or_the_password(db) -> None:
    create_user(db, "an", "mot-mat-khau-rieng", "clerk", now=NOW)
    reset_password(db, "an", "mat-khau-moi-1", now=NOW)
    payloads = [e["payload"] for e in events_for(db, "account", "an")]
    assert [e["action"] for e in events_for(db, "account", "an")] == ["create", "reset_password"]
    text = repr(payloads)
    assert "mat-khau" not in text and "scrypt" not in text


def test_a_wrong_password_is_refused_without_saying_whether_the_user_exists(db) -> None:
    _user(db, "an", "clerk")
    with pytest.raises(SignInRefused) as wrong:
        authenticate(db, "an", "sai-mat-khau", now=NOW)
    with pytest.raises(SignInRefused) as unknown:
        authenticate(db, "khong-co-ai", "sai-mat-khau", now=NOW)
    assert str(wrong.value) == str(unknown.value) == "Sai tên đăng nhập hoặc mật khẩu."
    assert authenticate(db, " AN ", "mat-khau-tot", now=NOW) == User("an", "An", "clerk")


def test_five_wrong_tries_lock_the_account_until_the_lock_time_has_passed(db) -> None:
    _user(db, "an", "clerk")
    for attempt in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(SignInRefused, match="Sai tên đăng nhập"):
            authenticate(db, "an", f"sai-{attempt}", now=NOW)
    with pytest.raises(SignInRefused, match="tạm khóa"):
        authenticate(db, "an", "sai-lan-cuoi", now=NOW)
    # Locked: even the right password is refused, with the minutes left.
    with pytest.raises(SignInRefused, match=f"sau {LOCK_MINUTES - 1} phút"):
        authenticate(db, "an", "mat-khau-tot", now=NOW + timedelta(minutes=1))
    with pytest.raises(SignInRefused, match="tạm khóa"):
        authenticate(db, "an", "mat-khau-tot", now=NOW + timedelta(minutes=LOCK_MINUTES) - timedelta(seconds=1))
    assert authenticate(db, "an", "mat-khau-tot", now=NOW + timedelta(minutes=LOCK_MINUTES)).username == "an"
    assert db.execute("SELECT failed_attempts, locked_until FROM users WHERE username = 'an'").fetchone() == (0, None)
    assert [e["action"] for e in events_for(db, "account", "an")] == ["create", "lock"]


def test_a_right_password_resets_the_count_of_wrong_tries(db) -> None:
    _user(db, "an", "clerk")
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(SignInRefused):
            authenticate(db, "an", "sai", now=NOW)
    authenticate(db, "an", "mat-khau-tot", now=NOW)
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(SignInRefused, match="Sai tên đăng nhập"):
            authenticate(db, "an", "sai", now=NOW)


def test_the_admin_resets_a_password_and_lifts_the_lock_the_owner_changes_their_own(db) -> None:
    _user(db, "an", "clerk")
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(SignInRefused):
            authenticate(db, "an", "sai", now=NOW)
    account = reset_password(db, "an", "mat-khau-tam-1", now=NOW)
    assert account.must_change_password and account.locked_until is None
    user = authenticate(db, "an", "mat-khau-tam-1", now=NOW)
    with acting_as(user):
        with pytest.raises(SignInRefused):
            change_password(db, "khong-dung", "mat-khau-moi-2", now=NOW)
        with pytest.raises(UserError, match="ít nhất 8"):
            change_password(db, "mat-khau-tam-1", "ngan", now=NOW)
        change_password(db, "mat-khau-tam-1", "mat-khau-moi-2", now=NOW)
    assert authenticate(db, "an", "mat-khau-moi-2", now=NOW).username == "an"
    assert not [a for a in list_users(db) if a.username == "an"][0].must_change_password


def test_a_disabled_account_cannot_sign_in_and_the_last_admin_cannot_be_disabled(db) -> None:
    _user(db, "an", "clerk")
    set_active(db, "an", False, now=NOW)
    with pytest.raises(SignInRefused, match="quản trị khóa"):
        authenticate(db, "an", "mat-khau-tot", now=NOW)
    set_active(db, "an", True, now=NOW)
    authenticate(db, "an", "mat-khau-tot", now=NOW)
    _user(db, "quantri", "admin")  # the only admin account stored (the test's admin is signed in, not stored)
    with pytest.raises(UserError, match="quản trị cuối cùng"):
        set_active(db, "quantri", False, now=NOW)
    with acting_as(User("quantri", "Quantri", "admin")), pytest.raises(UserError, match="Không tự khóa"):
        set_active(db, "quantri", False, now=NOW)


def test_ensure_admin_only_into_a_database_without_accounts(db) -> None:
    sign_in(None)
    account = ensure_admin(db, "admin", "mat-khau-quan-tri", now=NOW)
    assert account.role == "admin" and not account.must_change_password
    assert ensure_admin(db, "ke-khac", "mat-khau-quan-tri", now=NOW) is None
    assert events_for(db, "account", "admin")[0]["actor"] == "admin"
    with pytest.raises(NotSignedIn):
        create_user(db, "ke-khac", "mat-khau-quan-tri", "admin")


def test_short_passwords_and_odd_user_names_are_refused(db) -> None:
    with pytest.raises(UserError, match="ít nhất 8"):
        create_user(db, "an", "1234567", "clerk")
    with pytest.raises(UserError, match="chữ không dấu"):
        create_user(db, "Nguyễn An", "mat-khau-tot", "clerk")
    with pytest.raises(UserError, match="Vai trò không hợp lệ"):
        create_user(db, "an", "mat-khau-tot", "boss")


# ----- roles, checked in the data layer

def test_admin_holds_every_permission_and_each_role_some() -> None:
    assert ROLE_PERMISSIONS["admin"] == frozenset(PERMISSIONS)
    assert set(ROLE_PERMISSIONS) == set(ROLES)
    assert all(permission in PERMISSIONS for permission in MOVE_PERMISSIONS.values())
    assert has_permission("clerk", VIEW_FULL_ID) and not has_permission("leader", VIEW_FULL_ID)


def test_nobody_signed_in_can_write_nothing(db) -> None:
    with acting_as(None):
        with pytest.raises(NotSignedIn, match="Chưa đăng nhập"):
            update_settings(db, {"unit_name": "UBND xã Khác"})
        with pytest.raises(NotSignedIn):
            list_dossiers(db)
    assert load_settings(db).unit_name != "UBND xã Khác"


def test_an_officer_cannot_receive_and_a_clerk_cannot_decide_a_result(db) -> None:
    clerk, officer = _user(db, "an", "clerk"), _user(db, "binh", "officer")
    with acting_as(officer), pytest.raises(PermissionDenied, match="'binh'.*Chuyên viên xử lý.*tiếp nhận hồ sơ"):
        _receive(db)
    with acting_as(clerk):
        dossier = _receive(db)
        move_dossier(db, dossier.code, "dang_xu_ly", at=NOW + timedelta(hours=1), now=NOW + timedelta(hours=1))
        with pytest.raises(PermissionDenied, match="'an'.*Đã có kết quả"):
            move_dossier(db, dossier.code, "co_ket_qua", at=NOW + timedelta(hours=2), now=NOW + timedelta(hours=2))
    with acting_as(officer):
        move_dossier(db, dossier.code, "co_ket_qua", at=NOW + timedelta(hours=2), now=NOW + timedelta(hours=2))
        with pytest.raises(PermissionDenied, match="Đã trả kết quả"):
            move_dossier(db, dossier.code, "da_tra", at=NOW + timedelta(hours=3), now=NOW + timedelta(hours=3))
    with acting_as(clerk):
        returned = move_dossier(db, dossier.code, "da_tra", at=NOW + timedelta(hours=3), now=NOW + timedelta(hours=3))
    assert returned.state == "da_tra"
    assert [(e["action"], e["actor"]) for e in events_for(db, "dossier", dossier.uuid)] == [
        ("receive", "an"), ("move", "an"), ("move", "binh"), ("move", "an")]


def test_the_counter_clerk_refuses_at_the_counter_but_not_after_the_hand_over(db) -> None:
    """Mẫu 03 is the receiving clerk's refusal (tiep_nhan -> tu_choi); once processing began, a refusal is
    the processing side's notice and a clerk may not make it (shared/domain.md, Mẫu 03)."""
    clerk, officer = _user(db, "an", "clerk"), _user(db, "binh", "officer")
    with acting_as(clerk):
        at_counter = _receive(db)
        refused = move_dossier(db, at_counter.code, "tu_choi", note="Thiếu tờ khai", at=NOW + timedelta(hours=1),
                               now=NOW + timedelta(hours=1))
        assert refused.state == "tu_choi"
        handed_over = _receive(db, name="Trần Thị Bình", cccd="001303004568")
        move_dossier(db, handed_over.code, "dang_xu_ly", at=NOW + timedelta(hours=1), now=NOW + timedelta(hours=1))
        with pytest.raises(PermissionDenied, match="'an'.*Từ chối"):
            move_dossier(db, handed_over.code, "tu_choi", note="Không đủ điều kiện", at=NOW + timedelta(hours=2),
                         now=NOW + timedelta(hours=2))
    with acting_as(officer):
        assert move_dossier(db, handed_over.code, "tu_choi", note="Không đủ điều kiện", at=NOW + timedelta(hours=2),
                            now=NOW + timedelta(hours=2)).state == "tu_choi"


def test_reports_need_a_leader_and_the_logbook_personal_data_export_rights(db) -> None:
    clerk, leader = _user(db, "an", "clerk"), _user(db, "chi", "leader")
    period = Period(NOW.date().replace(day=1), NOW.date())
    with acting_as(clerk):
        with pytest.raises(PermissionDenied, match="xem báo cáo"):
            build_report(db, period, NOW)
        with pytest.raises(PermissionDenied, match="xuất sổ theo dõi"):
            logbook_lines(db, period)
    with acting_as(leader):
        build_report(db, period, NOW)
        logbook_lines(db, period)


def test_require_names_user_role_and_action() -> None:
    with acting_as(User("an", "Nguyễn Văn An", "clerk")):
        with pytest.raises(PermissionDenied) as refused:
            require("manage_accounts", "tạo tài khoản")
    assert str(refused.value).startswith("Tài khoản 'an' (vai trò Tiếp nhận và trả kết quả) không có quyền tạo tài khoản")


# ----- căn cước numbers

def test_mask_cccd_keeps_the_province_and_last_three_digits() -> None:
    assert mask_cccd("001203004567") == "001******567"
    assert mask_cccd("") == ""
    assert mask_cccd("123456789") == "******789"
    assert "123456" not in mask_cccd("123456789")


def test_lists_mask_the_number_for_a_leader_and_search_still_finds_the_whole_number(db) -> None:
    _user(db, "an", "clerk")
    leader = _user(db, "chi", "leader")
    with acting_as(User("an", "An", "clerk")):
        dossier = _receive(db)
        other = _receive(db, "Trần Thị Bình", "079304001234")
        assert list_dossiers(db, search=CCCD)[0].applicant.cccd == CCCD
    with acting_as(leader):
        found = list_dossiers(db, search=CCCD)
        assert [d.code for d in found] == [dossier.code] and other.code not in [d.code for d in found]
        assert found[0].applicant.cccd == "001******567"
        detail = get_dossier(db, dossier.code)
        assert detail.applicant.cccd == "001******567"
        assert CCCD not in repr(detail.to_dict())  # the timeline's receive event too
    assert get_dossier(db, dossier.code).applicant.cccd == CCCD  # the test admin sees it whole


def test_events_name_the_signed_in_user(db) -> None:
    sign_in(User("dung", "Lê Dũng", "admin"))
    update_settings(db, {"unit_name": "UBND xã Dũng"})
    assert events_for(db, "settings", "unit")[-1]["actor"] == "dung"


def test_account_events_travel_with_the_log_but_accounts_stay_on_their_pc(db, tmp_path) -> None:
    from db.data_folder import open_data_folder
    from db.device import device_id
    from sync.projection import apply_remote_events
    from sync.wire import EVENT_COLUMNS, row_to_wire

    _user(db, "an", "clerk")
    rows = db.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE device_id = ? AND entity = 'account'",
                      [device_id(db)]).fetchall()
    other = open_data_folder(tmp_path / "may-khac")
    try:
        result = apply_remote_events(other, [row_to_wire(row) for row in rows])
        assert result.new == 1 and not result.invalid
        assert [e["action"] for e in events_for(other, "account", "an")] == ["create"]
        assert other.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    finally:
        other.close()


def test_the_status_bar_name_never_repeats_the_role() -> None:
    from models.session import User

    assert User("admin", "Quản trị", "admin").display == "admin (Quản trị)"
    assert User("admin", "", "admin").display == "admin (Quản trị)"
    assert User("an", "Nguyễn Văn An", "clerk").display == "Nguyễn Văn An (an, Tiếp nhận và trả kết quả)"

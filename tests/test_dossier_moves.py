"""Moves between states, the paused clock, extensions and timeliness (shared/domain.md)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from db.dossier_queries import find_dossier, get_dossier, list_dossiers
from db.dossier_rules import DossierRules, load_dossier_rules, save_dossier_rules
from db.dossier_store import extend_dossier, move_dossier, receive_dossier
from db.events import events_for
from models.calendar import WorkCalendar, YearHolidays
from models.dossier import FINAL_STATES, MOVES, REASON_REQUIRED, STATES, check_move
from models.dossier_applicant import make_applicant
from models.dossier_clock import resume_due, timeliness
from models.errors import UserError

NOW = datetime(2026, 4, 20, 12, 0)
FIVE_DAYS = "1.004884"  # Đăng ký lại khai sinh: 05 ngày làm việc
APPLICANT = make_applicant(name="Lê Văn Bình", today=date(2026, 3, 1))

# shared/domain.md, "Dossiers": the allowed moves, written out again by hand.
DOMAIN_MOVES = {
    ("tiep_nhan", "dang_xu_ly"), ("tiep_nhan", "cho_bo_sung"), ("tiep_nhan", "tu_choi"), ("tiep_nhan", "rut_ho_so"),
    ("dang_xu_ly", "cho_bo_sung"), ("dang_xu_ly", "co_ket_qua"), ("dang_xu_ly", "tu_choi"),
    ("dang_xu_ly", "rut_ho_so"), ("cho_bo_sung", "dang_xu_ly"), ("cho_bo_sung", "tu_choi"),
    ("cho_bo_sung", "rut_ho_so"), ("co_ket_qua", "da_tra"),
    ("dang_xu_ly", "cho_nghia_vu_tai_chinh"), ("cho_nghia_vu_tai_chinh", "dang_xu_ly"),
    # dung_giai_quyet: sources not listed in domain.md; allowed where processing is under way.
    ("dang_xu_ly", "dung_giai_quyet"), ("cho_bo_sung", "dung_giai_quyet"),
    ("cho_nghia_vu_tai_chinh", "dung_giai_quyet"),
}


def received(db, at=datetime(2026, 3, 2, 8, 0)):
    """5 working days from Mon 02/03/2026 08:00: due Mon 09/03/2026 08:00."""
    dossier = receive_dossier(db, procedure_code=FIVE_DAYS, applicant=APPLICANT, received_at=at, now=NOW)
    assert dossier.due_at == datetime(2026, 3, 9, 8, 0)
    return dossier


def move(db, dossier, state, at, note=""):
    note = note or ("Lý do ghi trong thử nghiệm" if state in REASON_REQUIRED else "")
    return move_dossier(db, dossier.code, state, at=at, note=note, now=NOW)


def test_move_table_is_exactly_domain_md() -> None:
    assert {(a, b) for a, targets in MOVES.items() for b in targets} == DOMAIN_MOVES
    assert set(MOVES) == set(STATES)
    assert FINAL_STATES == {"da_tra", "tu_choi", "rut_ho_so", "dung_giai_quyet"}


@pytest.mark.parametrize("current, target", sorted(
    (a, b) for a in STATES for b in STATES if (a, b) not in DOMAIN_MOVES))
def test_every_other_move_refused(current: str, target: str) -> None:
    with pytest.raises(UserError) as error:
        check_move(current, target)
    assert STATES[current] in str(error.value) and STATES[target] in str(error.value)


def test_forbidden_move_changes_nothing(db) -> None:
    dossier = received(db)
    stored_before = get_dossier(db, dossier.code)
    events_before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(UserError, match="từ 'Mới tiếp nhận' sang 'Đã trả kết quả'"):
        move(db, dossier, "da_tra", datetime(2026, 3, 2, 9, 0))
    assert get_dossier(db, dossier.code) == stored_before
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == events_before
    with pytest.raises(UserError, match="Trạng thái không hợp lệ"):
        move(db, dossier, "xong", datetime(2026, 3, 2, 9, 0))
    with pytest.raises(UserError, match="trước lần chuyển trạng thái trước"):
        move(db, dossier, "dang_xu_ly", datetime(2026, 3, 2, 7, 0))
    with pytest.raises(UserError, match="Không có hồ sơ mã"):
        move_dossier(db, "KHONG-CO", "dang_xu_ly", now=NOW)


def test_final_state_refuses_everything(db) -> None:
    dossier = received(db)
    move(db, dossier, "dang_xu_ly", datetime(2026, 3, 2, 9, 0))
    move(db, dossier, "dung_giai_quyet", datetime(2026, 3, 3, 9, 0), note="Không nộp phí")
    stopped = find_dossier(db, dossier.code)
    assert stopped.closed_at == datetime(2026, 3, 3, 9, 0)
    with pytest.raises(UserError, match="trạng thái cuối"):
        move(db, dossier, "dang_xu_ly", datetime(2026, 3, 4, 9, 0))


def test_pause_and_resume_moves_due_by_waited_working_time(db) -> None:
    dossier = received(db)
    move(db, dossier, "dang_xu_ly", datetime(2026, 3, 2, 9, 0))
    paused = move(db, dossier, "cho_bo_sung", datetime(2026, 3, 3, 10, 0), note="Thiếu tờ khai")
    assert paused.paused_at == datetime(2026, 3, 3, 10, 0) and paused.supplement_count == 1
    assert not paused.is_overdue(datetime(2026, 3, 20, 8, 0))  # clock stopped: not overdue
    # Waited Tue 10:00–17:00 (5 h office time), Wed (7.5 h), Thu 07:30–10:00 (2.5 h) = 15 h = 2 days.
    resumed = move(db, dossier, "dang_xu_ly", datetime(2026, 3, 5, 10, 0))
    assert resumed.due_at == datetime(2026, 3, 11, 8, 0) and resumed.paused_at is None
    event = events_for(db, "dossier", dossier.uuid)[-1]
    assert event["payload"]["due_before"] == "2026-03-09T08:00:00"
    assert event["payload"]["due_at"] == "2026-03-11T08:00:00"
    assert event["payload"]["waited_hours"] == 15.0 and event["payload"]["due_rule"] == "shift"
    assert event["payload"]["replayed"] is True


def test_pause_over_a_weekend_counts_office_hours_only(db) -> None:
    dossier = received(db)
    move(db, dossier, "dang_xu_ly", datetime(2026, 3, 2, 9, 0))
    move(db, dossier, "cho_nghia_vu_tai_chinh", datetime(2026, 3, 6, 16, 0))
    # Fri 16:00–17:00 + Mon 07:30–08:30 = 2 h; 09/03 08:00 + 2 h = 09/03 10:00.
    assert move(db, dossier, "dang_xu_ly", datetime(2026, 3, 9, 8, 30)).due_at == datetime(2026, 3, 9, 10, 0)


def test_restart_full_time_rule(db) -> None:
    assert load_dossier_rules(db).restart_full_time_on_resume is False
    save_dossier_rules(db, DossierRules(restart_full_time_on_resume=True))
    dossier = received(db)
    move(db, dossier, "dang_xu_ly", datetime(2026, 3, 2, 9, 0))
    move(db, dossier, "cho_bo_sung", datetime(2026, 3, 3, 10, 0))
    # Five full working days again from Thu 05/03 10:00: Thu 12/03 10:00.
    assert move(db, dossier, "dang_xu_ly", datetime(2026, 3, 5, 10, 0)).due_at == datetime(2026, 3, 12, 10, 0)
    assert events_for(db, "dossier", dossier.uuid)[-1]["payload"]["due_rule"] == "restart"


@pytest.mark.parametrize("finished, expected", [
    (datetime(2026, 3, 6, 15, 0), "truoc_han"),  # before the due date's day
    (datetime(2026, 3, 9, 7, 45), "dung_han"),
    (datetime(2026, 3, 9, 8, 0), "dung_han"),  # exactly at the due moment
    (datetime(2026, 3, 9, 8, 1), "qua_han"),
])
def test_timeliness_when_result_ready(db, finished: datetime, expected: str) -> None:
    dossier = received(db)
    move(db, dossier, "dang_xu_ly", datetime(2026, 3, 2, 9, 0))
    done = move(db, dossier, "co_ket_qua", finished)
    assert done.finished_at == finished and done.timeliness == expected
    returned = move(db, dossier, "da_tra", datetime(2026, 3, 10, 9, 0))
    assert returned.returned_at == returned.closed_at == datetime(2026, 3, 10, 9, 0)
    assert returned.timeliness == expected


def test_extension_moves_due_and_still_counts_late(db) -> None:
    dossier = received(db)
    move(db, dossier, "dang_xu_ly", datetime(2026, 3, 2, 9, 0))
    with pytest.raises(UserError, match="lý do"):
        extend_dossier(db, dossier.code, days=2, reason="  ", now=NOW)
    # Due Mon 09/03 08:00: on Fri 06/03 09:00 less than 01 working day is left, so it is refused.
    with pytest.raises(UserError, match="chậm nhất 01 ngày làm việc trước hạn"):
        extend_dossier(db, dossier.code, days=2, reason="Chờ xác minh", at=datetime(2026, 3, 6, 9, 0), now=NOW)
    assert events_for(db, "dossier", dossier.uuid)[-1]["action"] == "move"  # nothing written
    extended = extend_dossier(db, dossier.code, days=2, reason="Chờ xác minh", at=datetime(2026, 3, 5, 9, 0),
                              now=NOW)
    assert extended.due_at == datetime(2026, 3, 11, 8, 0) and extended.extension_count == 1
    event = events_for(db, "dossier", dossier.uuid)[-1]
    assert event["action"] == "extend" and event["payload"]["reason"] == "Chờ xác minh"
    assert event["payload"]["due_before"] == "2026-03-09T08:00:00"
    assert move(db, dossier, "co_ket_qua", datetime(2026, 3, 10, 9, 0)).timeliness == "qua_han"


def test_extension_in_hours_and_refused_when_finished(db) -> None:
    dossier = received(db)
    # 09/03 08:00 + 4 working hours: 08:00–11:30 (3.5 h) then 13:30–14:00.
    with pytest.raises(UserError, match="sau hạn trả"):
        extend_dossier(db, dossier.code, hours=4, reason="Lý do", now=NOW)
    assert extend_dossier(db, dossier.code, hours=4, reason="Lý do", at=datetime(2026, 3, 2, 10, 0),
                          now=NOW).due_at == datetime(2026, 3, 9, 14, 0)
    move(db, dossier, "tu_choi", datetime(2026, 3, 3, 9, 0), note="Không thuộc thẩm quyền")
    with pytest.raises(UserError, match="không gia hạn được"):
        extend_dossier(db, dossier.code, hours=4, reason="Lý do", at=datetime(2026, 3, 3, 10, 0), now=NOW)


def test_overdue_is_derived_not_stored(db) -> None:
    dossier = received(db)
    move(db, dossier, "dang_xu_ly", datetime(2026, 3, 2, 9, 0))
    assert list_dossiers(db, overdue=True, now=datetime(2026, 3, 9, 7, 59)) == []
    [late] = list_dossiers(db, overdue=True, now=datetime(2026, 3, 9, 8, 1))
    assert late.code == dossier.code and late.state == "dang_xu_ly"
    assert get_dossier(db, dossier.code).to_dict(now=datetime(2026, 3, 9, 8, 1))["overdue"] is True


def test_clock_helpers_directly() -> None:
    calendar = WorkCalendar(public_holidays=lambda year: YearHolidays())
    assert timeliness(datetime(2026, 3, 9, 8), datetime(2026, 3, 9, 8), extended=True) == "qua_han"
    same = resume_due(calendar, due_at=datetime(2026, 3, 9, 8), paused_at=datetime(2026, 3, 7, 9),
                      resumed_at=datetime(2026, 3, 8, 9))  # a weekend wait costs no working time
    assert same.due_at == datetime(2026, 3, 9, 8) and same.waited_hours == 0

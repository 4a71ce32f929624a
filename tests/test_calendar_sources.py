"""The calendar with its sources (resources/calendar/), the package's estimates, unverified days, and the
recheck of dossiers received on an older calendar (issue #13; shared/domain.md, "Time")."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from db.calendar_files import decided_years, parse_year_file
from db.calendar_store import load_calendar
from db.dossier_queries import find_dossier, get_dossier
from db.dossier_store import move_dossier, receive_dossier
from db.events import events_for, pending_count
from models.calendar import DECIDED, ESTIMATED, UNIT, UNVERIFIED, WorkCalendar, decided_first
from models.dossier_applicant import make_applicant
from models.errors import UserError
from services.calendar import apply_corrections, calendar_days, decide_unverified_day, due_note, recheck
from sync.fold_dossier import fold_dossier

THREE_DAYS = "1.004194"  # Đăng ký tạm trú: 03 ngày làm việc (sample catalog)
APPLICANT = make_applicant(name="Trần Thị Hoa", today=date(2025, 1, 1))
NOW = datetime(2026, 3, 20, 9, 0)


def decided() -> WorkCalendar:
    return WorkCalendar(public_holidays=decided_first(decided_years()))


def test_new_year_2026_as_the_government_decided_it() -> None:
    """Văn bản 12729/VPCP-KGVX: Friday 02/01/2026 off, Saturday 10/01/2026 a make-up working day."""
    cal = decided()
    # Thu 01/01 and Fri 02/01 off, 03–04 weekend: Mon 05, Tue 06, Wed 07.
    assert cal.add_working_days(datetime(2025, 12, 31, 10, 0), 3) == datetime(2026, 1, 7, 10, 0)
    # Saturday 10/01 is a working day: 1 working day from Friday 09/01 10:00 is that Saturday.
    assert cal.add_working_days(datetime(2026, 1, 9, 10, 0), 1) == datetime(2026, 1, 10, 10, 0)
    # The package alone missed the swap: a due date a day short, and no make-up Saturday.
    package = WorkCalendar()
    assert package.add_working_days(datetime(2025, 12, 31, 10, 0), 3) == datetime(2026, 1, 6, 10, 0)
    assert package.add_working_days(datetime(2026, 1, 9, 10, 0), 1) == datetime(2026, 1, 12, 10, 0)
    swap = cal.special_day(date(2026, 1, 2))
    assert swap.kind == "off" and swap.status == DECIDED and "12729/VPCP-KGVX" in swap.source
    make_up = cal.special_day(date(2026, 1, 10))
    assert make_up.kind == "work" and "12729/VPCP-KGVX" in make_up.source


def test_national_day_swap_22_08_for_31_08() -> None:
    cal = decided()
    assert cal.is_working_day(date(2026, 8, 22)) and not cal.is_working_day(date(2026, 8, 31))
    assert cal.add_working_days(datetime(2026, 8, 21, 10, 0), 1) == datetime(2026, 8, 22, 10, 0)
    # 29–30 weekend, 31/08 swapped off, 01–02/09 Quốc khánh: Thu 03/09.
    assert cal.add_working_days(datetime(2026, 8, 28, 10, 0), 1) == datetime(2026, 9, 3, 10, 0)
    assert cal.special_day(date(2026, 8, 22)).source and cal.special_day(date(2026, 8, 31)).source
    # Tết 2026 as domain.md counts it: 2 working days from Fri 13/02 10:00 is Tue 24/02 10:00.
    assert cal.add_working_days(datetime(2026, 2, 13, 10, 0), 2) == datetime(2026, 2, 24, 10, 0)


def test_a_year_without_a_file_is_the_package_estimate_shown_as_such(db, cli, data_dir) -> None:
    cal = load_calendar(db)
    tet = cal.special_day(date(2027, 2, 8))
    assert tet.status == ESTIMATED and tet.source == ""
    start = datetime(2027, 2, 1, 10, 0)  # 5 working days across Tết 2027 (estimated 04–10/02)
    due = cal.add_working_days(start, 5)
    assert due == datetime(2027, 2, 15, 10, 0)
    assert due_note(db, start, due) == "dự kiến"
    assert due_note(db, datetime(2026, 3, 2, 10, 0), datetime(2026, 3, 5, 10, 0)) == ""  # decided days only
    listing = json.loads(cli("--data-dir", str(data_dir), "--json", "calendar", "list", "--year", "2027").stdout)
    assert listing and all(row["status"] == "du_kien" and row["status_label"] == "dự kiến" for row in listing)
    text = cli("--data-dir", str(data_dir), "calendar", "list", "--year", "2027").stdout
    assert "[dự kiến]" in text


def test_calendar_list_shows_days_off_and_make_up_days_with_sources(cli, data_dir) -> None:
    rows = json.loads(cli("--data-dir", str(data_dir), "--json", "calendar", "list", "--year", "2026").stdout)
    days = {row["day"]: row for row in rows}
    assert days["2026-01-10"]["kind"] == "work" and days["2026-08-22"]["kind"] == "work"
    assert days["2026-01-02"]["kind"] == "off" and "12729/VPCP-KGVX" in days["2026-01-02"]["source"]
    assert days["2026-11-24"]["status"] == "chua_xac_minh"
    assert all(row["source"] for row in rows)
    text = cli("--data-dir", str(data_dir), "calendar", "list", "--year", "2026").stdout
    assert "10/01/2026  làm bù" in text and "[chưa xác minh]" in text


def test_the_unverified_day_is_confirmed_or_removed_in_one_step_as_an_event(db) -> None:
    day = date(2026, 11, 24)
    assert load_calendar(db).special_day(day).status == UNVERIFIED
    assert not load_calendar(db).is_working_day(day)  # counted off until the unit decides
    before = pending_count(db)
    removed = decide_unverified_day(db, day, keep=False)
    assert removed.status == UNIT and removed.kind == "work" and load_calendar(db).is_working_day(day)
    assert pending_count(db) == before + 1
    event = events_for(db, "calendar", day.isoformat())[-1]
    assert event["payload"]["decision"] == "remove" and "30/NQ-CP" in event["payload"]["source"]
    with pytest.raises(UserError, match="không phải ngày nghỉ chưa xác minh"):
        decide_unverified_day(db, day, keep=True)  # already decided
    with pytest.raises(UserError, match="không phải ngày nghỉ chưa xác minh"):
        decide_unverified_day(db, date(2026, 1, 2), keep=True)  # decided by a document
    assert [d for d in calendar_days(db, 2026) if d.status == UNVERIFIED] == []


def test_the_unverified_day_confirmed_on_the_command_line(cli, data_dir) -> None:
    result = cli("--data-dir", str(data_dir), "--json", "calendar", "confirm", "24/11/2026")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["kind"] == "off"
    again = cli("--data-dir", str(data_dir), "calendar", "reject", "24/11/2026")
    assert again.returncode == 2 and "không phải ngày nghỉ chưa xác minh" in again.stderr


@pytest.mark.parametrize(("raw", "message"), [
    (b"{", "JSON hỏng"),
    (b'{"year": 2026, "days": []}', "days"),
    (b'{"year": 2027, "days": [{"day": "2027-01-01", "kind": "off", "name": "x", "source": "y"}]}', "2027.json"),
    (b'{"year": 2026, "days": [{"day": "2026-13-01", "kind": "off", "name": "x", "source": "y"}]}', "YYYY-MM-DD"),
    (b'{"year": 2026, "days": [{"day": "2026-01-01", "kind": "nghi", "name": "x", "source": "y"}]}', "loại"),
    (b'{"year": 2026, "days": [{"day": "2026-01-01", "kind": "off", "name": "x", "source": ""}]}', "văn bản"),
    (b'{"year": 2026, "days": [{"day": "2025-01-01", "kind": "off", "name": "x", "source": "y"}]}', "ngoài năm"),
    (b"x" * 200_000, "quá lớn"),
])
def test_a_bad_calendar_file_is_named_in_one_line(raw: bytes, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_year_file(raw, "2026.json")


def test_the_shipped_files_parse() -> None:
    years = decided_years()
    assert 2026 in years and date(2026, 11, 24) in years[2026].unverified


def _old_calendar(monkeypatch) -> None:
    """The calendar as it was before the file existed: the package for every year."""
    monkeypatch.setattr("db.calendar_files.decided_years", lambda folder=None: {})


def test_recheck_finds_and_corrects_dossiers_received_on_the_old_calendar(db, data_dir, cli, monkeypatch) -> None:
    """Received Wed 31/12/2025 10:00 with 3 working days, the old calendar (package) gave Tue 06/01; the
    decided one gives Wed 07/01. An open dossier's due date moves; a dossier whose result was ready on
    Wed 07/01 09:00 was stored late and is on time."""
    with monkeypatch.context() as old:
        _old_calendar(old)
        open_one = receive_dossier(db, procedure_code=THREE_DAYS, applicant=APPLICANT,
                                   received_at=datetime(2025, 12, 31, 10, 0), now=NOW)
        closed = receive_dossier(db, procedure_code=THREE_DAYS, applicant=APPLICANT,
                                 received_at=datetime(2025, 12, 31, 10, 0), now=NOW)
        move_dossier(db, closed.code, "dang_xu_ly", at=datetime(2025, 12, 31, 11, 0), now=NOW)
        move_dossier(db, closed.code, "co_ket_qua", at=datetime(2026, 1, 7, 9, 0), now=NOW)
        plain = receive_dossier(db, procedure_code=THREE_DAYS, applicant=APPLICANT,
                                received_at=datetime(2026, 3, 2, 10, 0), now=NOW)  # no special day near it
    assert open_one.due_at == datetime(2026, 1, 6, 10, 0)
    assert find_dossier(db, closed.code).timeliness == "qua_han"
    rows = {row.code: row for row in recheck(db, date(2025, 12, 1), date(2026, 3, 31))}
    assert set(rows) == {open_one.code, closed.code} and plain.code not in rows
    assert rows[open_one.code].recomputed_due == datetime(2026, 1, 7, 10, 0)
    assert (rows[closed.code].stored_timeliness, rows[closed.code].recomputed_timeliness) == ("qua_han", "dung_han")
    printed = json.loads(cli("--data-dir", str(data_dir), "--json", "calendar", "recheck", "--from", "01/12/2025",
                             "--to", "31/03/2026").stdout)
    assert {row["code"] for row in printed} == set(rows)
    assert set(printed[0]) >= {"code", "stored_due", "recomputed_due", "stored_timeliness", "recomputed_timeliness"}

    before = pending_count(db)
    done = apply_corrections(db, [open_one.code], reason="Bổ sung lịch nghỉ Tết Dương lịch 2026")
    assert [row.code for row in done] == [open_one.code] and pending_count(db) == before + 1
    corrected = get_dossier(db, open_one.code)
    assert corrected.due_at == datetime(2026, 1, 7, 10, 0)
    event = corrected.events[-1]
    assert event["action"] == "recalendar" and event["payload"]["reason"] == "Bổ sung lịch nghỉ Tết Dương lịch 2026"
    assert event["payload"]["due_before"] == "2026-01-06T10:00:00"
    assert corrected.appointment == datetime(2026, 1, 6, 10, 0)  # the printed receipt keeps its date
    assert [row.code for row in recheck(db, date(2025, 12, 1), date(2026, 3, 31))] == [closed.code]

    result = cli("--data-dir", str(data_dir), "--json", "calendar", "recheck", "--apply", "--from", "01/12/2025")
    assert result.returncode == 0, result.stderr
    assert [row["code"] for row in json.loads(result.stdout)] == [closed.code]
    assert find_dossier(db, closed.code).timeliness == "dung_han"
    assert recheck(db, date(2025, 12, 1), date(2026, 3, 31)) == []
    # Other PCs fold the same events into the same row (sync/fold_dossier.py knows the correction).
    for code in (open_one.code, closed.code):
        stored = find_dossier(db, code)
        folded = fold_dossier(events_for(db, "dossier", stored.uuid)).values
        assert (folded["due_at"], folded["timeliness"]) == (stored.due_at.isoformat(), stored.timeliness)


def test_recheck_replays_a_pause_on_the_new_calendar(db, monkeypatch) -> None:
    """A supplement wait moves the due date by the working time waited; recounted on the new calendar."""
    with monkeypatch.context() as old:
        _old_calendar(old)
        dossier = receive_dossier(db, procedure_code=THREE_DAYS, applicant=APPLICANT,
                                  received_at=datetime(2025, 12, 29, 10, 0), now=NOW)
        move_dossier(db, dossier.code, "dang_xu_ly", at=datetime(2025, 12, 29, 11, 0), now=NOW)
        move_dossier(db, dossier.code, "cho_bo_sung", note="Bổ sung bản sao sổ hộ khẩu",
                     at=datetime(2025, 12, 30, 10, 0), now=NOW)
        move_dossier(db, dossier.code, "dang_xu_ly", at=datetime(2025, 12, 30, 14, 0), now=NOW)
    # Waited 30/12 10:00–14:00 = 1.5 h + 0.5 h = 2 working hours. Old: 3 working days from Mon 29/12
    # 10:00 (30, 31/12, 02/01; 01/01 off) = Fri 02/01 10:00, + 2 h = 11:30, then 13:30–14:00.
    assert find_dossier(db, dossier.code).due_at == datetime(2026, 1, 2, 14, 0)
    row = recheck(db, date(2025, 12, 1), date(2026, 1, 31))[0]
    # New: 02/01 is off, so Mon 05/01 10:00, + the same 2 working hours = 05/01 14:00.
    assert row.recomputed_due == datetime(2026, 1, 5, 14, 0)


def test_a_fee_wait_is_replayed_so_an_unchanged_calendar_proposes_nothing(db) -> None:
    """A wait for fees (chờ nghĩa vụ tài chính) moves the due date like a supplement wait but counts no
    supplement: the recount must replay it too, or it would 'correct' the date back to the unpaused one."""
    dossier = receive_dossier(db, procedure_code=THREE_DAYS, applicant=APPLICANT,
                              received_at=datetime(2026, 3, 2, 10, 0), now=NOW)
    move_dossier(db, dossier.code, "dang_xu_ly", at=datetime(2026, 3, 2, 11, 0), now=NOW)
    move_dossier(db, dossier.code, "cho_nghia_vu_tai_chinh", note="Chờ nộp lệ phí",
                 at=datetime(2026, 3, 3, 9, 0), now=NOW)
    move_dossier(db, dossier.code, "dang_xu_ly", at=datetime(2026, 3, 4, 9, 0), now=NOW)
    assert find_dossier(db, dossier.code).due_at != datetime(2026, 3, 5, 10, 0)  # the wait moved it
    assert recheck(db, date(2026, 3, 1), date(2026, 3, 31)) == []


def test_the_resolution_time_is_recounted_with_the_verdict(db, data_dir, cli, monkeypatch) -> None:
    """QĐ 766 2.2's average counts each result's time in working days: a day the old calendar counted as
    worked is recounted too, and a dossier whose verdict stays (late on both calendars) is listed for it.
    Received Mon 29/12/2025 10:00 (3 working days); result Thu 08/01/2026 10:00: late on both calendars,
    but the decided calendar has 02/01 off, one working day less."""
    with monkeypatch.context() as old:
        _old_calendar(old)
        late = receive_dossier(db, procedure_code=THREE_DAYS, applicant=APPLICANT,
                               received_at=datetime(2025, 12, 29, 10, 0), now=NOW)
        move_dossier(db, late.code, "dang_xu_ly", at=datetime(2025, 12, 29, 11, 0), now=NOW)
        move_dossier(db, late.code, "co_ket_qua", at=datetime(2026, 1, 8, 10, 0), now=NOW)
    stored = db.execute("SELECT resolution, timeliness FROM dossiers WHERE code = ?", [late.code]).fetchone()
    assert stored == (7.0, "qua_han")  # 29/12 10:00 → 08/01 10:00 with only 01/01 off: 7 working days
    (row,) = recheck(db, date(2025, 12, 1), date(2026, 1, 31))
    assert (row.stored_timeliness, row.recomputed_timeliness) == ("qua_han", "qua_han")
    assert (row.stored_resolution, row.recomputed_resolution) == (7.0, 6.0)
    text = cli("--data-dir", str(data_dir), "calendar", "recheck", "--from", "01/12/2025", "--to", "31/01/2026").stdout
    assert f"{late.code}: hạn 10:00 02/01/2026 → 10:00 05/01/2026; quá hạn → quá hạn; thời gian giải quyết 7 → 6 " \
           "ngày làm việc" in text
    apply_corrections(db, [late.code])
    assert db.execute("SELECT resolution FROM dossiers WHERE code = ?", [late.code]).fetchone() == (6.0,)
    event = get_dossier(db, late.code).events[-1]
    assert (event["payload"]["resolution_before"], event["payload"]["resolution"]) == (7.0, 6.0)
    folded = fold_dossier(events_for(db, "dossier", late.uuid)).values     # every PC stores the same time
    assert folded["resolution"] == 6.0
    assert recheck(db, date(2025, 12, 1), date(2026, 1, 31)) == []

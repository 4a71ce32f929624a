"""Receiving dossiers: codes per station and day, due dates on the unit's calendar, linked groups."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from db.calendar_store import set_override
from db.data_folder import open_data_folder
from db.device import set_station_number
from db.dossier_queries import count_dossiers, get_dossier
from db.dossier_store import preview_due, receive_dossier, record_printed
from db.events import events_for
from db.settings_store import update_settings
from models.dossier import dossier_code, parse_paper
from models.dossier_applicant import make_applicant
from models.errors import UserError

NOW = datetime(2026, 3, 20, 12, 0)
AN = make_applicant(name="Nguyễn Văn An", cccd="001090123456", phone="0912345678", today=date(2026, 3, 1))
TWO_DAYS = "2.001019"  # Chứng thực di chúc: 02 ngày làm việc (sample catalog)
ONE_DAY = "1.003197"  # Xóa đăng ký thường trú: 01 ngày làm việc
SAME_DAY = "2.000815"  # Chứng thực bản sao: trong ngày, sau 15 giờ thì ngày làm việc tiếp theo
SEVEN_DAYS = "1.004222"  # Đăng ký thường trú: 07 ngày làm việc
UNKNOWN = "2.000986"  # Liên thông: "Theo thời hạn của từng thủ tục thành phần" (not computable)


def receive(db, procedure=TWO_DAYS, at=datetime(2026, 2, 13, 10, 0), **options):
    return receive_dossier(db, procedure_code=procedure, applicant=AN, received_at=at, now=NOW, **options)


def test_tet_2026_two_working_days(db) -> None:
    # shared/domain.md: Fri 13/02/2026 10:00 + 2 working days = Tue 24/02/2026 10:00 (Tết 16–20/02).
    assert preview_due(db, TWO_DAYS, datetime(2026, 2, 13, 10, 0)) == datetime(2026, 2, 24, 10, 0)
    dossier = receive(db)
    assert dossier.due_at == datetime(2026, 2, 24, 10, 0)
    assert dossier.due_source == "law" and dossier.state == "tiep_nhan"


def test_make_up_saturday_counts_as_working(db) -> None:
    friday = datetime(2026, 3, 6, 9, 0)
    assert preview_due(db, ONE_DAY, friday) == datetime(2026, 3, 9, 9, 0)  # Monday
    set_override(db, date(2026, 3, 7), "work", "Làm bù")
    assert receive(db, ONE_DAY, friday).due_at == datetime(2026, 3, 7, 9, 0)  # the Saturday


def test_same_day_cut_off_at_15(db) -> None:
    assert receive(db, SAME_DAY, datetime(2026, 3, 2, 14, 59)).due_at == datetime(2026, 3, 2, 17, 0)
    assert receive(db, SAME_DAY, datetime(2026, 3, 2, 15, 30)).due_at == datetime(2026, 3, 3, 17, 0)
    # Friday before Tết after the cut-off: the next working day is Monday 23/02.
    assert receive(db, SAME_DAY, datetime(2026, 2, 13, 15, 30)).due_at == datetime(2026, 2, 23, 17, 0)


def test_unknown_time_needs_an_explicit_due_date(db) -> None:
    assert preview_due(db, UNKNOWN, datetime(2026, 3, 2, 9, 0)) is None
    with pytest.raises(UserError, match="chưa có thời hạn giải quyết tính được"):
        receive(db, UNKNOWN, datetime(2026, 3, 2, 9, 0))
    assert count_dossiers(db) == 0
    with pytest.raises(UserError, match="phải sau thời điểm tiếp nhận"):
        receive(db, UNKNOWN, datetime(2026, 3, 2, 9, 0), due_at=datetime(2026, 3, 1, 9, 0))
    dossier = receive(db, UNKNOWN, datetime(2026, 3, 2, 9, 0), due_at=datetime(2026, 3, 16, 9, 0))
    assert dossier.due_at == datetime(2026, 3, 16, 9, 0) and dossier.due_source == "clerk"


def test_codes_count_per_station_per_day(db) -> None:
    update_settings(db, {"unit_code": "000.17.22.H56"})
    first = receive(db, at=datetime(2026, 2, 13, 8, 0))
    second = receive(db, at=datetime(2026, 2, 13, 9, 0))
    next_day = receive(db, at=datetime(2026, 2, 23, 8, 0))
    assert [first.code, second.code, next_day.code] == [
        "000.17.22.H56-260213-1001", "000.17.22.H56-260213-1002", "000.17.22.H56-260223-1001"]
    set_station_number(db, 2)
    assert receive(db, at=datetime(2026, 2, 13, 10, 0)).code == "000.17.22.H56-260213-2001"
    update_settings(db, {"dossier_prefix": "H56"})
    assert receive(db, at=datetime(2026, 2, 13, 11, 0)).code == "H56-260213-2002"


def test_two_pcs_never_collide(tmp_path) -> None:
    codes: list[str] = []
    uuids: set[str] = set()
    for station in (1, 2):
        database = open_data_folder(tmp_path / f"may-{station}")
        try:
            set_station_number(database, station)
            for minute in range(7):
                dossier = receive(database, at=datetime(2026, 2, 13, 8, minute))
                codes.append(dossier.code)
                uuids.add(dossier.uuid)
        finally:
            database.close()
    assert len(set(codes)) == len(codes) == 14 and len(uuids) == 14
    assert codes[13] == "000.00.00.H00-260213-2007"  # PC 2's 7th (shared/domain.md)
    assert all(re.fullmatch(r"000\.00\.00\.H00-260213-[12]00[1-7]", code) for code in codes)


def test_sequence_limit_is_a_clear_message() -> None:
    assert dossier_code("X", date(2026, 2, 13), 9, 999) == "X-260213-9999"
    with pytest.raises(UserError, match="999 hồ sơ trong ngày 13/02/2026"):
        dossier_code("X", date(2026, 2, 13), 1, 1000)


def test_papers_sets_note_and_event(db) -> None:
    papers = [parse_paper("Di chúc|ban_chinh|1"), parse_paper("Căn cước|Bản sao chứng thực|2")]
    dossier = receive(db, papers=papers, sets=2, note="  Khách  hẹn  chiều ", channel="ho_tro_truc_tuyen")
    stored = get_dossier(db, dossier.code)
    assert [(p.name, p.kind, p.count) for p in stored.papers] == [
        ("Di chúc", "ban_chinh", 1), ("Căn cước", "ban_sao_chung_thuc", 2)]
    assert stored.sets == 2 and stored.note == "Khách hẹn chiều" and stored.is_online
    [event] = events_for(db, "dossier", stored.uuid)
    assert event["action"] == "receive" and event["payload"]["code"] == stored.code
    assert event["payload"]["replayed"] is True and event["payload"]["entered_at"] == "2026-03-20T12:00:00"
    assert event["at"].startswith("2026-02-13T10:00:00")


def test_live_receipt_is_not_flagged_as_replay(db) -> None:
    dossier = receive_dossier(db, procedure_code=TWO_DAYS, applicant=AN)
    [event] = events_for(db, "dossier", dossier.uuid)
    assert "replayed" not in event["payload"] and "entered_at" not in event["payload"]


@pytest.mark.parametrize("options, message", [
    ({"channel": "fax"}, "Kênh nộp không hợp lệ"),
    ({"sets": 0}, "Số bộ hồ sơ"),
    ({"procedure": "9.999999"}, "Không có thủ tục mã '9.999999'"),
    ({"at": datetime(2026, 4, 1, 9, 0)}, "ở tương lai"),
    ({"linked": [SEVEN_DAYS, SEVEN_DAYS]}, "hai lần"),
])
def test_bad_input_changes_nothing(db, options: dict, message: str) -> None:
    before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(UserError, match=message):
        receive(db, **options)
    assert count_dossiers(db) == 0
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == before
    with pytest.raises(UserError, match="Số lượng giấy tờ"):
        parse_paper("Tờ khai|ban_chinh|0")
    with pytest.raises(UserError, match="Loại giấy tờ"):
        parse_paper("Tờ khai|photo|1")


def test_linked_dossiers_share_a_group(db) -> None:
    # Khai sinh (same day) with thường trú (7 working days), received Mon 02/03/2026 09:00.
    main = receive(db, "1.001193", datetime(2026, 3, 2, 9, 0), linked=[SEVEN_DAYS],
                   papers=[parse_paper("Tờ khai|ban_chinh|1")])
    assert main.code.endswith("-1001") and main.due_at == datetime(2026, 3, 2, 17, 0)
    [linked] = main.group
    assert linked["code"].endswith("-1002") and linked["procedure_code"] == SEVEN_DAYS
    assert linked["due_at"] == "2026-03-11T09:00:00"
    other = get_dossier(db, linked["code"])
    assert other.group_id == main.group_id and other.group[0]["code"] == main.code
    assert [p.name for p in other.papers] == ["Tờ khai"]
    for dossier in (main, other):
        [event] = events_for(db, "dossier", dossier.uuid)
        assert event["payload"]["group_codes"] == [main.code, other.code]


def test_linked_with_unknown_time_refused_as_a_whole(db) -> None:
    with pytest.raises(UserError, match=UNKNOWN):
        receive(db, "1.001193", datetime(2026, 3, 2, 9, 0), linked=[SEVEN_DAYS, UNKNOWN])
    assert count_dossiers(db) == 0


def test_nfd_name_stored_nfc(db) -> None:
    import unicodedata

    person = make_applicant(name=unicodedata.normalize("NFD", "Đỗ Thị Đào"), today=date(2026, 3, 1))
    dossier = receive_dossier(db, procedure_code=TWO_DAYS, applicant=person, received_at=datetime(2026, 3, 2, 9),
                              now=NOW)
    assert dossier.applicant.name == unicodedata.normalize("NFC", "Đỗ Thị Đào")


def test_printing_is_recorded_as_an_event(db) -> None:
    dossier = receive(db)
    record_printed(db, dossier.code, "tiep_nhan")
    event = events_for(db, "dossier", dossier.uuid)[-1]
    assert event["action"] == "print" and event["payload"] == {"code": dossier.code, "form": "tiep_nhan"}
    with pytest.raises(UserError, match="Không có hồ sơ"):
        record_printed(db, "KHONG-CO", "tiep_nhan")

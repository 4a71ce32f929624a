"""Citizens' ratings: recorded with their event in one transaction, only once the service was delivered."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from db.dossier_store import move_dossier, receive_dossier
from db.events import events_for
from db.ratings import apply_rating_events, get_rating, set_rating
from models.dossier_applicant import make_applicant
from models.errors import UserError

NOW = datetime(2026, 4, 20, 12, 0)


def returned(db, code_at=datetime(2026, 4, 1, 8, 0)):
    dossier = receive_dossier(db, procedure_code="1.004884", applicant=make_applicant(
        name="Nguyễn Thị Hoa", today=date(2026, 1, 1)), received_at=code_at, now=NOW)
    move_dossier(db, dossier.code, "dang_xu_ly", at=datetime(2026, 4, 1, 9, 0), now=NOW)
    move_dossier(db, dossier.code, "co_ket_qua", at=datetime(2026, 4, 2, 9, 0), now=NOW)
    move_dossier(db, dossier.code, "da_tra", at=datetime(2026, 4, 2, 10, 0), now=NOW)
    return dossier


def test_rating_with_its_event(db) -> None:
    dossier = returned(db)
    events_before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    rating = set_rating(db, dossier.code, "Không hài lòng", "  Chờ   lâu ", at=datetime(2026, 4, 2, 10, 5), now=NOW)
    assert (rating.rating, rating.comment, rating.field) == ("khong_hai_long", "Chờ lâu", "Hộ tịch")
    assert get_rating(db, dossier.code) == rating
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == events_before + 1
    event = events_for(db, "rating", dossier.uuid)[-1]
    assert event["action"] == "set" and event["payload"]["rating"] == "khong_hai_long"
    assert event["payload"]["previous"] is None
    corrected = set_rating(db, dossier.code, "hai_long", at=datetime(2026, 4, 2, 10, 6), now=NOW)
    assert get_rating(db, dossier.code) == corrected
    assert events_for(db, "rating", dossier.uuid)[-1]["payload"]["previous"] == "khong_hai_long"
    assert db.execute("SELECT count(*) FROM ratings").fetchone()[0] == 1


def test_refused_while_under_way_and_nothing_written(db) -> None:
    dossier = receive_dossier(db, procedure_code="1.004884", applicant=make_applicant(name="Lê Văn Tám"),
                              received_at=datetime(2026, 4, 1, 8, 0), now=NOW)
    events_before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(UserError, match="chỉ ghi đánh giá khi đã có kết quả"):
        set_rating(db, dossier.code, "hai_long", now=NOW)
    with pytest.raises(UserError, match="Mức đánh giá không hợp lệ"):
        set_rating(db, dossier.code, "tuyệt vời", now=NOW)
    with pytest.raises(UserError, match="Không có hồ sơ mã"):
        set_rating(db, "KHONG-CO", "hai_long", now=NOW)
    done = returned(db)
    with pytest.raises(UserError, match="trước lúc tiếp nhận"):
        set_rating(db, done.code, "hai_long", at=datetime(2026, 3, 1, 8, 0), now=NOW)
    with pytest.raises(UserError, match="ở tương lai"):
        set_rating(db, done.code, "hai_long", at=datetime(2026, 5, 1, 8, 0), now=NOW)
    with pytest.raises(UserError, match="Ý kiến quá dài"):
        set_rating(db, done.code, "hai_long", "x" * 1001, now=NOW)
    assert db.execute("SELECT count(*) FROM ratings").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == events_before + 4  # `done`'s own events


def test_rebuilt_from_events_as_sync_would(db) -> None:
    dossier = returned(db)
    set_rating(db, dossier.code, "binh_thuong", at=datetime(2026, 4, 2, 10, 5), now=NOW)
    set_rating(db, dossier.code, "hai_long", "Nhanh", at=datetime(2026, 4, 2, 10, 6), now=NOW)
    stored = get_rating(db, dossier.code)
    db.execute("DELETE FROM ratings")
    with db.atomic():
        assert apply_rating_events(db, dossier.uuid, events_for(db, "rating", dossier.uuid)) == 0
    assert get_rating(db, dossier.code) == stored


def test_rating_commands(db, data_dir, cli) -> None:
    dossier = returned(db)
    result = cli("--data-dir", str(data_dir), "--json", "rating", "set", dossier.code, "--rating", "hai_long",
                 "--comment", "Cán bộ nhiệt tình")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rating"] == "hai_long"
    shown = cli("--data-dir", str(data_dir), "rating", "show", dossier.code)
    assert shown.returncode == 0 and "Hài lòng" in shown.stdout and "Cán bộ nhiệt tình" in shown.stdout
    bad = cli("--data-dir", str(data_dir), "rating", "set", dossier.code, "--rating", "tot")
    assert bad.returncode == 2 and "Lỗi:" in bad.stderr and "Traceback" not in bad.stderr

"""Lists, filters and search-as-you-type over dossiers (folded: no accents, no case, đ -> d)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest

import db.dossier_queries as queries
from db.dossier_queries import count_dossiers, has_fts, list_dossiers
from db.dossier_store import move_dossier, receive_dossier
from models.dossier_applicant import make_applicant
from models.errors import UserError

NOW = datetime(2026, 3, 20, 12, 0)
TODAY = date(2026, 3, 1)


@pytest.fixture
def three(db):
    """An, Đào and an organisation, received Mon 02/03, Tue 03/03 and Wed 04/03/2026."""
    people = [
        make_applicant(name="Nguyễn Văn An", cccd="001090123456", phone="0912345678", today=TODAY),
        make_applicant(name=unicodedata.normalize("NFD", "Đỗ Thị Đào"), cccd="079305000123",
                       phone="0387654321", today=TODAY),
        make_applicant(name="Phạm Minh", organisation="Công ty Đông Á", phone="02438251234", today=TODAY),
    ]
    channels = ["truc_tiep", "truc_tuyen", "buu_chinh"]
    made = [receive_dossier(db, procedure_code="1.004884", applicant=person, channel=channel,
                            received_at=datetime(2026, 3, 2 + index, 9, 0), now=NOW)
            for index, (person, channel) in enumerate(zip(people, channels, strict=True))]
    return db, made


def codes(dossiers) -> list[str]:
    return [d.code for d in dossiers]


def test_fts_trigram_table_is_there(db) -> None:
    assert has_fts(db)


def test_newest_first_and_paging(three) -> None:
    db, (an, dao, org) = three
    assert codes(list_dossiers(db, now=NOW)) == [org.code, dao.code, an.code]
    assert codes(list_dossiers(db, limit=2, offset=1, now=NOW)) == [dao.code, an.code]
    assert count_dossiers(db) == 3
    with pytest.raises(UserError):
        list_dossiers(db, limit=0)


@pytest.mark.parametrize("typed, who", [
    ("nguyen van an", "an"), ("NGUYỄN", "an"), ("van an", "an"), ("Nguyễn Văn An", "an"),
    ("do thi dao", "dao"), ("Đào", "dao"), ("dao", "dao"), ("  đỗ   thị ", "dao"),
    ("001090123456", "an"), ("0901234", "an"), ("3050001", "dao"),
    ("0912345678", "an"), ("0912 345 678", "an"), ("+84912345678", "an"), ("387654", "dao"),
    ("cong ty dong a", "org"), ("0243825", "org"),
    ("260303-1001", "dao"), ("-260302-", "an"),
])
def test_search_folds_and_matches(three, typed: str, who: str) -> None:
    db, (an, dao, org) = three
    expected = {"an": an, "dao": dao, "org": org}[who]
    assert codes(list_dossiers(db, search=typed, now=NOW)) == [expected.code]
    assert count_dossiers(db, search=typed) == 1


def test_short_terms_and_no_match(three) -> None:
    db, (an, dao, org) = three
    assert codes(list_dossiers(db, search="an", now=NOW)) == [an.code]  # 2 letters: LIKE path
    assert codes(list_dossiers(db, search="a", now=NOW)) == [org.code, dao.code, an.code]
    assert list_dossiers(db, search="tran", now=NOW) == []
    assert count_dossiers(db, search="100%") == 0  # LIKE wildcards are escaped
    assert codes(list_dossiers(db, search="h00 van", now=NOW)) == [an.code]


def test_search_without_fts_falls_back_to_like(three, monkeypatch) -> None:
    db, (an, dao, org) = three
    monkeypatch.setattr(queries, "has_fts", lambda database: False)
    assert codes(list_dossiers(db, search="do thi dao", now=NOW)) == [dao.code]
    assert count_dossiers(db, search="0912345678") == 1


def test_filters(three) -> None:
    db, (an, dao, org) = three
    move_dossier(db, an.code, "dang_xu_ly", at=datetime(2026, 3, 2, 10, 0), now=NOW)
    assert codes(list_dossiers(db, state="dang_xu_ly", now=NOW)) == [an.code]
    assert codes(list_dossiers(db, states=["dang_xu_ly", "tiep_nhan"], now=NOW)) == [org.code, dao.code, an.code]
    assert codes(list_dossiers(db, channel="truc_tuyen", now=NOW)) == [dao.code]
    assert codes(list_dossiers(db, field="Hộ tịch", now=NOW)) == [org.code, dao.code, an.code]
    assert list_dossiers(db, field="Đất đai", now=NOW) == []
    assert codes(list_dossiers(db, received_from=date(2026, 3, 3), received_to=date(2026, 3, 3), now=NOW)) == [
        dao.code]
    assert codes(list_dossiers(db, state="tiep_nhan", search="dao", now=NOW)) == [dao.code]
    with pytest.raises(UserError, match="Trạng thái không hợp lệ"):
        list_dossiers(db, state="xong")


def test_due_today_and_this_week(three) -> None:
    db, (an, dao, org) = three
    # 5 working days: due Mon 09/03, Tue 10/03 and Wed 11/03/2026 at 09:00.
    assert codes(list_dossiers(db, due_today=True, now=datetime(2026, 3, 10, 7, 0))) == [dao.code]
    assert codes(list_dossiers(db, due_this_week=True, now=datetime(2026, 3, 12, 7, 0))) == [
        org.code, dao.code, an.code]
    assert list_dossiers(db, due_this_week=True, now=datetime(2026, 3, 6, 7, 0)) == []
    assert count_dossiers(db, overdue=True, now=datetime(2026, 3, 10, 9, 30)) == 2
    move_dossier(db, an.code, "cho_bo_sung", at=datetime(2026, 3, 3, 9, 0), note="Thiếu tờ khai", now=NOW)
    assert count_dossiers(db, overdue=True, now=datetime(2026, 3, 10, 9, 30)) == 1  # paused: not overdue


def test_common_terms_use_the_ordered_scan_with_the_same_results(three, monkeypatch) -> None:
    db, (an, dao, org) = three
    expected = {text: codes(list_dossiers(db, search=text, now=NOW)) for text in ("h00", "nguyen van", "0912")}
    assert expected["h00"] == [org.code, dao.code, an.code]
    monkeypatch.setattr(queries, "COMMON_MATCHES", 1)  # every FTS query now counts as common
    assert queries._matches_at_least(db, '"h00"', queries.COMMON_MATCHES)
    for text, found in expected.items():
        assert codes(list_dossiers(db, search=text, now=NOW)) == found
        assert count_dossiers(db, search=text) == len(found)


@pytest.mark.parametrize("window, huge", [(0, 10**9), (1, 10**9), (1, 1), (2, 10**9), (10**6, 10**9)])
def test_the_bounded_walk_gives_the_same_pages(three, monkeypatch, window, huge) -> None:
    """Whether the newest-`window` walk fills the page, falls back to sorted FTS matches, or walks on."""
    db, _ = three
    texts = ("h00", "nguyen van", "0912", "dao")
    expected = {text: codes(list_dossiers(db, search=text, now=NOW)) for text in texts}
    paged = {text: [codes(list_dossiers(db, search=text, now=NOW, limit=1, offset=i)) for i in range(4)]
             for text in texts}
    monkeypatch.setattr(queries, "COMMON_MATCHES", 1)
    monkeypatch.setattr(queries, "WALK_WINDOW", window)
    monkeypatch.setattr(queries, "HUGE_MATCHES", huge)
    for text in texts:
        assert codes(list_dossiers(db, search=text, now=NOW)) == expected[text]
        assert [codes(list_dossiers(db, search=text, now=NOW, limit=1, offset=i)) for i in range(4)] == paged[text]

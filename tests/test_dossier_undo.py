"""Taking a wrong move back (issue #14): a new event, never an edit of history; who may and until when."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from db.dossier_queries import get_dossier
from db.dossier_rules import DossierRules, save_dossier_rules
from db.dossier_store import extend_dossier, move_dossier, receive_dossier
from db.events import events_for
from models.dossier_applicant import make_applicant
from models.dossier_undo import UNDO_ACTION, standing_events, undone_moves
from models.errors import UserError
from models.session import User, acting_as
from services.dossiers import undo_move
from sync.fold_dossier import FOLDED_COLUMNS, fold_dossier

NOW = datetime(2026, 4, 20, 12, 0)
FIVE_DAYS = "1.004884"
APPLICANT = make_applicant(name="Lê Văn Bình", today=date(2026, 3, 1))
CLERK = User("an", "Nguyễn Văn An", "clerk")
OTHER_CLERK = User("binh", "Trần Thị Bình", "clerk")
OFFICER = User("cuong", "Lê Cường", "officer")
LEADER = User("dung", "Phạm Dũng", "leader")


def stored_row(db, code):
    return dict(zip(FOLDED_COLUMNS, db.execute(f"SELECT {', '.join(FOLDED_COLUMNS)} FROM dossiers WHERE code = ?",
                                               [code]).fetchone(), strict=True))


@pytest.fixture
def dossier(db):
    return receive_dossier(db, procedure_code=FIVE_DAYS, applicant=APPLICANT,
                           received_at=datetime(2026, 4, 20, 8, 0), now=NOW)


def test_the_author_takes_a_move_back_the_same_day_with_a_new_event(db, dossier):
    before = stored_row(db, dossier.code)
    with acting_as(CLERK):
        move_dossier(db, dossier.code, "dang_xu_ly", at=datetime(2026, 4, 20, 9, 0), now=NOW)
        undone = undo_move(db, dossier.code, reason="Bấm nhầm hồ sơ", now=NOW).dossier
    assert undone.state == "tiep_nhan"
    assert stored_row(db, dossier.code) == before  # the row as it was before the move
    events = events_for(db, "dossier", dossier.uuid)
    assert [e["action"] for e in events] == ["receive", "move", UNDO_ACTION]  # history kept, one event more
    undo = events[-1]
    assert undo["actor"] == "an" and undo["payload"]["reason"] == "Bấm nhầm hồ sơ"
    assert undo["payload"]["move_uuid"] == events[1]["uuid"]
    assert undone_moves(events) == {events[1]["uuid"]}
    assert [e["action"] for e in standing_events(events)] == ["receive"]
    # the fold every PC runs reaches the same row
    folded = fold_dossier(events)
    assert not folded.conflicts and folded.values == stored_row(db, dossier.code)


def test_undoing_a_resume_puts_back_the_pause_and_the_due_moment(db, dossier):
    move_dossier(db, dossier.code, "dang_xu_ly", at=datetime(2026, 4, 20, 9, 0), now=NOW)
    move_dossier(db, dossier.code, "cho_bo_sung", at=datetime(2026, 4, 20, 9, 30), note="Thiếu giấy", now=NOW)
    paused = stored_row(db, dossier.code)
    later = datetime(2026, 4, 23, 10, 0)
    resumed = move_dossier(db, dossier.code, "dang_xu_ly", at=later, now=later)
    assert resumed.due_at != dossier.due_at
    undo_move(db, dossier.code, reason="Công dân chưa nộp đủ", now=later)
    assert stored_row(db, dossier.code) == paused
    assert fold_dossier(events_for(db, "dossier", dossier.uuid)).values == paused


def test_who_may_undo_and_until_when(db, dossier):
    with acting_as(CLERK):
        move_dossier(db, dossier.code, "dang_xu_ly", at=datetime(2026, 4, 20, 9, 0), now=NOW)
    with acting_as(OTHER_CLERK), pytest.raises(UserError, match="do an thực hiện"):
        undo_move(db, dossier.code, reason="nhầm", now=NOW)
    with acting_as(CLERK), pytest.raises(UserError, match="trong ngày làm việc"):
        undo_move(db, dossier.code, reason="nhầm", now=datetime(2026, 4, 21, 8, 0))
    with acting_as(CLERK), pytest.raises(UserError, match="lý do"):
        undo_move(db, dossier.code, reason="  ", now=NOW)
    save_dossier_rules(db, DossierRules(author_undo_same_day=False))
    with acting_as(CLERK), pytest.raises(UserError, match="chỉ lãnh đạo"):
        undo_move(db, dossier.code, reason="nhầm", now=NOW)
    assert get_dossier(db, dossier.code).state == "dang_xu_ly"  # every refusal changed nothing
    with acting_as(LEADER):
        assert undo_move(db, dossier.code, reason="Lãnh đạo sửa", now=datetime(2026, 5, 4, 8, 0)).dossier.state \
            == "tiep_nhan"
    with acting_as(LEADER), pytest.raises(UserError, match="không có bước chuyển"):
        undo_move(db, dossier.code, reason="lần nữa", now=NOW)  # an undo is not undone, nor the move before


def test_a_move_followed_by_an_extension_is_not_undone(db, dossier):
    move_dossier(db, dossier.code, "dang_xu_ly", at=datetime(2026, 4, 20, 9, 0), now=NOW)
    extend_dossier(db, dossier.code, days=1, reason="Chờ xác minh", at=datetime(2026, 4, 20, 10, 0), now=NOW)
    with pytest.raises(UserError, match="không có bước chuyển"):
        undo_move(db, dossier.code, reason="nhầm", now=NOW)


def test_the_fold_skips_an_undo_that_meets_a_later_move_from_another_pc(db, dossier):
    move_dossier(db, dossier.code, "dang_xu_ly", at=datetime(2026, 4, 20, 9, 0), now=NOW)
    undo_move(db, dossier.code, reason="nhầm", now=NOW)
    receive, first, undo = events_for(db, "dossier", dossier.uuid)
    other = {**first, "uuid": "khac", "device_id": "pc-b", "at": "2026-04-20T11:00:00+07:00",
             "payload": {**first["payload"], "from": "dang_xu_ly", "to": "co_ket_qua"}}
    undo_late = {**undo, "at": "2026-04-20T11:30:00+07:00"}
    folded = fold_dossier([receive, first, other, undo_late])
    assert folded.values["state"] == "co_ket_qua"
    assert [(c.kind, c.outcome) for c in folded.conflicts] == [("undo_move", "skipped")]


def test_dossier_undo_on_the_command_line(cli, data_dir):
    made = cli("--data-dir", str(data_dir), "--json", "dossier", "receive", "--procedure", FIVE_DAYS,
               "--name", "Lê Văn Bình")
    assert made.returncode == 0, made.stderr
    import json

    code = json.loads(made.stdout)["code"]
    assert cli("--data-dir", str(data_dir), "dossier", "move", code, "--to", "dang_xu_ly").returncode == 0
    refused = cli("--data-dir", str(data_dir), "dossier", "undo", code)
    assert refused.returncode != 0
    done = cli("--data-dir", str(data_dir), "dossier", "undo", code, "--reason", "Chuyển nhầm")
    assert done.returncode == 0, done.stderr
    assert "Mới tiếp nhận" in done.stdout
    shown = cli("--data-dir", str(data_dir), "dossier", "show", code)
    assert "Hoàn tác chuyển trạng thái" in shown.stdout and "Chuyển nhầm" in shown.stdout

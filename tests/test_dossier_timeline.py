"""The one timeline the detail screen and `dossier show` print (models/dossier_timeline.py)."""

from __future__ import annotations

from datetime import datetime

from models.dossier_timeline import SYNC_ACTOR, actor_text, timeline_entries
from models.dossier_undo import UNDO_ACTION


def _event(uuid: str, at: str, actor: str, action: str, payload: dict) -> dict:
    return {"uuid": uuid, "at": at, "actor": actor, "action": action, "payload": payload}


def test_who_is_the_full_name_the_event_carries_then_the_accounts_then_the_login():
    names = {"an": "Nguyễn Văn An"}
    assert actor_text(_event("1", "", "binh", "move", {"actor_name": "Trần Thị Bình"}), names) == "Trần Thị Bình"
    assert actor_text(_event("1", "", "an", "move", {}), names) == "Nguyễn Văn An"
    assert actor_text(_event("1", "", "chi", "move", {"actor_name": ""}), names) == "chi"


def test_conflicts_join_the_events_by_time_and_an_undone_move_says_so():
    events = [
        _event("r", "2026-02-13T10:00:00+07:00", "an", "receive", {}),
        _event("m", "2026-02-13T11:00:00+07:00", "an", "move", {"from": "tiep_nhan", "to": "dang_xu_ly"}),
        _event("u", "2026-02-13T11:30:00+07:00", "an", UNDO_ACTION, {"move_uuid": "m", "from": "dang_xu_ly",
                                                                     "to": "tiep_nhan", "reason": "Nhầm"}),
    ]
    conflict = {"detected_at": "2026-02-13T10:30:00+07:00", "message": "Hai máy sửa cùng lúc"}
    entries = timeline_entries(events, [conflict], {"an": "Nguyễn Văn An"})
    assert [e.who for e in entries] == ["Nguyễn Văn An", SYNC_ACTOR, "Nguyễn Văn An", "Nguyễn Văn An"]
    assert [e.warning for e in entries] == [False, True, False, False]
    assert entries[1].note == "Hai máy sửa cùng lúc"
    assert entries[2].what.endswith("(đã hoàn tác)")
    local = datetime.fromisoformat("2026-02-13T11:00:00+07:00").astimezone().replace(tzinfo=None)
    assert entries[2].at == local and entries[2].when == f"{local:%H:%M %d/%m/%Y}"
    assert entries[3].what.startswith("Hoàn tác") and entries[3].note == "Nhầm"
    assert entries[0].to_dict() == {"at": entries[0].at.isoformat(timespec="seconds"), "who": "Nguyễn Văn An",
                                    "what": "Tiếp nhận hồ sơ", "note": "", "warning": False}

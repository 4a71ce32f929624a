"""Rebuilding state from events: a dossier's row from its events alone, any arrival order, conflicts kept."""

from __future__ import annotations

import random
from datetime import timedelta

from sync_helpers import BASE, dossier_rows, local_events, move, papers, receive

from db.events import pending_count, record_event
from models.dossier import Paper
from sync.conflicts import conflicts_for, list_conflicts
from sync.fold_dossier import fold_dossier
from sync.projection import apply_remote_events


def _full_history(client, tmp_path):
    """Every kind of dossier event: a linked group with papers, pause and resume, extension, result, return,
    an attachment, and a refusal of another dossier."""
    from db.attachments import attach_file
    from db.dossier_store import extend_dossier

    db = client.db
    first = receive(db, papers=[Paper("Tờ khai", "ban_chinh", 1), Paper("Giấy chứng sinh", "ban_sao", 2)],
                    linked=["1.004222"], sets=2, note="Ghi chú")
    move(db, first.code, "dang_xu_ly", BASE + timedelta(hours=1))
    move(db, first.code, "cho_bo_sung", BASE + timedelta(hours=2))
    move(db, first.code, "dang_xu_ly", BASE + timedelta(days=1, hours=1))
    extend_dossier(db, first.code, reason="Cần xác minh", days=1, at=BASE + timedelta(days=1, hours=2),
                   now=BASE + timedelta(days=1, hours=3))
    move(db, first.code, "co_ket_qua", BASE + timedelta(days=2))
    move(db, first.code, "da_tra", BASE + timedelta(days=2, hours=1))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n% test\n")
    attach_file(db, client.data_dir, first.code, scan)
    other = receive(db, name="Trần Thị Bình", at=BASE + timedelta(hours=3))
    move(db, other.code, "tu_choi", BASE + timedelta(hours=4))
    return first


def test_a_dossier_is_rebuilt_from_its_events_alone(clients, tmp_path):
    a, b = clients("a", 1), clients("b", 2)
    _full_history(a, tmp_path)
    result = apply_remote_events(b.db, local_events(a.db))
    assert result.invalid == [] and result.new == len(local_events(a.db))
    assert dossier_rows(b.db) == dossier_rows(a.db)          # every column the fold owns, every dossier
    assert papers(b.db) == papers(a.db)
    attachments = "SELECT uuid, sha256, ext, size, display_name, kind, added_at FROM dossier_attachments ORDER BY uuid"
    assert b.db.execute(attachments).fetchall() == a.db.execute(attachments).fetchall()
    search = "SELECT uuid, search_text FROM dossiers ORDER BY uuid"
    assert b.db.execute(search).fetchall() == a.db.execute(search).fetchall()
    assert list_conflicts(a.db) == [] and list_conflicts(b.db) == []


def test_the_fold_of_the_local_events_equals_the_stored_row(clients, tmp_path):
    from db.events import events_for

    a = clients("a", 1)
    first = _full_history(a, tmp_path)
    folded = fold_dossier(events_for(a.db, "dossier", first.uuid))
    assert folded.conflicts == [] and folded.values == dossier_rows(a.db)[first.uuid]
    assert folded.values["state"] == "da_tra" and folded.values["extension_count"] == 1
    assert folded.values["supplement_count"] == 1 and folded.values["timeliness"] == "qua_han"


def test_events_arriving_in_any_order_and_twice_give_the_same_state(clients, tmp_path):
    a = clients("a", 1)
    _full_history(a, tmp_path)
    events = local_events(a.db)
    expected = None
    for seed in range(4):
        b = clients(f"b{seed}", 2)
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        for start in range(0, len(shuffled), 3):  # small pages, each its own transaction
            apply_remote_events(b.db, shuffled[start:start + 3])
        again = apply_remote_events(b.db, shuffled)
        assert again.new == 0 and again.duplicates == len(events)
        rows = dossier_rows(b.db)
        assert rows == dossier_rows(a.db)
        expected = expected or rows
        assert rows == expected


def test_remote_events_are_not_pending_and_keep_this_pcs_chain(clients):
    a, b = clients("a", 1), clients("b", 2)
    receive(a.db)
    before = pending_count(b.db)
    last = local_events(b.db)[-1]
    apply_remote_events(b.db, local_events(a.db))
    assert pending_count(b.db) == before                      # never pushed again by b
    with b.db.atomic():
        event = record_event(b.db, entity="calendar", entity_id="2026-03-07", action="set",
                             payload={"kind": "work", "note": ""})
    assert event.seq == last["seq"] + 1
    assert b.db.execute("SELECT prev_hash FROM events WHERE uuid = ?", [event.uuid]).fetchone()[0] == last["hash"]


def test_a_tampered_event_is_refused_and_changes_nothing(clients):
    a, b = clients("a", 1), clients("b", 2)
    receive(a.db)
    events = local_events(a.db)
    events[-1]["payload"]["applicant_name"] = "Người khác"
    result = apply_remote_events(b.db, events[-1:])
    assert result.new == 0 and "băm" in result.invalid[0]["reason"]
    assert dossier_rows(b.db) == {}


def test_two_pcs_moving_one_dossier_apart_converge_and_both_see_the_conflict(clients):
    a, b = clients("a", 1), clients("b", 2)
    dossier = receive(a.db)
    move(a.db, dossier.code, "dang_xu_ly", BASE + timedelta(hours=1))
    apply_remote_events(b.db, local_events(a.db))
    # Apart: a finishes it, b (later in time) refuses it; refusing is not allowed after co_ket_qua.
    move(a.db, dossier.code, "co_ket_qua", BASE + timedelta(hours=2))
    move(b.db, dossier.code, "tu_choi", BASE + timedelta(hours=3))
    apply_remote_events(a.db, local_events(b.db))
    apply_remote_events(b.db, local_events(a.db))
    assert dossier_rows(a.db) == dossier_rows(b.db)
    assert dossier_rows(a.db)[dossier.uuid]["state"] == "co_ket_qua"
    for client in (a, b):
        found = conflicts_for(client.db, "dossier", dossier.uuid)
        assert [(c["kind"], c["outcome"]) for c in found] == [("state_move", "skipped")]
        assert "Từ chối giải quyết" in found[0]["message"] and "không áp dụng" in found[0]["message"]


def test_an_allowed_move_made_apart_is_applied_and_flagged(clients):
    a, b = clients("a", 1), clients("b", 2)
    dossier = receive(a.db)
    apply_remote_events(b.db, local_events(a.db))
    move(a.db, dossier.code, "dang_xu_ly", BASE + timedelta(hours=1))
    move(b.db, dossier.code, "rut_ho_so", BASE + timedelta(hours=2))  # allowed from dang_xu_ly too
    apply_remote_events(a.db, local_events(b.db))
    apply_remote_events(b.db, local_events(a.db))
    assert dossier_rows(a.db) == dossier_rows(b.db)
    assert dossier_rows(a.db)[dossier.uuid]["state"] == "rut_ho_so"
    assert [(c["kind"], c["outcome"]) for c in conflicts_for(a.db, "dossier", dossier.uuid)] == \
        [("state_move", "applied")]


def test_extensions_made_apart_are_both_counted_and_flagged(clients):
    from db.dossier_store import extend_dossier

    a, b = clients("a", 1), clients("b", 2)
    dossier = receive(a.db)
    apply_remote_events(b.db, local_events(a.db))
    extend_dossier(a.db, dossier.code, reason="Xác minh", days=1, at=BASE + timedelta(hours=1),
                   now=BASE + timedelta(hours=2))
    extend_dossier(b.db, dossier.code, reason="Chờ ý kiến", days=2, at=BASE + timedelta(hours=3),
                   now=BASE + timedelta(hours=4))
    apply_remote_events(a.db, local_events(b.db))
    apply_remote_events(b.db, local_events(a.db))
    rows = dossier_rows(a.db)
    assert rows == dossier_rows(b.db) and rows[dossier.uuid]["extension_count"] == 2
    assert [c["kind"] for c in conflicts_for(b.db, "dossier", dossier.uuid)] == ["due_at"]


def test_settings_calendar_and_catalog_follow_the_sorted_order(clients):
    from db.calendar_store import list_overrides, set_override
    from db.catalog_store import get_procedure, retire_procedure, set_essential
    from db.settings_store import load_settings, update_settings

    a, b = clients("a", 1), clients("b", 2)
    apply_remote_events(b.db, local_events(a.db))
    apply_remote_events(a.db, local_events(b.db))
    update_settings(a.db, {"unit_name": "UBND xã A"})
    set_override(a.db, BASE.date(), "off", "Nghỉ bù")
    retire_procedure(a.db, "1.000656")
    set_essential(b.db, "1.000656", False)     # another field of the same procedure, on the other PC
    update_settings(b.db, {"unit_name": "UBND xã B"})
    apply_remote_events(a.db, local_events(b.db))
    apply_remote_events(b.db, local_events(a.db))
    for client in (a, b):
        assert list_overrides(client.db) == [{"day": BASE.date().isoformat(), "kind": "off", "note": "Nghỉ bù"}]
        procedure = get_procedure(client.db, "1.000656")
        assert not procedure.active and not procedure.essential  # both edits survive
    assert load_settings(a.db) == load_settings(b.db)
    assert list_conflicts(a.db) == []  # two PCs loading the bundled sample is no conflict


def test_ratings_and_prints_travel_and_exports_stay_audit_only(clients):
    from db.dossier_store import record_printed
    from db.ratings import get_rating, set_rating

    a, b = clients("a", 1), clients("b", 2)
    dossier = receive(a.db)
    move(a.db, dossier.code, "tu_choi", BASE + timedelta(hours=1))
    set_rating(a.db, dossier.code, "khong_hai_long", "Chờ lâu", at=BASE + timedelta(hours=2),
               now=BASE + timedelta(hours=3))
    record_printed(a.db, dossier.code, "mau_03")
    result = apply_remote_events(b.db, local_events(a.db))
    assert result.invalid == [] and dossier_rows(b.db) == dossier_rows(a.db)
    assert get_rating(b.db, dossier.code).rating == "khong_hai_long"
    assert get_rating(b.db, dossier.code).comment == "Chờ lâu"

"""Two dossiers with one code are both shown: the first received keeps it, the other is renamed, its old code
stays findable, both timelines say so, and every PC agrees whatever the arrival order."""

from __future__ import annotations

import json
from datetime import timedelta

from sync_helpers import BASE, dossier_rows, local_events, move, receive

from db.dossier_queries import find_dossier, get_dossier, list_dossiers
from sync.conflicts import conflicts_for, list_conflicts
from sync.projection import apply_remote_events
from sync.same_code import Claim, assign_codes


def _codes(db) -> dict[str, str]:
    return {uuid: row["code"] for uuid, row in dossier_rows(db).items()}


def test_assign_codes_first_received_keeps_the_code_whatever_the_order():
    claims = [Claim("u3", "C", ("2026-03-02T09:00:00+07:00", "b", 4)),
              Claim("u1", "C", ("2026-03-02T08:00:00+07:00", "z", 9)),
              Claim("u2", "C", ("2026-03-02T09:00:00+07:00", "a", 7)),
              Claim("u4", "D", ("2026-03-02T10:00:00+07:00", "a", 8))]
    expected = {"u1": "C", "u2": "C-2", "u3": "C-3", "u4": "D"}
    assert assign_codes(claims) == expected
    assert assign_codes(reversed(claims)) == expected


def test_two_pcs_with_one_station_both_show_both_dossiers(clients):
    a, b = clients("a", 1), clients("b", 1)
    theirs = receive(a.db, name="Nguyễn Văn An")
    mine = receive(b.db, name="Lê Văn Cường", at=BASE + timedelta(minutes=5))
    assert mine.code == theirs.code
    old = mine.code
    result = apply_remote_events(b.db, local_events(a.db))
    apply_remote_events(a.db, local_events(b.db))
    assert result.conflicts == 2                                      # a note on each dossier
    assert dossier_rows(a.db) == dossier_rows(b.db)
    assert _codes(b.db) == {theirs.uuid: old, mine.uuid: f"{old}-2"}  # received first keeps the code
    for db in (a.db, b.db):
        assert len(list_dossiers(db)) == 2
        kinds = {c["entity_id"]: c["kind"] for c in list_conflicts(db)}
        assert kinds == {theirs.uuid: "same_code", mine.uuid: "same_code"}
        assert f"{old}-2" in conflicts_for(db, "dossier", mine.uuid)[0]["message"]
        assert find_dossier(db, old).uuid == theirs.uuid               # the code shown wins
        renamed = get_dossier(db, f"{old}-2")
        assert renamed.aliases == (old,) and renamed.applicant.name == "Lê Văn Cường"
        assert {d.code for d in list_dossiers(db, search=old)} == {old, f"{old}-2"}  # the receipt's code finds both
    # The PC that received the renamed dossier records the renaming; the event reaches the other PC.
    recode = [e for e in local_events(b.db) if e["action"] == "recode"]
    assert [(e["entity_id"], e["payload"]["from"], e["payload"]["to"]) for e in recode] == \
        [(mine.uuid, old, f"{old}-2")]
    assert not [e for e in local_events(a.db) if e["action"] == "recode"]
    apply_remote_events(a.db, local_events(b.db))
    assert dossier_rows(a.db) == dossier_rows(b.db)
    assert [e["action"] for e in get_dossier(a.db, f"{old}-2").events] == ["receive", "recode"]
    # Later moves by either PC land on the right dossier.
    move(b.db, f"{old}-2", "dang_xu_ly", BASE + timedelta(hours=2))
    apply_remote_events(a.db, local_events(b.db))
    assert get_dossier(a.db, f"{old}-2").state == "dang_xu_ly" and get_dossier(a.db, old).state == "tiep_nhan"


def test_a_third_earlier_dossier_takes_the_code_and_the_others_move_down(clients):
    a, b, c = clients("a", 1), clients("b", 1), clients("c", 1)
    x = receive(a.db, name="Xuân", at=BASE + timedelta(minutes=10))
    y = receive(b.db, name="Yến", at=BASE + timedelta(minutes=20))
    z = receive(c.db, name="Zung", at=BASE)
    code = x.code
    apply_remote_events(b.db, local_events(a.db))
    assert _codes(b.db) == {x.uuid: code, y.uuid: f"{code}-2"}
    apply_remote_events(b.db, local_events(c.db))
    assert _codes(b.db) == {z.uuid: code, x.uuid: f"{code}-2", y.uuid: f"{code}-3"}
    for db in (a.db, c.db):
        for other in (a, b, c):
            apply_remote_events(db, local_events(other.db))
    for other in (a, b, c):  # the recode events of b travel too
        apply_remote_events(a.db, local_events(other.db))
        apply_remote_events(c.db, local_events(other.db))
    assert dossier_rows(a.db) == dossier_rows(b.db) == dossier_rows(c.db)
    assert get_dossier(a.db, f"{code}-3").aliases == (code, f"{code}-2")  # the corrected receipt's code too


def test_a_dossier_hidden_by_an_older_version_is_shown_at_the_next_pull(clients):
    a, b = clients("a", 1), clients("b", 1)
    theirs, mine = receive(a.db), receive(b.db, at=BASE + timedelta(minutes=1))
    apply_remote_events(b.db, local_events(a.db))
    # What the older version left: the other PC's dossier not shown, a duplicate_code conflict.
    with b.db.atomic():
        b.db.execute("DELETE FROM dossier_papers WHERE dossier_id = (SELECT id FROM dossiers WHERE uuid = ?)",
                     [theirs.uuid])
        b.db.execute("DELETE FROM dossiers WHERE uuid = ?", [theirs.uuid])
        b.db.execute("DELETE FROM dossier_aliases")
        b.db.execute("UPDATE dossiers SET code = claimed_code")
        b.db.execute("DELETE FROM conflicts")
        b.db.execute("INSERT INTO conflicts (entity, entity_id, event_uuid, kind, outcome, message, detected_at) "
                     "VALUES ('dossier', ?, 'x', 'duplicate_code', 'skipped', 'cũ', '2026-03-02T08:00:00+07:00')",
                     [theirs.uuid])
    assert len(list_dossiers(b.db)) == 1
    apply_remote_events(b.db, [])
    assert {r["code"] for r in dossier_rows(b.db).values()} == {theirs.code, f"{mine.code}-2"}
    assert {c["kind"] for c in list_conflicts(b.db)} == {"same_code"}


def test_dossier_show_by_an_old_code_says_alias_of(clients, cli):
    a, b, c = clients("a", 1), clients("b", 1), clients("c", 1)
    x = receive(a.db, name="Xuân", at=BASE + timedelta(minutes=10))
    y = receive(b.db, name="Yến", at=BASE + timedelta(minutes=20))
    code = x.code
    apply_remote_events(b.db, local_events(a.db))   # Yến's dossier becomes …-2, and b says so in an event
    z = receive(c.db, name="Zung", at=BASE)
    apply_remote_events(b.db, local_events(c.db))   # now Xuân's is …-2 and Yến's …-3

    def show(asked: str) -> dict:
        done = cli("--json", "--data-dir", str(b.data_dir), "dossier", "show", asked)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    shown = show(code)
    assert shown["uuid"] == z.uuid and shown["alias_of"] == [f"{code}-2", f"{code}-3"]
    assert any("Yến" in note for note in shown["notes"])
    latest = show(f"{code}-3")
    assert latest["uuid"] == y.uuid and latest["aliases"] == [code, f"{code}-2"] and latest["alias_of"] == []
    middle = show(f"{code}-2")  # shown by Xuân's now, and printed on Yến's corrected receipt before
    assert middle["uuid"] == x.uuid and middle["alias_of"] == [f"{code}-3"]


def test_a_corrected_receipt_prints_the_new_code_and_names_the_old_one(clients, tmp_path):
    from pypdf import PdfReader

    from services.forms import render_dossier_form

    a, b = clients("a", 1), clients("b", 1)
    receive(a.db, name="Nguyễn Văn An")
    mine = receive(b.db, name="Lê Văn Cường", at=BASE + timedelta(minutes=5))
    apply_remote_events(b.db, local_events(a.db))
    out = tmp_path / "giay-tiep-nhan.pdf"
    render_dossier_form(b.db, "tiep_nhan", f"{mine.code}-2", out)
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert f"Mã hồ sơ: {mine.code}-2" in text and f"Thay cho mã {mine.code}" in text


def test_a_code_reused_after_a_restore_shows_both_dossiers(hub, clients):
    from datetime import datetime

    from sync_helpers import enroll

    from db.backup import create_backup
    from db.backup_restore import restore_backup
    from db.data_folder import open_data_folder
    from sync.client import run_sync

    a, b = clients("a"), clients("b")
    enroll(a, hub)
    enroll(b, hub)
    receive(a.db, name="Trước sao lưu")
    assert run_sync(a.db, a.data_dir).all_acknowledged
    backup = create_backup(a.data_dir, now=datetime.now() - timedelta(minutes=10)).path
    lost = receive(a.db, name="Sau sao lưu", at=BASE + timedelta(minutes=30))
    assert run_sync(a.db, a.data_dir).all_acknowledged
    a.db.close()
    restore_backup(a.data_dir, backup)
    a.db = open_data_folder(a.data_dir)
    again = receive(a.db, name="Sau khôi phục", at=BASE + timedelta(minutes=40))
    assert again.code == lost.code                          # the day's numbers come from the restored table
    report = run_sync(a.db, a.data_dir)
    assert report.all_acknowledged and report.recovered
    assert run_sync(b.db, b.data_dir).all_acknowledged
    for db in (a.db, b.db):
        assert _codes(db)[lost.uuid] == lost.code and _codes(db)[again.uuid] == f"{lost.code}-2"
        assert len(list_dossiers(db)) == 3
    assert dossier_rows(a.db) == dossier_rows(b.db)
    recode = [e for e in local_events(a.db) if e["action"] == "recode"]
    assert [(e["entity_id"], e["payload"]["to"]) for e in recode] == [(again.uuid, f"{lost.code}-2")]

"""Issue #17 as attacks on the hub: a PC pushing as another PC, unsigned or badly signed events, bad JSON."""

from __future__ import annotations

from sync_helpers import enroll, local_events, receive, request, sign

from db.device import device_id
from db.events import event_hash
from db.settings_store import load_settings
from sync.client import run_sync
from sync.wire import HASHED_FIELDS


def _forge(db_of_attacker, victim_device: str, seq: int, payload: dict) -> dict:
    """An event in the victim's name, hashed right (hashes are unkeyed) and signed with the attacker's key."""
    event = {"uuid": "5b0e3c1e-1111-4c2a-9f00-000000000001", "device_id": victim_device, "seq": seq,
             "actor": "admin", "at": "2026-03-02T09:00:00+07:00", "entity": "settings", "entity_id": "unit",
             "action": "update", "payload": payload, "prev_hash": "0" * 64}
    event["hash"] = event_hash(event["prev_hash"], {k: event[k] for k in HASHED_FIELDS})
    return sign(db_of_attacker, [event])[0]


def test_a_pc_cannot_push_events_as_another_pc(hub, clients):
    a, b = clients("a", 1), clients("b", 2)
    token_a, _token_b = enroll(a, hub), enroll(b, hub)
    receive(b.db)
    assert run_sync(b.db, b.data_dir).all_acknowledged
    before = hub.events()
    forged = _forge(a.db, device_id(b.db), 999, {"unit_name": "Đơn vị giả", "unit_code": "x"})
    status, body = request(hub.url, "POST", "/v1/events", {"device_id": device_id(a.db), "events": [forged]},
                           token=token_a)
    assert status == 403 and body["error"] == "foreign_events"
    status, body = request(hub.url, "POST", "/v1/events", {"device_id": device_id(b.db), "events": [forged]},
                           token=token_a)
    assert status == 403
    assert hub.events() == before                         # nothing stored
    run_sync(a.db, a.data_dir)
    assert load_settings(a.db).unit_name != "Đơn vị giả"  # and nothing changed on any PC
    receive(b.db, name="Sau tấn công")
    assert run_sync(b.db, b.data_dir).all_acknowledged    # the impersonated PC still syncs


def test_a_device_must_sign_its_own_events(hub, clients):
    a = clients("a", 1)
    token = enroll(a, hub)
    receive(a.db)
    me = device_id(a.db)
    unsigned = local_events(a.db, signed=False)
    status, body = request(hub.url, "POST", "/v1/events", {"device_id": me, "events": unsigned}, token=token)
    assert status == 403 and body["error"] == "bad_signature"
    other = clients("o", 2)  # a key that is not this device's
    wrong = sign(other.db, unsigned)
    status, body = request(hub.url, "POST", "/v1/events", {"device_id": me, "events": wrong}, token=token)
    assert status == 403 and hub.events() == []
    status, _ = request(hub.url, "POST", "/v1/events", {"device_id": me, "events": local_events(a.db)}, token=token)
    assert status == 200


def test_a_push_signed_as_a_whole_still_needs_the_devices_key_and_each_events_signature(hub, clients):
    """The hub checks one signature per push (sync/signing.push_message) instead of one per event: it covers
    every event's uuid and hash, so a push signed by another key, a batch other than the one signed, or an
    event without its own signature (the peers check that one) is refused, and nothing is stored."""
    from sync.signing import Signer, public_key

    a, other = clients("a", 1), clients("o", 2)
    token = enroll(a, hub)
    for name in ("Một", "Hai", "Ba"):
        receive(a.db, name=name)
    me, events = device_id(a.db), local_events(a.db, signed=False)
    mine, theirs = Signer(a.db), Signer(other.db)
    cases = {
        "another key": {**mine.push_body(me, events), "push_sig": theirs.push_body(me, events)["push_sig"]},
        "another batch": {**mine.push_body(me, events[:-1]), "events": mine.sign_events(events)},
        "an event unsigned": {**mine.push_body(me, events),
                              "events": [*mine.sign_events(events[:-1]), events[-1]]},
    }
    for case, body in cases.items():
        status, answer = request(hub.url, "POST", "/v1/events", body, token=token)
        assert (status, answer["error"]) == (403, "bad_signature"), case
        assert hub.events() == [], case
    bad_token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")  # a token the hub has just seen,
    status, _ = request(hub.url, "POST", "/v1/events", mine.push_body(me, events), token=bad_token)  # but wrong
    assert status == 401 and hub.events() == []
    status, answer = request(hub.url, "POST", "/v1/events", mine.push_body(me, events), token=token)
    assert status == 200 and len(answer["accepted"]) == len(events) and answer["device_max_seq"] == events[-1]["seq"]
    stored_sigs = {e["uuid"]: e["sig"] for e in mine.sign_events(events)}
    status, page = request(hub.url, "GET", "/v1/events?after=0", token=enroll(other, hub))
    assert status == 200 and {e["uuid"]: e["sig"] for e in page["events"]} == stored_sigs
    assert page["device_keys"][me] == public_key(a.db)


def test_hostile_json_gets_400_not_500(hub, clients):
    a = clients("a", 1)
    token = enroll(a, hub)
    receive(a.db)
    me = device_id(a.db)
    deep = b'{"device_id": "x", "events": ' + b"[" * 100000 + b"]" * 100000 + b"}"
    assert request(hub.url, "POST", "/v1/events", raw=deep, token=token)[0] == 400
    huge = local_events(a.db)[:1]
    huge[0] = {**huge[0], "seq": 2**70}
    status, _ = request(hub.url, "POST", "/v1/events", {"device_id": me, "events": huge}, token=token)
    assert status in (400, 422)
    big_payload = local_events(a.db)[:1]
    big_payload[0] = {**big_payload[0], "payload": {"n": 2**80}}
    status, _ = request(hub.url, "POST", "/v1/events", {"device_id": me, "events": big_payload}, token=token)
    assert status in (400, 422)
    fresh = hub.token()
    status, _ = request(hub.url, "POST", "/v1/enroll", {"device_id": "pc-z", "station": True}, token=fresh)
    assert status == 400
    assert request(hub.url, "GET", f"/v1/events?after={2**70}", token=token)[0] == 400
    assert request(hub.url, "GET", f"/v1/devices/me/events?after_seq={2**70}", token=token)[0] == 400
    assert hub.events() == []


def test_sync_enroll_takes_no_token_on_the_command_line(hub, clients, cli):
    a = clients("a", 1)
    token = hub.token()
    result = cli("--data-dir", str(a.data_dir), "sync", "enroll", "--hub", hub.url, "--token", token)
    assert result.returncode == 2 and "Traceback" not in result.stderr  # the option is gone
    result = cli("--data-dir", str(a.data_dir), "sync", "enroll", "--hub", hub.url, env={"MOTCUA_HUB_TOKEN": ""})
    assert result.returncode == 2 and "MOTCUA_HUB_TOKEN" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = cli("--data-dir", str(a.data_dir), "sync", "enroll", "--hub", hub.url, env={"MOTCUA_HUB_TOKEN": token})
    assert result.returncode == 0, result.stderr

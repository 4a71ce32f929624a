"""The hub's HTTP API on a real uvicorn process: what it accepts, and the 4xx it answers with a reason."""

from __future__ import annotations

from sync_helpers import OTHER_UNIT, enroll, local_events, receive, request, sign

from db.device import device_id


def _setup(hub, clients):
    a = clients("a", 1)
    token = enroll(a, hub)
    receive(a.db)
    return a, token, local_events(a.db)


def _push(hub, token, device, events, **kw):
    return request(hub.url, "POST", "/v1/events", {"device_id": device, "events": events}, token=token, **kw)


def test_health_and_openapi(hub):
    status, body = request(hub.url, "GET", "/v1/health")
    assert status == 200 and body["status"] == "ok" and body["server_time"]
    status, spec = request(hub.url, "GET", "/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    assert {"/v1/events", "/v1/enroll", "/v1/health"} <= set(spec["paths"])
    assert {"post", "get"} <= set(spec["paths"]["/v1/events"])


def test_push_pull_replay_and_reorder(hub, clients):
    a, token, events = _setup(hub, clients)
    me = device_id(a.db)
    status, body = _push(hub, token, me, events[3:])          # a later batch first
    assert status == 200 and len(body["accepted"]) == len(events) - 3
    status, body = _push(hub, token, me, events[:3][::-1])    # then the earlier one, reversed
    assert status == 200 and len(body["accepted"]) == 3
    status, body = _push(hub, token, me, events)              # the whole thing replayed
    assert status == 200 and body["accepted"] == [] and len(body["duplicates"]) == len(events)
    assert len(hub.events()) == len(events)
    b = clients("b", 2)
    token_b = enroll(b, hub)
    status, body = request(hub.url, "GET", "/v1/events?after=0&limit=5", token=token_b)
    assert status == 200 and len(body["events"]) == 5 and body["more"] and body["next"] == body["events"][-1]["server_seq"]
    status, body = request(hub.url, "GET", "/v1/events?after=0&limit=1000", token=token)
    assert status == 200 and body["events"] == []             # a device never gets its own events back


def _refused(hub, expected_status, response, count_before):
    status, body = response
    assert status == expected_status, body
    assert body["message"] and body["error"]
    assert len(hub.events()) == count_before                  # nothing changed
    return body


def test_bad_requests_get_a_reason_and_change_nothing(hub, clients):
    a, token, events = _setup(hub, clients)
    me = device_id(a.db)
    assert _push(hub, token, me, events[:2])[0] == 200
    n = len(hub.events())
    _refused(hub, 401, _push(hub, None, me, events), n)
    _refused(hub, 401, _push(hub, "mc1.000000000000.sai", me, events), n)
    _refused(hub, 401, _push(hub, token + "x", me, events), n)
    _refused(hub, 400, _push(hub, token, me, None, raw=b"{not json"), n)
    _refused(hub, 400, request(hub.url, "POST", "/v1/events", {"device_id": me}, token=token), n)
    _refused(hub, 403, _push(hub, token, "another-device", events), n)
    _refused(hub, 413, _push(hub, token, me, [{}] * 1001), n)
    _refused(hub, 413, _push(hub, token, me, None, raw=b'{"events": "' + b"x" * (9 * 1024 * 1024) + b'"}'), n)
    tampered = [dict(e) for e in events]
    tampered[-1] = {**tampered[-1], "payload": {**tampered[-1]["payload"], "note": "sửa"}}
    body = _refused(hub, 422, _push(hub, token, me, tampered), n)
    assert body["rejected"] == [{"uuid": tampered[-1]["uuid"], "reason": body["rejected"][0]["reason"]}]
    reused = [{**events[0], "actor": "người khác"}]           # same uuid, other content (hash recomputed)
    from db.events import event_hash
    from sync.wire import HASHED_FIELDS

    reused[0]["hash"] = event_hash(reused[0]["prev_hash"], {k: reused[0][k] for k in HASHED_FIELDS})
    reused = sign(a.db, reused)
    body = _refused(hub, 409, _push(hub, token, me, reused + events[2:]), n)
    assert body["rejected"][0]["uuid"] == events[0]["uuid"]
    _refused(hub, 400, request(hub.url, "GET", "/v1/events?after=x", token=token), n)


def test_events_of_another_unit_are_refused(hub, clients):
    a, token, events = _setup(hub, clients)
    stranger = clients("x", 1, unit=OTHER_UNIT)
    enroll(stranger, hub, unit=OTHER_UNIT)
    receive(stranger.db)
    foreign = local_events(stranger.db)
    n = len(hub.events())
    body = _refused(hub, 403, _push(hub, token, device_id(a.db), events + foreign[:1]), n)
    assert [r["uuid"] for r in body["rejected"]] == [foreign[0]["uuid"]]
    status, body = request(hub.url, "GET", "/v1/events?after=0", token=token)
    assert all(e["device_id"] != device_id(stranger.db) for e in body["events"])


def test_a_token_enrolls_one_device_once(hub, clients):
    a = clients("a", 1)
    token = hub.token()
    status, body = request(hub.url, "POST", "/v1/enroll", {"device_id": device_id(a.db), "station": 1}, token=token)
    assert status == 200 and body["unit_code"] and body["unit_key"]
    again = request(hub.url, "POST", "/v1/enroll", {"device_id": device_id(a.db), "station": 1}, token=token)
    assert again[0] == 200 and again[1]["unit_key"] == body["unit_key"]
    status, body = request(hub.url, "POST", "/v1/enroll", {"device_id": "another-pc", "station": 2}, token=token)
    assert status == 409 and "máy khác" in body["message"]
    fresh = hub.token()
    assert request(hub.url, "GET", "/v1/events", token=fresh)[0] == 403   # not enrolled yet

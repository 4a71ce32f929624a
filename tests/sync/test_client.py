"""The client's rules without a network: back-off with jitter, 4xx never resent, stop, one sender, clock."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from sync_helpers import receive

from db.events import pending_count
from sync.client import RetryPolicy, clock_warning, run_sync
from sync.lock import SyncBusy, SyncLock
from sync.state import forget_rejections, load_state, rejected_events, save_state
from sync.transport import HubRefused, HubServerError, HubUnreachable, Response


class FakeHub:
    """Answers like the hub: acknowledges every pushed event, pulls nothing; scripted failures first."""

    def __init__(self, failures=()):
        self.failures = list(failures)
        self.calls: list[tuple[str, str, int]] = []

    def request(self, method, path, body=None):
        self.calls.append((method, path.split("?")[0], len((body or {}).get("events", []))))
        if self.failures:
            failure = self.failures.pop(0)
            if callable(failure):
                failure = failure(body)
            if failure is not None:
                raise failure
        if method == "POST":
            return Response({"accepted": [e["uuid"] for e in body["events"]], "duplicates": []},
                            datetime.now().astimezone().isoformat())
        return Response({"events": [], "next": 0, "more": False}, None)

    def close(self):
        pass


def _client(clients):
    client = clients("a", 1)
    save_state(client.db, hub_url="http://127.0.0.1:9", token="mc1.abc.def", unit_code="U", unit_key="00",
               station_confirmed=1)  # the hub confirmed station 1: the run asks nothing about it
    receive(client.db)
    return client


def _policy(slept):
    return RetryPolicy(attempts=4, base=0.001, cap=0.004, rng=random.Random(1), sleep=slept.append)


def test_delays_grow_exponentially_with_jitter():
    policy = RetryPolicy(base=1, cap=30, rng=random.Random(7))
    for attempt in range(8):
        ceiling = min(30, 2 ** attempt)
        delays = {policy.delay(attempt) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays) and len(delays) > 1


def test_network_errors_and_5xx_are_retried_then_succeed(clients):
    client = _client(clients)
    hub = FakeHub([HubUnreachable("mất mạng"), HubServerError(503, "bận")])
    report = run_sync(client.db, client.data_dir, transport=hub, policy=_policy([]), batch=7)
    assert report.all_acknowledged and report.retries == 2 and pending_count(client.db) == 0
    assert load_state(client.db).last_ok and load_state(client.db).failures == 0


def test_giving_up_after_the_attempts_records_the_error(clients):
    client = _client(clients)
    hub = FakeHub([HubUnreachable("mất mạng")] * 10)
    report = run_sync(client.db, client.data_dir, transport=hub, policy=_policy([]))
    assert not report.all_acknowledged and len(hub.calls) == 4
    state = load_state(client.db)
    assert state.last_error == "mất mạng" and state.failures == 1


def test_a_4xx_is_never_resent_and_does_not_block_the_queue(clients):
    client = _client(clients)
    first_uuid = []

    def refuse_first(body):
        first_uuid.append(body["events"][0]["uuid"])
        return HubRefused(422, "invalid_events", "1 sự kiện không hợp lệ",
                          [{"uuid": body["events"][0]["uuid"], "reason": "hỏng"}])

    hub = FakeHub([refuse_first])
    report = run_sync(client.db, client.data_dir, transport=hub, policy=_policy([]), batch=5)
    assert report.rejected == 1 and report.retries == 0
    assert pending_count(client.db) == 1 and not report.all_acknowledged      # the refused one stays, shown
    assert [r["uuid"] for r in rejected_events(client.db)] == first_uuid
    sent_again = [c for c in hub.calls[1:] if c[0] == "POST"]
    assert sent_again and all(n <= 5 for _m, _p, n in sent_again)
    assert forget_rejections(client.db) == 1
    assert run_sync(client.db, client.data_dir, transport=FakeHub(), policy=_policy([])).all_acknowledged


def test_a_refusal_of_the_whole_device_stops_at_once(clients):
    client = _client(clients)
    hub = FakeHub([HubRefused(401, "bad_token", "Mã đăng ký máy không đúng")])
    report = run_sync(client.db, client.data_dir, transport=hub, policy=_policy([]))
    assert len(hub.calls) == 1 and report.error == "Mã đăng ký máy không đúng"
    assert rejected_events(client.db) == []


def test_stop_keeps_what_was_acknowledged(clients):
    client = _client(clients)
    checks = iter([False, False])  # two batches go, then the clerk presses Dừng
    report = run_sync(client.db, client.data_dir, transport=FakeHub(), policy=_policy([]), batch=3,
                      cancelled=lambda: next(checks, True))
    assert report.stopped and not report.all_acknowledged and report.error is None
    assert report.pushed == 6 and report.pending == pending_count(client.db) > 0
    assert load_state(client.db).last_error is None


def test_one_sender_at_a_time(clients):
    client = _client(clients)
    with SyncLock(client.data_dir), pytest.raises(SyncBusy):
        run_sync(client.db, client.data_dir, transport=FakeHub(), policy=_policy([]))
    assert run_sync(client.db, client.data_dir, transport=FakeHub(), policy=_policy([])).all_acknowledged


def test_clock_warning_names_the_gap():
    now = datetime(2026, 3, 2, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    assert clock_warning((now - timedelta(minutes=2)).isoformat(), now) is None
    text = clock_warning((now - timedelta(hours=1)).isoformat(), now)
    assert "nhanh 60 phút" in text
    assert "chậm" in clock_warning("Mon, 02 Mar 2026 03:00:00 GMT", now - timedelta(minutes=30))

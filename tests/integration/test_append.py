"""Ingest dedup on real Redis: atomic, per tenant, per request, forward-only statuses."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from redis import Redis
from redis.exceptions import ResponseError

from eventlog.append import append, duplicates, request_of_message
from eventlog.event import Event
from eventlog.keys import Keys
from eventlog.read import appended, read_after
from eventlog.settings import Settings


def ev(i: str, kind: str = "sent", request: str = "r1", channel: str = "email", **kw: Any) -> Event:
    return Event(tenant_id=kw.pop("tenant", "ta"), id=i, type=kind, channel=channel, request_id=request,
                 occurred_at_ms=kw.pop("at", 1_744_138_800_000), **kw)


def stored(client: Redis, keys: Keys, tenant: str = "ta") -> list[Event]:
    return [e for _, e in read_after(client, keys, keys.partition(tenant), "0-0", 10_000)]


def test_same_events_posted_by_eight_threads_are_saved_once(http: Any, make_tenant: Any, client: Redis,
                                                             keys: Keys) -> None:
    tenant_id, headers = make_tenant()
    events = [{"id": f"e{i}", "type": "sent", "channel": "sms", "request_id": f"r{i}"} for i in range(200)]
    results: list[dict[str, int]] = []
    barrier = threading.Barrier(8)

    def post() -> None:
        barrier.wait()
        for start in range(0, 200, 50):
            r = http.post("/v1/events", json={"events": events[start:start + 50]}, headers=headers)
            assert r.status_code == 202
            results.append(r.json)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["accepted"] for r in results) == 200
    assert sum(r["duplicates"] for r in results) == 7 * 200
    assert sorted(e.id for e in stored(client, keys, tenant_id)) == sorted(e["id"] for e in events)


def test_ids_are_per_tenant(client: Redis, settings: Settings, keys: Keys) -> None:
    assert append(client, settings, "ta", [ev("same")]).accepted == 1
    assert append(client, settings, "tb", [ev("same", tenant="tb")]).accepted == 1


def test_id_used_by_a_duplicate_stays_used(client: Redis, settings: Settings, keys: Keys) -> None:
    assert append(client, settings, "ta", [ev("a"), ev("b")]).duplicates == 1  # same request and channel
    assert append(client, settings, "ta", [ev("b", request="r2")]).duplicates == 1
    assert duplicates(client, settings, "ta") == 2


def test_each_mark_counts_once_per_request_and_channel(client: Redis, settings: Settings, keys: Keys) -> None:
    done = append(client, settings, "ta", [
        ev("1"), ev("2", channel="sms"), ev("3"), ev("4", "impression"), ev("5", "impression"),
        ev("6", "response", rating=5), ev("7", "response", channel="sms", rating=1),
    ])
    assert (done.accepted, done.duplicates) == (4, 3)


def test_statuses_only_move_forward(client: Redis, settings: Settings, keys: Keys) -> None:
    append(client, settings, "ta", [
        ev("r", "read"),                            # counts, and carries the delivery
        ev("d", "delivered"),                       # after read: nothing
        ev("f", "failed"),                          # after a delivery: nothing
        ev("f2", "failed", request="r2"),           # counts
        ev("d2", "delivered", request="r2"),        # after failed: nothing
        ev("d3", "delivered", request="r3"),
        ev("r3", "read", request="r3"),             # normal order: no implied delivery
    ])
    kept = [(e.id, e.implies_delivery) for e in stored(client, keys)]
    assert kept == [("r", True), ("f2", False), ("d3", False), ("r3", False)]


def test_marks_expire_after_their_retention(client: Redis, settings: Settings, keys: Keys) -> None:
    append(client, settings, "ta", [ev("1", message_id="m1")])
    p = keys.partition("ta")
    assert 0 < client.ttl(keys.seen(p, "ta", "1")) <= settings.id_retention_s
    assert settings.id_retention_s >= 7 * 86_400
    assert settings.id_retention_s < client.ttl(keys.request(p, "ta", "r1")) <= settings.request_retention_s
    assert request_of_message(client, settings, "ta", "m1") == "r1"


def test_response_carries_its_first_send_and_late_send_carries_the_response(
        client: Redis, settings: Settings, keys: Keys) -> None:
    append(client, settings, "ta", [ev("s", at=1000), ev("x", "response", rating=3, channel="sms", at=5000),
                                    ev("y", "response", request="r2", rating=4, at=6000),
                                    ev("z", request="r2", channel="whatsapp", at=7000)])
    got = {e.id: (e.cohort_sent_at_ms, e.cohort_channel) for e in stored(client, keys)}
    assert got == {"s": (None, None), "x": (1000, None), "y": (None, None), "z": (None, "email")}


def test_appended_counts_every_partition(client: Redis, settings: Settings, keys: Keys) -> None:
    append(client, settings, "ta", [ev("1"), ev("2", request="r2")])
    totals = appended(client, keys)
    assert len(totals) == keys.partitions and totals[keys.partition("ta")] == 2 and sum(totals) == 2


def test_statuses_before_the_apps_own_send_are_not_counted_again(client: Redis, settings: Settings,
                                                                   keys: Keys) -> None:
    # a provider reported on message m1 before the app said which request it belongs to: the
    # statuses stand for a request named after the message
    early = append(client, settings, "ta", [ev("wa:m1:sent", "sent", request="m1", channel="whatsapp"),
                                            ev("wa:m1:delivered", "delivered", request="m1", channel="whatsapp")])
    assert early.accepted == 2
    app = append(client, settings, "ta", [ev("app-1", "sent", request="R1", channel="whatsapp", message_id="m1")])
    assert (app.accepted, app.duplicates) == (0, 1)  # the provider's send already counted it
    assert request_of_message(client, settings, "ta", "m1") == "R1"  # later statuses find the request
    later = append(client, settings, "ta", [ev("wa:m1:read", "read", request="R1", channel="whatsapp")])
    assert later.accepted == 1
    kinds = [(e.type, e.implies_delivery) for e in stored(client, keys)]
    assert kinds == [("sent", False), ("delivered", False), ("read", False)]  # one send, one delivery


def test_append_works_after_redis_forgets_its_scripts(client: Redis, settings: Settings, keys: Keys) -> None:
    assert append(client, settings, "ta", [ev("before")]).accepted == 1
    client.script_flush()  # as after a restart: the script's hash is unknown until it is sent again
    assert append(client, settings, "ta", [ev("after", request="r2")]).accepted == 1
    assert append(client, settings, "ta", [ev("after", request="r2")]).duplicates == 1
    assert [e.id for e in stored(client, keys)] == ["before", "after"]


def test_a_refused_append_leaves_the_connection_ready(client: Redis, settings: Settings, keys: Keys) -> None:
    p = keys.partition("ta")
    client.set(keys.stream(p), "not a stream")  # the script's XADD fails with WRONGTYPE
    with pytest.raises(ResponseError, match="WRONGTYPE"):
        append(client, settings, "ta", [ev("x")])
    client.delete(keys.stream(p))
    assert append(client, settings, "ta", [ev("y", request="r2")]).accepted == 1
    assert client.ping()

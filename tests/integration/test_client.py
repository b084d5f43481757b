"""The processes' Redis client on a real server: its pool, when the server drops a connection."""

from __future__ import annotations

import time

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from eventlog import client as client_module
from eventlog.append import append
from eventlog.client import Client, Pool, connect
from eventlog.event import Event
from eventlog.settings import Settings


def event(i: str) -> Event:
    return Event("tc", i, "sent", "email", f"r-{i}", 1_744_138_800_000)


def kill_own_connection(c: Redis, redis_url: str) -> None:
    """Close, from the server's side, the one pooled connection c has."""
    own = c.client_id()  # runs on that connection and hands it back
    Redis.from_url(redis_url).client_kill_filter(_id=own)


def test_connect_and_from_url_pool_with_pool(redis_url: str) -> None:
    for c in (connect(redis_url), Client.from_url(redis_url, single_connection_client=False)):
        assert isinstance(c.connection_pool, Pool) and c.ping()


def test_a_connection_dropped_while_idle_is_replaced_before_use(redis_url: str, settings: Settings,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "RECENT_S", 0.05)
    c = connect(redis_url)
    kill_own_connection(c, redis_url)
    time.sleep(0.1)  # idle for longer than RECENT_S: checked before it is handed out again
    assert append(c, settings, "tc", [event("a")]).accepted == 1


def test_a_connection_dropped_just_after_use_fails_one_append_then_recovers(redis_url: str,
                                                                           settings: Settings) -> None:
    c = connect(redis_url)
    kill_own_connection(c, redis_url)
    with pytest.raises(RedisConnectionError):  # the web answers 503: nothing was appended
        append(c, settings, "tc", [event("b")])
    assert append(c, settings, "tc", [event("b")]).accepted == 1  # the retry is not a duplicate
    assert c.ping()

"""The processes' Redis client on a real server: its pool, when the server drops a connection."""

from __future__ import annotations

import os
import threading
import time

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from eventlog import client as client_module
from eventlog.append import append
from eventlog.client import Client, Pool, connect, round_trip
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


def test_a_connection_handed_back_is_handed_out_again_as_it_is(redis_url: str) -> None:
    pool = connect(redis_url).connection_pool
    first = pool.get_connection()
    pool.release(first)
    assert pool.get_connection() is first  # the short way back: no poll, no lock
    pool.release(first)


def test_a_connection_handed_back_twice_is_handed_out_once(redis_url: str) -> None:
    pool = connect(redis_url).connection_pool
    first = pool.get_connection()
    pool.release(first)
    pool.release(first)
    a, b = pool.get_connection(), pool.get_connection()
    assert a is not b


def test_concurrent_users_never_share_a_connection(redis_url: str) -> None:
    c = connect(redis_url)
    seen: list[int] = []

    def work(n: int) -> None:
        for i in range(200):
            c.set(f"rs-test:pool:{n}", i)
            assert int(c.get(f"rs-test:pool:{n}") or -1) == i  # a shared connection would mix replies
        seen.append(n)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(8))
    c.delete(*[f"rs-test:pool:{n}" for n in range(8)])


def test_a_forked_child_opens_its_own_connection(redis_url: str) -> None:
    c = connect(redis_url)
    parent = c.client_id()  # leaves its connection on the short way back
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports its own connection's id, then leaves at once
        try:
            os.write(write, str(c.client_id()).encode())
        finally:
            os._exit(0)
    os.close(write)
    child = int(os.read(read, 64))
    os.waitpid(pid, 0)
    assert child != parent and c.client_id() == parent  # the parent's socket was never used by the child


def test_disconnecting_idle_connections_includes_the_recent_ones(redis_url: str) -> None:
    c = connect(redis_url)
    before = c.client_id()
    c.connection_pool.disconnect(inuse_connections=False)
    assert c.client_id() != before  # it connected again


def test_a_round_trip_that_gets_an_error_reply_keeps_its_connection(redis_url: str) -> None:
    c = connect(redis_url)
    c.set("rs-test:rt:text", "not a stream")
    before = c.client_id()
    with pytest.raises(ResponseError, match="WRONGTYPE"):
        round_trip(c, "XRANGE", "rs-test:rt:text", "-", "+")  # the whole error reply was read
    assert c.client_id() == before
    c.delete("rs-test:rt:text")


def test_a_round_trip_cut_off_mid_reply_never_hands_its_reply_to_the_next_command(redis_url: str) -> None:
    c = connect(redis_url, socket_timeout=0.2)
    c.delete("rs-test:rt:list")
    before = c.client_id()
    with pytest.raises(RedisTimeoutError):  # BLPOP answers after 0.5 s: the client gives up first
        round_trip(c, "BLPOP", "rs-test:rt:list", 0.5)
    time.sleep(0.5)  # the late nil reply is now waiting on the old connection, handed back < RECENT_S ago
    assert round_trip(c, "ECHO", "next") == b"next"
    assert c.client_id() != before

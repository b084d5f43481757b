"""The append script's KEYS and ARGV, byte for byte: the contract with eventlog/lua/append.lua."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from redis import Redis

from eventlog import codec
from eventlog.append import heads, script_arguments
from eventlog.event import CHANNELS, TYPES, Event
from eventlog.keys import Keys
from eventlog.settings import Settings

SETTINGS = Settings(key_prefix="rs", partitions=16)
KEYS = Keys(SETTINGS.key_prefix, SETTINGS.partitions)
ENCODE = Redis().get_encoder().encode  # how redis-py turns each argument into bytes (no connection made)
NAMES = st.one_of(st.sampled_from(["r1", "a:b", "{p1}", "x y", "é", "😀", "rs:{p3}:req:t:r1"]), st.text(min_size=1))


def head(tenant_id: str) -> Any:
    return heads(SETTINGS.key_prefix, SETTINGS.partitions, tenant_id)


def contract(tenant_id: str, events: list[Event]) -> tuple[list[Any], list[Any]]:
    """KEYS and ARGV as lua/append.lua documents them, named by Keys."""
    p = KEYS.partition(tenant_id)
    keys: list[Any] = [KEYS.stream(p), KEYS.duplicates(p), KEYS.trigger(p)]
    args: list[Any] = [tenant_id, SETTINGS.id_retention_s, SETTINGS.request_retention_s, SETTINGS.trigger_ttl_ms]
    for e in events:
        keys += [KEYS.seen(p, tenant_id, e.id), KEYS.request(p, tenant_id, e.request_id)]
        if e.message_id and e.request_id:
            keys += [KEYS.message(p, tenant_id, e.message_id), KEYS.request(p, tenant_id, e.message_id)]
        args += [e.type, e.channel, codec.encode(e), e.request_id if e.message_id else "", e.occurred_at_ms]
    return keys, args


@st.composite
def events(draw: st.DrawFn, tenant_id: str) -> Event:
    return Event(tenant_id=tenant_id, id=draw(NAMES), type=draw(st.sampled_from(TYPES)),
                 channel=draw(st.sampled_from(CHANNELS)), request_id=draw(NAMES),
                 occurred_at_ms=draw(st.integers(946_684_800_000, 253_402_300_799_999)),
                 rating=draw(st.none() | st.integers(1, 5)), location=draw(st.none() | NAMES),
                 campaign=draw(st.none() | NAMES), message_id=draw(st.sampled_from([None, ""]) | NAMES))


@settings(database=None, deadline=None, max_examples=60)
@given(st.data())
def test_keys_and_arguments_are_the_bytes_the_script_expects(data: st.DataObject) -> None:
    tenant_id = data.draw(st.sampled_from(["acme", "demo", "t-é"]))
    batch = data.draw(st.lists(events(tenant_id), min_size=1, max_size=4))
    keys, args = script_arguments(head(tenant_id), SETTINGS, tenant_id, batch)
    want_keys, want_args = contract(tenant_id, batch)
    assert [ENCODE(k) for k in keys] == [ENCODE(k) for k in want_keys]
    assert [ENCODE(a) for a in args] == [ENCODE(a) for a in want_args]


def test_an_append_holds_one_tenants_events() -> None:
    mine = Event("acme", "e1", "sent", "sms", "r1", 1_744_138_800_000)
    with pytest.raises(ValueError):
        script_arguments(head("acme"), SETTINGS, "acme", [mine, Event("demo", "e2", "sent", "sms", "r2", 1)])


def test_a_message_id_without_a_request_id_adds_no_keys() -> None:
    event = Event("acme", "e1", "delivered", "sms", "", 1_744_138_800_000, message_id="m1")
    keys, args = script_arguments(head("acme"), SETTINGS, "acme", [event])
    assert len(keys) == 3 + 2 and args[4 + 3] == b""

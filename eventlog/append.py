"""Append events to a tenant's partition stream, deduplicated in the same atomic call."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from redis import Redis

from eventlog import codec, scripts
from eventlog.event import Event
from eventlog.keys import Keys
from eventlog.settings import Settings


class Appended(NamedTuple):
    """What one append did: new events, duplicates acknowledged, and whether to trigger."""

    partition: int
    accepted: int
    duplicates: int
    trigger: bool


class Heads(NamedTuple):
    """A tenant's partition and the keys of its appends, as the bytes Redis receives: the
    partition's stream, duplicates hash and trigger flag whole, and the heads its events' id
    markers, request marks and message lookups are built on (an event adds its own id to each)."""

    partition: int
    fixed: tuple[bytes, bytes, bytes]
    tenant: bytes
    seen: bytes
    marks: bytes
    lookup: bytes


@lru_cache(maxsize=4_096)
def heads(prefix: str, partitions: int, tenant_id: str) -> Heads:
    """A tenant's Heads, built once per process: ingest appends for the same few tenants all day."""
    keys = Keys(prefix, partitions)
    p = keys.partition(tenant_id)
    return Heads(p, (keys.stream(p).encode(), keys.duplicates(p).encode(), keys.trigger(p).encode()),
                 tenant_id.encode(), keys.seen(p, tenant_id, "").encode(), keys.request(p, tenant_id, "").encode(),
                 keys.message(p, tenant_id, "").encode())


def append(client: Redis, settings: Settings, tenant_id: str, events: Sequence[Event]) -> Appended:
    """Append one tenant's events atomically; each is saved once or counted as a duplicate."""
    head = heads(settings.key_prefix, settings.partitions, tenant_id)
    if not events:
        return Appended(head.partition, 0, 0, False)
    key_list, args = script_arguments(head, settings, tenant_id, events)
    accepted, duplicates, fire = scripts.call(client, "append", key_list, args)
    return Appended(head.partition, int(accepted), int(duplicates), bool(fire))


def script_arguments(head: Heads, settings: Settings, tenant_id: str,
                     events: Sequence[Event]) -> tuple[list[bytes], list[bytes | int]]:
    """KEYS and ARGV of lua/append.lua for one tenant's events, as the UTF-8 bytes Redis receives."""
    seen, marks, lookup = head.seen, head.marks, head.lookup
    key_list = list(head.fixed)
    args: list[bytes | int] = [head.tenant, settings.id_retention_s, settings.request_retention_s,
                               settings.trigger_ttl_ms]
    add_keys, add_args, encode = key_list.extend, args.extend, codec.encode
    for event in events:
        if event.tenant_id != tenant_id:
            raise ValueError("an append holds one tenant's events")
        request = event.request_id.encode()
        own = marks + request
        if event.message_id and request:  # the script reads two more keys exactly when request is not ""
            # statuses that came before the app named this message were marked under the message id
            message = event.message_id.encode()
            add_keys((seen + event.id.encode(), own, lookup + message, marks + message))
        else:
            add_keys((seen + event.id.encode(), own))
            request = b""
        add_args((event.type.encode(), event.channel.encode(), encode(event).encode(), request,
                  event.occurred_at_ms))
    return key_list, args


def duplicates(client: Redis, settings: Settings, tenant_id: str) -> int:
    """How many duplicates a tenant's senders have had acknowledged."""
    keys = Keys(settings.key_prefix, settings.partitions)
    value = client.hget(keys.duplicates(keys.partition(tenant_id)), tenant_id)
    return int(value or 0)


def requests_of_messages(client: Redis, settings: Settings, tenant_id: str,
                         message_ids: Sequence[str]) -> dict[str, str | None]:
    """The review requests the app's own events tied to provider message ids, in one round trip."""
    keys = Keys(settings.key_prefix, settings.partitions)
    p = keys.partition(tenant_id)
    unique = list(dict.fromkeys(message_ids))
    if not unique:
        return {}
    found = client.mget([keys.message(p, tenant_id, m) for m in unique])  # one partition: one slot
    return {m: None if r is None else r.decode() for m, r in zip(unique, found, strict=True)}


def request_of_message(client: Redis, settings: Settings, tenant_id: str, message_id: str) -> str | None:
    """The review request an app's own event tied to a provider message id, if any."""
    return requests_of_messages(client, settings, tenant_id, [message_id])[message_id]

"""Append events to a tenant's partition stream, deduplicated in the same atomic call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redis import Redis

from eventlog import codec
from eventlog.event import Event
from eventlog.keys import Keys
from eventlog.scripts import script
from eventlog.settings import Settings


@dataclass(frozen=True)
class Appended:
    """What one append did: new events, duplicates acknowledged, and whether to trigger."""

    partition: int
    accepted: int
    duplicates: int
    trigger: bool


def append(client: Redis, settings: Settings, tenant_id: str, events: Sequence[Event]) -> Appended:
    """Append one tenant's events atomically; each is saved once or counted as a duplicate."""
    keys = Keys(settings.key_prefix, settings.partitions)
    p = keys.partition(tenant_id)
    if not events:
        return Appended(p, 0, 0, False)
    key_list = [keys.stream(p), keys.duplicates(p), keys.trigger(p)]
    args: list[str | int] = [
        tenant_id,
        settings.id_retention_s,
        settings.request_retention_s,
        settings.trigger_ttl_ms,
    ]
    for event in events:
        if event.tenant_id != tenant_id:
            raise ValueError("an append holds one tenant's events")
        marks = keys.request(p, tenant_id, event.request_id)
        lookup = keys.message(p, tenant_id, event.message_id or "")
        # statuses that came before the app named this message were marked under the message id
        early = keys.request(p, tenant_id, event.message_id) if event.message_id else marks
        key_list += [keys.seen(p, tenant_id, event.id), marks, lookup, early]
        args += [event.type, event.channel, codec.encode(event),
                 event.request_id if event.message_id else "", event.occurred_at_ms]
    accepted, duplicates, fire = script(client, "append")(keys=key_list, args=args)
    return Appended(p, int(accepted), int(duplicates), bool(fire))


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

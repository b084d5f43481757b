"""Project one partition's stream into counters, batch by batch, each batch exactly once."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from redis import Redis

from eventlog import tenants
from eventlog.keys import Keys
from eventlog.read import START, read_after
from projections import store
from projections.fold import fold

BATCH = 5_000  # entries per read and per atomic apply: ~10k counter fields, a few ms inside Redis


@dataclass
class Drained:
    """What one drain did."""

    batches: int = 0
    events: int = 0
    conflicts: int = 0
    caught_up: bool = False


def zone_lookup(client: Redis, keys: Keys) -> Callable[[str], str]:
    """A tenant id -> IANA zone function that asks Redis once per tenant (zones never change)."""
    known: dict[str, str] = {}

    def zone_of(tenant_id: str) -> str:
        if tenant_id not in known:
            tenant = tenants.find(client, keys, tenant_id)
            known[tenant_id] = tenant.timezone if tenant else "UTC"
        return known[tenant_id]

    return zone_of


def drain(
    client: Redis, keys: Keys, partition: int, batch: int = BATCH, budget_s: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
) -> Drained:
    """Project batches until the partition is caught up or the time budget is spent."""
    done = Drained()
    zone_of = zone_lookup(client, keys)
    deadline = clock() + budget_s
    at = store.checkpoint(client, keys, partition)
    while clock() < deadline:
        entries = read_after(client, keys, partition, at.id or START, batch)
        if not entries:
            done.caught_up = True
            break
        increments = fold((event for _, event in entries), keys, zone_of)
        moved = store.apply(client, keys, partition, at, entries[-1][0], len(entries), increments)
        if moved is None:
            done.conflicts += 1
            at = store.checkpoint(client, keys, partition)
            continue
        at = moved
        done.batches += 1
        done.events += len(entries)
    return done

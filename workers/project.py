"""Project one partition's stream into counters, batch by batch, each batch exactly once."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

from redis import Redis

from eventlog import tenants
from eventlog.keys import Keys
from eventlog.read import START, Rows, events_of, read_rows
from projections import store
from projections.fold import Increments, fold

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


class Folded(NamedTuple):
    """A batch ready to apply: its increments, its last entry id and how many entries it holds."""

    increments: Increments
    last_id: str
    entries: int


def drain(
    client: Redis, keys: Keys, partition: int, batch: int = BATCH, budget_s: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
) -> Drained:
    """Project batches until the partition is caught up or the time budget is spent.

    Redis applies one batch and reads the one after next while this process folds the next one: the
    apply and the read run on a second connection. A batch is applied only once the previous one is
    known to have moved the checkpoint; when it has not (another projector got there first), what was
    read ahead is dropped and reading starts again from the checkpoint, so every batch counts once.
    """
    done = Drained()
    zone_of = zone_lookup(client, keys)
    deadline = clock() + budget_s

    def folded(rows: Rows) -> Folded:
        return Folded(fold(events_of(rows), keys, zone_of), rows[-1][0].decode(), len(rows))

    def apply_then_read(at: store.Checkpoint, work: Folded,
                        after: str | None) -> tuple[store.Checkpoint | None, Rows | None]:
        moved = store.apply(client, keys, partition, at, work.last_id, work.entries, work.increments)
        return moved, read_rows(client, keys, partition, after, batch) if moved and after else None

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"apply-p{partition}") as redis_side:
        while clock() < deadline:  # (re)start from the checkpoint
            at = store.checkpoint(client, keys, partition)
            rows = read_rows(client, keys, partition, at.id or START, batch)
            if not rows:
                done.caught_up = True
                break
            work = folded(rows)
            upcoming = read_rows(client, keys, partition, work.last_id, batch)
            while True:
                in_time = clock() < deadline
                after = upcoming[-1][0].decode() if upcoming and in_time else None
                job = redis_side.submit(apply_then_read, at, work, after)
                following = folded(upcoming) if upcoming and in_time else None  # while Redis works
                moved, ahead = job.result()
                if moved is None:
                    done.conflicts += 1
                    break
                at = moved
                done.batches += 1
                done.events += work.entries
                if not upcoming:
                    done.caught_up = True
                    return done
                if following is None:  # out of time
                    return done
                work, upcoming = following, ahead or []
    return done

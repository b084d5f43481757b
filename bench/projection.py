"""Projection throughput of one worker: drain a pre-filled partition, against reading it raw."""

from __future__ import annotations

import time
from collections import defaultdict

from bench import workload
from bench.result import Result, per_s, ratio
from bench.sandbox import Sandbox
from eventlog.append import append
from eventlog.event import Event
from eventlog.read import read_after
from projections.fold import fold
from workers.project import BATCH, drain, zone_lookup

PARTITION = 0
EVENTS = 200_000
APPEND_BATCH = 500
DAY_MS = 86_400_000
SPREAD_DAYS = 7  # a week's backlog: live streams carry recent events, responses point back to sends
TARGET = 100_000


def fill(box: Sandbox, count: int) -> int:
    """Append `count` events of six tenants (six zones) to one partition, through the real append."""
    tenant_ids = [box.tenant(zone, PARTITION)[0] for zone in workload.ZONES]
    last_ms = int(time.time() * 1000)
    pending: dict[str, list[Event]] = defaultdict(list)
    accepted = 0
    for event in workload.events(tenant_ids, count, last_ms - SPREAD_DAYS * DAY_MS, last_ms, "proj"):
        pending[event.tenant_id].append(event)
        if len(pending[event.tenant_id]) == APPEND_BATCH:
            accepted += append(box.client, box.settings, event.tenant_id, pending.pop(event.tenant_id)).accepted
    for tenant_id, rest in pending.items():
        accepted += append(box.client, box.settings, tenant_id, rest).accepted
    return accepted


def raw_rate(box: Sandbox) -> float:
    """Entries per second of plain XRANGE over the whole stream, in projector-sized batches."""
    stream, after, n = box.keys.stream(PARTITION), "0-0", 0
    started = time.perf_counter()
    while rows := box.client.xrange(stream, min=f"({after}", max="+", count=BATCH):
        n += len(rows)
        after = rows[-1][0].decode()
    return n / (time.perf_counter() - started)


def stages(box: Sandbox) -> tuple[float, float, float]:
    """Seconds spent reading + decoding and folding the whole stream batch by batch, as a drain does;
    and the mean number of counter fields a batch writes."""
    keys, zone_of, after = box.keys, zone_lookup(box.client, box.keys), "0-0"
    read_s = fold_s = 0.0
    batches = fields = 0
    while True:
        started = time.perf_counter()
        entries = read_after(box.client, keys, PARTITION, after, BATCH)
        read_s += time.perf_counter() - started
        if not entries:
            break
        started = time.perf_counter()
        increments = fold((event for _, event in entries), keys, zone_of)
        fold_s += time.perf_counter() - started
        after, batches, fields = entries[-1][0], batches + 1, fields + len(increments)
    return read_s, fold_s, fields / max(batches, 1)


def reset(box: Sandbox) -> None:
    """Forget the partition's projection, so it can be drained again from the start."""
    tag = box.keys.tag(PARTITION)
    box.client.delete(box.keys.checkpoint(PARTITION))
    for kind in ("daily", "monthly", "life"):
        box.delete(f"{tag}:{kind}:*")


def drained_rate(box: Sandbox) -> tuple[float, int, float]:
    """One full drain from an empty projection: events/s, events projected, worker CPU seconds."""
    reset(box)
    started, cpu = time.perf_counter(), time.process_time()
    done = drain(box.client, box.keys, PARTITION, batch=BATCH, budget_s=600)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if not done.caught_up or done.conflicts:
        raise RuntimeError(f"projection did not finish cleanly: {done}")
    return done.events / elapsed, done.events, cpu


def run(box: Sandbox, rounds: int = 2) -> list[Result]:
    """Fill once; best of `rounds` for the drain and for the raw read."""
    total = fill(box, EVENTS)
    raw = max(raw_rate(box) for _ in range(rounds))
    rate, projected, cpu = max(drained_rate(box) for _ in range(rounds))
    if projected != total:
        raise RuntimeError(f"projected {projected} of {total} events")
    read_s, fold_s, fields = stages(box)
    apply_s = max(total / rate - read_s - fold_s, 0.0)
    note = (f"{total:,} events of 6 tenants in 6 zones, sent over the last {SPREAD_DAYS} days, appended through the "
            f"real Lua append; batch {BATCH}, ~{fields:,.0f} counter fields per batch. Of one drain: read+decode "
            f"{read_s:.2f} s, fold {fold_s:.2f} s, apply+checkpoint ~{apply_s:.2f} s; worker CPU "
            f"{cpu * 1e6 / total:.1f} us/event (the rest of the wall time is Redis)")
    return [Result("3. projection, one worker (drain)", per_s(rate, "events"), per_s(raw, "events") + " (XRANGE)",
                   ratio(rate, raw), f">= {TARGET:,} events/s", rate >= TARGET, note)]

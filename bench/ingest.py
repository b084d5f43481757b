"""Ingest throughput: single events against a bare Flask endpoint, 500-event batches against raw XADD."""

from __future__ import annotations

import json
import multiprocessing
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from redis import Redis

from bench import load, servers, workload
from bench.result import Result, per_s, ratio
from bench.sandbox import Sandbox
from eventlog import codec
from eventlog.append import append
from eventlog.client import connect
from eventlog.event import Event
from eventlog.settings import Settings

WARM_S, RUN_S, ROUNDS = 2, 5, 3  # rounds a side, alternating; judged on the median pair (median_pair)
SINGLE_CONNECTIONS, BATCH_CONNECTIONS = 16, 8
BATCH = 500
TARGET = 0.6


def bodies(items: list[dict[str, object]], batch: bool) -> list[str]:
    """Request bodies: one event each, or all of them as one batch."""
    if batch:
        return [json.dumps({"events": items}, separators=(",", ":"))]
    return [json.dumps(item, separators=(",", ":")) for item in items]


def encoded(tenant_id: str, items: list[dict[str, object]]) -> list[str]:
    """The same events as the log stores them (field e), ids still holding the token."""
    now_ms = int(time.time() * 1000)
    return [codec.encode(Event(tenant_id=tenant_id, occurred_at_ms=now_ms, **item)) for item in items]  # type: ignore[arg-type]


def _xadd(url: str, stream: str, payloads: list[str], tag: str, start: float, seconds: float) -> tuple[int, float]:
    """One baseline process: the batch as one pipeline of XADDs, again and again; (events, seconds)."""
    client, n = Redis.from_url(url), 0
    time.sleep(max(0.0, start - time.time()))
    began = time.time()
    while time.time() < began + seconds:
        pipe = client.pipeline(transaction=False)
        for payload in payloads:
            pipe.xadd(stream, {"e": payload.replace(workload.TOKEN, f"{tag}-{n}")})
        pipe.execute()
        n += 1
    return n * len(payloads), time.time() - began


def _append(url: str, settings: Settings, tenant_id: str, items: list[dict[str, object]], tag: str,
            start: float, seconds: float) -> tuple[int, float]:
    """One baseline process: the same batch through eventlog's append (the dedup Lua call), no HTTP,
    on the same kind of client as the web process."""
    client, n = connect(url), 0
    time.sleep(max(0.0, start - time.time()))
    began = time.time()
    while time.time() < began + seconds:
        fill = f"{tag}-{n}"
        now_ms = int(time.time() * 1000)
        filled: list[dict[str, Any]] = [
            {k: v.replace(workload.TOKEN, fill) if isinstance(v, str) else v for k, v in item.items()}
            for item in items]
        events = [Event(tenant_id=tenant_id, occurred_at_ms=now_ms, **item) for item in filled]
        done = append(client, settings, tenant_id, events)
        if done.duplicates:  # a duplicate is turned away for a fraction of an append's cost
            raise RuntimeError(f"baseline append {fill}: {done.duplicates} duplicates; its ids must all be new")
        n += 1
    return n * len(items), time.time() - began


def append_rate(box: Sandbox, tenant_id: str, items: list[dict[str, object]], processes: int, seconds: float,
                label: str) -> float:
    """Events per second of `processes` direct appenders: the event log's own batch append. `label`
    makes this round's ids its own: a round that sent another round's ids again would time dedup."""
    start = time.time() + 2.0
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        jobs = [(box.settings.redis_url, box.settings, tenant_id, items, f"{label}-a{i}", start, seconds)
                for i in range(processes)]
        parts = pool.starmap_async(_append, jobs).get(timeout=seconds + 60)
    return sum(n for n, _ in parts) / max(s for _, s in parts)


def xadd_rate(box: Sandbox, payloads: list[str], processes: int, seconds: float) -> float:
    """Events per second of `processes` raw XADD appenders (the web side's parallelism)."""
    stream = box.scratch("xadd")
    start = time.time() + 2.0
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        jobs = [(box.settings.redis_url, stream, payloads, f"x{i}", start, seconds) for i in range(processes)]
        parts = pool.starmap_async(_xadd, jobs).get(timeout=seconds + 60)
    box.client.unlink(stream)  # a big stream: freed off Redis's main thread (other users share it)
    return sum(n for n, _ in parts) / max(s for _, s in parts)


def median_pair(measured: list[float], baseline: list[float]) -> tuple[float, float]:
    """Of rounds run back to back in pairs (a measured round and its baseline round), the pair whose
    ratio is the median. A pair ran on the machine, and the Redis, as they were at that moment: this machine's
    speed moves by a tenth from one 5 s round to the next, and a Redis still growing its tables runs
    the same script up to twice as slowly as one that has grown them."""
    pairs = sorted(zip(measured, baseline, strict=True), key=lambda p: p[0] / p[1] if p[1] else 0.0)
    return pairs[len(pairs) // 2]


def tool(wrk: str | None, connections: int) -> str:
    """The load generator, for the notes."""
    return f"wrk -t2 -c{connections}" if wrk else f"{min(connections, 4)} Python client processes (no wrk)"


def run(box: Sandbox, log_dir: Path, wrk: str | None) -> list[Result]:
    """Targets 1 and 2: both servers started from the Procfile's web line, same settings."""
    env = box.env()
    one_id, one_key = box.tenant("UTC", partition=2)
    many_id, many_key = box.tenant("Europe/Berlin", partition=3)
    singles = bodies(workload.single_templates(one_id), batch=False)
    batch_items = workload.batch_template(many_id, BATCH)
    batch = bodies(batch_items, batch=True)
    with ExitStack() as running:
        app, app_url = servers.serve("web", env, log_dir)
        running.callback(app.stop)
        bare, bare_url = servers.serve("bare", env, log_dir, app="bench.bare:create_app()")
        running.callback(bare.stop)
        for url in (app_url, bare_url):
            load.hammer(wrk, url, one_key, singles, WARM_S, SINGLE_CONNECTIONS, "warm")
        app_runs, bare_runs = [], []
        for r in range(ROUNDS):
            app_runs.append(load.hammer(wrk, app_url, one_key, singles, RUN_S, SINGLE_CONNECTIONS, f"s{r}"))
            bare_runs.append(load.hammer(wrk, bare_url, one_key, singles, RUN_S, SINGLE_CONNECTIONS, f"b{r}"))
        load.hammer(wrk, app_url, many_key, batch, WARM_S, BATCH_CONNECTIONS, "warmb")
        # Rounds alternate between the web and the direct append: both sides append into the same,
        # growing keyspace, and a Redis still growing its tables runs the same script up to twice as
        # slowly as one that has just grown them, so whichever side runs first in a pair tends to pay
        # for the growth. The order within a pair alternates too (web first, then direct first, ...).
        workers = int(env.get("WEB_WORKERS") or 2)
        batch_runs, directs = [], []
        for r in range(ROUNDS):
            if r % 2:
                directs.append(append_rate(box, many_id, batch_items, workers, RUN_S, f"d{r}"))
            batch_runs.append(load.hammer(wrk, app_url, many_key, batch, RUN_S, BATCH_CONNECTIONS, f"m{r}"))
            if not r % 2:
                directs.append(append_rate(box, many_id, batch_items, workers, RUN_S, f"d{r}"))
    raw = max(xadd_rate(box, encoded(many_id, batch_items), workers, RUN_S) for _ in range(ROUNDS))
    one, base = median_pair([r.rate for r in app_runs], [r.rate for r in bare_runs])
    many, direct = median_pair([r.rate * BATCH for r in batch_runs], directs)
    errors = sum(r.errors for r in app_runs + bare_runs + batch_runs)
    single_ratio, batch_ratio = ratio(one, base), ratio(many, direct)
    raw_ratio = ratio(many, raw)
    rounds = (f"{ROUNDS} alternating rounds of {RUN_S} s per side, judged on the back-to-back pair with the "
              "median ratio")
    # The service does all the bare endpoint does and more: a bare endpoint slower than the service
    # means the machine was disturbed during the bare rounds, and the ratio says nothing.
    disturbed = single_ratio is not None and single_ratio > 1
    single_met = None if disturbed else single_ratio is not None and single_ratio >= TARGET
    spread = (f"rounds: service {', '.join(f'{r.rate:,.0f}' for r in app_runs)}, bare "
              f"{', '.join(f'{r.rate:,.0f}' for r in bare_runs)} req/s")
    return [
        Result("1. ingest, 1 event/request (req/s)", per_s(one, "req"), per_s(base, "req") + " (bare Flask)",
               single_ratio, f">= {TARGET} x bare", single_met,
               ("NOT JUDGED: the bare baseline ran slower than the service, so the machine was disturbed; "
                "run again. " if disturbed else "")
               + f"{tool(wrk, SINGLE_CONNECTIONS)}, {WARM_S} s warm-up, {rounds}; {spread}; "
               f"{servers.gunicorn_settings(env)}; failed requests (all runs): {errors}"),
        Result("2. ingest, 500-event batches (events/s)", per_s(many, "events"),
               per_s(direct, "events") + f" (direct redis-py append, {workers} procs)", batch_ratio,
               f">= {TARGET} x direct append", batch_ratio is not None and batch_ratio >= TARGET,
               f"{tool(wrk, BATCH_CONNECTIONS)}, {rounds}; rounds: web "
               f"{', '.join(f'{r.rate * BATCH:,.0f}' for r in batch_runs)}, direct "
               f"{', '.join(f'{d:,.0f}' for d in directs)} events/s; baseline: {workers} processes (the web "
               f"workers' count) each calling eventlog.append.append with the same 500 events (the dedup Lua "
               f"call, no HTTP, no validation)"),
        Result("2b. ingest, 500-event batches vs raw XADD (events/s)", per_s(many, "events"),
               per_s(raw, "events") + f" (XADD pipeline, {workers} procs, best of {ROUNDS})", raw_ratio,
               "(context)", None,
               "the same batches against a pipeline of bare XADDs with no dedup at all: what dedup and the "
               "HTTP edge cost together"),
    ]

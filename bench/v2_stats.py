"""Server-side time of 2-year v2 stats queries (day, week, month) on the real Redis.

Run from the repo root: .venv/bin/python bench/v2_stats.py [--runs N] [--per-day N]
It appends events for every local day of four years under a throwaway KEY_PREFIX, projects them,
times GET /v2/stats and /v2/stats.csv through the Flask test client (wall time, and the CPU time of
this thread, which shows our own cost on a busy machine) and removes every key it wrote.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a plain script

from redis import Redis

from eventlog import tenants
from eventlog.append import append
from eventlog.event import CHANNELS, Event, epoch_ms
from eventlog.keys import Keys
from eventlog.settings import Settings
from web import create_app
from workers.project import drain

REDIS_URL = "redis://127.0.0.1:6379/0"
ZONE = "America/New_York"
DATA_FIRST, DATA_LAST = date(2021, 1, 1), date(2024, 12, 31)  # the queried 2 years and the 2 before
QUERY = "from=2023-01-01&to=2024-12-31"


def day_events(tenant_id: str, day: date, per_day: int, rng: random.Random) -> list[Event]:
    """A day's worth of requests: sent, a status, maybe an impression and a rated response."""
    out: list[Event] = []
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(ZONE))
    for i in range(per_day):
        rid, ch = f"{day.isoformat()}-{i}", rng.choice(CHANNELS)
        at = epoch_ms(noon) + i * 1000
        kinds = ["sent", rng.choice(["delivered", "read", "failed"])]
        if rng.random() < 0.6:
            kinds.append("impression")
        if rng.random() < 0.4:
            kinds.append("response")
        for n, kind in enumerate(kinds):
            out.append(Event(tenant_id, f"{rid}-{kind}", kind, ch, rid, at + n * 60_000,
                             rating=rng.randint(1, 5) if kind == "response" else None))
    return out


def load(client: Redis, settings: Settings, keys: Keys, tenant_id: str, per_day: int) -> int:
    """Append and project events for every day of the data range; how many were projected."""
    rng, batch = random.Random(7), []
    day = DATA_FIRST
    while day <= DATA_LAST:
        batch += day_events(tenant_id, day, per_day, rng)
        if len(batch) >= 900 or day == DATA_LAST:
            append(client, settings, tenant_id, batch)
            batch = []
        day += timedelta(days=1)
    return sum(drain(client, keys, p, budget_s=600).events for p in range(keys.partitions))


def timed(http: Any, path: str, headers: dict[str, str], runs: int) -> tuple[list[float], list[float], int]:
    """Wall and CPU milliseconds per request over `runs` requests, after one warm-up; the body size."""
    r = http.get(path, headers=headers)
    assert r.status_code == 200, r.data[:300]
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.thread_time()
        http.get(path, headers=headers)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
    return wall, cpu, len(r.data)


def p(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cleanup(client: Redis, settings: Settings) -> None:
    """Delete every key of the throwaway prefix and its queue."""
    for pattern in (f"{settings.key_prefix}:*", f"rq:*{settings.queue_name}*"):
        batch = list(client.scan_iter(match=pattern, count=1000))
        for i in range(0, len(batch), 500):
            client.delete(*batch[i:i + 500])


def main() -> None:
    """Load, time each granularity, print p50/p99, clean up."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--runs", type=int, default=200)
    args.add_argument("--per-day", type=int, default=10, help="review requests per day")
    opts = args.parse_args()
    client = Redis.from_url(REDIS_URL)
    settings = Settings(redis_url=REDIS_URL, queue_redis_url=REDIS_URL,
                        key_prefix="bench-v2-" + secrets.token_hex(4), partitions=4)
    keys = Keys(settings.key_prefix, settings.partitions)
    try:
        tenant, issued = tenants.create(client, keys, "Bench", ZONE, datetime.now(UTC))
        t = time.perf_counter()
        n = load(client, settings, keys, tenant.id, opts.per_day)
        print(f"loaded {n} events for {DATA_FIRST}..{DATA_LAST} in {time.perf_counter() - t:.1f}s")
        http = create_app({"SETTINGS": settings, "REDIS": client}).test_client()
        headers = {"Authorization": f"Bearer {issued.api_key}"}
        for granularity in ("day", "week", "month"):
            for path in (f"/v2/stats?{QUERY}&granularity={granularity}",
                         f"/v2/stats.csv?{QUERY}&granularity={granularity}"):
                wall, cpu, size = timed(http, path, headers, opts.runs)
                print(f"{path:<62} p50 {p(wall, 0.5):7.2f} ms  p99 {p(wall, 0.99):7.2f} ms  "
                      f"mean {statistics.fmean(wall):7.2f} ms  cpu p50 {p(cpu, 0.5):7.2f} ms  {size / 1024:5.0f} KiB")
    finally:
        cleanup(client, settings)


if __name__ == "__main__":
    main()

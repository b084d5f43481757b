"""v2 stats over two years (day, ISO week and month), computed and repeated, against the raw reads."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from redis import Redis

from bench.daily import percentiles
from bench.result import Result, ms, ratio
from bench.sandbox import Sandbox
from eventlog.append import append
from eventlog.event import CHANNELS, Event, epoch_ms
from eventlog.keys import Keys
from eventlog.settings import Settings
from projections.calendar import days
from web import create_app
from web.stats_v2 import period_texts
from workers.project import drain

ZONE = "America/New_York"
DATA_FIRST, DATA_LAST = date(2021, 1, 1), date(2024, 12, 31)  # the queried 2 years and the 2 before
QUERY = "from=2023-01-01&to=2024-12-31"
PER_DAY, WARM, SAMPLES = 10, 5, 60
TARGET_S = 0.005  # "a few ms"


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


def timed(http: FlaskClient, url: str, headers: dict[str, str],
          before: Callable[[], object] = lambda: None) -> tuple[float, float, int]:
    """p50 and p99 seconds of one query after a warm-up, and its body size; `before` runs ahead of
    each request, untimed."""
    size = 0
    for _ in range(WARM):
        before()
        answer = http.get(url, headers=headers)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {url}: {answer.status_code} {answer.data[:200]!r}")
        size = len(answer.data)
    samples = []
    for _ in range(SAMPLES):
        before()
        started = time.perf_counter()
        http.get(url, headers=headers)
        samples.append(time.perf_counter() - started)
    p50, p99 = percentiles(samples)
    return p50, p99, size


def new_data(box: Sandbox, tenant_id: str) -> Callable[[], object]:
    """One more event on a random day of the queried range, appended and projected: the tenant's data
    version moves, so the answer cache misses and the query is computed again."""
    rng, count = random.Random(3), [0]
    p = box.keys.partition(tenant_id)

    def step() -> None:
        count[0] += 1
        day = date(2023, 1, 1) + timedelta(days=rng.randrange(731))
        at = epoch_ms(datetime(day.year, day.month, day.day, 15, tzinfo=ZoneInfo(ZONE)))
        append(box.client, box.settings, tenant_id,
               [Event(tenant_id, f"new-{count[0]}", "sent", rng.choice(CHANNELS), f"new-{count[0]}", at)])
        drain(box.client, box.keys, p)

    return step


def raw_reads(box: Sandbox, tenant_id: str, granularity: str) -> float:
    """p50 seconds of the bare reads the query needs: an MGET of the packed years of the range and the
    previous range by month, else of the range's packed days."""
    keys, p = box.keys, box.keys.partition(tenant_id)
    years = [keys.monthly(p, tenant_id, "all", str(y)) for y in range(DATA_FIRST.year, DATA_LAST.year + 1)]
    day_names = [keys.daily(p, tenant_id, "all", d.isoformat()) for d in days(date(2023, 1, 1), DATA_LAST)]
    samples = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        box.client.mget(years if granularity == "month" else day_names)
        samples.append(time.perf_counter() - started)
    return percentiles(samples)[0]


MODES = (
    ("cold", "every request computed: no answer cache, no shaped periods kept"),
    ("after new data", "one new event projected before each request, so the answer cache misses; periods "
                       "whose counts did not change keep their shaped JSON"),
    ("repeated", "the same query again with the same data: the answer cache"),
)


def run(box: Sandbox) -> list[Result]:
    """Two years by day, week and month: cold, after new data, and repeated."""
    tenant_id, api_key = box.tenant(ZONE, partition=0)
    n = load(box.client, box.settings, box.keys, tenant_id, PER_DAY)
    headers = {"Authorization": f"Bearer {api_key}"}
    uncached = create_app({"SETTINGS": box.settings, "REDIS": box.client, "STATS_CACHE_BYTES": 0}).test_client()
    cached = create_app({"SETTINGS": box.settings, "REDIS": box.client}).test_client()
    changes = new_data(box, tenant_id)
    out = []
    for how, what in MODES:
        http = uncached if how == "cold" else cached
        before = {"cold": period_texts.clear, "after new data": changes}.get(how, lambda: None)
        for granularity in ("day", "week", "month"):
            p50, p99, size = timed(http, f"/v2/stats?{QUERY}&granularity={granularity}", headers, before)
            base = raw_reads(box, tenant_id, granularity)
            judged = how != "cold"  # the target is judged as a polling dashboard meets it
            out.append(Result(
                f"6. v2 stats, 2 years by {granularity}, {how} (p50 / p99)", f"{ms(p50)} / {ms(p99)}",
                f"{ms(base)} (raw reads, p50)", ratio(base, p50), "a few ms (<= 5 ms)" if judged else "(context)",
                p50 <= TARGET_S and p99 <= TARGET_S if judged else None,
                f"{SAMPLES} requests via app.test_client() in process after {WARM} warm-up; {what}; {n:,} events "
                f"on every day of {DATA_FIRST.year}-{DATA_LAST.year} (zone {ZONE}); body {size / 1024:.0f} KiB; "
                f"the previous range is read too"))
    return out

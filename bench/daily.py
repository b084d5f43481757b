"""v1 daily stats latency: the Flask view over 30 and 365 days, against the raw MGET of its packed days."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from flask.testing import FlaskClient

from bench import workload
from bench.result import Result, ms, ratio
from bench.sandbox import Sandbox
from eventlog.append import append
from projections import payload, store
from projections.calendar import days, today
from projections.metrics import Row
from web import create_app
from workers.project import drain

ZONE = "America/New_York"
HISTORY_DAYS = 400
EVENTS_PER_DAY = 60
WARM, SAMPLES = 30, 300
TARGET_S = 0.005
DAY_MS = 86_400_000


def fill(box: Sandbox, tenant_id: str, last: date) -> int:
    """Events on every local day of the last HISTORY_DAYS, appended and projected for real."""
    end_ms = int(datetime(last.year, last.month, last.day, tzinfo=UTC).timestamp() * 1000)
    for d in range(HISTORY_DAYS):
        start_ms = end_ms - (d + 1) * DAY_MS
        events = workload.events([tenant_id], EVENTS_PER_DAY, start_ms, start_ms + DAY_MS, f"d{d}", seed=d)
        append(box.client, box.settings, tenant_id, events)
    projected = 0
    while not (done := drain(box.client, box.keys, box.keys.partition(tenant_id), budget_s=60)).caught_up:
        projected += done.events
    return projected + done.events


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 of a list of durations."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[98]


def timed(call: Callable[[], object], warm: int = WARM, samples: int = SAMPLES) -> tuple[float, float]:
    """p50 and p99 seconds of a call, after a warm-up."""
    for _ in range(warm):
        call()
    out = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return percentiles(out)


def measure(box: Sandbox, http: FlaskClient, api_key: str, tenant_id: str, first: date, last: date,
            how: str) -> Result:
    """One range: the view, the raw reads it needs, and the view's two main parts on their own."""
    span, keys = (last - first).days + 1, box.keys
    url = f"/v1/stats/daily?from={first.isoformat()}&to={last.isoformat()}"
    headers = {"Authorization": f"Bearer {api_key}"}
    names = [keys.daily(keys.partition(tenant_id), tenant_id, "all", d.isoformat()) for d in days(first, last)]

    def view() -> None:
        http.get(url, headers=headers)

    checked = http.get(url, headers=headers)  # checked once, not timed: reading the answer is the client's work
    if checked.status_code != 200 or len(checked.json or []) != span:
        raise RuntimeError(f"GET {url}: {checked.status_code} {checked.data[:200]!r}")

    def raw() -> None:
        box.client.mget(names)

    def rows() -> list[Row]:
        return store.read_rows(box.client, keys, tenant_id, "all", first, last)

    found = rows()

    dates = [d.isoformat() for d in days(first, last)]

    def shapes() -> None:
        payload.v1_days_json(dates, found)

    (p50, p99), (b50, b99) = timed(view), timed(raw)
    read50, shape50 = timed(rows, 5, 100)[0], timed(shapes, 5, 100)[0]
    judged = span == 365  # the issue sets a target for a year only
    return Result(
        f"4. v1 daily stats, {span} days, {how} (p50 / p99)", f"{ms(p50)} / {ms(p99)}",
        f"{ms(b50)} / {ms(b99)} (MGET of {len(names)} days)", ratio(b50, p50),
        "p50 and p99 <= 5 ms" if judged else "(none)", p50 <= TARGET_S and p99 <= TARGET_S if judged else None,
        f"{SAMPLES} requests via app.test_client() in process, real Redis, data on every day ({EVENTS_PER_DAY} "
        f"events/day, zone {ZONE}); " + (
            f"p50 of its parts: store.read_rows {ms(read50)} (raw MGET {ms(b50)}), payload.v1_days_json "
            f"{ms(shape50)}, the rest (auth, query, Flask) ~{ms(max(p50 - read50 - shape50, 0))}"
            if how == "computed" else "the same query again: one HGET of the tenant's data version, then the "
            "answer kept by the web process"),
    )


def run(box: Sandbox) -> list[Result]:
    """Target 4: the view through app.test_client() (in process), and the bare MGET of the same days."""
    tenant_id, api_key = box.tenant(ZONE, partition=1)
    last = today(ZONE, datetime.now(UTC))
    fill(box, tenant_id, last)
    # every request computed (the answer cache off), then the same query repeated with the cache on
    cold = create_app({"SETTINGS": box.settings, "REDIS": box.client, "STATS_CACHE_BYTES": 0}).test_client()
    warm = create_app({"SETTINGS": box.settings, "REDIS": box.client}).test_client()
    return [measure(box, http, api_key, tenant_id, last - timedelta(days=span - 1), last, how)
            for http, how in ((cold, "computed"), (warm, "repeated (answer cache)")) for span in (30, 365)]

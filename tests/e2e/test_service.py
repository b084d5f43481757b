"""End to end: the real web, worker pool and sweep (the Procfile under honcho) on real Redis."""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.e2e.conftest import ADMIN, Service
from tests.e2e.oracle import CHANNELS, Oracle

pytestmark = pytest.mark.e2e


def random_events(rng: random.Random, now: datetime, n: int) -> list[dict[str, Any]]:
    """Events with duplicate ids, repeated marks, late and out-of-order arrivals, and context."""
    events: list[dict[str, Any]] = []
    for i in range(n):
        if events and rng.random() < 0.08:  # the same event again (a retry)
            events.append(dict(rng.choice(events)))
            continue
        kind = rng.choices(["sent", "delivered", "read", "failed", "impression", "response"], [5, 3, 2, 1, 3, 2])[0]
        at = now - timedelta(days=rng.randrange(0, 40), seconds=rng.randrange(86_400))
        event: dict[str, Any] = {"id": f"ev{i}", "type": kind, "channel": rng.choice(CHANNELS),
                                 "request_id": f"req{rng.randrange(n // 3)}", "occurred_at": at.isoformat()}
        if kind == "response":
            event["rating"] = rng.randint(1, 5)
        if rng.random() < 0.3:
            event["location"] = rng.choice(["NYC", "Pune"])
        if rng.random() < 0.3:
            event["campaign"] = rng.choice(["spring", "winback"])
        events.append(event)
    return events


def wait_until_projected(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while requests.get(f"{base}/readyz", timeout=5).json()["lag_total"]:
        assert time.monotonic() < deadline, "projection did not catch up"
        time.sleep(0.2)


def test_random_traffic_from_two_tenants_matches_the_oracle(service: Service) -> None:
    rng = random.Random(2025)
    admin = {"Authorization": f"Bearer {ADMIN}"}
    tenants: dict[str, dict[str, str]] = {}
    zones: dict[str, str] = {}
    for zone in ("Asia/Kolkata", "America/New_York"):
        made = requests.post(f"{service.base}/admin/tenants", json={"name": zone, "timezone": zone}, headers=admin).json()
        tenants[made["tenant_id"]] = {"Authorization": f"Bearer {made['api_key']}"}
        zones[made["tenant_id"]] = zone
    oracle = Oracle(zones)
    now = datetime.now(UTC)
    stream = {tid: random_events(rng, now, 2_000) for tid in tenants}
    killed = False
    posted = accepted = duplicates = 0
    cursors = dict.fromkeys(tenants, 0)
    while any(cursors[t] < len(stream[t]) for t in tenants):
        tid = rng.choice([t for t in tenants if cursors[t] < len(stream[t])])
        size = rng.choice([1, 1, 7, 50, 200])
        batch = stream[tid][cursors[tid]:cursors[tid] + size]
        cursors[tid] += len(batch)
        body = batch[0] if len(batch) == 1 else {"events": batch}
        r = requests.post(f"{service.base}/v1/events", json=body, headers=tenants[tid], timeout=10)
        assert r.status_code == 202, r.text
        accepted += r.json()["accepted"]
        duplicates += r.json()["duplicates"]
        for event in batch:
            oracle.post(tid, event)
        posted += len(batch)
        if not killed and posted > 1_500:  # a worker dies mid-stream: the pool starts another
            victims = service.rq_workers()
            assert victims, "no rq worker processes found"
            os.kill(victims[0], signal.SIGKILL)
            killed = True
    assert (accepted, duplicates) == (oracle.accepted, oracle.duplicates)
    wait_until_projected(service.base)

    first = (now - timedelta(days=41)).date()
    for tid, headers in tenants.items():
        days = requests.get(f"{service.base}/v1/stats/daily", params={"from": first.isoformat(),
                            "to": (now + timedelta(days=1)).date().isoformat()}, headers=headers).json()
        for day in days:
            assert {k: v for k, v in day.items() if k != "date"} == oracle.payload(tid, day["date"]), day["date"]
        overall = requests.get(f"{service.base}/v1/stats/overall", headers=headers).json()
        assert overall == oracle.payload(tid)
        assert overall["sent_total"] > 200 and overall["responses_total"] > 50 and overall["avgRating"]
        assert overall["sent_total"] == sum(d["sent_total"] for d in days)
        for params in ({"location": "Pune"}, {"campaign": "winback"}):
            got = requests.get(f"{service.base}/v1/stats/overall", params=params, headers=headers).json()
            assert got == oracle.payload(tid, **params)
            day = requests.get(f"{service.base}/v1/stats/daily/{now.astimezone().date().isoformat()}",
                               params=params, headers=headers)
            assert day.status_code == 200

    deadline = time.monotonic() + 20
    while len(service.rq_workers()) < 2:  # the killed worker was replaced
        assert time.monotonic() < deadline, "the dead worker was not started again"
        time.sleep(0.5)
    assert requests.get(f"{service.base}/healthz").ok

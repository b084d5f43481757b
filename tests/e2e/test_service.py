"""End to end: the real web, worker pool and sweep (the Procfile under honcho) on real Redis,
checked day by day against the independent oracle in tests/oracle.py."""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import date, timedelta

import pytest
import requests

from tests.e2e.conftest import ADMIN, Service
from tests.oracle import (
    FILTERS,
    QUERIES,
    Oracle,
    expected,
    expected_ranges,
    expected_series,
    interleave,
    request_events,
    v1_expected,
)

pytestmark = pytest.mark.e2e
ZONES = ("Asia/Kolkata", "America/New_York")


def wait_until_projected(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while requests.get(f"{base}/readyz", timeout=5).json()["lag_total"]:
        assert time.monotonic() < deadline, "projection did not catch up"
        time.sleep(0.2)


def test_random_traffic_from_two_tenants_matches_the_oracle(service: Service) -> None:
    rng = random.Random(2025)
    base = service.base
    headers: dict[str, dict[str, str]] = {}
    oracles: dict[str, Oracle] = {}
    streams = {}
    for zone in ZONES:
        made = requests.post(f"{base}/admin/tenants", json={"name": zone, "timezone": zone},
                             headers={"Authorization": f"Bearer {ADMIN}"}).json()
        tid = made["tenant_id"]
        headers[tid], oracles[tid] = {"Authorization": f"Bearer {made['api_key']}"}, Oracle(zone)
        streams[tid] = interleave(rng, [request_events(rng, f"r{i}") for i in range(400)])
    assert sum(len(s) for s in streams.values()) > 3_000

    killed, accepted, duplicates, expected_accepted, posted = False, 0, 0, 0, 0
    cursors = dict.fromkeys(streams, 0)
    while any(cursors[t] < len(streams[t]) for t in streams):
        tid = rng.choice([t for t in streams if cursors[t] < len(streams[t])])
        batch = streams[tid][cursors[tid]:cursors[tid] + rng.choice([1, 1, 7, 50, 200])]
        cursors[tid] += len(batch)
        r = requests.post(f"{base}/v1/events", json=batch[0] if len(batch) == 1 else {"events": batch},
                          headers=headers[tid], timeout=10)
        assert r.status_code == 202, r.text
        accepted, duplicates = accepted + r.json()["accepted"], duplicates + r.json()["duplicates"]
        expected_accepted += sum(oracles[tid].post(e) for e in batch)
        posted += len(batch)
        if not killed and posted > 1_500:  # a worker dies mid-stream: the pool starts another
            victims = service.rq_workers()
            assert victims, "no rq worker processes found"
            os.kill(victims[0], signal.SIGKILL)
            killed = True
    assert (accepted, duplicates) == (expected_accepted, posted - expected_accepted)
    wait_until_projected(base)

    first, last = date(2024, 10, 25), date(2025, 5, 5)
    for tid, oracle in oracles.items():
        h = headers[tid]
        days = requests.get(f"{base}/v1/stats/daily", params={"from": first.isoformat(), "to": last.isoformat()},
                            headers=h).json()
        assert [d["date"] for d in days] == [(first + timedelta(days=i)).isoformat() for i in range(len(days))]
        for d in days:
            assert {k: v for k, v in d.items() if k != "date"} == v1_expected(oracle.between("all", *[date.fromisoformat(d["date"])] * 2)), d["date"]
        overall = requests.get(f"{base}/v1/stats/overall", headers=h).json()
        assert overall == v1_expected(oracle.lifetime("all"))
        assert overall["sent_total"] > 200 and overall["responses_total"] > 100 and overall["avgRating"]
        for scope, filter_ in FILTERS:
            name, _, value = filter_.lstrip("&").partition("=")
            params = {name: value} if name else {}
            assert requests.get(f"{base}/v1/stats/overall", params=params, headers=h).json() == \
                v1_expected(oracle.lifetime(scope)), scope
            for first_text, last_text, g in QUERIES:
                body = requests.get(f"{base}/v2/stats", headers=h, params={
                    "from": first_text, "to": last_text, "granularity": g, **params}).json()
                a, b, before_a, before_b = expected_ranges(date.fromisoformat(first_text),
                                                           date.fromisoformat(last_text), g)
                assert body["series"] == expected_series(oracle, scope, a, b, g), (scope, first_text, g)
                assert body["totals"] == expected(f"{a}/{b}", oracle.between(scope, a, b))
                assert body["previous"] == expected(f"{before_a}/{before_b}", oracle.between(scope, before_a, before_b))
            v2_overall = requests.get(f"{base}/v2/stats/overall", params=params, headers=h).json()
            assert v2_overall["totals"] == expected("lifetime", oracle.lifetime(scope))

    deadline = time.monotonic() + 20
    while len(service.rq_workers()) < 2:  # the killed worker was replaced
        assert time.monotonic() < deadline, "the dead worker was not started again"
        time.sleep(0.5)
    assert requests.get(f"{base}/healthz").ok

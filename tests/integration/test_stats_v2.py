"""v2 stats through HTTP on real Redis, checked against an oracle computed from the posted events."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from redis import Redis

from eventlog.keys import Keys
from projections import store
from projections.metrics import from_counts
from projections.report import report
from tests.conftest import project_all
from tests.oracle import (
    CHANNELS,
    FILTERS,
    QUERIES,
    START,
    Oracle,
    expected,
    expected_ranges,
    expected_series,
    interleave,
    request_events,
    rfc,
)


def post_all(http: Any, headers: dict[str, str], events: list[dict[str, Any]]) -> None:
    for i in range(0, len(events), 250):
        r = http.post("/v1/events", json={"events": events[i:i + 250]}, headers=headers)
        assert r.status_code == 202, r.json


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/New_York"])
def test_every_period_totals_previous_and_overall_match_the_oracle(
        http: Any, make_tenant: Any, client: Redis, keys: Keys, zone: str) -> None:
    rng = random.Random(zone)
    tenant_id, h = make_tenant(zone)
    events = interleave(rng, [request_events(rng, f"r{i}") for i in range(220)])
    oracle = Oracle(zone)
    for e in events:
        oracle.post(e)
    post_all(http, h, events)
    project_all(client, keys)
    assert sum(oracle.lifetime("all")["cohort:" + ch] for ch in CHANNELS) > 50  # the cohort path is exercised
    for scope, filter_ in FILTERS:
        for first_text, last_text, g in QUERIES:
            body = http.get(f"/v2/stats?from={first_text}&to={last_text}&granularity={g}{filter_}", headers=h).json
            first, last, before_first, before_last = expected_ranges(
                date.fromisoformat(first_text), date.fromisoformat(last_text), g)
            assert (body["tenant"], body["timezone"], body["granularity"]) == (tenant_id, zone, g)
            assert (body["from"], body["to"]) == (first.isoformat(), last.isoformat())
            assert body["series"] == expected_series(oracle, scope, first, last, g), (scope, first, g)
            assert body["totals"] == expected(f"{first}/{last}", oracle.between(scope, first, last))
            assert body["previous"] == expected(f"{before_first}/{before_last}",
                                                oracle.between(scope, before_first, before_last))
        overall = http.get(f"/v2/stats/overall?{filter_[1:]}", headers=h).json
        assert overall == {"tenant": tenant_id, "timezone": zone, "totals": expected("lifetime", oracle.lifetime(scope))}


def test_sum_over_any_range_equals_the_sum_of_its_days(http: Any, make_tenant: Any, client: Redis, keys: Keys) -> None:
    tenant_id, h = make_tenant("America/New_York")
    rng = random.Random(11)
    post_all(http, h, [{"id": str(i), "type": "sent", "channel": rng.choice(CHANNELS), "request_id": str(i),
                        "occurred_at": rfc(START + timedelta(hours=rng.randint(0, 150 * 24)))} for i in range(600)])
    project_all(client, keys)
    ranges = [("2024-11-01", "2025-03-31"), ("2024-11-15", "2025-01-31"), ("2024-11-01", "2025-02-10"),
              ("2024-11-15", "2025-02-10"), ("2024-12-03", "2024-12-20"), ("2024-12-25", "2025-01-04"),
              ("2025-01-01", "2025-01-31"), ("2024-10-20", "2025-04-20")]
    for a, b in ranges:
        first, last = date.fromisoformat(a), date.fromisoformat(b)
        days = store.read_days(client, keys, tenant_id, "all", first, last)
        want: Counter[str] = Counter()
        for counts in days.values():
            want.update(counts)
        totals = report(client, keys, tenant_id, "all", first, last, "day").totals
        assert totals == (f"{a}/{b}", from_counts(want)), (a, b)


def test_csv_has_one_row_per_period_with_the_json_values(http: Any, make_tenant: Any, client: Redis,
                                                         keys: Keys) -> None:
    _, h = make_tenant("Asia/Kolkata")
    rng = random.Random(2)
    post_all(http, h, interleave(rng, [request_events(rng, f"r{i}") for i in range(60)]))
    project_all(client, keys)
    q = "from=2024-12-01&to=2025-01-20&granularity=week&campaign=spring"
    r = http.get(f"/v2/stats.csv?{q}", headers=h)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    header, rows = rows[0], rows[1:]
    assert header[:3] == ["period", "sent_email", "sent_whatsapp"]
    assert "rating_distribution_by_channel_email_5" in header and "rates_response_total" in header
    series = http.get(f"/v2/stats?{q}", headers=h).json["series"]
    assert [row[0] for row in rows] == [p["period"] for p in series]

    def cell(p: dict[str, Any], column: str) -> str:
        value: Any = p
        rest = column
        while isinstance(value, dict):  # walk the longest key that matches the column's head
            key = max((k for k in value if rest == k or rest.startswith(k + "_")), key=len)
            value, rest = value[key], rest[len(key) + 1:]
        return "" if value is None else str(value)

    for row, p in zip(rows, series, strict=True):
        assert row == [cell(p, column) for column in header]
    assert any(cell == "" for row in rows for cell in row)  # nulls are empty cells


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2025-04-10&to=2025-04-09&granularity=day", "to"),
        ("from=2020-01-01&to=2025-01-01&granularity=month", "to"),
        ("from=2025-04-01&to=2025-04-09&granularity=year", "granularity"),
        ("from=2025-04-01&to=2025-04-09", "granularity"),
        ("to=2025-04-09&granularity=day", "from"),
        ("from=2025-04-01&to=2025-04-31&granularity=day", "to"),
        ("from=2025-04-01&to=2025-04-09&granularity=day&location=a&campaign=b", "_schema"),
        ("from=2025-04-01&to=2025-04-09&granularity=day&colour=red", "colour"),
        ("from=1899-12-31&to=1900-01-02&granularity=day", "from"),
    ],
)
def test_bad_query_is_422_naming_the_field(http: Any, make_tenant: Any, query: str, field: str) -> None:
    _, h = make_tenant()
    for path in ("/v2/stats", "/v2/stats.csv"):
        r = http.get(f"{path}?{query}", headers=h)
        assert r.status_code == 422 and field in r.json["error"]["details"], (path, r.json)


def test_five_years_less_a_day_is_allowed_and_answers_empty_periods(http: Any, make_tenant: Any) -> None:
    _, h = make_tenant()
    body = http.get("/v2/stats?from=2020-01-01&to=2024-12-31&granularity=month", headers=h).json
    assert len(body["series"]) == 60 and body["previous"]["period"] == "2015-01-01/2019-12-31"
    assert body["totals"]["sent"]["total"] == 0 and body["totals"]["rates"]["delivery"]["total"] is None


def test_v2_needs_an_api_key(http: Any) -> None:
    for path in ("/v2/stats?from=2025-04-01&to=2025-04-09&granularity=day", "/v2/stats/overall",
                 "/v2/stats.csv?from=2025-04-01&to=2025-04-09&granularity=day"):
        assert http.get(path).status_code == 401

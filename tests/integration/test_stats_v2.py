"""v2 stats through HTTP on real Redis, checked against an oracle computed from the posted events."""

from __future__ import annotations

import calendar
import csv
import io
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from redis import Redis

from eventlog.keys import Keys
from projections import store
from projections.report import over
from tests.conftest import project_all

CHANNELS = ["email", "whatsapp", "sms", "other"]
COUNTERS = ["sent", "delivered", "read", "failed", "impressions", "responses"]
STATUS_RUNS = [[], ["delivered"], ["delivered", "read"], ["read"], ["read", "delivered"], ["failed"],
               ["failed", "delivered"], ["delivered", "failed"], ["failed", "read"], ["read", "failed"]]
START = datetime(2024, 11, 1, tzinfo=timezone.utc)


def rfc(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def request_events(rng: random.Random, rid: str) -> list[dict[str, Any]]:
    """One review request's events in the order they are posted, with duplicates and late answers."""
    context = rng.choice([{}, {"location": "NYC"}, {"location": "Pune"}, {"campaign": "spring"}])
    t0 = START + timedelta(minutes=rng.randint(0, 147 * 24 * 60))
    n = 0

    def ev(kind: str, channel: str, at: datetime, **extra: Any) -> dict[str, Any]:
        nonlocal n
        n += 1
        return {"id": f"{rid}-{n}", "type": kind, "channel": channel, "request_id": rid,
                "occurred_at": rfc(at), **context, **extra}

    out: list[dict[str, Any]] = []
    for i, channel in enumerate(rng.sample(CHANNELS, rng.choice([1, 1, 2]))):
        at = t0 + timedelta(hours=3 * i)
        out.append(ev("sent", channel, at))
        if rng.random() < 0.1:  # a second send on the same channel counts once
            out.append(ev("sent", channel, at + timedelta(minutes=5)))
        for j, status in enumerate(rng.choice(STATUS_RUNS)):
            out.append(ev(status, channel, at + timedelta(minutes=10 * (j + 1))))
        if rng.random() < 0.5:
            out.append(ev("impression", channel, at + timedelta(hours=rng.randint(1, 30))))
    if rng.random() < 0.6:
        answered = t0 + timedelta(hours=rng.randint(0, 240), minutes=rng.randint(0, 59))  # days later
        response = ev("response", rng.choice(CHANNELS), answered, rating=rng.randint(1, 5))
        if rng.random() < 0.25:  # the answer is posted before its request's sends
            out.insert(0, response)
        else:
            out.append(response)
        if rng.random() < 0.2:  # a second answer of the same request counts nowhere
            out.append(ev("response", rng.choice(CHANNELS), answered + timedelta(hours=1), rating=1))
    if rng.random() < 0.15:  # a re-delivered event, same id
        out.insert(rng.randrange(len(out) + 1), dict(rng.choice(out)))
    if rng.random() < 0.15:  # a new event under a used id counts nowhere
        out.append({**ev("impression", rng.choice(CHANNELS), t0 + timedelta(hours=2)), "id": out[0]["id"]})
    return out


def interleave(rng: random.Random, per_request: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every request's events mixed together, each request's own order kept."""
    queues = [list(events) for events in per_request]
    out = []
    while queues:
        q = rng.choice(queues)
        out.append(q.pop(0))
        if not q:
            queues.remove(q)
    return out


class Oracle:
    """Counts per scope and local day, by the dedup rules, from events in posting order."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.days: dict[str, dict[date, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        self.ids: set[str] = set()
        self.marks: dict[str, set[str]] = defaultdict(set)
        self.first_sent: dict[str, datetime] = {}
        self.answer: dict[str, str] = {}
        self.cohort_done: set[str] = set()

    def day(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def count(self, e: dict[str, Any], at: datetime, metric: str) -> None:
        scopes = ["all"]
        if "location" in e:
            scopes.append(f"loc:{e['location']}")
        if "campaign" in e:
            scopes.append(f"cmp:{e['campaign']}")
        for scope in scopes:
            self.days[scope][self.day(at)][metric] += 1

    def post(self, e: dict[str, Any]) -> None:
        if e["id"] in self.ids:
            return
        self.ids.add(e["id"])
        rid, ch, kind = e["request_id"], e["channel"], e["type"]
        at = datetime.fromisoformat(e["occurred_at"].replace("Z", "+00:00"))
        marks = self.marks[rid]
        if kind == "response":
            if rid in self.answer:
                return
            self.answer[rid] = ch
            self.count(e, at, f"responses:{ch}")
            self.count(e, at, f"stars:{ch}:{e['rating']}")
            if rid in self.first_sent and rid not in self.cohort_done:
                self.cohort_done.add(rid)
                self.count(e, self.first_sent[rid], f"cohort:{ch}")
            return
        blocked = {"delivered": {"delivered", "read", "failed"}, "failed": {"failed", "delivered", "read"}}
        if {f"{k}:{ch}" for k in blocked.get(kind, {kind})} & marks:
            return
        marks.add(f"{kind}:{ch}")
        self.count(e, at, f"{'impressions' if kind == 'impression' else kind}:{ch}")
        if kind == "read" and not {f"delivered:{ch}", f"failed:{ch}"} & marks:
            marks.add(f"delivered:{ch}")
            self.count(e, at, f"delivered:{ch}")
        if kind == "sent":
            self.first_sent.setdefault(rid, at)
            if rid in self.answer and rid not in self.cohort_done:
                self.cohort_done.add(rid)
                self.count(e, at, f"cohort:{self.answer[rid]}")

    def between(self, scope: str, first: date, last: date) -> Counter[str]:
        total: Counter[str] = Counter()
        for day, counts in self.days[scope].items():
            if first <= day <= last:
                total.update(counts)
        return total

    def lifetime(self, scope: str) -> Counter[str]:
        return self.between(scope, date.min, date.max)


def ratio(n: int, d: int, places: str) -> float | None:
    return None if d == 0 else float((Decimal(n) / Decimal(d)).quantize(Decimal(places), ROUND_HALF_UP))


def expected(name: str, c: Counter[str]) -> dict[str, Any]:
    """The period object the API should answer for counts c, built without the app's code."""
    def by(metric: str) -> dict[str, int]:
        out = {ch: c[f"{metric}:{ch}"] for ch in CHANNELS}
        return {**out, "total": sum(out.values())}

    out: dict[str, Any] = {"period": name, **{k: by(k) for k in COUNTERS}}
    sent = out["sent"]
    cohort = by("cohort")
    out["rates"] = {rate: {ch: ratio(num[ch], sent[ch], "0.0001") for ch in sent} for rate, num in [
        ("delivery", out["delivered"]), ("impression", out["impressions"]), ("response", out["responses"]),
        ("response_by_send_date", cohort)]}
    per_channel = {ch: {str(s): c[f"stars:{ch}:{s}"] for s in range(1, 6)} for ch in CHANNELS}
    dist = {str(s): sum(per_channel[ch][str(s)] for ch in CHANNELS) for s in range(1, 6)}
    groups = {**per_channel, "total": dist}
    out["rating"] = {
        "average": {ch: ratio(sum(int(s) * k for s, k in g.items()), sum(g.values()), "0.01") for ch, g in groups.items()},
        "count": {ch: sum(g.values()) for ch, g in groups.items()},
        "distribution": dist,
        "distribution_by_channel": per_channel,
    }
    return out


def month_after(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, 1)


def expected_ranges(first: date, last: date, g: str) -> tuple[date, date, date, date]:
    """Widened range and previous range, by plain calendar rules."""
    if g == "week":
        first, last = first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())
    if g == "month":
        first = first.replace(day=1)
        last = last.replace(day=calendar.monthrange(last.year, last.month)[1])
        n = (last.year - first.year) * 12 + last.month - first.month + 1
        return first, last, month_after(first, -n), first - timedelta(days=1)
    n = (last - first).days + 1
    return first, last, first - timedelta(days=n), first - timedelta(days=1)


def period_label(d: date, g: str) -> str:
    if g == "week":
        year, week, _ = d.isocalendar()
        return f"{year}-W{week:02d}"
    return d.isoformat()[: 7 if g == "month" else 10]


def expected_series(oracle: Oracle, scope: str, first: date, last: date, g: str) -> list[dict[str, Any]]:
    groups: dict[str, Counter[str]] = {}
    day = first
    while day <= last:
        groups.setdefault(period_label(day, g), Counter()).update(oracle.days[scope].get(day, Counter()))
        day += timedelta(days=1)
    return [expected(name, c) for name, c in groups.items()]


def post_all(http: Any, headers: dict[str, str], events: list[dict[str, Any]]) -> None:
    for i in range(0, len(events), 250):
        r = http.post("/v1/events", json={"events": events[i:i + 250]}, headers=headers)
        assert r.status_code == 202, r.json


QUERIES = [("2024-12-20", "2025-01-10", "day"), ("2024-11-01", "2025-04-12", "day"),
           ("2024-12-31", "2025-02-15", "week"), ("2024-11-01", "2025-04-12", "week"),
           ("2025-01-15", "2025-03-02", "month"), ("2024-11-05", "2025-04-12", "month")]
FILTERS = [("all", ""), ("loc:NYC", "&location=NYC"), ("cmp:spring", "&campaign=spring"), ("loc:Paris", "&location=Paris")]


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
        assert over(client, keys, tenant_id, "all", first, last) == dict(want), (a, b)


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

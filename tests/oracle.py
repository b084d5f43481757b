"""An independent model of the stats: events generated with every dedup case, and the payloads
the API must answer for them, computed without the app's code."""

from __future__ import annotations

import calendar
import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

CHANNELS = ["email", "whatsapp", "sms", "other"]
COUNTERS = ["sent", "delivered", "read", "failed", "impressions", "responses"]
STATUS_RUNS = [[], ["delivered"], ["delivered", "read"], ["read"], ["read", "delivered"], ["failed"],
               ["failed", "delivered"], ["delivered", "failed"], ["failed", "read"], ["read", "failed"]]
START = datetime(2024, 11, 1, tzinfo=UTC)


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

    def post(self, e: dict[str, Any]) -> bool:
        """Apply one posted event; whether it was accepted (False: a duplicate)."""
        if e["id"] in self.ids:
            return False
        self.ids.add(e["id"])
        rid, ch, kind = e["request_id"], e["channel"], e["type"]
        at = datetime.fromisoformat(e["occurred_at"].replace("Z", "+00:00"))
        marks = self.marks[rid]
        if kind == "response":
            if rid in self.answer:
                return False
            self.answer[rid] = ch
            self.count(e, at, f"responses:{ch}")
            self.count(e, at, f"stars:{ch}:{e['rating']}")
            if rid in self.first_sent and rid not in self.cohort_done:
                self.cohort_done.add(rid)
                self.count(e, self.first_sent[rid], f"cohort:{ch}")
            return True
        blocked = {"delivered": {"delivered", "read", "failed"}, "failed": {"failed", "delivered", "read"}}
        if {f"{k}:{ch}" for k in blocked.get(kind, {kind})} & marks:
            return False
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
        return True

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


QUERIES = [("2024-12-20", "2025-01-10", "day"), ("2024-11-01", "2025-04-12", "day"),
           ("2024-12-31", "2025-02-15", "week"), ("2024-11-01", "2025-04-12", "week"),
           ("2025-01-15", "2025-03-02", "month"), ("2024-11-05", "2025-04-12", "month")]
FILTERS = [("all", ""), ("loc:NYC", "&location=NYC"), ("cmp:spring", "&campaign=spring"), ("loc:Paris", "&location=Paris")]




def v1_expected(c: Counter[str]) -> dict[str, Any]:
    """The v1 object (without `date`) the API should answer for counts c."""
    out: dict[str, Any] = {}
    for counter in ("sent", "impressions", "responses"):
        per = {ch: c[f"{counter}:{ch}"] for ch in CHANNELS}
        out.update({f"{counter}_{ch}": n for ch, n in per.items()})
        out[f"{counter}_total"] = sum(per.values())
    stars = {s: sum(c[f"stars:{ch}:{s}"] for ch in CHANNELS) for s in range(1, 6)}
    out["avgRating"] = ratio(sum(s * k for s, k in stars.items()), sum(stars.values()), "0.01")
    return out

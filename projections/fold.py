"""Fold events into counter increments: pure, no Redis, no clock.

An event counts on its tenant-local day, in that day's month rollup and in the lifetime totals,
in scope "all" and in the scope of its location and of its campaign when it has them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from eventlog.event import Event
from eventlog.keys import Keys
from projections.calendar import local_day

Increments = dict[str, dict[str, int]]

COUNTER_OF_TYPE = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "failed": "failed",
    "impression": "impressions",
    "response": "responses",
}


def metrics(event: Event) -> list[tuple[int, str]]:
    """What one event adds 1 to: (the instant whose local day it counts on, metric name)."""
    at, ch = event.occurred_at_ms, event.channel
    found = [(at, f"{COUNTER_OF_TYPE[event.type]}:{ch}")]
    if event.implies_delivery:
        found.append((at, f"delivered:{ch}"))
    if event.rating is not None:
        found.append((at, f"stars:{ch}:{event.rating}"))
    if event.cohort_sent_at_ms is not None:
        found.append((event.cohort_sent_at_ms, f"cohort:{ch}"))
    if event.cohort_channel is not None:
        found.append((at, f"cohort:{event.cohort_channel}"))
    return found


def scopes(event: Event) -> list[str]:
    """The scopes one event counts in."""
    found = ["all"]
    if event.location is not None:
        found.append(f"loc:{event.location}")
    if event.campaign is not None:
        found.append(f"cmp:{event.campaign}")
    return found


def fold(events: Iterable[Event], keys: Keys, zone_of: Callable[[str], str]) -> Increments:
    """Sum a batch of events into {counter hash key: {field: increment}}."""
    out: Increments = defaultdict(lambda: defaultdict(int))
    for event in events:
        tid = event.tenant_id
        p = keys.partition(tid)
        zone = zone_of(tid)
        found = metrics(event)
        for scope in scopes(event):
            lifetime = out[keys.lifetime(p, tid, scope)]
            for at, name in found:
                day = local_day(at, zone)
                out[keys.days(p, tid, scope, day[:7])][f"{day[8:]}|{name}"] += 1
                out[keys.months(p, tid, scope, day[:4])][f"{day[5:7]}|{name}"] += 1
                lifetime[name] += 1
    return {key: dict(fields) for key, fields in out.items()}

"""Fold events into counter increments: pure, no Redis, no clock.

An event counts on its tenant-local day, in that day's month rollup and in the lifetime totals,
in scope "all" and in the scope of its location and of its campaign when it has them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from eventlog.event import CHANNELS, Event
from eventlog.keys import Keys
from projections.calendar import local_day
from projections.metrics import INDEX, METRICS, STARS, month_slot

K = TypeVar("K", str, int)


@dataclass
class Increments:
    """What a batch adds: to hash fields ({key: {field: n}}) and to packed counts ({key: {slot: n}},
    a slot being a count's position in the packed string: see projections.metrics)."""

    hashes: dict[str, dict[str, int]] = field(default_factory=dict)
    packed: dict[str, dict[int, int]] = field(default_factory=dict)

    def __len__(self) -> int:
        """How many counts the batch changes."""
        return sum(map(len, self.hashes.values())) + sum(map(len, self.packed.values()))

COUNTER_OF_TYPE = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "failed": "failed",
    "impression": "impressions",
    "response": "responses",
}


# metric positions by what names them (built once: this runs for every event projected)
_COUNTED = {(kind, ch): INDEX[f"{counter}:{ch}"] for kind, counter in COUNTER_OF_TYPE.items() for ch in CHANNELS}
_DELIVERED = {ch: INDEX[f"delivered:{ch}"] for ch in CHANNELS}
_STARRED = {(ch, star): INDEX[f"stars:{ch}:{star}"] for ch in CHANNELS for star in STARS}
_COHORT = {ch: INDEX[f"cohort:{ch}"] for ch in CHANNELS}


def metrics(event: Event, zone: str) -> list[tuple[str, int]]:
    """What one event adds 1 to: (the local day it counts on, metric index). ValueError or
    OverflowError when an instant has no local day."""
    day, ch = local_day(event.occurred_at_ms, zone), event.channel
    found = [(day, _COUNTED[event.type, ch])]
    if event.implies_delivery:
        found.append((day, _DELIVERED[ch]))
    if event.rating is not None:
        found.append((day, _STARRED[ch, event.rating]))
    if event.cohort_sent_at_ms is not None:  # a response counts back on its request's first send
        found.append((local_day(event.cohort_sent_at_ms, zone), _COHORT[ch]))
    if event.cohort_channel is not None:
        found.append((day, _COHORT[event.cohort_channel]))
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
    # The projector's hot path. Count (local day, metric) per tenant and scope first: key and field
    # names are then built once per distinct count, not once per event and scope.
    tally: dict[tuple[str, str], dict[tuple[str, int], int]] = defaultdict(lambda: defaultdict(int))
    per_tenant: dict[str, int] = defaultdict(int)
    stray: dict[str, int] = defaultdict(int)
    for event in events:
        per_tenant[event.tenant_id] += 1
        zone = zone_of(event.tenant_id)
        try:
            found = metrics(event, zone)
        except (ValueError, OverflowError):  # no local day (an instant out of range): counted aside,
            stray[event.tenant_id] += 1      # so one bad entry never stops its partition
            continue
        for scope in scopes(event):
            counts = tally[event.tenant_id, scope]
            for day_and_name in found:
                counts[day_and_name] += 1
    out = spread(tally, keys)
    for tid, n in per_tenant.items():  # each tenant's projected count doubles as its data version
        add(out.hashes.setdefault(keys.projected(keys.partition(tid)), {}), tid, n)
    for tid, n in stray.items():
        add(out.hashes.setdefault(keys.unbucketable(keys.partition(tid)), {}), tid, n)
    return out


def spread(tally: dict[tuple[str, str], dict[tuple[str, int], int]], keys: Keys) -> Increments:
    """Each tenant and scope's (day, metric) counts added to its day, its month and the lifetime."""
    out = Increments()
    for (tid, scope), counts in tally.items():
        p = keys.partition(tid)
        lifetime = out.hashes.setdefault(keys.lifetime(p, tid, scope), {})
        of_day: dict[str, dict[int, int]] = {}
        of_year: dict[str, dict[int, int]] = {}
        for (day, i), n in counts.items():
            year = day[:4]
            if day not in of_day:
                of_day[day] = out.packed.setdefault(keys.daily(p, tid, scope, day), {})
            if year not in of_year:
                of_year[year] = out.packed.setdefault(keys.monthly(p, tid, scope, year), {})
            add(of_day[day], i, n)
            add(of_year[year], month_slot(int(day[5:7]), i), n)
            add(lifetime, METRICS[i], n)
    return out


def add(fields: dict[K, int], name: K, n: int) -> None:
    """Add n to one field of an increments map."""
    fields[name] = fields.get(name, 0) + n

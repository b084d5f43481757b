"""A realistic mix of review-request events: tenants in several zones, every channel and type,
ratings on responses, locations and campaigns on some requests, statuses out of order now and then."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from eventlog.event import Event

ZONES = ("UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney", "America/Los_Angeles")
CHANNELS = ("email", "whatsapp", "sms", "other")
CHANNEL_WEIGHTS = (5, 3, 2, 1)
STAR_WEIGHTS = (1, 1, 2, 4, 8)
MINUTE_MS = 60_000
TOKEN = "@@"  # replaced per HTTP request by the load generator, so every id is new


@dataclass(frozen=True)
class Step:
    """One event of a request's life, before it has ids: what, where, how long after the send."""

    type: str
    channel: str
    after_ms: int
    rating: int | None = None


@dataclass(frozen=True)
class Context:
    """The location and campaign a request belongs to, if any."""

    location: str | None = None
    campaign: str | None = None


def lifecycle(rng: random.Random) -> list[Step]:
    """The events one review request produces, in the order they reach us."""
    channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
    steps = [Step("sent", channel, 0)]
    roll = rng.random()
    if roll < 0.05:
        return steps + [Step("failed", channel, MINUTE_MS)]
    if roll < 0.15:  # read receipt with no delivery report: the log implies the delivery
        steps.append(Step("read", channel, 5 * MINUTE_MS))
    else:
        steps.append(Step("delivered", channel, MINUTE_MS))
        if rng.random() < 0.55:
            steps.append(Step("read", channel, 30 * MINUTE_MS))
    if rng.random() < 0.35:
        steps.append(Step("impression", channel, 120 * MINUTE_MS))
    if rng.random() < 0.2:
        response = Step("response", channel, 180 * MINUTE_MS, rng.choices(range(1, 6), STAR_WEIGHTS)[0])
        # one response in ten is reported before its send: the late send then carries the cohort
        steps = [response, *steps] if rng.random() < 0.1 else [*steps, response]
    return steps


def context(rng: random.Random, tenant_id: str) -> Context:
    """Some requests come from a location, fewer from a campaign."""
    location = f"{tenant_id}-store-{rng.randrange(3)}" if rng.random() < 0.6 else None
    campaign = f"spring-{rng.randrange(2)}" if rng.random() < 0.3 else None
    return Context(location, campaign)


def requests(rng: random.Random, tenant_ids: list[str]) -> Iterator[tuple[str, Context, list[Step]]]:
    """Endless review requests spread over the tenants: (tenant id, context, steps)."""
    while True:
        tenant_id = rng.choice(tenant_ids)
        yield tenant_id, context(rng, tenant_id), lifecycle(rng)


def events(tenant_ids: list[str], count: int, first_ms: int, last_ms: int, tag: str, seed: int = 1) -> list[Event]:
    """About `count` events of requests sent at random instants in [first_ms, last_ms)."""
    rng = random.Random(seed)
    out: list[Event] = []
    for n, (tenant_id, where, steps) in enumerate(requests(rng, tenant_ids)):
        if len(out) >= count:
            break
        sent_ms = rng.randrange(first_ms, last_ms)
        out += [
            Event(tenant_id=tenant_id, id=f"{tag}-{n}-{i}", type=s.type, channel=s.channel,
                  request_id=f"{tag}-r{n}", occurred_at_ms=sent_ms + s.after_ms, rating=s.rating,
                  location=where.location, campaign=where.campaign)
            for i, s in enumerate(steps)
        ]
    return out


def wire(step: Step, where: Context, event_id: str, request_id: str) -> dict[str, Any]:
    """An event as a client posts it; no occurred_at, so the server stamps the time of receipt."""
    body: dict[str, Any] = {"id": event_id, "type": step.type, "channel": step.channel, "request_id": request_id}
    for name, value in (("rating", step.rating), ("location", where.location), ("campaign", where.campaign)):
        if value is not None:
            body[name] = value
    return body


def batch_template(tenant_id: str, size: int, seed: int = 2) -> list[dict[str, Any]]:
    """`size` posted events of whole requests, their ids written with TOKEN for the sender to fill."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for n, (_, where, steps) in enumerate(requests(rng, [tenant_id])):
        out += [wire(s, where, f"{TOKEN}-{n}-{i}", f"{TOKEN}-r{n}") for i, s in enumerate(steps)]
        if len(out) >= size:
            return out[:size]
    raise AssertionError("unreachable")


def single_templates(tenant_id: str) -> list[dict[str, Any]]:
    """Single posts of every kind, each for a request of its own (so no arrival order makes one a
    duplicate): a send, a delivery, a read with no delivery before it, a rated response."""
    steps = [Step("sent", "email", 0), Step("delivered", "sms", 0), Step("read", "whatsapp", 0),
             Step("response", "email", 0, 5)]
    where = Context(f"{tenant_id}-store-0", None)
    return [wire(s, where, TOKEN, TOKEN) for s in steps]

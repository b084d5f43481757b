"""Wire codec for stream entries: the sender's event as compact JSON in field `e`; the log's own
annotations in fields `x`, `s` and `cr` (see eventlog/lua/append.lua)."""

from __future__ import annotations

import json

from eventlog.event import Event

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_loads = json.loads


def encode(event: Event) -> str:
    """Encode the sender's part of an event (the log adds its own flags beside it)."""
    body: dict[str, object] = {
        "t": event.tenant_id,
        "i": event.id,
        "k": event.type,
        "c": event.channel,
        "r": event.request_id,
        "at": event.occurred_at_ms,
    }
    if event.rating is not None:
        body["rt"] = event.rating
    if event.location is not None:
        body["loc"] = event.location
    if event.campaign is not None:
        body["cmp"] = event.campaign
    if event.message_id is not None:
        body["m"] = event.message_id
    return _dumps(body)


def decode(fields: dict[bytes, bytes]) -> Event:
    """Decode one stream entry's fields back into an Event."""
    body = _loads(fields[b"e"])
    return Event(
        tenant_id=body["t"],
        id=body["i"],
        type=body["k"],
        channel=body["c"],
        request_id=body["r"],
        occurred_at_ms=body["at"],
        rating=body.get("rt"),
        location=body.get("loc"),
        campaign=body.get("cmp"),
        message_id=body.get("m"),
        implies_delivery=fields.get(b"x") == b"d",
        cohort_sent_at_ms=int(fields[b"s"]) if b"s" in fields else None,
        cohort_channel=fields[b"cr"].decode() if b"cr" in fields else None,
    )

"""Wire codec for stream entries: the sender's event as compact JSON in field `e`; the log's own
annotations in fields `x`, `s` and `cr` (see eventlog/lua/append.lua)."""

from __future__ import annotations

import orjson

from eventlog.event import Event


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
    return orjson.dumps(body).decode()


def decode_flat(flat: list[bytes]) -> Event:
    """Decode one stream entry's fields as Redis lists them (field, value, ...) into an Event."""
    if len(flat) == 2 and flat[0] == b"e":  # the sender's part alone: most entries
        return event_of(flat[1])
    it = iter(flat)
    return decode(dict(zip(it, it, strict=True)))


def decode(fields: dict[bytes, bytes]) -> Event:
    """Decode one stream entry's fields back into an Event."""
    return event_of(fields[b"e"], fields.get(b"x"), fields.get(b"s"), fields.get(b"cr"))


def event_of(sender: bytes, implied: bytes | None = None, sent_at: bytes | None = None,
             channel: bytes | None = None) -> Event:
    """An Event from the sender's part (field e) and the log's annotations (fields x, s, cr)."""
    # Positional arguments and one dict lookup per optional field: this runs for every entry projected.
    body = orjson.loads(sender)
    get = body.get
    # _make takes the fields as one tuple: no __new__ with 13 parameters to bind for every entry
    return Event._make((
        body["t"], body["i"], body["k"], body["c"], body["r"], body["at"],
        get("rt"), get("loc"), get("cmp"), get("m"),
        implied == b"d",
        None if sent_at is None else int(sent_at),
        None if channel is None else channel.decode(),
    ))

"""POST /v1/events: one event or a batch, appended atomically with dedup."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import orjson
from flask import Blueprint, Response, current_app

from eventlog.append import Appended, append
from eventlog.event import Event, epoch_ms
from web import auth
from web.body import json_body, load
from web.errors import ApiError
from web.fastload import quick_loader
from web.resources import projector_queue
from web.schemas import BatchIn, EventIn
from workers.trigger import wake

bp = Blueprint("events", __name__)

FUTURE_TOLERANCE = timedelta(minutes=5)
_one, _batch = EventIn(), BatchIn()
_quick_one, _quick_batch = quick_loader(_one), quick_loader(_batch)


def to_event(tenant_id: str, item: dict[str, Any], received: datetime) -> Event:
    """A validated item as the canonical event; a missing occurred_at means the time of receipt."""
    get = item.get
    # _make takes every field in order as one tuple: a batch builds up to 1,000 of these
    return Event._make((
        tenant_id, item["id"], item["type"], item["channel"], item["request_id"],
        epoch_ms(get("occurred_at", received)), get("rating"), get("location"), get("campaign"),
        get("message_id"), False, None, None,
    ))


def parse(payload: Any, received: datetime) -> list[dict[str, Any]]:
    """Validated items of a single-event or batch body; 422 naming every bad field."""
    batch = isinstance(payload, dict) and "events" in payload
    items = load(_batch, payload, _quick_batch)["events"] if batch else [load(_one, payload, _quick_one)]
    latest = received + FUTURE_TOLERANCE
    late = {
        i: {"occurred_at": ["More than 5 minutes in the future."]}
        for i, item in enumerate(items)
        if item.get("occurred_at", received) > latest
    }
    if late:
        details = {"events": late} if batch else late[0]
        raise ApiError(422, "validation_failed", "the input does not fit the schema", details)
    return items


def trigger(done: Appended) -> None:
    """Enqueue the partition's projector when the append asked for one (the sweep backs this up)."""
    wake(projector_queue(), done)


@bp.post("/v1/events")
def post_events() -> Response:
    """Accept one event or a batch; 202 once every new event is in the stream."""
    tenant = auth.tenant()
    # the app's resources looked up once: each lookup through current_app costs about a microsecond,
    # and this is the one path taken thousands of times a second
    resources = current_app.extensions
    received = resources["clock"]()
    items = parse(json_body(), received)
    events = [to_event(tenant.id, i, received) for i in items]
    done = append(resources["redis"], resources["settings"], tenant.id, events)
    wake(resources["queue"], done)
    answer = orjson.dumps({"accepted": done.accepted, "duplicates": done.duplicates})
    return current_app.response_class(answer, 202, mimetype="application/json")

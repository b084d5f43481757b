"""Stats answers kept per process, keyed by the tenant's data version: never stale, because the
version moves in the same atomic write as the tenant's counters. Dashboards poll the same ranges;
a repeat costs one HGET instead of reading and shaping hundreds of days again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request

from projections import store
from web.resources import keys, redis_client

DEFAULT_BYTES = 32 * 1024 * 1024


class AnswerCache:
    """A thread-safe LRU of response bodies, bounded by their total size."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self.entries: OrderedDict[tuple[object, ...], tuple[bytes, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> tuple[bytes, str] | None:
        """The body and mimetype stored under key, if any (and mark it recently used)."""
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], body: bytes, mimetype: str) -> None:
        """Store a body; the least recently used go when the size bound is passed."""
        if cost(key, body) > self.max_bytes:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= cost(key, old[0])
            self.entries[key] = (body, mimetype)
            self.size += cost(key, body)
            while self.size > self.max_bytes:
                dropped_key, (dropped, _) = self.entries.popitem(last=False)
                self.size -= cost(dropped_key, dropped)


def cost(key: tuple[object, ...], body: bytes) -> int:
    """What an entry counts against the bound: its body, its key and a fixed overhead."""
    return len(body) + len(repr(key)) + 200


def answer(tenant_id: str, query: dict[str, Any], build: Callable[[], Response]) -> Response:
    """The response of the current endpoint for a tenant and its validated query, from the cache while
    the tenant's data is unchanged."""
    cache: AnswerCache = current_app.extensions["answers"]
    # read the version before the counters: an entry is never older than the version it is filed under
    key = (tenant_id, store.version(redis_client(), keys(), tenant_id), request.endpoint,
           tuple(sorted((k, str(v)) for k, v in query.items())))
    found = cache.get(key)
    if found is not None:
        return Response(found[0], mimetype=found[1])
    response = build()
    if response.status_code == 200:
        cache.put(key, response.get_data(), response.mimetype or "application/json")
    return response

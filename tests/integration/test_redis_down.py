"""When Redis is unreachable: 503 with Retry-After, never a 2xx, and nothing half-written."""

from __future__ import annotations

from typing import Any

from redis import Redis

from eventlog.keys import Keys
from eventlog.read import appended
from eventlog.settings import Settings
from tests.conftest import ADMIN, RedisServer
from web import create_app


def test_redis_down_is_503_and_nothing_is_written(redis_server: RedisServer) -> None:
    settings = Settings(redis_url=redis_server.url, queue_redis_url=redis_server.url, key_prefix="d", partitions=4)
    client = Redis.from_url(redis_server.url, socket_timeout=2, socket_connect_timeout=1)
    http = create_app({"SETTINGS": settings, "REDIS": client, "ADMIN_TOKEN": ADMIN}).test_client()
    made = http.post("/admin/tenants", json={"name": "A"}, headers={"Authorization": f"Bearer {ADMIN}"}).json
    headers = {"Authorization": f"Bearer {made['api_key']}"}
    redis_server.stop()
    batch = {"events": [{"id": f"e{i}", "type": "sent", "channel": "sms", "request_id": f"r{i}"} for i in range(10)]}
    for method, path, body in [("post", "/v1/events", batch), ("get", "/v1/stats/overall", None),
                               ("get", "/v1/stats/daily?from=2025-01-01&to=2025-01-02", None), ("get", "/readyz", None)]:
        r = getattr(http, method)(path, json=body, headers=headers)
        assert r.status_code == 503, (path, r.status_code)
        assert r.headers["Retry-After"] and r.json["error"]["code"] == "unavailable"
    assert http.get("/healthz").status_code == 200
    redis_server.start()  # a fresh, empty server: the refused batch left nothing behind it
    assert sum(appended(Redis.from_url(redis_server.url), Keys("d", 4))) == 0


def test_batch_is_appended_whole_or_not_at_all(http: Any, make_tenant: Any, client: Redis, keys: Keys) -> None:
    tenant_id, headers = make_tenant()
    events = [{"id": f"e{i}", "type": "sent", "channel": "sms", "request_id": f"r{i}"} for i in range(1000)]
    assert http.post("/v1/events", json={"events": events}, headers=headers).json["accepted"] == 1000
    assert appended(client, keys)[keys.partition(tenant_id)] == 1000

"""Tracked links end to end on real Redis: create, open as people and bots, count, survive Redis down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from eventlog import spool, tenants
from eventlog.event import Event
from eventlog.keys import Keys
from eventlog.read import appended
from eventlog.settings import Settings
from tests.conftest import ADMIN, Clock, RedisServer, project_all
from web import create_app

SECRET = "link-secret-for-tests"
DESTINATION = "https://g.page/r/acme/review"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.4 Mobile/15E148 Safari/604.1")
BOTS = ["Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "WhatsApp/2.23.20.0 A",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", ""]


@pytest.fixture
def app(app: Any, tmp_path: Path) -> Any:
    app.config.update(LINK_SECRET=SECRET, SPOOL_DIR=str(tmp_path / "spool"))
    return app


def create_link(http: Any, headers: dict[str, str], **fields: str) -> str:
    r = http.post("/v1/links", json={"destination": DESTINATION, **fields}, headers=headers)
    assert r.status_code == 201, r.json
    return str(r.json["url"])


def open_link(http: Any, url: str, agent: str, method: str = "get") -> None:
    r = getattr(http, method)(url, headers={"User-Agent": agent})
    assert r.status_code == 302 and r.headers["Location"] == DESTINATION


def test_people_count_once_per_request_and_channel_and_bots_not_at_all(
        http: Any, make_tenant: Any, client: Redis, keys: Keys, clock: Clock) -> None:
    _, h = make_tenant()
    first = create_link(http, h, request_id="req-1", channel="whatsapp", location="NYC", campaign="spring")
    second = create_link(http, h, request_id="req-2", channel="email", location="Paris")
    for agent in BOTS:
        open_link(http, first, agent)
    open_link(http, first, CHROME, "head")
    open_link(http, first, CHROME)
    open_link(http, first, IPHONE)  # the same person again, on their phone: still one impression
    clock.now += timedelta(days=1)
    open_link(http, second, CHROME)
    assert project_all(client, keys) == 2

    days = http.get("/v1/stats/daily?from=2025-04-10&to=2025-04-11", headers=h).json
    assert [(d["impressions_whatsapp"], d["impressions_email"], d["impressions_total"]) for d in days] == \
        [(1, 0, 1), (0, 1, 1)]
    assert http.get("/v1/stats/overall", headers=h).json["impressions_total"] == 2
    nyc = http.get("/v1/stats/overall?location=NYC", headers=h).json
    assert (nyc["impressions_whatsapp"], nyc["impressions_total"]) == (1, 1)
    assert http.get("/v1/stats/overall?location=Paris", headers=h).json["impressions_email"] == 1
    assert http.get("/v1/stats/overall?campaign=spring", headers=h).json["impressions_total"] == 1
    assert http.get("/v1/stats/overall?location=Rome", headers=h).json["impressions_total"] == 0


def test_a_tampered_token_is_404_and_appends_nothing(http: Any, make_tenant: Any, client: Redis, keys: Keys) -> None:
    _, h = make_tenant()
    url = create_link(http, h, request_id="req-1", channel="sms")
    tampered = url[:-2] + ("AA" if not url.endswith("AA") else "BB")
    r = http.get(tampered, headers={"User-Agent": CHROME})
    assert r.status_code == 404 and "Location" not in r.headers
    assert sum(appended(client, keys)) == 0


def test_a_plain_http_destination_is_refused(http: Any, make_tenant: Any) -> None:
    _, h = make_tenant()
    r = http.post("/v1/links", json={"request_id": "r", "channel": "sms", "destination": "http://g.page/r/x"},
                  headers=h)
    assert r.status_code == 422 and "destination" in r.json["error"]["details"]


def test_redis_down_still_redirects_and_the_spool_counts_once_later(
        redis_server: RedisServer, tmp_path: Path, clock: Clock) -> None:
    settings = Settings(redis_url=redis_server.url, queue_redis_url=redis_server.url, key_prefix="lk", partitions=4)
    keys = Keys("lk", 4)
    client = Redis.from_url(redis_server.url, socket_timeout=2, socket_connect_timeout=1)
    spooled = tmp_path / "spool"
    http: Any = create_app({"SETTINGS": settings, "REDIS": client, "ADMIN_TOKEN": ADMIN, "CLOCK": clock,
                       "LINK_SECRET": SECRET, "SPOOL_DIR": str(spooled)}).test_client()
    made = http.post("/admin/tenants", json={"name": "A"}, headers={"Authorization": f"Bearer {ADMIN}"}).json
    url = create_link(http, {"Authorization": f"Bearer {made['api_key']}"}, request_id="req-1", channel="sms")

    redis_server.stop()
    open_link(http, url, CHROME)
    open_link(http, url, IPHONE)
    open_link(http, url, BOTS[0])
    assert len(spool.pending(spooled)) == 2  # both visits kept; the request mark dedups them on replay

    redis_server.start()  # a fresh, empty server: recreate the tenant to read its stats
    _, issued = tenants.create(client, keys, "A", "UTC", clock.now, made["tenant_id"])
    headers = {"Authorization": f"Bearer {issued.api_key}"}
    assert spool.replay(client, settings, spooled) == 2 and spool.pending(spooled) == []
    assert project_all(client, keys) == 1
    overall = http.get("/v1/stats/overall", headers=headers).json
    assert overall["impressions_sms"] == 1
    assert http.get("/v1/stats/daily?from=2025-04-10&to=2025-04-10", headers=headers).json[0]["impressions_sms"] == 1

    assert spool.replay(client, settings, spooled) == 0
    assert project_all(client, keys) == 0
    assert http.get("/v1/stats/overall", headers=headers).json == overall


def test_the_spool_process_replays_until_stopped(redis_url: str, settings: Settings, client: Redis, keys: Keys,
                                                 tmp_path: Path) -> None:
    event = Event("t_spool", "lnk_1", "impression", "email", "req-1",
                  int(datetime(2025, 4, 10, tzinfo=UTC).timestamp() * 1000))
    spool.write(tmp_path, event)
    env = {**os.environ, "REDIS_URL": redis_url, "KEY_PREFIX": settings.key_prefix,
           "PARTITIONS": str(settings.partitions), "SPOOL_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "workers.spool"], env=env, cwd=Path(__file__).parents[2])
    try:
        deadline = time.monotonic() + 10
        while spool.pending(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert spool.pending(tmp_path) == []
        assert sum(appended(client, keys)) == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0

"""The HTTP edge: app factory, blueprints per area."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from redis import Redis
from rq import Queue

from eventlog.client import connect
from eventlog.keys import Keys
from eventlog.settings import Settings, require_hiredis
from web import admin, cli, dashboard, errors, events, health, links, openapi, providers, stats, stats_v2, webhooks
from web.cache import DEFAULT_BYTES as DEFAULT_CACHE_BYTES
from web.cache import AnswerCache
from web.encoding import OrjsonProvider

DEFAULT_MAX_BODY = 2 * 1024 * 1024
# A Redis that drops packets must become a 503 within seconds, not hang a request for minutes.
CLIENT_TIMEOUTS = {"socket_connect_timeout": 2.0, "socket_timeout": 5.0}


def utc_now() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. config may carry SETTINGS, REDIS (a client), CLOCK and Flask settings."""
    require_hiredis()
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=int(os.environ.get("MAX_BODY_BYTES", DEFAULT_MAX_BODY)),
        ADMIN_TOKEN=os.environ.get("ADMIN_TOKEN"),
        LINK_SECRET=os.environ.get("LINK_SECRET"),
        PUBLIC_BASE_URL=os.environ.get("PUBLIC_BASE_URL"),
        SPOOL_DIR=os.environ.get("SPOOL_DIR"),
        KEY_CACHE_SECONDS=float(os.environ.get("KEY_CACHE_SECONDS", 1.0)),
        STATS_CACHE_BYTES=int(os.environ.get("STATS_CACHE_BYTES", DEFAULT_CACHE_BYTES)),
        JSON_SORT_KEYS=False,
    )
    app.config.update(config or {})
    app.json = OrjsonProvider(app)
    settings: Settings = app.config.get("SETTINGS") or Settings.from_env()
    client: Redis = app.config.get("REDIS") or connect(settings.redis_url, **CLIENT_TIMEOUTS)
    same = settings.queue_redis_url == settings.redis_url
    queue_client = client if same else connect(settings.queue_redis_url, **CLIENT_TIMEOUTS)
    clock: Callable[[], datetime] = app.config.get("CLOCK") or utc_now
    app.extensions.update(
        settings=settings,
        keys=Keys(settings.key_prefix, settings.partitions),
        redis=client,
        queue=Queue(settings.queue_name, connection=queue_client),
        clock=clock,
        tenants={},
        api_keys={},
        answers=AnswerCache(int(app.config.get("STATS_CACHE_BYTES", DEFAULT_CACHE_BYTES))),
    )
    errors.install(app)
    for blueprint in (events.bp, stats.bp, health.bp, admin.bp, stats_v2.bp, links.bp, providers.bp, webhooks.bp,
                      dashboard.bp, openapi.bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(cli.group)
    return app

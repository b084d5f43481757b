"""The HTTP edge: app factory, blueprints per area."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from flask import Flask
from redis import Redis
from rq import Queue

from eventlog.keys import Keys
from eventlog.settings import Settings, require_hiredis
from web import admin, cli, errors, events, health, stats

DEFAULT_MAX_BODY = 2 * 1024 * 1024


def utc_now() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(timezone.utc)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. config may carry SETTINGS, REDIS (a client), CLOCK and Flask settings."""
    require_hiredis()
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=int(os.environ.get("MAX_BODY_BYTES", DEFAULT_MAX_BODY)),
        ADMIN_TOKEN=os.environ.get("ADMIN_TOKEN"),
        JSON_SORT_KEYS=False,
    )
    app.config.update(config or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]
    settings: Settings = app.config.get("SETTINGS") or Settings.from_env()
    client: Redis = app.config.get("REDIS") or Redis.from_url(settings.redis_url)
    queue_client = client if settings.queue_redis_url == settings.redis_url else Redis.from_url(settings.queue_redis_url)
    clock: Callable[[], datetime] = app.config.get("CLOCK") or utc_now
    app.extensions.update(
        settings=settings,
        keys=Keys(settings.key_prefix, settings.partitions),
        redis=client,
        queue=Queue(settings.queue_name, connection=queue_client),
        clock=clock,
        tenants={},
    )
    errors.install(app)
    for blueprint in (events.bp, stats.bp, health.bp, admin.bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(cli.group)
    return app

"""Tracked review links: POST /v1/links signs one; GET /r/<token> counts the visit and redirects."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request
from flask.typing import ResponseReturnValue
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from redis.exceptions import RedisError

from eventlog import spool
from eventlog.append import append
from eventlog.event import CHANNELS, Event, epoch_ms
from web import auth, link_tokens, visitors
from web.body import json_body, load
from web.errors import ApiError
from web.events import trigger
from web.resources import now, redis_client, settings

log = logging.getLogger(__name__)
bp = Blueprint("links", __name__)

MAX_DESTINATION = 2_000
# Servers refuse long request lines (gunicorn: 4,094 bytes); a token past this could not be opened.
MAX_TOKEN = 3_000


def https_url(value: str) -> None:
    """Refuse anything but an absolute https URL with a host (and no credentials or spaces)."""
    if any(c.isspace() or not c.isprintable() for c in value):
        raise ValidationError("Must not contain spaces or control characters.")
    try:
        parts = urlsplit(value)
        _ = parts.port  # reading the port is what rejects a malformed one
    except ValueError as exc:
        raise ValidationError("Not a valid URL.") from exc
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError("Must be an absolute https URL with a host, e.g. https://example.com/review.")
    if parts.username is not None:  # "https://trusted.example@elsewhere.example" misleads readers
        raise ValidationError("Must not carry a user name or password.")


class LinkIn(Schema):
    """A tracked link to create."""

    class Meta:
        unknown = RAISE

    request_id = fields.String(required=True, validate=validate.Length(1, 200))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    destination = fields.String(required=True, validate=[validate.Length(1, MAX_DESTINATION), https_url])
    location = fields.String(validate=validate.Length(1, 100))
    campaign = fields.String(validate=validate.Length(1, 100))


_link_in = LinkIn()


def secret() -> str:
    """The link signing secret; 503 when LINK_SECRET is not configured."""
    value: str | None = current_app.config.get("LINK_SECRET")
    if not value:
        raise ApiError(503, "not_configured", "tracked links are disabled: LINK_SECRET is not set")
    return value


def public_base() -> str:
    """Where visitors reach this service: PUBLIC_BASE_URL, else the host of the current request."""
    base: str = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/")


def spool_dir() -> Path:
    """Where impressions wait while Redis is down: SPOOL_DIR, else ./var/spool."""
    return Path(current_app.config.get("SPOOL_DIR") or spool.DEFAULT_DIR)


def record(event: Event) -> None:
    """Append an impression; while Redis is unreachable, keep it in the local spool instead."""
    try:
        done = append(redis_client(), settings(), event.tenant_id, [event])
    except RedisError as exc:
        try:
            path = spool.write(spool_dir(), event)
        except OSError:  # the visitor still gets the destination; the log is all that is left
            log.exception("impression %s lost: redis unavailable (%s) and the spool unwritable", event.id, exc)
            return
        log.warning("redis unavailable (%s): impression %s spooled to %s", exc, event.id, path)
        return
    trigger(done)


@bp.post("/v1/links")
def create_link() -> ResponseReturnValue:
    """Sign a tracked link for one request and channel; 201 with its URL and token."""
    tenant = auth.tenant()
    data = load(_link_in, json_body())
    token = link_tokens.sign(secret(), link_tokens.Link(tenant_id=tenant.id, **data))
    if len(token) > MAX_TOKEN:
        raise ApiError(422, "validation_failed", "the link would be too long to open",
                       {"destination": ["Too long for a link: shorten the destination."]})
    return {"url": f"{public_base()}/r/{token}", "token": token}, 201


@bp.get("/r/<token>")
def follow(token: str) -> ResponseReturnValue:
    """Redirect to the link's destination, counting an impression when a person opened it."""
    link = link_tokens.verify(secret(), token)
    if link is None:
        raise ApiError(404, "not_found", "this link does not exist")
    if visitors.is_person(request.method, request.headers.get("User-Agent", "")):
        # A fresh id per visit: the request's impression mark, not the id, makes it count once.
        record(link.impression("lnk_" + secrets.token_hex(12), epoch_ms(now())))
    response = redirect(link.destination, 302)
    response.headers["Cache-Control"] = "no-store"  # every visit should reach us, not a cache
    response.headers["X-Robots-Tag"] = "noindex"
    return response

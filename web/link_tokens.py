"""Tracked-link tokens: a link's fields, signed so they cannot be forged or altered."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from eventlog.event import CHANNELS, Event

# The salt keeps these signatures apart from anything else signed with the same secret;
# bump its version if the payload layout ever changes.
SALT = "reviewstream.link.v1"


@dataclass(frozen=True, slots=True)
class Link:
    """Where a tracked link leads, and which request, channel and context it counts for."""

    tenant_id: str
    request_id: str
    channel: str
    destination: str
    location: str | None = None
    campaign: str | None = None

    def impression(self, event_id: str, occurred_at_ms: int) -> Event:
        """The impression event of one person opening this link."""
        return Event(
            tenant_id=self.tenant_id, id=event_id, type="impression", channel=self.channel,
            request_id=self.request_id, occurred_at_ms=occurred_at_ms,
            location=self.location, campaign=self.campaign,
        )


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256})


def _fields(link: Link) -> list[str | None]:
    # A positional list keeps the token short; trailing empty context is left out.
    fields = [link.tenant_id, link.request_id, link.channel, link.destination, link.location, link.campaign]
    while fields[-1] is None:
        fields.pop()
    return fields


def sign(secret: str, link: Link) -> str:
    """The URL-safe token of a link."""
    return _serializer(secret).dumps(_fields(link))


def _link(payload: Any) -> Link | None:
    if not isinstance(payload, list) or not 4 <= len(payload) <= 6:
        return None
    if not all(isinstance(f, str) for f in payload[:4]) or payload[2] not in CHANNELS:
        return None
    if not all(f is None or isinstance(f, str) for f in payload[4:]):
        return None
    return Link(*payload)


def verify(secret: str, token: str) -> Link | None:
    """The link a token stands for, or None when it was not signed with this secret or was altered."""
    try:
        payload = _serializer(secret).loads(token)
    except BadData:
        return None
    return _link(payload)

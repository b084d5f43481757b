"""Provider webhooks: one blueprint, a module per provider, and the steps they share."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from eventlog import credentials
from eventlog.append import append, requests_of_messages
from eventlog.event import EARLIEST_MS, Event
from web.errors import ApiError
from web.events import trigger
from web.resources import keys, now, redis_client, settings

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

WINDOW_S = 300  # how old (or early) a signed timestamp may be
MAX_ID = 200  # the longest id /v1/events accepts, kept for ids that come from providers


@dataclass(frozen=True)
class Status:
    """One delivery status a provider reported, before the review request it belongs to is known."""

    provider: str
    message_id: str
    type: str
    channel: str
    occurred_at_ms: int
    request_id: str | None = None  # carried by the provider: custom data set at send time
    lookup_id: str | None = None  # the message id as the app recorded it, when it differs

    @property
    def id(self) -> str:
        """The natural key: provider event ids change on retries, (message, status) does not."""
        return f"{self.provider}:{self.message_id}:{self.type}"


def stored(tenant_id: str, provider: str) -> dict[str, str] | None:
    """The tenant's credentials for a provider, if it stored them."""
    return credentials.load(redis_client(), keys(), tenant_id, provider)


def secrets_of(tenant_id: str, provider: str) -> dict[str, str]:
    """The tenant's credentials for a provider; 401 when there are none."""
    found = stored(tenant_id, provider)
    if found is None:
        raise ApiError(401, "unauthorized",
                       f"no {provider} credentials stored for this tenant: PUT /v1/providers/{provider}")
    return found


def header(name: str) -> str:
    """A signature header of the current request; 401 when it is missing."""
    value = request.headers.get(name, "")
    if not value:
        raise ApiError(401, "unauthorized", f"missing signature header {name}")
    return value


def require(ok: bool, why: str) -> None:
    """403 unless a signature check passed."""
    if not ok:
        raise ApiError(403, "forbidden", f"rejected webhook: {why}")


def fresh(timestamp: str) -> bool:
    """Whether a signed unix timestamp is within 5 minutes of the app clock."""
    try:
        signed = int(timestamp)
    except ValueError:
        return False
    return abs(int(now().timestamp()) - signed) <= WINDOW_S  # integers: no overflow on absurd values


def text(value: object) -> str | None:
    """A provider field read tolerantly as an id: a non-empty string (or integer) up to 200 characters."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else None


def at_ms(seconds: object, default_ms: int) -> int:
    """Provider unix seconds (a number or a numeric string) as epoch ms; default_ms (the time of
    receipt) when unreadable or implausible: before 2000, or ahead of the receipt by over 5 minutes."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float, str)):
        return default_ms
    try:
        exact = Decimal(str(seconds))  # str() keeps a float's shortest form: no binary rounding
        ms = int(exact * 1000) if exact.is_finite() else default_ms
    except (InvalidOperation, ArithmeticError):
        return default_ms
    return ms if EARLIEST_MS <= ms <= default_ms + WINDOW_S * 1000 else default_ms


def bare(value: object) -> str | None:
    """A message id that may come wrapped in angle brackets, unwrapped."""
    return text(value.strip().strip("<>")) if isinstance(value, str) else None


def objects(value: object) -> list[dict[str, Any]]:
    """The JSON objects in a list, read tolerantly: anything else holds none."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def record(tenant_id: str, statuses: list[Status], ignored: int) -> ResponseReturnValue:
    """Append the statuses as canonical events in one atomic call; 200 once they are in the stream."""
    unnamed = [s.lookup_id or s.message_id for s in statuses if s.request_id is None]
    named = requests_of_messages(redis_client(), settings(), tenant_id, unnamed)

    def request_of(s: Status) -> str:
        # the provider's own field, else the app's send of that message, else the message itself
        return s.request_id or named.get(s.lookup_id or s.message_id) or s.message_id

    events = [Event(tenant_id=tenant_id, id=s.id, type=s.type, channel=s.channel, request_id=request_of(s),
                    occurred_at_ms=s.occurred_at_ms) for s in statuses]
    done = append(redis_client(), settings(), tenant_id, events)
    trigger(done)
    return {"accepted": done.accepted, "duplicates": done.duplicates, "ignored": ignored}, 200


# The provider modules attach their views to bp, so they are imported once it exists.
from web.webhooks import mailgun, sendgrid, twilio, whatsapp  # noqa: E402, F401

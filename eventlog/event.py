"""The canonical event: one thing that happened to one review request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

TYPES = ("sent", "delivered", "read", "failed", "impression", "response")
CHANNELS = ("email", "whatsapp", "sms", "other")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The earliest instant an event may carry: older times are typing or unit mistakes, and far ones
# (year 1) would not even have a local day in every zone.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


_MS = timedelta(milliseconds=1)


def epoch_ms(at: datetime) -> int:
    """An aware datetime as whole epoch milliseconds, exactly (no float rounding)."""
    return (at - _EPOCH) // _MS


EARLIEST_MS = epoch_ms(EARLIEST)


class Event(NamedTuple):
    """A validated event as it is appended to the log (immutable; a tuple, since the projector
    builds one per entry it reads).

    The last three fields are set by the log, not the sender: `implies_delivery` on a `read` that
    arrived before any `delivered` of its request and channel (it counts that delivery once);
    `cohort_sent_at_ms` on a response, the time of its request's first send; `cohort_channel` on a
    send that arrived after its request's response, the response's channel.
    """

    tenant_id: str
    id: str
    type: str
    channel: str
    request_id: str
    occurred_at_ms: int
    rating: int | None = None
    location: str | None = None
    campaign: str | None = None
    message_id: str | None = None
    implies_delivery: bool = False
    cohort_sent_at_ms: int | None = None
    cohort_channel: str | None = None

"""Marshmallow schemas: the edge where untrusted input becomes typed values."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from eventlog.event import CHANNELS, EARLIEST, TYPES

MAX_BATCH = 1_000
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})\Z"
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DIGITS = re.compile(r"\d+")


class StrictInteger(fields.Integer):
    """A JSON integer and nothing else: no strings, floats or booleans."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return value


class Rfc3339(fields.Field):
    """An RFC 3339 timestamp with a UTC offset ("Z" or "+05:30")."""

    default_error_messages = {"invalid": "Not an RFC 3339 timestamp with offset, e.g. 2025-04-08T19:00:00+05:30.",
                              "too_early": "Before 2000-01-01T00:00:00Z."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str) or not _RFC3339.match(value):
            raise self.make_error("invalid")
        text = value.upper()
        head, dot, tail = text.partition(".")
        if dot:  # Python keeps microseconds: cut nanosecond digits, keep the offset
            digits = _DIGITS.match(tail).group()  # type: ignore[union-attr]
            text = f"{head}.{digits[:6].ljust(6, '0')}{tail[len(digits):]}"
        try:
            at = datetime.fromisoformat(text)
        except ValueError as exc:
            raise self.make_error("invalid") from exc
        if at < EARLIEST:
            raise self.make_error("too_early")
        return at


class IsoDate(fields.Field):
    """A calendar date written YYYY-MM-DD."""

    default_error_messages = {"invalid": "Not a date written YYYY-MM-DD."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            raise self.make_error("invalid")
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise self.make_error("invalid") from exc


def _text(high: int, required: bool = False) -> fields.String:
    return fields.String(required=required, validate=validate.Length(1, high))


class EventIn(Schema):
    """One event as a client sends it."""

    class Meta:
        unknown = RAISE

    id = _text(200, required=True)
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    request_id = _text(200, required=True)
    occurred_at = Rfc3339()
    rating = StrictInteger(validate=validate.Range(1, 5))
    location = _text(100)
    campaign = _text(100)
    message_id = _text(200)

    @validates_schema
    def _rating_goes_with_responses(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("type") == "response" and "rating" not in data:
            raise ValidationError("A response needs a rating from 1 to 5.", "rating")
        if data.get("type") not in (None, "response") and "rating" in data:
            raise ValidationError("Only a response carries a rating.", "rating")


class BatchIn(Schema):
    """A batch of events: {"events": [...]}, 1 to 1,000 of them."""

    class Meta:
        unknown = RAISE

    events = fields.List(
        fields.Nested(EventIn), required=True, validate=validate.Length(1, MAX_BATCH)
    )


class StatsQuery(Schema):
    """Context filter of every stats endpoint: one of location or campaign, or neither."""

    class Meta:
        unknown = RAISE

    location = _text(100)
    campaign = _text(100)

    @validates_schema
    def _one_context(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "location" in data and "campaign" in data:
            raise ValidationError("Filter by location or by campaign, not both.", "_schema")


class RangeQuery(StatsQuery):
    """A range of local days, both ends included."""

    from_ = IsoDate(required=True, data_key="from")
    to = IsoDate(required=True)


class TenantIn(Schema):
    """A tenant to create."""

    class Meta:
        unknown = RAISE

    name = _text(200, required=True)
    timezone = fields.String(load_default="UTC")

"""Marshmallow schemas of what the API answers: they exist to document responses in OpenAPI."""

from __future__ import annotations

from marshmallow import Schema, fields

from eventlog.event import CHANNELS
from projections.payload_v2 import STARS


def _ints(*names: str) -> dict[str, fields.Field]:
    return {name: fields.Integer(required=True) for name in names}


ErrorBody = Schema.from_dict({
    "code": fields.String(required=True), "message": fields.String(required=True),
    "details": fields.Raw(required=True),
}, name="ErrorBody")
Error = Schema.from_dict({"error": fields.Nested(ErrorBody, required=True)}, name="Error")
Accepted = Schema.from_dict(_ints("accepted", "duplicates"), name="Accepted")
WebhookAccepted = Schema.from_dict(_ints("accepted", "duplicates", "ignored"), name="WebhookAccepted")

_V1_COUNTS = {
    f"{counter}_{ch}": fields.Integer(required=True)
    for counter in ("sent", "impressions", "responses") for ch in (*CHANNELS, "total")
}
V1Overall = Schema.from_dict({**_V1_COUNTS, "avgRating": fields.Float(required=True, allow_none=True)},
                             name="V1Overall")
V1Day = Schema.from_dict({"date": fields.Date(required=True), **_V1_COUNTS,
                          "avgRating": fields.Float(required=True, allow_none=True)}, name="V1Day")

_ALL = (*CHANNELS, "total")
ByChannel = Schema.from_dict({ch: fields.Integer(required=True) for ch in _ALL}, name="ByChannel")
RateByChannel = Schema.from_dict({ch: fields.Float(required=True, allow_none=True) for ch in _ALL},
                                 name="RateByChannel")
Stars = Schema.from_dict({s: fields.Integer(required=True) for s in STARS}, name="Stars")
Rates = Schema.from_dict({name: fields.Nested(RateByChannel, required=True)
                          for name in ("delivery", "impression", "response", "response_by_send_date")}, name="Rates")
Rating = Schema.from_dict({
    "average": fields.Nested(RateByChannel, required=True),
    "count": fields.Nested(ByChannel, required=True),
    "distribution": fields.Nested(Stars, required=True),
    "distribution_by_channel": fields.Nested(
        Schema.from_dict({ch: fields.Nested(Stars, required=True) for ch in CHANNELS}, name="StarsByChannel"),
        required=True),
}, name="Rating")
Period = Schema.from_dict({
    "period": fields.String(required=True),
    **{name: fields.Nested(ByChannel, required=True)
       for name in ("sent", "delivered", "read", "failed", "impressions", "responses")},
    "rates": fields.Nested(Rates, required=True),
    "rating": fields.Nested(Rating, required=True),
}, name="Period")
V2Stats = Schema.from_dict({
    "tenant": fields.String(required=True), "timezone": fields.String(required=True),
    "from": fields.Date(required=True), "to": fields.Date(required=True),
    "granularity": fields.String(required=True),
    "series": fields.List(fields.Nested(Period), required=True),
    "totals": fields.Nested(Period, required=True), "previous": fields.Nested(Period, required=True),
}, name="V2Stats")
V2Overall = Schema.from_dict({
    "tenant": fields.String(required=True), "timezone": fields.String(required=True),
    "totals": fields.Nested(Period, required=True),
}, name="V2Overall")

Health = Schema.from_dict({"status": fields.String(required=True)}, name="Health")
Ready = Schema.from_dict({
    "redis": fields.String(required=True),
    "lag": fields.Dict(keys=fields.String(), values=fields.Integer(), required=True),
    "lag_total": fields.Integer(required=True),
}, name="Ready")
TenantCreated = Schema.from_dict({
    "tenant_id": fields.String(required=True), "name": fields.String(required=True),
    "timezone": fields.String(required=True), "api_key": fields.String(required=True),
    "key_id": fields.String(required=True),
}, name="TenantCreated")
KeyIssued = Schema.from_dict({
    "tenant_id": fields.String(required=True), "api_key": fields.String(required=True),
    "key_id": fields.String(required=True),
}, name="KeyIssued")
LinkCreated = Schema.from_dict({"url": fields.String(required=True), "token": fields.String(required=True)},
                               name="LinkCreated")

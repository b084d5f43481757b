"""Every operation of the API, described from the marshmallow schemas that validate it."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from web.links import LinkIn
from web.openapi import answers as a
from web.providers import SCHEMAS as PROVIDER_SCHEMAS
from web.schemas import BatchIn, EventIn, RangeQuery, StatsQuery, TenantIn
from web.stats_v2 import SeriesQuery

REASONS = {
    400: "Malformed JSON, or a body shorter than its Content-Length.",
    401: "Missing, unknown or revoked credentials, or a missing signature.",
    403: "A signature or token that does not verify, or a disabled feature.",
    404: "No such resource.",
    406: "A provider payload that can never be accepted (Mailgun: do not retry).",
    413: "Body over the size limit.",
    415: "Not application/json.",
    422: "Input that does not fit the schema; `details` names every bad field.",
    503: "Redis is unreachable or cannot take writes now, or the feature is not configured; retry (ids deduplicate).",
}
Security = list[dict[str, list[str]]]
TENANT: Security = [{"apiKey": []}]
ADMIN: Security = [{"adminToken": []}]
PUBLIC: Security = []


def json(schema: Any, description: str) -> dict[str, Any]:
    """A JSON response with a schema."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def errors(*codes: int) -> dict[str, Any]:
    """JSON error responses; every one may come with Retry-After when it is a 503."""
    out = {str(code): json(a.Error, REASONS[code]) for code in codes}
    if "503" in out:
        out["503"]["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}}
    return out


def query(schema: type[Schema] | Schema) -> list[dict[str, Any]]:
    """Query parameters from a schema."""
    return [{"in": "query", "schema": schema}]


def path(name: str, description: str, **schema: Any) -> dict[str, Any]:
    """One path parameter."""
    return {"in": "path", "name": name, "required": True, "description": description,
            "schema": {"type": "string", **schema}}


def operation(summary: str, tag: str, security: list[dict[str, list[str]]], responses: dict[str, Any],
              parameters: list[dict[str, Any]] | None = None, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """One OpenAPI operation."""
    op: dict[str, Any] = {"summary": summary, "tags": [tag], "security": security, "responses": responses}
    if parameters:
        op["parameters"] = parameters
    if body:
        op["requestBody"] = {"required": True, "content": body}
    return op


def json_body(schema: Any) -> dict[str, Any]:
    """An application/json request body."""
    return {"application/json": {"schema": schema}}


DAY = path("day", "A local day, YYYY-MM-DD.", format="date")
TENANT_ID = path("tenant_id", "The tenant the provider posts for.")
ANY_OBJECT = {"type": "object", "additionalProperties": True}
SIGNED = errors(400, 401, 403, 503)


def operations() -> dict[str, dict[str, Any]]:
    """{path: {method: operation}} for the whole API."""
    credentials = {"oneOf": [PROVIDER_SCHEMAS[p] for p in sorted(PROVIDER_SCHEMAS)]}
    return {
        "/v1/events": {"post": operation(
            "Append one event or a batch of up to 1,000; dedup decides what counts", "events", TENANT,
            {"202": json(a.Accepted, "Every new event is in the log."), **errors(400, 401, 413, 415, 422, 503)},
            body=json_body({"oneOf": [EventIn, BatchIn]}))},
        "/v1/stats/daily": {"get": operation(
            "v1 objects for every local day of a range (at most 366)", "stats v1", TENANT,
            {"200": json({"type": "array", "items": a.V1Day}, "One object per day, ascending."),
             **errors(401, 422, 503)}, query(RangeQuery))},
        "/v1/stats/daily/{day}": {"get": operation(
            "The v1 object of one local day", "stats v1", TENANT,
            {"200": json(a.V1Day, "The day."), **errors(401, 422, 503)}, [DAY, *query(StatsQuery)])},
        "/v1/stats/overall": {"get": operation(
            "Lifetime v1 object", "stats v1", TENANT,
            {"200": json(a.V1Overall, "Lifetime counts."), **errors(401, 422, 503)}, query(StatsQuery))},
        "/v2/stats": {"get": operation(
            "Series by day, ISO week or month, with totals, the previous range and rates", "stats v2", TENANT,
            {"200": json(a.V2Stats, "The report."), **errors(401, 422, 503)}, query(SeriesQuery))},
        "/v2/stats.csv": {"get": operation(
            "The series as CSV, one row per period", "stats v2", TENANT,
            {"200": {"description": "CSV with a header row.", "content": {"text/csv": {"schema": {"type": "string"}}}},
             **errors(401, 422, 503)}, query(SeriesQuery))},
        "/v2/stats/overall": {"get": operation(
            "Lifetime v2 period", "stats v2", TENANT,
            {"200": json(a.V2Overall, "Lifetime totals."), **errors(401, 422, 503)}, query(StatsQuery))},
        "/v1/links": {"post": operation(
            "Sign a tracked review link", "links", TENANT,
            {"201": json(a.LinkCreated, "The link."), **errors(400, 401, 413, 415, 422, 503)},
            body=json_body(LinkIn))},
        "/r/{token}": {"get": operation(
            "Open a tracked link: redirect, and count an impression when a person opened it", "links", PUBLIC,
            {"302": {"description": "To the destination.", "headers": {"Location": {"schema": {"type": "string"}}}},
             **errors(404, 503)}, [path("token", "The signed token.")])},
        "/v1/providers/{provider}": {"put": operation(
            "Store the tenant's credentials for one provider", "providers", TENANT,
            {"204": {"description": "Stored; never shown again."}, **errors(400, 401, 404, 413, 415, 422, 503)},
            [path("provider", "The provider.", enum=sorted(PROVIDER_SCHEMAS))], json_body(credentials))},
        "/webhooks/sendgrid/{tenant_id}": {"post": operation(
            "SendGrid Event Webhook (signed)", "webhooks", PUBLIC,
            {"200": json(a.WebhookAccepted, "Appended."), **SIGNED}, [TENANT_ID],
            json_body({"type": "array", "items": ANY_OBJECT}))},
        "/webhooks/mailgun/{tenant_id}": {"post": operation(
            "Mailgun webhook (signed)", "webhooks", PUBLIC,
            {"200": json(a.WebhookAccepted, "Appended."), **errors(400, 401, 403, 406, 503)}, [TENANT_ID],
            json_body(ANY_OBJECT))},
        "/webhooks/twilio/{tenant_id}": {"post": operation(
            "Twilio status callback (signed)", "webhooks", PUBLIC,
            {"200": json(a.WebhookAccepted, "Appended."), **SIGNED}, [TENANT_ID],
            {"application/x-www-form-urlencoded": {"schema": {"type": "object",
                                                             "additionalProperties": {"type": "string"}}}})},
        "/webhooks/whatsapp/{tenant_id}": {
            "post": operation("WhatsApp Cloud API webhook (signed)", "webhooks", PUBLIC,
                              {"200": json(a.WebhookAccepted, "Appended."), **SIGNED}, [TENANT_ID],
                              json_body(ANY_OBJECT)),
            "get": operation("Meta's subscription handshake", "webhooks", PUBLIC,
                             {"200": {"description": "The challenge.",
                                      "content": {"text/plain": {"schema": {"type": "string"}}}},
                              **errors(401, 403, 503)},
                             [TENANT_ID, *[{"in": "query", "name": n, "schema": {"type": "string"}}
                                           for n in ("hub.mode", "hub.verify_token", "hub.challenge")]]),
        },
        "/admin/tenants": {"post": operation(
            "Create a tenant and its first API key", "admin", ADMIN,
            {"201": json(a.TenantCreated, "Created; the key is shown only now."),
             **errors(400, 401, 403, 413, 415, 422, 503)}, body=json_body(TenantIn))},
        "/admin/tenants/{tenant_id}/keys": {"post": operation(
            "Issue another API key", "admin", ADMIN,
            {"201": json(a.KeyIssued, "Issued; shown only now."), **errors(401, 403, 404, 503)},
            [path("tenant_id", "The tenant.")])},
        "/admin/tenants/{tenant_id}/keys/{key_id}": {"delete": operation(
            "Revoke an API key", "admin", ADMIN, {"204": {"description": "Revoked."}, **errors(401, 403, 404, 503)},
            [path("tenant_id", "The tenant."), path("key_id", "The key id.")])},
        "/healthz": {"get": operation("The process is up", "health", PUBLIC, {"200": json(a.Health, "Up.")})},
        "/readyz": {"get": operation(
            "Redis answers; projection lag per partition", "health", PUBLIC,
            {"200": json(a.Ready, "Ready."), **errors(503)})},
    }

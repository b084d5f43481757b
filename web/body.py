"""Request bodies: JSON only, parsed from the raw bytes, validated by a schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from flask import request
from marshmallow import Schema, ValidationError

from web.errors import ApiError


def parse_json(raw: bytes) -> Any:
    """Strict JSON (UTF-8, no NaN, no lone surrogates: what cannot be stored is refused here); 400."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}") from exc


def json_body() -> Any:
    """The request body as JSON; 415 for another content type, 400 when it does not parse."""
    environ = request.environ
    # the usual header is taken as it is; anything else (parameters, other case) is parsed
    if environ.get("CONTENT_TYPE") != "application/json" and request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send Content-Type: application/json")
    return parse_json(body_bytes(environ))


def body_bytes(environ: dict[str, Any]) -> bytes:
    """The request body. One that says its length and fits the limit is read straight from the
    server's input (werkzeug's stream wrappers cost more than the rest of a small request's
    parsing); any other goes through werkzeug, which also answers 413 for one over the limit."""
    length, limit = environ.get("CONTENT_LENGTH"), request.max_content_length
    if not length or not length.isdigit() or limit is None or int(length) > limit:
        return request.get_data(cache=True)
    size = int(length)
    data = environ["wsgi.input"].read(size)
    if len(data) != size:
        raise ApiError(400, "incomplete_body", f"the body ended after {len(data)} of its {size} bytes")
    return data


def load(schema: Schema, data: Any, quick: Callable[[Any], Any] | None = None) -> Any:
    """Validate data against a schema; 422 with per-field messages when it does not fit.

    A quick loader of the same schema (web.fastload), when given, answers first for the data it accepts.
    """
    if quick is not None and (loaded := quick(data)) is not None:
        return loaded
    if not isinstance(data, dict):
        raise ApiError(422, "validation_failed", "expected a JSON object", {"_schema": ["Expected an object."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.normalized_messages()
        raise ApiError(422, "validation_failed", "the input does not fit the schema", messages) from exc


def query(schema: Schema) -> Any:
    """Validate the query string against a schema; 422 when it does not fit."""
    try:
        return schema.load(request.args.to_dict())
    except ValidationError as exc:
        raise ApiError(422, "validation_failed", "the query does not fit", exc.normalized_messages()) from exc

"""JSON errors: every failure answers {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from redis.exceptions import (
    BusyLoadingError,
    ConnectionError,
    OutOfMemoryError,
    ReadOnlyError,
    ResponseError,
    TimeoutError,
)
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

RETRY_AFTER_S = 2


class ApiError(Exception):
    """An error the client can act on, answered with `status` and a JSON body."""

    def __init__(self, status: int, code: str, message: str, details: object = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def body(status: int, code: str, message: str, details: object = None) -> Response:
    """A JSON error response."""
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    return response


def _api_error(exc: ApiError) -> Response:
    return body(exc.status, exc.code, exc.message, exc.details)


def _http_error(exc: HTTPException) -> Response:
    code = (exc.name or "error").lower().replace(" ", "_").replace("'", "")
    response = body(exc.code or 500, code, exc.description or exc.name)
    for name, value in exc.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def _redis_unavailable(exc: Exception) -> Response:
    log.error("redis unavailable: %s", exc)
    response = body(503, "unavailable",
                    "storage is unavailable; retry later (a retry with the same ids never counts twice)")
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


# Replies of a Redis that is up but cannot take writes now: out of memory, failing to persist,
# without its primary or replicas. Retrying later is the right answer to each.
TRANSIENT_REPLIES = ("OOM", "MISCONF", "MASTERDOWN", "NOREPLICAS", "LOADING", "READONLY", "TRYAGAIN", "CLUSTERDOWN")


def _redis_refused(exc: ResponseError) -> Response:
    if str(exc).startswith(TRANSIENT_REPLIES):
        return _redis_unavailable(exc)
    log.exception("redis refused a command", exc_info=exc)
    return body(500, "internal_server_error", "the server failed to complete the request")


def install(app: Flask) -> None:
    """Register the JSON error handlers on an app."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    for exc in (ConnectionError, TimeoutError, BusyLoadingError, ReadOnlyError, OutOfMemoryError):
        app.register_error_handler(exc, _redis_unavailable)
    app.register_error_handler(ResponseError, _redis_refused)

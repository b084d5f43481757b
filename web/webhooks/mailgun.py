"""Mailgun webhooks: one JSON event each, signed inside the body over a timestamp and a one-use token."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import orjson
from flask import request
from flask.typing import ResponseReturnValue

from eventlog import nonces
from eventlog.event import epoch_ms
from web.errors import ApiError
from web.resources import keys, now, redis_client
from web.webhooks import WINDOW_S, Status, at_ms, bare, bp, fresh, record, require, secrets_of, text

SIGNED = ("timestamp", "token", "signature")
TYPES = {"accepted": "sent", "delivered": "delivered", "opened": "read"}
# A token is claimed for longer than any timestamp it signs can stay fresh (5 minutes either way).
TOKEN_TTL_S = 3 * WINDOW_S


def signature(signing_key: str, timestamp: str, token: str) -> str:
    """Mailgun's signature: hex HMAC-SHA256 of timestamp + token."""
    return hmac.new(signing_key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


def unacceptable(why: str) -> ApiError:
    """406: Mailgun stops retrying a payload that no retry could fix."""
    return ApiError(406, "not_acceptable", why)


def signed_payload(body: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    """The signature block and the event data of a body; 406 when either is missing or malformed."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise unacceptable("the body is not JSON") from exc
    payload = payload if isinstance(payload, dict) else {}
    block, data = payload.get("signature"), payload.get("event-data")
    parts = {name: text(block.get(name)) for name in SIGNED} if isinstance(block, dict) else {}
    signed = {name: value for name, value in parts.items() if value is not None}
    if len(signed) != len(SIGNED) or not isinstance(data, dict):
        raise unacceptable('expected {"signature": {timestamp, token, signature}, "event-data": {...}}')
    return signed, data


def status_of(data: dict[str, Any], received_ms: int) -> Status | None:
    """One Mailgun event as a status; None for kinds we do not count (temporary failures, clicks, ...)."""
    event = data.get("event")
    kind = "failed" if event == "failed" and data.get("severity") == "permanent" else TYPES.get(str(event))
    message = data.get("message")
    headers = message.get("headers") if isinstance(message, dict) else None
    message_id = bare(headers.get("message-id")) if isinstance(headers, dict) else None
    if kind is None or message_id is None:
        return None
    variables = data.get("user-variables")
    request_id = text(variables.get("review_request_id")) if isinstance(variables, dict) else None
    at = at_ms(data.get("timestamp"), received_ms)
    return Status("mailgun", message_id, kind, "email", at, request_id=request_id)


@bp.post("/mailgun/<tenant_id>")
def mailgun(tenant_id: str) -> ResponseReturnValue:
    """One signed Mailgun event; its token may sign this body only."""
    body = request.get_data(cache=True)
    signed, data = signed_payload(body)  # the signature travels inside the body: parse first
    key = secrets_of(tenant_id, "mailgun")["signing_key"]
    require(fresh(signed["timestamp"]), "the signed timestamp is more than 5 minutes away")
    expected = signature(key, signed["timestamp"], signed["token"])
    require(hmac.compare_digest(expected.encode(), signed["signature"].encode()), "bad signature")
    require(nonces.use_once(redis_client(), keys(), tenant_id, "mailgun", signed["token"], body, TOKEN_TTL_S),
            "the token already signed another body")
    status = status_of(data, epoch_ms(now()))
    return record(tenant_id, [status] if status else [], ignored=0 if status else 1)

"""WhatsApp Cloud API (Meta): the subscription handshake, then signed JSON with message statuses."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

from flask import Response, request
from flask.typing import ResponseReturnValue

from eventlog.event import epoch_ms
from web.body import parse_json
from web.resources import now
from web.webhooks import Status, at_ms, bp, header, objects, record, require, secrets_of, stored, text

SIGNATURE = "X-Hub-Signature-256"
TYPES = ("sent", "delivered", "read", "failed")


def signature(app_secret: str, body: bytes) -> str:
    """Meta's X-Hub-Signature-256 value for a body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def values(payload: Any) -> Iterator[dict[str, Any]]:
    """Every change value in a payload, read tolerantly."""
    entries = objects(payload.get("entry")) if isinstance(payload, dict) else []
    for change in (c for entry in entries for c in objects(entry.get("changes"))):
        if isinstance(change.get("value"), dict):
            yield change["value"]


def status_of(item: dict[str, Any], received_ms: int) -> Status | None:
    """One status object as a status; None for statuses we do not count."""
    wamid = text(item.get("id"))  # the message, never the phone number
    if item.get("status") not in TYPES or wamid is None:
        return None
    return Status("whatsapp", wamid, item["status"], "whatsapp", at_ms(item.get("timestamp"), received_ms),
                  request_id=text(item.get("biz_opaque_callback_data")))


@bp.get("/whatsapp/<tenant_id>")
def subscribe(tenant_id: str) -> ResponseReturnValue:
    """Meta's handshake: echo hub.challenge when hub.verify_token is the tenant's; else 403."""
    found, args = stored(tenant_id, "whatsapp"), request.args
    token = args.get("hub.verify_token", "").encode()
    require(found is not None and args.get("hub.mode") == "subscribe"
            and hmac.compare_digest(token, found["verify_token"].encode()), "wrong verify token")
    return Response(args.get("hub.challenge", ""), 200, mimetype="text/plain")


@bp.post("/whatsapp/<tenant_id>")
def whatsapp(tenant_id: str) -> ResponseReturnValue:
    """Signed status updates; inbound messages and other changes are acknowledged and ignored."""
    secret = secrets_of(tenant_id, "whatsapp")["app_secret"]
    given = header(SIGNATURE)
    body = request.get_data(cache=True)
    require(hmac.compare_digest(signature(secret, body).encode(), given.encode()), "bad signature")
    received, statuses, ignored = epoch_ms(now()), [], 0
    for value in values(parse_json(body)):
        items = objects(value.get("statuses"))
        found = [s for s in (status_of(item, received) for item in items) if s is not None]
        statuses += found
        ignored += len(items) - len(found) + len(objects(value.get("messages")))
    return record(tenant_id, statuses, ignored)

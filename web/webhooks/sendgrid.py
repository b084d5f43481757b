"""SendGrid Event Webhook: JSON batches of email events, signed with ECDSA P-256."""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import request
from flask.typing import ResponseReturnValue

from eventlog.event import epoch_ms
from web.body import parse_json
from web.errors import ApiError
from web.resources import now
from web.webhooks import Status, at_ms, bare, bp, fresh, header, objects, record, require, secrets_of, text

SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp"
TYPES = {"processed": "sent", "delivered": "delivered", "open": "read", "bounce": "failed", "dropped": "failed"}


@lru_cache(maxsize=1024)
def public_key(encoded: str) -> ec.EllipticCurvePublicKey:
    """A base64 DER P-256 public key, as SendGrid shows it; ValueError for anything else."""
    try:
        key = serialization.load_der_public_key(base64.b64decode("".join(encoded.split()), validate=True))
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ValueError("not a base64 DER public key") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("not a P-256 public key")
    return key


def verify(encoded_key: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Whether a base64 DER ECDSA signature signs timestamp + body under the key."""
    try:
        der = base64.b64decode(signature, validate=True)
        public_key(encoded_key).verify(der, timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def status_of(item: dict[str, Any], received_ms: int) -> Status | None:
    """One SendGrid event as a status; None for kinds we do not count and for machine opens."""
    kind = TYPES.get(str(item.get("event")))
    if kind is None or (kind == "read" and item.get("sg_machine_open") in (True, "true")):
        return None
    # A delayed bounce may lack sg_message_id; its smtp-id still names the message.
    message = text(item.get("sg_message_id")) or bare(item.get("smtp-id"))
    if message is None:
        return None
    return Status("sendgrid", message, kind, "email", at_ms(item.get("timestamp"), received_ms),
                  request_id=text(item.get("review_request_id")),
                  lookup_id=message.partition(".")[0])  # the X-Message-Id the send call returned


@bp.post("/sendgrid/<tenant_id>")
def sendgrid(tenant_id: str) -> ResponseReturnValue:
    """A signed batch of SendGrid events, appended all together or not at all."""
    key = secrets_of(tenant_id, "sendgrid")["public_key"]
    signature, timestamp = header(SIGNATURE), header(TIMESTAMP)
    body = request.get_data(cache=True)
    require(fresh(timestamp), "the signed timestamp is more than 5 minutes away")
    require(verify(key, timestamp, body, signature), "bad signature")
    batch = parse_json(body)
    if not isinstance(batch, list):
        raise ApiError(400, "malformed_json", "a SendGrid body is a JSON array of events")
    received = epoch_ms(now())
    found = [status_of(item, received) for item in objects(batch)]
    statuses = [s for s in found if s is not None]
    return record(tenant_id, statuses, ignored=len(batch) - len(statuses))

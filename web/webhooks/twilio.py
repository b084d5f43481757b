"""Twilio Messaging status callbacks (SMS, and WhatsApp through Twilio): signed form posts."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from flask import current_app, request
from flask.typing import ResponseReturnValue

from eventlog.event import epoch_ms
from web.resources import now
from web.webhooks import Status, bp, header, record, require, secrets_of, text

SIGNATURE = "X-Twilio-Signature"
SIGNATURE_SETTINGS = "X-Twilio-Webhooks-Signature-Settings"
HASHES: dict[str, Callable[..., Any]] = {"HMAC_SHA1": hashlib.sha1, "HMAC_SHA256": hashlib.sha256}
TYPES = {"sent": "sent", "delivered": "delivered", "read": "read", "undelivered": "failed", "failed": "failed"}


def signature(token: str, url: str, params: Iterable[tuple[str, str]], algorithm: str = "HMAC_SHA1") -> str:
    """Twilio's signature: base64 HMAC of the URL then every name+value, sorted (a repeat counts once)."""
    signed = url + "".join(name + value for name, value in sorted(set(params)))
    return base64.b64encode(hmac.new(token.encode(), signed.encode(), HASHES[algorithm]).digest()).decode()


def algorithm_of(settings_header: str) -> str:
    """The HMAC named by the signature settings header; absent, it is Twilio's classic HMAC-SHA1."""
    for part in settings_header.split(","):
        name, _, value = part.partition("=")
        if name.strip() == "algorithm" and value.strip():
            return value.strip().upper()
    return "HMAC_SHA1"


def spellings(url: str) -> list[str]:
    """The URL without and with its port: Twilio has signed both forms of the same address."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit(":", 1)[0] if parts.port else parts.netloc
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return [parts._replace(netloc=host).geturl(), parts._replace(netloc=f"{host}:{port}").geturl()]


def valid(token: str, url: str, params: list[tuple[str, str]], given: str, algorithm: str = "HMAC_SHA1") -> bool:
    """Whether `given` is Twilio's signature of this URL and these params."""
    if algorithm not in HASHES:
        return False
    return any(hmac.compare_digest(signature(token, u, params, algorithm).encode(), given.encode())
               for u in spellings(url))


def public_url() -> str:
    """The URL Twilio called, as it saw it: PUBLIC_BASE_URL stands for scheme and host behind a proxy."""
    base = current_app.config.get("PUBLIC_BASE_URL") or f"{request.scheme}://{request.host}"
    url = base.rstrip("/") + request.script_root + quote(request.path, safe="/:@!$&'()*+,;=~")
    return f"{url}?{request.query_string.decode('latin-1')}" if request.query_string else url


def status_of(params: Mapping[str, str], request_id: str | None, received_ms: int) -> Status | None:
    """A status callback as a status; None for the ones we do not count (queued, inbound, ...)."""
    kind, sid = TYPES.get(params.get("MessageStatus", "")), text(params.get("MessageSid"))
    if kind is None or sid is None:
        return None
    whatsapp = params.get("ChannelPrefix") == "whatsapp" or params.get("To", "").startswith("whatsapp:")
    # Twilio's callback carries no event time: the time it reached us is the closest we have.
    return Status("twilio", sid, kind, "whatsapp" if whatsapp else "sms", received_ms, request_id=text(request_id))


@bp.post("/twilio/<tenant_id>")
def twilio(tenant_id: str) -> ResponseReturnValue:
    """One signed status callback; `request_id` on the callback URL names the review request."""
    token = secrets_of(tenant_id, "twilio")["auth_token"]
    given = header(SIGNATURE)
    params = parse_qsl(request.get_data(cache=True).decode("utf-8", "replace"), keep_blank_values=True)
    algorithm = algorithm_of(request.headers.get(SIGNATURE_SETTINGS, ""))
    require(valid(token, public_url(), params, given, algorithm), "bad signature")
    status = status_of(dict(params), request.args.get("request_id"), epoch_ms(now()))
    return record(tenant_id, [status] if status else [], ignored=0 if status else 1)

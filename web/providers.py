"""PUT /v1/providers/<provider>: a tenant stores what its provider signs webhooks with."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.typing import ResponseReturnValue
from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates

from eventlog import credentials
from web import auth
from web.body import json_body, load
from web.errors import ApiError
from web.resources import keys, redis_client
from web.webhooks.sendgrid import public_key

bp = Blueprint("providers", __name__)


def _secret() -> fields.String:
    return fields.String(required=True, validate=validate.Length(1, 500))


class Strict(Schema):
    """Refuses fields it does not know, so a misspelt credential is an error, not a silent loss."""

    class Meta:
        unknown = RAISE


class SendgridIn(Strict):
    """The Signed Event Webhook's verification key: base64 DER of a P-256 public key."""

    public_key = fields.String(required=True, validate=validate.Length(1, 1000))

    @validates("public_key")
    def _is_p256(self, value: str, **kwargs: Any) -> None:
        try:
            public_key(value)
        except ValueError as exc:
            raise ValidationError("Not a base64 DER P-256 public key.") from exc

    @post_load
    def _compact(self, data: dict[str, str], **kwargs: Any) -> dict[str, str]:
        return {"public_key": "".join(data["public_key"].split())}  # consoles wrap long keys


class MailgunIn(Strict):
    """The HTTP webhook signing key."""

    signing_key = _secret()


class TwilioIn(Strict):
    """The account's Auth Token."""

    auth_token = _secret()


class WhatsappIn(Strict):
    """The Meta app secret and the verify token chosen for the handshake."""

    app_secret = _secret()
    verify_token = _secret()


SCHEMAS: dict[str, Schema] = {"sendgrid": SendgridIn(), "mailgun": MailgunIn(), "twilio": TwilioIn(),
                              "whatsapp": WhatsappIn()}
assert set(SCHEMAS) == set(credentials.FIELDS)


@bp.put("/v1/providers/<provider>")
def put_credentials(provider: str) -> ResponseReturnValue:
    """Store (or rotate) the tenant's credentials for one provider; 204, and never shown again."""
    tenant = auth.tenant()
    schema = SCHEMAS.get(provider)
    if schema is None:
        raise ApiError(404, "not_found", f"no provider {provider!r}: one of {', '.join(SCHEMAS)}")
    credentials.save(redis_client(), keys(), tenant.id, provider, load(schema, json_body()))
    return "", 204

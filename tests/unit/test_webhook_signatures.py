"""Webhook signatures against the providers' own code and the vectors in PROVIDERS.md."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sendgrid.helpers.eventwebhook import EventWebhook
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from web.webhooks import mailgun, sendgrid, twilio, whatsapp

TWILIO_URL = "https://example.com/webhooks/twilio/status"
TWILIO_PARAMS = [
    ("SmsSid", "SMd5cfa9e002d043c18defc777668b08c1"), ("SmsStatus", "delivered"),
    ("MessageStatus", "delivered"), ("ChannelToAddress", "+9198XXXXXX12"), ("To", "whatsapp:+919812345612"),
    ("ChannelPrefix", "whatsapp"), ("MessageSid", "SMd5cfa9e002d043c18defc777668b08c1"),
    ("AccountSid", "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"), ("From", "whatsapp:+14155238886"),
    ("ApiVersion", "2010-04-01"), ("ChannelInstallSid", "XEcc20d939f803ee381f2442185d0d5dc5"),
]


def der_public_key(private: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> str:
    der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def sendgrid_sign(private: ec.EllipticCurvePrivateKey, timestamp: str, body: bytes) -> str:
    return base64.b64encode(private.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()


def test_twilio_signature_matches_the_vector_and_the_sdk() -> None:
    ours = twilio.signature("12345", TWILIO_URL, TWILIO_PARAMS)
    assert ours == "NsO+pSGlxcb3g/sp0nrM85VPArA="
    assert ours == RequestValidator("12345").compute_signature(TWILIO_URL, dict(TWILIO_PARAMS))


def test_twilio_repeated_params_and_sha256_match_the_sdk() -> None:
    params = [("b", "2"), ("a", "z"), ("a", "y"), ("a", "y"), ("c", "")]
    sdk = RequestValidator("tok")
    assert twilio.signature("tok", TWILIO_URL, params) == sdk.compute_signature(TWILIO_URL, MultiDict(params))
    assert twilio.signature("tok", TWILIO_URL, params, "HMAC_SHA256") == sdk.compute_signature(
        TWILIO_URL, MultiDict(params), "HMAC_SHA256")


def test_twilio_accepts_the_url_signed_with_or_without_its_port() -> None:
    signed = RequestValidator("12345").compute_signature("https://example.com:443/webhooks/twilio/status",
                                                         dict(TWILIO_PARAMS))
    assert twilio.valid("12345", TWILIO_URL, TWILIO_PARAMS, signed)
    assert twilio.valid("12345", "https://example.com:443/webhooks/twilio/status", TWILIO_PARAMS,
                        "NsO+pSGlxcb3g/sp0nrM85VPArA=")


def test_twilio_rejects_a_forgery() -> None:
    good = "NsO+pSGlxcb3g/sp0nrM85VPArA="
    tampered = [(k, "failed" if k == "MessageStatus" else v) for k, v in TWILIO_PARAMS]
    assert not twilio.valid("12345", TWILIO_URL, tampered, good)
    assert not twilio.valid("54321", TWILIO_URL, TWILIO_PARAMS, good)
    assert not twilio.valid("12345", TWILIO_URL + "?request_id=other", TWILIO_PARAMS, good)
    assert not twilio.valid("12345", TWILIO_URL, TWILIO_PARAMS, good, "HMAC_MD5")


def test_twilio_algorithm_comes_from_the_settings_header() -> None:
    assert twilio.algorithm_of("") == "HMAC_SHA1"
    assert twilio.algorithm_of("key=webhooks_sharedkey_x,algorithm=HMAC_SHA256") == "HMAC_SHA256"


def test_meta_signature_matches_the_vector() -> None:
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    assert whatsapp.signature("app_secret_123", body) == (
        "sha256=02fe0c96d28c59ddb7cf81eff0ca05809b360ba73b63c28210b5906a0a107d1f")


def test_mailgun_signature_matches_the_vector() -> None:
    token = "c7986654d1ef8a7023d5aeee28a8b3d4e274b284a2e2484c4b"
    assert mailgun.signature("key-test-signing", "1744102800", token) == (
        "0e41a2febce43e45db9fecfafb487157659882ba8f6f06888b1fa6d128a00996")


def test_sendgrid_signature_agrees_with_the_sdk_including_the_trailing_crlf() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    key, timestamp = der_public_key(private), "1744286400"
    body = b'[{"email":"a@example.com","event":"delivered","sg_message_id":"m.filter0"}]\r\n'
    signature = sendgrid_sign(private, timestamp, body)
    sdk = EventWebhook(key)
    assert sendgrid.verify(key, timestamp, body, signature)
    assert sdk.verify_signature(body.decode(), signature, timestamp)
    stripped = body.rstrip(b"\r\n")
    assert not sendgrid.verify(key, timestamp, stripped, signature)
    assert not sdk.verify_signature(stripped.decode(), signature, timestamp)


def test_sendgrid_rejects_other_keys_timestamps_and_garbage() -> None:
    private, other = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    body = b"[]\r\n"
    signature = sendgrid_sign(private, "1744286400", body)
    assert not sendgrid.verify(der_public_key(other), "1744286400", body, signature)
    assert not sendgrid.verify(der_public_key(private), "1744286401", body, signature)
    assert not sendgrid.verify(der_public_key(private), "1744286400", body, "not base64!")
    assert not sendgrid.verify(der_public_key(private), "1744286400", body, base64.b64encode(b"junk").decode())


def test_sendgrid_public_key_must_be_base64_der_p256() -> None:
    key = der_public_key(ec.generate_private_key(ec.SECP256R1()))
    assert isinstance(sendgrid.public_key(key[:40] + "\n" + key[40:]), ec.EllipticCurvePublicKey)
    for bad in (der_public_key(ec.generate_private_key(ec.SECP384R1())),
                der_public_key(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
                "not a key", base64.b64encode(b"\x30\x03\x02\x01\x01").decode()):
        with pytest.raises(ValueError):
            sendgrid.public_key(bad)

"""Provider webhooks end to end on real Redis: signed with the providers' own code, counted once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from redis import Redis
from sendgrid.helpers.eventwebhook import EventWebhook
from twilio.request_validator import RequestValidator

from eventlog.keys import Keys
from eventlog.read import START, appended, read_after
from projections import store
from tests.conftest import ADMIN, RedisServer, project_all
from web import create_app

T0 = 1744286400  # the test clock: 2025-04-10 12:00 UTC
MAILGUN_KEY, TWILIO_TOKEN, META_SECRET, META_VERIFY = "key-signing-1", "twilio-token-1", "meta-secret", "verify-me"


class Tenant:
    """A tenant with every provider configured, and signed senders for each."""

    def __init__(self, http: Any, tenant_id: str, headers: dict[str, str]) -> None:
        self.http, self.id, self.headers = http, tenant_id, headers
        self.sg_key = ec.generate_private_key(ec.SECP256R1())
        der = self.sg_key.public_key().public_bytes(serialization.Encoding.DER,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo)
        self.sg_public = base64.b64encode(der).decode()
        for provider, body in (("sendgrid", {"public_key": self.sg_public}), ("mailgun", {"signing_key": MAILGUN_KEY}),
                               ("twilio", {"auth_token": TWILIO_TOKEN}),
                               ("whatsapp", {"app_secret": META_SECRET, "verify_token": META_VERIFY})):
            r = http.put(f"/v1/providers/{provider}", json=body, headers=headers)
            assert r.status_code == 204, r.json

    def sendgrid(self, events: list[Any], timestamp: int = T0, key: Any = None,
                 body: bytes | None = None) -> Any:
        body = body if body is not None else json.dumps(events).encode() + b"\r\n"  # SendGrid ends in CRLF
        ts = str(timestamp)
        signature = base64.b64encode((key or self.sg_key).sign(ts.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()
        if key is None:  # the SDK is the reference: what we send must be what it accepts
            assert EventWebhook(self.sg_public).verify_signature(body.decode(), signature, ts)
        return self.http.post(f"/webhooks/sendgrid/{self.id}", data=body, content_type="application/json",
                              headers={"X-Twilio-Email-Event-Webhook-Signature": signature,
                                       "X-Twilio-Email-Event-Webhook-Timestamp": ts})

    def mailgun(self, event_data: dict[str, Any], token: str, timestamp: int = T0, key: str = MAILGUN_KEY) -> Any:
        signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
        body = {"signature": {"timestamp": str(timestamp), "token": token, "signature": signature},
                "event-data": event_data}
        return self.http.post(f"/webhooks/mailgun/{self.id}", json=body)

    def twilio(self, params: dict[str, str], query: str = "", signed_url: str | None = None,
               token: str = TWILIO_TOKEN) -> Any:
        path = f"/webhooks/twilio/{self.id}" + (f"?{query}" if query else "")
        signature = RequestValidator(token).compute_signature(signed_url or f"http://localhost{path}", params)
        return self.http.post(path, data=params, headers={"X-Twilio-Signature": signature})

    def whatsapp(self, payload: dict[str, Any] | bytes, secret: str = META_SECRET) -> Any:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return self.http.post(f"/webhooks/whatsapp/{self.id}", data=body, content_type="application/json",
                              headers={"X-Hub-Signature-256": signature})


@pytest.fixture
def tenant(http: Any, make_tenant: Any) -> Tenant:
    return Tenant(http, *make_tenant())


def ok(r: Any) -> dict[str, int]:
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.json


def refused(r: Any, status: int) -> None:
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.json["error"]["code"]


def lifetime(client: Redis, keys: Keys, tenant: Tenant) -> dict[str, int]:
    project_all(client, keys)
    return store.read_lifetime(client, keys, tenant.id, "all")


def stream(client: Redis, keys: Keys, tenant: Tenant) -> list[Any]:
    return [e for _, e in read_after(client, keys, keys.partition(tenant.id), START, 10_000)]


def sg(event: str, message: str, at: int = T0 - 60, **extra: Any) -> dict[str, Any]:
    return {"email": "ana@example.com", "timestamp": at, "event": event, "sg_event_id": f"{event}-{message}-{at}",
            "sg_message_id": f"{message}.filterdrecv-5bd8c4b7-1-67F7A0D1-2.0", "smtp-id": f"<{message}@ismtpd>",
            "category": ["review"], **extra}


def mg(event: str, message: str, at: float = T0 - 60.5, **extra: Any) -> dict[str, Any]:
    return {"event": event, "id": f"{event}-{message}", "timestamp": at, "recipient": "ana@example.com",
            "message": {"headers": {"message-id": f"<{message}@mg.example.com>"}}, **extra}


def twilio_params(sid: str, status: str, to: str = "+15550100", **extra: str) -> dict[str, str]:
    return {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status, "To": to,
            "From": "+15550199", "AccountSid": "AC" + "0" * 32, "ApiVersion": "2010-04-01", **extra}


def meta(*statuses: dict[str, Any], messages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1"}}
    if statuses:
        value["statuses"] = list(statuses)
    if messages:
        value["messages"] = messages
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [
        {"field": "messages", "value": value}]}]}


def wa(wamid: str, status: str, at: int = T0 - 60, **extra: Any) -> dict[str, Any]:
    return {"id": wamid, "status": status, "timestamp": str(at), "recipient_id": "15550100", **extra}


# --- credentials ---------------------------------------------------------------------------------


def test_credentials_are_stored_with_204_and_never_shown(tenant: Tenant) -> None:
    r = tenant.http.put("/v1/providers/twilio", json={"auth_token": "rotated"}, headers=tenant.headers)
    assert r.status_code == 204 and r.get_data() == b""
    assert tenant.http.get("/v1/providers/twilio", headers=tenant.headers).status_code == 405
    refused(tenant.twilio(twilio_params("SM1", "sent")), 403)  # the old token stopped working at once
    ok(tenant.twilio(twilio_params("SM1", "sent"), token="rotated"))


@pytest.mark.parametrize(("provider", "body", "field"), [
    ("mailgun", {"signing_key": "k", "extra": 1}, "extra"),
    ("mailgun", {}, "signing_key"),
    ("twilio", {"auth_token": ""}, "auth_token"),
    ("whatsapp", {"app_secret": "s"}, "verify_token"),
    ("sendgrid", {"public_key": "bm90IGEga2V5"}, "public_key"),
])
def test_credentials_are_validated(tenant: Tenant, provider: str, body: dict[str, Any], field: str) -> None:
    r = tenant.http.put(f"/v1/providers/{provider}", json=body, headers=tenant.headers)
    assert r.status_code == 422 and field in r.json["error"]["details"], r.json


def test_sendgrid_key_must_be_p256(tenant: Tenant) -> None:
    der = ec.generate_private_key(ec.SECP384R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    r = tenant.http.put("/v1/providers/sendgrid", json={"public_key": base64.b64encode(der).decode()},
                        headers=tenant.headers)
    assert r.status_code == 422 and "public_key" in r.json["error"]["details"]


def test_credentials_need_an_api_key_and_a_known_provider(tenant: Tenant) -> None:
    refused(tenant.http.put("/v1/providers/twilio", json={"auth_token": "x"}), 401)
    refused(tenant.http.put("/v1/providers/postmark", json={"token": "x"}, headers=tenant.headers), 404)
    refused(tenant.http.put("/v1/providers/twilio", data="auth_token=x", headers=tenant.headers), 415)


def test_a_tenant_without_credentials_is_refused_and_nothing_appended(http: Any, make_tenant: Any, client: Redis,
                                                                      keys: Keys) -> None:
    bare = Tenant.__new__(Tenant)
    bare.http, (bare.id, bare.headers) = http, make_tenant()
    bare.sg_key = ec.generate_private_key(ec.SECP256R1())
    refused(bare.sendgrid([sg("delivered", "m1")], key=bare.sg_key), 401)
    refused(bare.mailgun(mg("delivered", "m1"), token="t1"), 401)
    refused(bare.twilio(twilio_params("SM1", "delivered")), 401)
    refused(bare.whatsapp(meta(wa("wamid.1", "delivered"))), 401)
    refused(http.get(f"/webhooks/whatsapp/{bare.id}?hub.mode=subscribe&hub.verify_token=&hub.challenge=1"), 403)
    assert sum(appended(client, keys)) == 0


# --- SendGrid ------------------------------------------------------------------------------------


def test_sendgrid_batch_of_mixed_types(tenant: Tenant, client: Redis, keys: Keys) -> None:
    batch: list[Any] = [
        sg("processed", "m1", review_request_id="rr-1"), sg("delivered", "m1", review_request_id="rr-1"),
        sg("open", "m1", review_request_id="rr-1", useragent="Mozilla/5.0", sg_machine_open=False),
        sg("click", "m1", review_request_id="rr-1", url="https://example.com/r"),
        sg("processed", "m2"), sg("deferred", "m2", response="400 try again later", attempt="1"),
        sg("open", "m2", sg_machine_open=True), sg("delivered", "m2"),
        sg("processed", "m3"), sg("bounce", "m3", reason="550 5.1.1 no such user", type="bounce"),
        sg("dropped", "m4", reason="Bounced Address"), sg("group_unsubscribe", "m1"), sg("spamreport", "m2"),
        {"event": "brand_new_kind", "timestamp": T0}, "not an object",
    ]
    assert ok(tenant.sendgrid(batch)) == {"accepted": 8, "duplicates": 0, "ignored": 7}
    counts = lifetime(client, keys, tenant)
    overall = tenant.http.get("/v1/stats/overall", headers=tenant.headers).json
    assert overall["sent_email"] == overall["sent_total"] == 3
    assert (counts["delivered:email"], counts["read:email"], counts["failed:email"]) == (2, 1, 2)


def test_sendgrid_retry_with_changed_event_ids_is_counted_once(tenant: Tenant, client: Redis, keys: Keys) -> None:
    batch = [sg("processed", "m1"), sg("delivered", "m1"), sg("open", "m1")]
    assert ok(tenant.sendgrid(batch))["accepted"] == 3
    retried = [{**e, "sg_event_id": e["sg_event_id"] + "-retry"} for e in batch]
    assert ok(tenant.sendgrid(retried)) == {"accepted": 0, "duplicates": 3, "ignored": 0}
    assert ok(tenant.sendgrid([sg("open", "m1", at=T0 - 10)]))["duplicates"] == 1  # a second open
    counts = lifetime(client, keys, tenant)
    assert (counts["sent:email"], counts["delivered:email"], counts["read:email"]) == (1, 1, 1)


def test_sendgrid_statuses_out_of_order_only_move_forward(tenant: Tenant, client: Redis, keys: Keys) -> None:
    ok(tenant.sendgrid([sg("open", "m1", at=T0 - 50), sg("bounce", "m2", at=T0 - 50)]))
    ok(tenant.sendgrid([sg("delivered", "m1", at=T0 - 100), sg("delivered", "m2", at=T0 - 100),
                        sg("processed", "m1", at=T0 - 200)]))
    counts = lifetime(client, keys, tenant)
    assert (counts["sent:email"], counts["delivered:email"], counts["read:email"], counts["failed:email"]) == (1, 1, 1, 1)


def test_sendgrid_forged_or_stale_signatures_append_nothing(tenant: Tenant, client: Redis, keys: Keys) -> None:
    batch = [sg("delivered", "m1")]
    refused(tenant.sendgrid(batch, key=ec.generate_private_key(ec.SECP256R1())), 403)
    refused(tenant.sendgrid(batch, timestamp=T0 - 301), 403)
    refused(tenant.sendgrid(batch, timestamp=T0 + 301), 403)
    refused(tenant.sendgrid(batch, timestamp=10**400), 403)
    body = json.dumps(batch).encode() + b"\r\n"
    signed = tenant.sendgrid(batch).request.headers  # a good request, then its body altered
    names = ("X-Twilio-Email-Event-Webhook-Signature", "X-Twilio-Email-Event-Webhook-Timestamp")
    forged = tenant.http.post(f"/webhooks/sendgrid/{tenant.id}", data=body.replace(b"delivered", b"bounce"),
                              headers={n: signed[n] for n in names}, content_type="application/json")
    refused(forged, 403)
    refused(tenant.http.post(f"/webhooks/sendgrid/{tenant.id}", data=body, content_type="application/json"), 401)
    assert sum(appended(client, keys)) == 1


def test_sendgrid_body_must_be_a_json_array(tenant: Tenant, client: Redis, keys: Keys) -> None:
    refused(tenant.sendgrid([], body=b"[{not json"), 400)
    refused(tenant.sendgrid([], body=b'{"event": "delivered"}'), 400)
    assert ok(tenant.sendgrid([]))["accepted"] == 0
    assert sum(appended(client, keys)) == 0


def test_sendgrid_event_lands_on_the_request_the_app_sent(tenant: Tenant, client: Redis, keys: Keys) -> None:
    sent = {"id": "app-1", "type": "sent", "channel": "email", "request_id": "rr-app", "message_id": "X1abc",
            "occurred_at": "2025-04-10T11:58:00Z"}
    assert tenant.http.post("/v1/events", json=sent, headers=tenant.headers).status_code == 202
    result = ok(tenant.sendgrid([sg("processed", "X1abc"), sg("delivered", "X1abc"), sg("delivered", "other")]))
    assert result == {"accepted": 2, "duplicates": 1, "ignored": 0}  # the provider's "processed" is the app's send
    requests = {e.type + "@" + e.request_id for e in stream(client, keys, tenant)}
    assert requests == {"sent@rr-app", "delivered@rr-app", "delivered@other.filterdrecv-5bd8c4b7-1-67F7A0D1-2.0"}
    assert lifetime(client, keys, tenant)["sent:email"] == 1


# --- Mailgun -------------------------------------------------------------------------------------


def test_mailgun_events_are_counted(tenant: Tenant, client: Redis, keys: Keys) -> None:
    rr: dict[str, Any] = {"user-variables": {"review_request_id": "rr-7"}}
    for i, data in enumerate([mg("accepted", "a", **rr), mg("delivered", "a", **rr), mg("opened", "a", **rr),
                              mg("clicked", "a", **rr), mg("failed", "b", severity="temporary"),
                              mg("failed", "b", severity="permanent"), mg("complained", "c"), mg("unsubscribed", "c")]):
        ok(tenant.mailgun(data, token=f"tok{i}"))
    counts = lifetime(client, keys, tenant)
    assert (counts["sent:email"], counts["delivered:email"], counts["read:email"], counts["failed:email"]) == (1, 1, 1, 1)
    assert {e.request_id for e in stream(client, keys, tenant)} == {"rr-7", "b@mg.example.com"}
    assert tenant.http.get("/v1/stats/overall", headers=tenant.headers).json["sent_email"] == 1


def test_mailgun_token_signs_one_body_only(tenant: Tenant, client: Redis, keys: Keys) -> None:
    assert ok(tenant.mailgun(mg("delivered", "a"), token="t1"))["accepted"] == 1
    assert ok(tenant.mailgun(mg("delivered", "a"), token="t1"))["duplicates"] == 1  # the same delivery, retried
    refused(tenant.mailgun(mg("failed", "a", severity="permanent"), token="t1"), 403)  # a replayed token
    assert sum(appended(client, keys)) == 1


def test_mailgun_refusals(tenant: Tenant, client: Redis, keys: Keys) -> None:
    refused(tenant.mailgun(mg("delivered", "a"), token="t1", key="wrong"), 403)
    refused(tenant.mailgun(mg("delivered", "a"), token="t2", timestamp=T0 - 301), 403)
    url = f"/webhooks/mailgun/{tenant.id}"
    refused(tenant.http.post(url, data=b"{oops", content_type="application/json"), 406)
    refused(tenant.http.post(url, json={"event-data": mg("delivered", "a")}), 406)
    refused(tenant.http.post(url, json={"signature": {"timestamp": str(T0), "token": "t"}, "event-data": {}}), 406)
    refused(tenant.http.post(url, data={"signature": "x"}), 406)
    assert sum(appended(client, keys)) == 0


# --- Twilio --------------------------------------------------------------------------------------


def test_twilio_sms_and_whatsapp_statuses(tenant: Tenant, client: Redis, keys: Keys) -> None:
    wa_to = "whatsapp:+15550100"
    for params, query in [(twilio_params("SM1", "queued"), "request_id=rr-1"),
                          (twilio_params("SM1", "sent"), "request_id=rr-1"),
                          (twilio_params("SM1", "delivered"), "request_id=rr-1"),
                          (twilio_params("SM2", "sent", to=wa_to, ChannelPrefix="whatsapp"), "request_id=rr-2"),
                          (twilio_params("SM2", "read", to=wa_to, ChannelPrefix="whatsapp"), "request_id=rr-2"),
                          (twilio_params("SM2", "delivered", to=wa_to, ChannelPrefix="whatsapp"), "request_id=rr-2"),
                          (twilio_params("SM3", "undelivered", ErrorCode="30003"), ""),
                          (twilio_params("SM1", "failed", ErrorCode="30008"), "request_id=rr-1"),
                          ({"MessageSid": "SM9", "SmsStatus": "received", "Body": "hi", "To": "+1"}, "")]:
        ok(tenant.twilio(params, query))
    counts = lifetime(client, keys, tenant)
    assert (counts["sent:sms"], counts["delivered:sms"], counts["failed:sms"]) == (1, 1, 1)
    assert (counts["sent:whatsapp"], counts["delivered:whatsapp"], counts["read:whatsapp"]) == (1, 1, 1)
    assert {e.request_id for e in stream(client, keys, tenant)} == {"rr-1", "rr-2", "SM3"}
    assert ok(tenant.twilio(twilio_params("SM1", "delivered"), "request_id=rr-1"))["duplicates"] == 1


def test_twilio_behind_a_proxy_signs_the_public_url(tenant: Tenant) -> None:
    tenant.http.application.config["PUBLIC_BASE_URL"] = "https://reviews.example.com/"
    public = f"https://reviews.example.com/webhooks/twilio/{tenant.id}?request_id=rr-1"
    ok(tenant.twilio(twilio_params("SM1", "sent"), "request_id=rr-1", signed_url=public))
    refused(tenant.twilio(twilio_params("SM1", "delivered"), "request_id=rr-1"), 403)


def test_twilio_forgeries_are_refused(tenant: Tenant, client: Redis, keys: Keys) -> None:
    refused(tenant.twilio(twilio_params("SM1", "delivered"), token="guess"), 403)
    signed = tenant.twilio(twilio_params("SM1", "sent"), "request_id=rr-1").request.headers
    for path, params in [(f"/webhooks/twilio/{tenant.id}?request_id=rr-1", twilio_params("SM1", "delivered")),
                         (f"/webhooks/twilio/{tenant.id}?request_id=rr-2", twilio_params("SM1", "sent"))]:
        refused(tenant.http.post(path, data=params, headers={"X-Twilio-Signature": signed["X-Twilio-Signature"]}), 403)
    refused(tenant.http.post(f"/webhooks/twilio/{tenant.id}", data=twilio_params("SM1", "sent")), 401)
    assert sum(appended(client, keys)) == 1


# --- WhatsApp (Meta) -----------------------------------------------------------------------------


def test_whatsapp_handshake(tenant: Tenant) -> None:
    url = f"/webhooks/whatsapp/{tenant.id}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
    r = tenant.http.get(url + META_VERIFY)
    assert r.status_code == 200 and r.get_data(as_text=True) == "1158201444" and r.mimetype == "text/plain"
    refused(tenant.http.get(url + "wrong"), 403)
    refused(tenant.http.get(url.replace("subscribe", "unsubscribe") + META_VERIFY), 403)


def test_whatsapp_statuses_in_any_order(tenant: Tenant, client: Redis, keys: Keys) -> None:
    inbound = [{"from": "15550100", "id": "wamid.in", "timestamp": str(T0), "type": "text", "text": {"body": "5*"}}]
    result = ok(tenant.whatsapp(meta(wa("wamid.A", "sent", biz_opaque_callback_data="rr-1"),
                                     wa("wamid.A", "read", at=T0 - 30, biz_opaque_callback_data="rr-1"),
                                     wa("wamid.B", "sent"), wa("wamid.B", "failed", errors=[{"code": 131026}]),
                                     wa("wamid.C", "deleted"), messages=inbound)))
    assert result == {"accepted": 4, "duplicates": 0, "ignored": 2}
    late = meta(wa("wamid.A", "delivered", at=T0 - 45, biz_opaque_callback_data="rr-1"), wa("wamid.B", "delivered"))
    assert ok(tenant.whatsapp(late)) == {"accepted": 0, "duplicates": 2, "ignored": 0}
    assert ok(tenant.whatsapp(meta(messages=inbound)))["ignored"] == 1
    counts = lifetime(client, keys, tenant)
    assert (counts["sent:whatsapp"], counts["delivered:whatsapp"], counts["read:whatsapp"],
            counts["failed:whatsapp"]) == (2, 1, 1, 1)
    assert tenant.http.get("/v1/stats/overall", headers=tenant.headers).json["sent_whatsapp"] == 2


def test_whatsapp_refusals(tenant: Tenant, client: Redis, keys: Keys) -> None:
    refused(tenant.whatsapp(meta(wa("wamid.A", "read")), secret="guess"), 403)
    refused(tenant.http.post(f"/webhooks/whatsapp/{tenant.id}", json=meta(wa("wamid.A", "read"))), 401)
    refused(tenant.whatsapp(b'{"object": '), 400)
    assert sum(appended(client, keys)) == 0


# --- Redis down ----------------------------------------------------------------------------------


@pytest.fixture
def down(redis_server: RedisServer) -> Iterator[tuple[Tenant, RedisServer]]:
    from eventlog.settings import Settings

    settings = Settings(redis_url=redis_server.url, queue_redis_url=redis_server.url, key_prefix="w", partitions=4)
    client = Redis.from_url(redis_server.url, socket_timeout=2, socket_connect_timeout=1)
    http = create_app({"SETTINGS": settings, "REDIS": client, "ADMIN_TOKEN": ADMIN}).test_client()
    made = http.post("/admin/tenants", json={"name": "A"}, headers={"Authorization": f"Bearer {ADMIN}"}).json
    assert made is not None
    yield Tenant(http, made["tenant_id"], {"Authorization": f"Bearer {made['api_key']}"}), redis_server


def test_redis_down_is_503_never_2xx(down: tuple[Tenant, RedisServer]) -> None:
    import time

    tenant, server = down
    server.stop()
    now = int(time.time())  # this app runs on the wall clock
    for r in (tenant.sendgrid([sg("delivered", "m1")], timestamp=now), tenant.mailgun(mg("delivered", "m1"), "t", now),
              tenant.twilio(twilio_params("SM1", "sent")), tenant.whatsapp(meta(wa("wamid.A", "read")))):
        assert r.status_code == 503 and r.headers["Retry-After"], r.status_code

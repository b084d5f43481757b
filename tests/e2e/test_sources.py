"""End to end: provider webhooks and tracked links through the real web and worker processes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import ADMIN, Service

pytestmark = pytest.mark.e2e
MAILGUN_KEY, TWILIO_TOKEN, META_SECRET = "mg-signing-key", "twilio-auth-token", "meta-app-secret"
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"


def signed_sendgrid(key: Any, events: list[dict[str, Any]]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(events).encode() + b"\r\n"
    ts = str(int(time.time()))
    signature = base64.b64encode(key.sign(ts.encode() + body, ec.ECDSA(hashes.SHA256()))).decode()
    return body, {"Content-Type": "application/json", "X-Twilio-Email-Event-Webhook-Signature": signature,
                  "X-Twilio-Email-Event-Webhook-Timestamp": ts}


def signed_mailgun(event_data: dict[str, Any], token: str) -> dict[str, Any]:
    ts = str(int(time.time()))
    signature = hmac.new(MAILGUN_KEY.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
    return {"signature": {"timestamp": ts, "token": token, "signature": signature}, "event-data": event_data}


def meta_status(wamid: str, status: str, request_id: str) -> dict[str, Any]:
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"phone_number_id": "1"},
        "statuses": [{"id": wamid, "status": status, "timestamp": str(int(time.time())), "recipient_id": "919800000000",
                      "biz_opaque_callback_data": request_id}]}}]}]}


def test_every_source_reaches_the_stats(service: Service) -> None:
    base = service.base
    made = requests.post(f"{base}/admin/tenants", json={"name": "Sources"},
                         headers={"Authorization": f"Bearer {ADMIN}"}).json()
    tid, auth = made["tenant_id"], {"Authorization": f"Bearer {made['api_key']}"}
    sg_key = ec.generate_private_key(ec.SECP256R1())
    sg_public = base64.b64encode(sg_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
    for provider, body in (("sendgrid", {"public_key": sg_public}), ("mailgun", {"signing_key": MAILGUN_KEY}),
                           ("twilio", {"auth_token": TWILIO_TOKEN}),
                           ("whatsapp", {"app_secret": META_SECRET, "verify_token": "v"})):
        assert requests.put(f"{base}/v1/providers/{provider}", json=body, headers=auth).status_code == 204

    sends = [{"id": "s1", "type": "sent", "channel": "email", "request_id": "r-sg", "message_id": "sgmsg1"},
             {"id": "s2", "type": "sent", "channel": "email", "request_id": "r-mg"},
             {"id": "s3", "type": "sent", "channel": "sms", "request_id": "r-sms"},
             {"id": "s4", "type": "sent", "channel": "whatsapp", "request_id": "r-wa"}]
    assert requests.post(f"{base}/v1/events", json={"events": sends}, headers=auth).json()["accepted"] == 4

    now = int(time.time())
    body, headers = signed_sendgrid(sg_key, [
        {"event": "delivered", "sg_message_id": "sgmsg1.filter0001.1.0", "sg_event_id": "e1", "timestamp": now},
        {"event": "open", "sg_message_id": "sgmsg1.filter0001.1.0", "sg_event_id": "e2", "timestamp": now,
         "sg_machine_open": True},
        {"event": "open", "sg_message_id": "sgmsg1.filter0001.1.0", "sg_event_id": "e3", "timestamp": now},
        {"event": "click", "sg_message_id": "sgmsg1.filter0001.1.0", "sg_event_id": "e4", "timestamp": now}])
    r = requests.post(f"{base}/webhooks/sendgrid/{tid}", data=body, headers=headers)
    assert r.status_code == 200 and r.json()["accepted"] == 2, r.text
    forged = requests.post(f"{base}/webhooks/sendgrid/{tid}", data=body.replace(b"delivered", b"bounce  "),
                           headers=headers)
    assert forged.status_code in (401, 403)

    for event, token in (("delivered", "tok-1"), ("opened", "tok-2")):
        payload = signed_mailgun({"event": event, "id": f"mg-{event}", "timestamp": time.time(),
                                  "message": {"headers": {"message-id": "<mg1@mail.example>"}},
                                  "user-variables": {"review_request_id": "r-mg"}}, token)
        assert requests.post(f"{base}/webhooks/mailgun/{tid}", json=payload).status_code == 200

    url = f"{base}/webhooks/twilio/{tid}?request_id=r-sms"
    params = {"MessageSid": "SM1", "MessageStatus": "delivered", "To": "+919800000000", "From": "+14155550100",
              "AccountSid": "AC1", "ApiVersion": "2010-04-01"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
    assert requests.post(url, data=params, headers={"X-Twilio-Signature": signature}).status_code == 200

    for status in ("read", "delivered"):  # out of order: the read carries the delivery, the late delivery is a no-op
        raw = json.dumps(meta_status("wamid.1", status, "r-wa")).encode()
        sig = "sha256=" + hmac.new(META_SECRET.encode(), raw, hashlib.sha256).hexdigest()
        r = requests.post(f"{base}/webhooks/whatsapp/{tid}", data=raw,
                          headers={"Content-Type": "application/json", "X-Hub-Signature-256": sig})
        assert r.status_code == 200

    link = requests.post(f"{base}/v1/links", json={"request_id": "r-wa", "channel": "whatsapp",
                                                   "destination": "https://g.page/r/review"}, headers=auth).json()
    for agent in ("WhatsApp/2.23.20.0 A", "facebookexternalhit/1.1", BROWSER, BROWSER):
        opened = requests.get(link["url"], headers={"User-Agent": agent}, allow_redirects=False)
        assert opened.status_code == 302 and opened.headers["Location"] == "https://g.page/r/review"
    assert requests.get(link["url"] + "x", allow_redirects=False).status_code == 404

    deadline = time.monotonic() + 30
    while requests.get(f"{base}/readyz").json()["lag_total"]:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    v1 = requests.get(f"{base}/v1/stats/overall", headers=auth).json()
    assert (v1["sent_email"], v1["sent_sms"], v1["sent_whatsapp"], v1["impressions_whatsapp"],
            v1["impressions_total"]) == (2, 1, 1, 1, 1)
    totals = requests.get(f"{base}/v2/stats/overall", headers=auth).json()["totals"]
    assert totals["delivered"] == {"email": 2, "whatsapp": 1, "sms": 1, "other": 0, "total": 4}
    assert totals["read"] == {"email": 2, "whatsapp": 1, "sms": 0, "other": 0, "total": 3}
    assert totals["sent"]["total"] == 4


def test_events_whose_trigger_was_lost_are_projected_by_the_sweep(service: Service) -> None:
    from redis import Redis

    from eventlog import tenants
    from eventlog.append import append
    from eventlog.event import Event
    from eventlog.keys import Keys
    from eventlog.settings import Settings

    settings = Settings(redis_url=service.redis_url, queue_redis_url=service.redis_url, key_prefix=service.prefix)
    client, keys = Redis.from_url(service.redis_url), Keys(settings.key_prefix, settings.partitions)
    from datetime import UTC, datetime

    tenant, issued = tenants.create(client, keys, "Lost trigger", "UTC", datetime.now(UTC))
    # appended straight into the log: the trigger flag is set, but no projector job is ever enqueued
    done = append(client, settings, tenant.id, [
        Event(tenant.id, f"e{i}", "sent", "sms", f"r{i}", int(time.time() * 1000)) for i in range(25)])
    assert done.accepted == 25 and done.trigger
    deadline = time.monotonic() + 20  # the flag lives 5 s, the sweep runs every 2 s
    auth = {"Authorization": f"Bearer {issued.api_key}"}
    while requests.get(f"{service.base}/v1/stats/overall", headers=auth).json()["sent_sms"] != 25:
        assert time.monotonic() < deadline, "the sweep did not project events whose trigger was lost"
        time.sleep(0.25)


def test_the_service_rides_out_a_redis_outage() -> None:
    from tests.conftest import RedisServer

    redis_server = RedisServer(durable=True)
    redis_server.start()
    service = Service(redis_server.url)
    try:
        base = service.base
        made = requests.post(f"{base}/admin/tenants", json={"name": "Outage"},
                             headers={"Authorization": f"Bearer {ADMIN}"}).json()
        auth = {"Authorization": f"Bearer {made['api_key']}"}
        sent = {"id": "s1", "type": "sent", "channel": "sms", "request_id": "r1"}
        assert requests.post(f"{base}/v1/events", json=sent, headers=auth).status_code == 202
        link = requests.post(f"{base}/v1/links", json={"request_id": "r1", "channel": "sms",
                                                       "destination": "https://g.page/r/review"}, headers=auth).json()
        redis_server.stop()
        time.sleep(4)  # every process has met the outage by now
        assert requests.get(f"{base}/healthz").ok
        down = requests.post(f"{base}/v1/events", json={**sent, "id": "s2", "request_id": "r2"}, headers=auth)
        assert down.status_code == 503 and down.headers["Retry-After"]
        assert requests.get(f"{base}/readyz").status_code == 503
        opened = requests.get(link["url"], headers={"User-Agent": BROWSER}, allow_redirects=False)
        assert opened.status_code == 302  # the visitor still gets there; the impression waits in the spool
        assert service.proc.poll() is None, "a process exited and honcho stopped the service"
        redis_server.start()
        deadline = time.monotonic() + 30
        while True:
            try:
                overall = requests.get(f"{base}/v1/stats/overall", headers=auth).json()
                if (overall["sent_sms"], overall["impressions_sms"]) == (1, 1):
                    break
            except (requests.RequestException, KeyError, ValueError):
                pass
            assert time.monotonic() < deadline, "the service did not recover after Redis came back"
            time.sleep(0.5)
    finally:
        service.stop()
        redis_server.stop()


def test_the_sweep_moves_counts_of_the_earlier_hash_layout_into_the_stats(redis_url: str) -> None:
    from datetime import UTC, datetime

    from redis import Redis

    from eventlog import tenants
    from eventlog.keys import Keys
    from eventlog.settings import Settings

    made: dict[str, str] = {}

    def earlier_version_data(settings: Settings) -> None:
        """What an earlier version left in Redis: a tenant, and its April 2025 as hash counters."""
        client, keys = Redis.from_url(settings.redis_url), Keys(settings.key_prefix, settings.partitions)
        tenant, issued = tenants.create(client, keys, "Upgraded", "UTC", datetime.now(UTC))
        tag = keys.tag(keys.partition(tenant.id))
        client.hset(f"{tag}:day:{tenant.id}:all:2025-04", mapping={"08|sent:sms": 3, "09|responses:sms": 1,
                                                                   "09|stars:sms:4": 1})
        client.hset(f"{tag}:month:{tenant.id}:all:2025", mapping={"04|sent:sms": 3, "04|responses:sms": 1,
                                                                   "04|stars:sms:4": 1})
        made.update(key=issued.api_key)

    service = Service(redis_url, prepare=earlier_version_data)
    try:
        auth = {"Authorization": f"Bearer {made['key']}"}
        deadline = time.monotonic() + 20
        while (days := requests.get(f"{service.base}/v1/stats/daily?from=2025-04-08&to=2025-04-09",
                                    headers=auth).json())[0]["sent_sms"] != 3:
            assert time.monotonic() < deadline, "the sweep did not convert the earlier daily counters"
            time.sleep(0.25)
        assert days[1]["responses_sms"] == 1 and days[1]["avgRating"] == 4.0
        month = requests.get(f"{service.base}/v2/stats?from=2025-04-01&to=2025-04-30&granularity=month",
                             headers=auth).json()["series"][0]
        assert month["sent"]["sms"] == 3 and month["rating"]["distribution"]["4"] == 1
    finally:
        service.stop()

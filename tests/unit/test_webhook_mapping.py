"""Provider payloads to canonical statuses: pure, no Redis, no app."""

from __future__ import annotations

from typing import Any

from web.webhooks import at_ms, mailgun, sendgrid, twilio, whatsapp

NOW = 1_744_286_400_000


def sg(event: str, **extra: Any) -> dict[str, Any]:
    return {"email": "a@example.com", "timestamp": 1744286000, "event": event, "sg_event_id": "ev",
            "sg_message_id": "X1.filterdrecv-1.0", **extra}


def test_sendgrid_kinds() -> None:
    kinds = {e: getattr(sendgrid.status_of(sg(e), NOW), "type", None)
             for e in ("processed", "delivered", "open", "bounce", "dropped", "deferred", "click",
                       "spamreport", "unsubscribe", "group_unsubscribe", "mystery")}
    assert kinds == {"processed": "sent", "delivered": "delivered", "open": "read", "bounce": "failed",
                     "dropped": "failed", "deferred": None, "click": None, "spamreport": None,
                     "unsubscribe": None, "group_unsubscribe": None, "mystery": None}


def test_sendgrid_machine_open_is_not_a_read() -> None:
    assert sendgrid.status_of(sg("open", sg_machine_open=True), NOW) is None
    assert sendgrid.status_of(sg("open", sg_machine_open=False), NOW) is not None


def test_sendgrid_ids_time_and_request() -> None:
    s = sendgrid.status_of(sg("delivered", review_request_id="rr-1"), NOW)
    assert s is not None
    assert (s.id, s.lookup_id, s.request_id, s.channel, s.occurred_at_ms) == (
        "sendgrid:X1.filterdrecv-1.0:delivered", "X1", "rr-1", "email", 1744286000000)
    assert sendgrid.status_of(sg("open", sg_event_id="changed"), NOW) == sendgrid.status_of(sg("open"), NOW)


def test_sendgrid_delayed_bounce_without_message_id_uses_smtp_id() -> None:
    s = sendgrid.status_of({"event": "bounce", "timestamp": 1, "smtp-id": "<abc@ismtpd>"}, NOW)
    assert s is not None and s.message_id == "abc@ismtpd"
    assert sendgrid.status_of({"event": "bounce", "timestamp": 1}, NOW) is None


def mg(event: str, **extra: Any) -> dict[str, Any]:
    return {"event": event, "id": "e1", "timestamp": 1744286000.25,
            "message": {"headers": {"message-id": "<20250410.1@mg.example.com>"}}, **extra}


def test_mailgun_kinds_and_severity() -> None:
    assert mailgun.status_of(mg("accepted"), NOW).type == "sent"  # type: ignore[union-attr]
    assert mailgun.status_of(mg("delivered"), NOW).type == "delivered"  # type: ignore[union-attr]
    assert mailgun.status_of(mg("opened"), NOW).type == "read"  # type: ignore[union-attr]
    assert mailgun.status_of(mg("failed", severity="permanent"), NOW).type == "failed"  # type: ignore[union-attr]
    for ignored in (mg("failed", severity="temporary"), mg("clicked"), mg("complained"), mg("unsubscribed")):
        assert mailgun.status_of(ignored, NOW) is None


def test_mailgun_message_id_loses_its_brackets_and_time_keeps_its_milliseconds() -> None:
    s = mailgun.status_of(mg("delivered", **{"user-variables": {"review_request_id": 42}}), NOW)
    assert s is not None
    assert (s.message_id, s.request_id, s.occurred_at_ms) == ("20250410.1@mg.example.com", "42", 1744286000250)


def test_twilio_channel_and_kinds() -> None:
    def status(**params: str) -> Any:
        return twilio.status_of({"MessageSid": "SM1", "To": "+15550001", **params}, None, NOW)

    assert status(MessageStatus="delivered").channel == "sms"
    assert status(MessageStatus="delivered", ChannelPrefix="whatsapp").channel == "whatsapp"
    assert status(MessageStatus="read", To="whatsapp:+15550001").channel == "whatsapp"
    assert [status(MessageStatus=k).type for k in ("sent", "undelivered", "failed")] == ["sent", "failed", "failed"]
    for ignored in ("queued", "accepted", "sending", "received", "scheduled", "canceled", ""):
        assert status(MessageStatus=ignored) is None
    assert status(MessageStatus="sent").occurred_at_ms == NOW


def test_meta_statuses_and_ignored_messages() -> None:
    payload = {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [
        {"field": "messages", "value": {"statuses": [
            {"id": "wamid.A", "status": "read", "timestamp": "1744286000", "biz_opaque_callback_data": "rr-9"},
            {"id": "wamid.B", "status": "deleted", "timestamp": "1744286000"}]}},
        {"field": "messages", "value": {"messages": [{"id": "wamid.in", "type": "text"}]}},
        "junk"]}]}
    values = list(whatsapp.values(payload))
    assert len(values) == 2
    s = whatsapp.status_of(values[0]["statuses"][0], NOW)
    assert s is not None and (s.id, s.request_id, s.occurred_at_ms) == ("whatsapp:wamid.A:read", "rr-9", 1744286000000)
    assert whatsapp.status_of(values[0]["statuses"][1], NOW) is None
    assert list(whatsapp.values([])) == [] and list(whatsapp.values({"entry": "x"})) == []


def test_odd_field_types_are_ignored_not_fatal() -> None:
    assert sendgrid.status_of({"event": ["open"], "sg_message_id": "m"}, NOW) is None
    assert sendgrid.status_of({"event": "delivered", "sg_message_id": {"x": 1}, "smtp-id": ["<a>"]}, NOW) is None
    assert mailgun.status_of({"event": {"a": 1}, "message": {"headers": {"message-id": "<m>"}}}, NOW) is None
    assert mailgun.status_of({"event": "delivered", "message": {"headers": {"message-id": ["<m>"]}}}, NOW) is None
    assert mailgun.status_of({"event": "delivered", "message": "m"}, NOW) is None
    assert whatsapp.status_of({"id": ["w"], "status": ["read"]}, NOW) is None


def test_provider_times_read_tolerantly() -> None:
    assert at_ms("1744286000", NOW) == 1744286000000
    assert at_ms(1744286000.123, NOW) == 1744286000123
    unreadable: tuple[object, ...] = (None, True, "soon", "nan", -5, {})
    for value in unreadable:
        assert at_ms(value, NOW) == NOW


def test_implausible_provider_times_fall_back_to_the_time_of_receipt() -> None:
    from web.webhooks import at_ms

    received = 1_744_286_400_000
    assert at_ms("1744286300", received) == 1_744_286_300_000
    for bad in ("1744286400000", "99999999999999999999", "1e1000000", "-5", "12", "nan", True, None):
        assert at_ms(bad, received) == received, bad

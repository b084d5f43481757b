"""Bad input gets a clear JSON error and changes nothing (web edge on fakeredis)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest

from eventlog.keys import Keys
from eventlog.read import appended
from eventlog.settings import Settings
from web import create_app

ADMIN = "adm"
OK = {"id": "e1", "type": "sent", "channel": "email", "request_id": "r1", "occurred_at": "2025-04-08T19:00:00Z"}


@pytest.fixture
def env() -> Any:
    client = fakeredis.FakeRedis()
    settings = Settings(key_prefix="u", partitions=4)
    app = create_app({"SETTINGS": settings, "REDIS": client, "ADMIN_TOKEN": ADMIN, "TESTING": True,
                      "CLOCK": lambda: datetime(2025, 4, 10, 12, tzinfo=UTC)})
    http = app.test_client()
    r = http.post("/admin/tenants", json={"name": "A", "timezone": "Asia/Kolkata"},
                  headers={"Authorization": f"Bearer {ADMIN}"})
    headers = {"Authorization": f"Bearer {r.json['api_key']}"}
    return http, headers, lambda: sum(appended(client, Keys("u", 4)))


def error_of(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.data
    body = r.json["error"]
    assert set(body) == {"code", "message", "details"} and body["message"]
    return body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "response", "rating": "5"}, "rating"),
        ({"type": "response", "rating": True}, "rating"),
        ({"type": "response", "rating": 3.5}, "rating"),
        ({"type": "response", "rating": 6}, "rating"),
        ({"type": "response"}, "rating"),
        ({"rating": 4}, "rating"),
        ({"channel": "Email"}, "channel"),
        ({"type": "click"}, "type"),
        ({"id": ""}, "id"),
        ({"id": "x" * 201}, "id"),
        ({"request_id": 7}, "request_id"),
        ({"occurred_at": "2025-04-08T19:00:00"}, "occurred_at"),
        ({"occurred_at": "2025-04-08"}, "occurred_at"),
        ({"occurred_at": "2025-04-10T12:05:01Z"}, "occurred_at"),
        ({"location": "x" * 101}, "location"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_schema_violation_is_422_naming_the_field(env: Any, change: dict[str, Any], field: str) -> None:
    http, headers, appended_total = env
    r = http.post("/v1/events", json={**OK, **change}, headers=headers)
    assert field in error_of(r, 422)["details"]
    assert appended_total() == 0


def test_batch_with_one_bad_event_appends_nothing_and_names_its_index(env: Any) -> None:
    http, headers, appended_total = env
    events = [dict(OK, id=f"e{i}", request_id=f"r{i}") for i in range(5)]
    events[3]["channel"] = "fax"
    r = http.post("/v1/events", json={"events": events}, headers=headers)
    details = error_of(r, 422)["details"]
    assert list(details["events"]) == ["3"] or list(details["events"]) == [3]
    assert appended_total() == 0


def test_event_five_minutes_ahead_is_accepted(env: Any) -> None:
    http, headers, _ = env
    r = http.post("/v1/events", json={**OK, "occurred_at": "2025-04-10T17:35:00+05:30"}, headers=headers)
    assert r.status_code == 202 and r.json == {"accepted": 1, "duplicates": 0}


def test_malformed_json_is_400(env: Any) -> None:
    http, headers, appended_total = env
    r = http.post("/v1/events", data="{\"id\":", content_type="application/json", headers=headers)
    assert error_of(r, 400)["code"] == "malformed_json"


def test_wrong_content_type_is_415(env: Any) -> None:
    http, headers, _ = env
    r = http.post("/v1/events", data=json.dumps(OK), content_type="text/plain", headers=headers)
    error_of(r, 415)


def test_a_content_type_with_parameters_is_json_too(env: Any) -> None:
    http, headers, appended_total = env
    r = http.post("/v1/events", data=json.dumps(OK), content_type="Application/JSON; charset=utf-8", headers=headers)
    assert r.status_code == 202 and appended_total() == 1


def test_a_body_without_a_length_is_read_whole(env: Any) -> None:
    http, headers, appended_total = env
    r = http.post("/v1/events", input_stream=io.BytesIO(json.dumps(OK).encode()), content_type="application/json",
                  headers=headers,  # as a server passes on a chunked body: no length, the input ends with it
                  environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True})
    assert r.status_code == 202 and appended_total() == 1


def test_a_body_shorter_than_its_length_is_400(env: Any) -> None:
    http, headers, appended_total = env
    body = json.dumps(OK).encode()
    r = http.post("/v1/events", input_stream=io.BytesIO(body[:-5]), content_type="application/json",
                  headers=headers, environ_overrides={"CONTENT_LENGTH": str(len(body))})  # the client hung up
    assert error_of(r, 400)["code"] == "incomplete_body"
    assert appended_total() == 0


def test_body_over_the_limit_is_413(env: Any) -> None:
    http, headers, appended_total = env
    r = http.post("/v1/events", data=b"[" + b" " * (3 * 1024 * 1024) + b"]", content_type="application/json",
                  headers=headers)
    error_of(r, 413)
    assert appended_total() == 0


def test_largest_valid_batch_fits_the_body_limit(env: Any) -> None:
    http, headers, appended_total = env
    events = [{"id": f"{i:04d}".ljust(200, "i"), "type": "response", "channel": "whatsapp",
               "request_id": f"{i:04d}".ljust(200, "r"), "occurred_at": "2025-04-08T19:00:00.123456+05:30",
               "rating": 5, "location": "l" * 100, "campaign": "c" * 100, "message_id": f"{i:04d}".ljust(200, "m")}
              for i in range(1000)]
    body = json.dumps({"events": events}, indent=1).encode()
    assert len(body) < 2 * 1024 * 1024
    r = http.post("/v1/events", data=body, content_type="application/json", headers=headers)
    assert r.status_code == 202 and r.json["accepted"] == 1000
    assert appended_total() == 1000


def test_batch_over_1000_is_422(env: Any) -> None:
    http, headers, _ = env
    events = [dict(OK, id=f"e{i}") for i in range(1001)]
    assert "events" in error_of(http.post("/v1/events", json={"events": events}, headers=headers), 422)["details"]


@pytest.mark.parametrize("auth", [None, "Bearer nope", "Bearer rs_live_unknown", "Basic abc"])
def test_missing_or_unknown_key_is_401(env: Any, auth: str | None) -> None:
    http, _, appended_total = env
    headers = {"Authorization": auth} if auth else {}
    error_of(http.post("/v1/events", json=OK, headers=headers), 401)
    error_of(http.get("/v1/stats/overall", headers=headers), 401)
    assert appended_total() == 0


@pytest.mark.parametrize(
    "query",
    ["from=2025-04-10&to=2025-04-01", "from=2025-01-01&to=2026-01-02", "from=2025-4-1&to=2025-04-02",
     "from=2025-02-30&to=2025-03-01", "to=2025-04-01", "from=2025-04-01&to=2025-04-02&location=a&campaign=b",
     "from=2025-04-01&to=2025-04-02&colour=red"],
)
def test_bad_ranges_are_422(env: Any, query: str) -> None:
    http, headers, _ = env
    error_of(http.get(f"/v1/stats/daily?{query}", headers=headers), 422)


def test_bad_single_day_is_422(env: Any) -> None:
    http, headers, _ = env
    error_of(http.get("/v1/stats/daily/2025-13-01", headers=headers), 422)


def test_366_days_is_the_longest_range(env: Any) -> None:
    http, headers, _ = env
    r = http.get("/v1/stats/daily?from=2024-01-01&to=2024-12-31", headers=headers)
    assert r.status_code == 200 and len(r.json) == 366


def test_admin_api_needs_the_admin_token(env: Any) -> None:
    http, headers, _ = env
    error_of(http.post("/admin/tenants", json={"name": "B"}, headers=headers), 401)
    r = http.post("/admin/tenants", json={"name": "B", "timezone": "Nowhere/Land"},
                  headers={"Authorization": f"Bearer {ADMIN}"})
    assert "timezone" in error_of(r, 422)["details"]


def test_revoked_key_stops_working_within_the_key_cache_time(env: Any) -> None:
    import time

    http, _, _ = env
    http.application.config["KEY_CACHE_SECONDS"] = 0.3
    admin = {"Authorization": f"Bearer {ADMIN}"}
    made = http.post("/admin/tenants", json={"name": "C"}, headers=admin).json
    mine = {"Authorization": f"Bearer {made['api_key']}"}
    assert http.get("/v1/stats/overall", headers=mine).status_code == 200
    r = http.delete(f"/admin/tenants/{made['tenant_id']}/keys/{made['key_id']}", headers=admin)
    assert r.status_code == 204
    time.sleep(0.35)
    error_of(http.get("/v1/stats/overall", headers=mine), 401)


def test_lone_surrogate_is_refused_as_malformed_json(env: Any) -> None:
    http, headers, appended_total = env
    body = '{"id": "\\ud800x", "type": "sent", "channel": "sms", "request_id": "r1"}'
    r = http.post("/v1/events", data=body, content_type="application/json", headers=headers)
    assert error_of(r, 400)["code"] == "malformed_json"
    assert appended_total() == 0


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+05:00", "1999-12-31T23:59:59Z"])
def test_events_before_2000_are_refused(env: Any, when: str) -> None:
    http, headers, appended_total = env
    r = http.post("/v1/events", json={**OK, "occurred_at": when}, headers=headers)
    assert "occurred_at" in error_of(r, 422)["details"]
    assert appended_total() == 0


@pytest.mark.parametrize("reply", ["MISCONF Errors writing to the AOF file", "MASTERDOWN Link with MASTER is down"])
def test_a_redis_that_cannot_take_writes_now_is_503(env: Any, monkeypatch: Any, reply: str) -> None:
    from redis.exceptions import OutOfMemoryError, ResponseError

    http, headers, _ = env
    for exc in (ResponseError(reply), OutOfMemoryError("command not allowed when used memory > 'maxmemory'.")):
        def refuse(*args: Any, exc: Exception = exc, **kwargs: Any) -> None:
            raise exc

        monkeypatch.setattr("web.events.append", refuse)
        r = http.post("/v1/events", json=OK, headers=headers)
        assert error_of(r, 503)["code"] == "unavailable" and r.headers["Retry-After"]

"""The links edge on fakeredis: what POST /v1/links accepts and answers, and what /r/ refuses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest

from eventlog.keys import Keys
from eventlog.read import appended
from eventlog.settings import Settings
from web import create_app

ADMIN = "adm"
SECRET = "link-secret-for-tests"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"}
OK = {"request_id": "r1", "channel": "email", "destination": "https://g.page/r/abc/review"}


def build(**config: Any) -> tuple[Any, dict[str, str], Any]:
    client = fakeredis.FakeRedis()
    app = create_app({"SETTINGS": Settings(key_prefix="u", partitions=4), "REDIS": client, "ADMIN_TOKEN": ADMIN,
                      "TESTING": True, "LINK_SECRET": SECRET,
                      "CLOCK": lambda: datetime(2025, 4, 10, 12, tzinfo=UTC), **config})
    http: Any = app.test_client()
    r = http.post("/admin/tenants", json={"name": "A"}, headers={"Authorization": f"Bearer {ADMIN}"})
    return http, {"Authorization": f"Bearer {r.json['api_key']}"}, lambda: sum(appended(client, Keys("u", 4)))


@pytest.fixture
def env(tmp_path: Any) -> tuple[Any, dict[str, str], Any]:
    return build(SPOOL_DIR=str(tmp_path))


def error_of(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.data
    body = r.json["error"]
    assert set(body) == {"code", "message", "details"} and body["message"]
    return body


def test_a_link_is_created_under_the_request_host(env: Any) -> None:
    http, headers, _ = env
    r = http.post("/v1/links", json={**OK, "location": "NYC", "campaign": "spring"}, headers=headers)
    assert r.status_code == 201 and set(r.json) == {"url", "token"}
    assert r.json["url"] == f"http://localhost/r/{r.json['token']}"


def test_public_base_url_replaces_the_request_host(tmp_path: Any) -> None:
    http, headers, _ = build(PUBLIC_BASE_URL="https://go.example.com/", SPOOL_DIR=str(tmp_path))
    r = http.post("/v1/links", json=OK, headers=headers)
    assert r.json["url"] == f"https://go.example.com/r/{r.json['token']}"


@pytest.mark.parametrize("destination", [
    "http://g.page/r/abc", "ftp://g.page/r", "javascript:alert(1)", "//g.page/r/abc", "/r/abc", "g.page/r/abc",
    "https://", "https:///path", "https://user:pw@g.page/", "https://g.page@evil.example/", "https://g.page/a b",
    "https://g.page/\r\nSet-Cookie: x=1", "https://g.page:99999/", "https://[::1/", "", 7, None,
    "https://g.page/" + "x" * 2_000,
])
def test_a_destination_that_is_not_an_absolute_https_url_is_refused(env: Any, destination: Any) -> None:
    http, headers, _ = env
    body = error_of(http.post("/v1/links", json={**OK, "destination": destination}, headers=headers), 422)
    assert body["code"] == "validation_failed" and "destination" in body["details"]


def test_a_link_too_long_to_open_is_refused(env: Any) -> None:
    http, headers, _ = env
    destination = "https://g.page/" + "".join(chr(0x4E00 + (i * 7919) % 20_000) for i in range(1_900))
    body = error_of(http.post("/v1/links", json={**OK, "destination": destination}, headers=headers), 422)
    assert "destination" in body["details"]


@pytest.mark.parametrize(("change", "field"), [
    ({"channel": "fax"}, "channel"), ({"channel": "Email"}, "channel"), ({"request_id": ""}, "request_id"),
    ({"request_id": "x" * 201}, "request_id"), ({"request_id": 7}, "request_id"), ({"location": ""}, "location"),
    ({"location": "x" * 101}, "location"), ({"campaign": "x" * 101}, "campaign"), ({"colour": "red"}, "colour"),
])
def test_bad_fields_are_named(env: Any, change: dict[str, Any], field: str) -> None:
    http, headers, _ = env
    body = error_of(http.post("/v1/links", json={**OK, **change}, headers=headers), 422)
    assert field in body["details"]


def test_missing_fields_are_named(env: Any) -> None:
    http, headers, _ = env
    body = error_of(http.post("/v1/links", json={}, headers=headers), 422)
    assert set(body["details"]) == {"request_id", "channel", "destination"}


def test_creating_a_link_needs_an_api_key(env: Any) -> None:
    http, _, _ = env
    assert error_of(http.post("/v1/links", json=OK), 401)["code"] == "unauthorized"
    assert error_of(http.post("/v1/links", json=OK, headers={"Authorization": "Bearer rs_live_nope"}), 401)


def test_links_are_disabled_without_a_secret(tmp_path: Any) -> None:
    http, headers, _ = build(LINK_SECRET=None, SPOOL_DIR=str(tmp_path))
    assert error_of(http.post("/v1/links", json=OK, headers=headers), 503)["code"] == "not_configured"


@pytest.mark.parametrize("mangle", [
    # (not the last character: base64's final character carries padding bits a change may not touch)
    lambda t: t[:5] + ("A" if t[5] != "A" else "B") + t[6:], lambda t: "x" + t, lambda t: t[: len(t) // 2], lambda t: "nope",
])
def test_a_tampered_token_is_404_without_redirect_or_event(env: Any, mangle: Any) -> None:
    http, headers, count = env
    token = http.post("/v1/links", json=OK, headers=headers).json["token"]
    r = http.get(f"/r/{mangle(token)}", headers=BROWSER)
    assert error_of(r, 404)["code"] == "not_found" and "Location" not in r.headers
    assert count() == 0


def test_a_link_signed_under_another_secret_is_404(tmp_path: Any) -> None:
    http, headers, _ = build(SPOOL_DIR=str(tmp_path))
    token = http.post("/v1/links", json=OK, headers=headers).json["token"]
    other, _, count = build(LINK_SECRET="rotated", SPOOL_DIR=str(tmp_path))
    assert other.get(f"/r/{token}", headers=BROWSER).status_code == 404 and count() == 0


def test_following_redirects_with_no_store_and_records_one_event(env: Any) -> None:
    http, headers, count = env
    token = http.post("/v1/links", json={**OK, "destination": "https://exämple.com/ü?q=1"}, headers=headers).json["token"]
    r = http.get(f"/r/{token}", headers=BROWSER)
    assert r.status_code == 302 and r.headers["Location"] == "https://xn--exmple-cua.com/%C3%BC?q=1"
    assert r.headers["Cache-Control"] == "no-store"
    assert count() == 1


def test_head_and_bots_are_redirected_without_an_event(env: Any) -> None:
    http, headers, count = env
    token = http.post("/v1/links", json=OK, headers=headers).json["token"]
    answers = [http.head(f"/r/{token}", headers=BROWSER), http.get(f"/r/{token}", headers={"User-Agent": "Slackbot 1.0"}),
               http.get(f"/r/{token}", headers={"User-Agent": ""})]
    http.environ_base.pop("HTTP_USER_AGENT")  # the test client's own default agent would look like a person
    answers.append(http.get(f"/r/{token}"))
    for r in answers:
        assert r.status_code == 302 and r.headers["Location"] == OK["destination"]
    assert count() == 0

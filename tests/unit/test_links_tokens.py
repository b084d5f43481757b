"""Link tokens: they round-trip, and any change or another secret makes them unknown."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from itsdangerous import URLSafeSerializer

from web.link_tokens import SALT, Link, sign, verify

SECRET = "s" * 32
LINK = Link("t_1", "req-42", "whatsapp", "https://g.page/r/abc/review", "NYC", "spring")


def test_a_token_round_trips_every_field() -> None:
    assert verify(SECRET, sign(SECRET, LINK)) == LINK
    bare = Link("t_1", "r", "email", "https://example.com/")
    assert verify(SECRET, sign(SECRET, bare)) == bare


def test_a_campaign_without_a_location_keeps_its_place() -> None:
    link = Link("t_1", "r", "sms", "https://example.com/", campaign="spring")
    assert verify(SECRET, sign(SECRET, link)) == link


def test_a_token_is_url_safe_and_compact() -> None:
    token = sign(SECRET, LINK)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert len(token) < 160


def test_a_token_signed_with_another_secret_is_unknown() -> None:
    assert verify("another secret", sign(SECRET, LINK)) is None


@pytest.mark.parametrize("position", [0, 5, 20, -10, -1])
def test_any_changed_character_makes_the_token_unknown(position: int) -> None:
    token = sign(SECRET, LINK)
    other = "A" if token[position] != "A" else "B"
    changed = token[:position] + other + (token[position + 1:] if position != -1 else "")
    assert len(changed) == len(token) and changed != token
    assert verify(SECRET, changed) is None


def test_an_altered_payload_under_the_old_signature_is_unknown() -> None:
    signature = sign(SECRET, Link("t_1", "r", "email", "https://example.com/")).rsplit(".", 1)[1]
    forged = json.dumps(["t_1", "r", "email", "https://evil.example/"], separators=(",", ":")).encode()
    assert verify(SECRET, base64.urlsafe_b64encode(forged).decode().rstrip("=") + "." + signature) is None


@pytest.mark.parametrize("token", ["", ".", "abc", "abc.def", "x" * 500, "ü.ü"])
def test_garbage_is_unknown(token: str) -> None:
    assert verify(SECRET, token) is None


@pytest.mark.parametrize("payload", [
    {"t": "t_1"}, ["t_1", "r", "email"], ["t_1", "r", "fax", "https://example.com/"],
    ["t_1", 7, "email", "https://example.com/"], ["t_1", "r", "email", "https://example.com/", 3],
    ["t_1", "r", "email", "https://example.com/", None, None, "extra"],
])
def test_a_signed_payload_of_another_shape_is_unknown(payload: object) -> None:
    token = URLSafeSerializer(SECRET, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256}).dumps(payload)
    assert verify(SECRET, token) is None


def test_the_impression_carries_the_links_request_channel_and_context() -> None:
    event = LINK.impression("lnk_1", 1_744_286_400_000)
    assert (event.tenant_id, event.id, event.type, event.channel, event.request_id) == \
        ("t_1", "lnk_1", "impression", "whatsapp", "req-42")
    assert (event.occurred_at_ms, event.location, event.campaign) == (1_744_286_400_000, "NYC", "spring")

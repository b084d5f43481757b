"""`flask --app web tenants ...` creates tenants whose keys work on the API."""

from __future__ import annotations

from typing import Any


def field(output: str, name: str) -> str:
    return next(line.split(": ", 1)[1] for line in output.splitlines() if line.startswith(f"{name}: "))


def test_tenant_created_from_the_shell_can_post_and_read(app: Any, http: Any) -> None:
    runner = app.test_cli_runner()
    out = runner.invoke(args=["tenants", "create", "Chai Point", "--timezone", "Asia/Kolkata"])
    assert out.exit_code == 0, out.output
    tenant_id, key = field(out.output, "tenant_id"), field(out.output, "api_key")
    assert field(out.output, "timezone") == "Asia/Kolkata" and key.startswith("rs_live_")
    headers = {"Authorization": f"Bearer {key}"}
    r = http.post("/v1/events", json={"id": "1", "type": "sent", "channel": "sms", "request_id": "r"}, headers=headers)
    assert r.status_code == 202
    second = runner.invoke(args=["tenants", "issue-key", tenant_id])
    key_id = field(second.output, "key_id")
    assert key_id in runner.invoke(args=["tenants", "keys", tenant_id]).output
    assert runner.invoke(args=["tenants", "revoke-key", tenant_id, field(out.output, "key_id")]).exit_code == 0
    assert http.get("/v1/stats/overall", headers=headers).status_code == 401
    assert http.get("/v1/stats/overall", headers={"Authorization": f"Bearer {field(second.output, 'api_key')}"}).status_code == 200


def test_unknown_zone_is_refused_by_the_shell(app: Any) -> None:
    out = app.test_cli_runner().invoke(args=["tenants", "create", "X", "--timezone", "Mars/Base"])
    assert out.exit_code != 0 and "unknown time zone" in out.output


def test_tenant_ids_with_key_separators_are_refused(app: Any) -> None:
    out = app.test_cli_runner().invoke(args=["tenants", "create", "X", "--id", "org:1"])
    assert out.exit_code != 0 and "tenant id" in out.output

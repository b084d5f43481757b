"""The OpenAPI document describes the API: schemathesis finds no 5xx and no response off the spec."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import ADMIN

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def headers_for(path: str, tenant_headers: dict[str, str]) -> dict[str, str]:
    """Credentials for an operation: admin token, tenant key, or none for signed/public routes."""
    if path.startswith("/admin"):
        return {"Authorization": f"Bearer {ADMIN}"}
    if path.startswith(("/webhooks", "/r/")):
        return {}
    return tenant_headers


def test_api_conforms_to_its_openapi_document(app: Any, make_tenant: Any) -> None:
    app.config["LINK_SECRET"] = "openapi-test-link-secret"
    _, tenant_headers = make_tenant("Asia/Kolkata")
    api = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 19
    for operation in operations:
        check(operation, headers_for(operation.path, tenant_headers))


def check(operation: Any, headers: dict[str, str]) -> None:
    """Generated requests to one operation, each answered within the spec."""

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def conforms(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    conforms()


def test_every_route_is_documented(app: Any) -> None:
    documented = set(app.test_client().get("/openapi.json").json["paths"])
    skip = {"/static/<path:filename>", "/dashboard", "/dashboard/static/<path:filename>", "/openapi.json", "/docs",
            "/docs/assets/docs-init.js", "/docs/assets/<path:filename>"}
    routes = {r.rule.replace("<", "{").replace(">", "}") for r in app.url_map.iter_rules() if r.rule not in skip}
    assert routes == documented

"""GET /openapi.json (built from the marshmallow schemas) and GET /docs (Swagger UI, served locally)."""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, jsonify, send_from_directory, url_for
from flask.typing import ResponseReturnValue
from swagger_ui_bundle import swagger_ui_path

from web.openapi.paths import operations
from web.schemas import IsoDate, Rfc3339, StrictInteger

bp = Blueprint("openapi", __name__)


@cache
def spec() -> dict[str, Any]:
    """The OpenAPI 3 document of the whole API."""
    plugin = MarshmallowPlugin()
    doc = APISpec(title="Reviewstream", version="1.0.0", openapi_version="3.0.3", plugins=[plugin],
                  info={"description": "Analytics for review requests: events in, daily and lifetime stats out."})
    plugin.map_to_openapi_type(Rfc3339, "string", "date-time")
    plugin.map_to_openapi_type(IsoDate, "string", "date")
    plugin.map_to_openapi_type(StrictInteger, "integer", None)
    doc.components.security_scheme("apiKey", {"type": "http", "scheme": "bearer",
                                              "description": "A tenant API key (rs_live_...)."})
    doc.components.security_scheme("adminToken", {"type": "http", "scheme": "bearer",
                                                  "description": "The ADMIN_TOKEN."})
    for route, ops in operations().items():
        doc.path(path=route, operations=ops)
    return doc.to_dict()


@bp.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """The OpenAPI document."""
    return jsonify(spec())


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    """Swagger UI over /openapi.json, from files installed with the swagger-ui-bundle package."""
    asset = url_for("openapi.docs_asset", filename="")
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reviewstream API</title>
<link rel="stylesheet" href="{asset}swagger-ui.css"></head><body><div id="ui"></div>
<script src="{asset}swagger-ui-bundle.js"></script><script src="{asset}docs-init.js"></script></body></html>"""
    return Response(page, mimetype="text/html")


@bp.get("/docs/assets/docs-init.js")
def docs_init() -> ResponseReturnValue:
    """Starts Swagger UI on this server's document (a file, so the page needs no inline script)."""
    script = f'SwaggerUIBundle({{url: "{url_for("openapi.openapi_json")}", dom_id: "#ui"}});'
    return Response(script, mimetype="text/javascript")


@bp.get("/docs/assets/<path:filename>")
def docs_asset(filename: str) -> ResponseReturnValue:
    """Swagger UI's own files."""
    return send_from_directory(str(swagger_ui_path), filename)

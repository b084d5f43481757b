"""GET /dashboard: the page a business owner reads; its data comes from the v2 stats API."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

bp = Blueprint("dashboard", __name__, static_folder="static", static_url_path="/dashboard/static",
               template_folder="templates")


@bp.get("/dashboard")
def dashboard() -> ResponseReturnValue:
    """The dashboard shell; it signs in with an API key kept in the browser's session storage."""
    response = render_template("dashboard.html",
                               refresh_ms=int(current_app.config.get("DASHBOARD_REFRESH_MS", 30_000)))
    return response, 200, {"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'",
                           "Cache-Control": "no-store"}

"""The ingest baseline: a bare Flask app whose POST /v1/events answers a constant 202 JSON."""

from __future__ import annotations

from flask import Flask


def create_app() -> Flask:
    """The same framework and server as the real app, with none of its work."""
    app = Flask(__name__)

    @app.post("/v1/events")
    def accept() -> tuple[dict[str, int], int]:
        return {"accepted": 1, "duplicates": 0}, 202

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app

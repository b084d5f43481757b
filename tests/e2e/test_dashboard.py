"""The dashboard in a real headless Chromium shows the same numbers as the v2 API."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from redis import Redis
from werkzeug.serving import make_server

from eventlog.keys import Keys
from eventlog.settings import Settings
from tests.conftest import ADMIN, free_port, project_all
from web import create_app

pytestmark = pytest.mark.e2e
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
ZONE = "Asia/Kolkata"


@pytest.fixture
def live(settings: Settings, client: Redis) -> Iterator[tuple[str, Any]]:
    """The app served over real HTTP from a thread, with the wall clock."""
    app = create_app({"SETTINGS": settings, "REDIS": client, "ADMIN_TOKEN": ADMIN, "DASHBOARD_REFRESH_MS": 1_000})
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app.test_client()
    finally:
        server.shutdown()


@pytest.fixture
def browser() -> Iterator[Any]:
    if not (CHROMIUM and DRIVER):
        pytest.skip("chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="rs-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,2000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def seed(http: Any, headers: dict[str, str]) -> None:
    import random

    rng, now, events = random.Random(5), datetime.now(UTC), []
    for i in range(400):
        at = now - timedelta(days=rng.randrange(70), hours=rng.randrange(24))
        ch = rng.choices(["email", "whatsapp", "sms", "other"], [4, 5, 2, 1])[0]
        base = {"channel": ch, "request_id": f"r{i}"}
        events.append({**base, "id": f"s{i}", "type": "sent", "occurred_at": at.isoformat()})
        for kind, chance, delay in (("delivered", 0.9, 1), ("read", 0.6, 3), ("impression", 0.45, 9),
                                    ("response", 0.3, 30)):
            if rng.random() < chance:
                event = {**base, "id": f"{kind}{i}", "type": kind,
                         "occurred_at": min(now, at + timedelta(hours=rng.randrange(delay * 4))).isoformat()}
                if kind == "response":
                    event["rating"] = rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 6])[0]
                events.append(event)
    for start in range(0, len(events), 1000):
        r = http.post("/v1/events", json={"events": events[start:start + 1000]}, headers=headers)
        assert r.status_code == 202, r.json


def lookup(payload: dict[str, Any], path: str) -> Any:
    value: Any = payload
    for part in path.split("."):
        value = value[part]
    return value


def shown(driver: Any) -> dict[str, str]:
    # one script call: the page re-renders while it polls, so elements found earlier may be gone
    return dict(driver.execute_script(
        "return Array.from(document.querySelectorAll('[data-metric]'), e => [e.dataset.metric, e.dataset.value]);"))


def same(raw: str, expected: Any) -> bool:
    return raw == "" if expected is None else float(raw) == float(expected)


def wait_loaded(driver: Any, after: str | None = None, seconds: float = 15) -> str:
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        loaded = driver.find_element(By.ID, "status").get_attribute("data-loaded")
        if loaded and loaded != after:
            return str(loaded)
        time.sleep(0.1)
    raise AssertionError("the dashboard did not load: " + driver.find_element(By.ID, "board-error").text)


def check_against_api(driver: Any, stats: dict[str, Any], overall: dict[str, Any]) -> None:
    values = shown(driver)
    assert len(values) > 60
    for metric, raw in values.items():
        if metric.startswith("lifetime."):
            assert same(raw, lookup(overall["totals"], metric.removeprefix("lifetime."))), metric
        else:
            assert same(raw, lookup(stats["totals"], metric)), metric


def test_dashboard_signs_in_changes_range_and_matches_the_api(live: tuple[str, Any], browser: Any, client: Redis,
                                                              settings: Settings) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, http = live
    made = http.post("/admin/tenants", json={"name": "Chai Point", "timezone": ZONE},
                     headers={"Authorization": f"Bearer {ADMIN}"}).json
    headers = {"Authorization": f"Bearer {made['api_key']}"}
    seed(http, headers)
    project_all(client, Keys(settings.key_prefix, settings.partitions))

    browser.get(f"{base}/dashboard")
    browser.find_element(By.ID, "api-key").send_keys(made["api_key"])
    browser.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
    loaded = wait_loaded(browser)
    assert made["api_key"] not in browser.current_url
    today = datetime.now(ZoneInfo(ZONE)).date()
    assert browser.find_element(By.ID, "from").get_attribute("value") == (today - timedelta(days=29)).isoformat()
    stats = http.get("/v2/stats", query_string={"from": (today - timedelta(days=29)).isoformat(),
                     "to": today.isoformat(), "granularity": "day"}, headers=headers).json
    overall = http.get("/v2/stats/overall", headers=headers).json
    assert stats["totals"]["sent"]["total"] > 0
    check_against_api(browser, stats, overall)
    if os.environ.get("DASHBOARD_SCREENSHOT"):
        browser.save_screenshot(os.environ["DASHBOARD_SCREENSHOT"])

    first = (today - timedelta(days=60)).isoformat()
    browser.execute_script("document.getElementById('from').value = arguments[0];", first)
    Select(browser.find_element(By.ID, "granularity")).select_by_value("month")
    browser.find_element(By.CSS_SELECTOR, "#range button").click()
    wait_loaded(browser, after=loaded)
    stats = http.get("/v2/stats", query_string={"from": first, "to": today.isoformat(), "granularity": "month"},
                     headers=headers).json
    check_against_api(browser, stats, overall)
    assert "rs_live_" not in browser.execute_script("return document.cookie + location.href")

    # new data reaches the open page by itself: it polls (every 30 s by default, 1 s here)
    before = int(shown(browser)["lifetime.sent.total"])
    r = http.post("/v1/events", json={"id": "late-1", "type": "sent", "channel": "sms", "request_id": "late-1"},
                  headers=headers)
    assert r.status_code == 202
    project_all(client, Keys(settings.key_prefix, settings.partitions))
    deadline = time.monotonic() + 10
    while int(shown(browser)["lifetime.sent.total"]) != before + 1:
        assert time.monotonic() < deadline, "the dashboard did not refresh itself"
        time.sleep(0.2)

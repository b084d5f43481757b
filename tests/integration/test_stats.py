"""Stats through the HTTP API after projection, on real Redis."""

from __future__ import annotations

from typing import Any

from redis import Redis

from eventlog.keys import Keys
from tests.conftest import project_all


def post(http: Any, headers: dict[str, str], *events: dict[str, Any]) -> dict[str, int]:
    r = http.post("/v1/events", json={"events": list(events)}, headers=headers)
    assert r.status_code == 202, r.json
    return r.json


def test_event_at_19h_utc_counts_on_next_day_in_kolkata(http: Any, make_tenant: Any, client: Redis,
                                                         keys: Keys) -> None:
    _, h = make_tenant("Asia/Kolkata")
    post(http, h, {"id": "1", "type": "sent", "channel": "whatsapp", "request_id": "r", "occurred_at": "2025-04-08T19:00:00Z"})
    project_all(client, keys)
    days = http.get("/v1/stats/daily?from=2025-04-08&to=2025-04-09", headers=h).json
    assert [d["sent_whatsapp"] for d in days] == [0, 1]
    assert http.get("/v1/stats/daily/2025-04-09", headers=h).json["sent_total"] == 1


def test_daily_overall_and_context_payloads(http: Any, make_tenant: Any, client: Redis, keys: Keys) -> None:
    _, h = make_tenant()
    post(http, h,
         {"id": "1", "type": "sent", "channel": "email", "request_id": "a", "occurred_at": "2025-04-01T10:00:00Z", "location": "NYC"},
         {"id": "2", "type": "impression", "channel": "email", "request_id": "a", "occurred_at": "2025-04-02T10:00:00Z", "location": "NYC"},
         {"id": "3", "type": "response", "channel": "email", "request_id": "a", "rating": 5, "occurred_at": "2025-04-02T11:00:00Z", "location": "NYC"},
         {"id": "4", "type": "sent", "channel": "sms", "request_id": "b", "occurred_at": "2025-04-02T10:00:00Z", "campaign": "spring"},
         {"id": "5", "type": "response", "channel": "sms", "request_id": "b", "rating": 2, "occurred_at": "2025-04-02T12:00:00Z", "campaign": "spring"})
    project_all(client, keys)
    days = http.get("/v1/stats/daily?from=2025-04-01&to=2025-04-03", headers=h).json
    assert [d["date"] for d in days] == ["2025-04-01", "2025-04-02", "2025-04-03"]
    assert days[1]["responses_total"] == 2 and days[1]["avgRating"] == 3.5 and days[2]["avgRating"] is None
    overall = http.get("/v1/stats/overall", headers=h).json
    for key in overall:
        if key != "avgRating":
            assert overall[key] == sum(d[key] for d in days)
    assert overall["avgRating"] == 3.5
    nyc = http.get("/v1/stats/overall?location=NYC", headers=h).json
    assert (nyc["sent_email"], nyc["sent_sms"], nyc["impressions_email"], nyc["avgRating"]) == (1, 0, 1, 5.0)
    spring = http.get("/v1/stats/daily/2025-04-02?campaign=spring", headers=h).json
    assert (spring["sent_sms"], spring["responses_sms"], spring["avgRating"]) == (1, 1, 2.0)
    assert http.get("/v1/stats/overall?location=Paris", headers=h).json["sent_total"] == 0


def test_tenant_a_never_sees_tenant_b(http: Any, make_tenant: Any, client: Redis, keys: Keys) -> None:
    _, a = make_tenant()
    _, b = make_tenant()
    post(http, a, {"id": "1", "type": "sent", "channel": "sms", "request_id": "r"})
    assert post(http, b, {"id": "1", "type": "sent", "channel": "sms", "request_id": "r"})["accepted"] == 1
    post(http, b, {"id": "2", "type": "sent", "channel": "sms", "request_id": "r2"})
    project_all(client, keys)
    assert http.get("/v1/stats/overall", headers=a).json["sent_sms"] == 1
    assert http.get("/v1/stats/overall", headers=b).json["sent_sms"] == 2


def test_readyz_reports_lag_until_projected(http: Any, make_tenant: Any, client: Redis, keys: Keys) -> None:
    _, h = make_tenant()
    post(http, h, {"id": "1", "type": "sent", "channel": "sms", "request_id": "r"},
         {"id": "2", "type": "sent", "channel": "email", "request_id": "r"})
    ready = http.get("/readyz").json
    assert ready["redis"] == "ok" and ready["lag_total"] == 2 and sum(ready["lag"].values()) == 2
    project_all(client, keys)
    assert http.get("/readyz").json["lag_total"] == 0


def test_month_rollup_equals_the_sum_of_its_days(http: Any, make_tenant: Any, client: Redis, keys: Keys) -> None:
    from datetime import date

    from projections import store
    from projections.metrics import INDEX

    tenant_id, h = make_tenant("Asia/Kathmandu")
    post(http, h, *[{"id": str(i), "type": "sent", "channel": "sms", "request_id": str(i),
                     "occurred_at": f"2025-0{1 + i % 3}-{1 + i % 28:02d}T18:{i % 60:02d}:00Z"} for i in range(90)])
    project_all(client, keys)
    months = store.read_months(client, keys, tenant_id, "all", "2025-01", "2025-04")
    days = store.read_days(client, keys, tenant_id, "all", date(2025, 1, 1), date(2025, 4, 30))
    sms = INDEX["sent:sms"]
    for month, counts in months.items():
        assert counts[sms] == sum(c.get("sent:sms", 0) for d, c in days.items() if d.startswith(month))
    assert sum(c[sms] for c in months.values()) == 90


def test_repeated_range_is_answered_from_cache_until_the_tenant_has_new_data(
        http: Any, make_tenant: Any, client: Redis, keys: Keys, monkeypatch: Any) -> None:
    from projections import store

    _, h = make_tenant()
    other_id, other = make_tenant()
    reads: list[str] = []
    real = store.read_dates
    monkeypatch.setattr(store, "read_dates", lambda *a, **kw: reads.append(a[2]) or real(*a, **kw))
    url = "/v1/stats/daily?from=2025-04-01&to=2025-04-30"
    post(http, h, {"id": "1", "type": "sent", "channel": "sms", "request_id": "a", "occurred_at": "2025-04-02T10:00:00Z"})
    project_all(client, keys)
    first = http.get(url, headers=h).json
    assert http.get(url, headers=h).json == first and len(reads) == 1
    post(http, other, {"id": "1", "type": "sent", "channel": "sms", "request_id": "a"})  # another tenant's data
    project_all(client, keys)
    assert http.get(url, headers=h).json == first and len(reads) == 1
    post(http, h, {"id": "2", "type": "sent", "channel": "sms", "request_id": "b", "occurred_at": "2025-04-02T11:00:00Z"})
    assert http.get(url, headers=h).json == first  # appended, not yet projected: same data, same version
    project_all(client, keys)
    fresh = http.get(url, headers=h).json
    assert fresh[1]["sent_sms"] == 2 and len(reads) == 2


def test_repeated_query_parameters_do_not_make_new_cache_entries(http: Any, make_tenant: Any, app: Any) -> None:
    _, h = make_tenant()
    for i in range(20):
        r = http.get(f"/v1/stats/daily?from=2025-04-01&to=2025-04-02&from=junk{i}", headers=h)
        assert r.status_code == 200
    assert len(app.extensions["answers"].entries) == 1

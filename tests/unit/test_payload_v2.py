"""v2 period objects: counters by channel, rates, ratings and CSV columns."""

import random
from decimal import ROUND_HALF_UP, Decimal

from projections.metrics import from_counts as row_of
from projections.metrics import zero
from projections.payload import average_rating
from projections.payload_v2 import COLUMNS, flatten, half_up, period, row

CHANNELS = ["email", "whatsapp", "sms", "other", "total"]


def test_empty_period_is_all_zeros_and_null_rates() -> None:
    p = period("2025-04-08", zero())
    assert p["period"] == "2025-04-08"
    for counter in ("sent", "delivered", "read", "failed", "impressions", "responses"):
        assert p[counter] == dict.fromkeys(CHANNELS, 0)
    for name in ("delivery", "impression", "response", "response_by_send_date"):
        assert p["rates"][name] == dict.fromkeys(CHANNELS)
    assert p["rating"]["average"] == dict.fromkeys(CHANNELS)
    assert p["rating"]["count"] == dict.fromkeys(CHANNELS, 0)
    assert p["rating"]["distribution"] == dict.fromkeys("12345", 0)
    assert p["rating"]["distribution_by_channel"] == {ch: dict.fromkeys("12345", 0) for ch in CHANNELS[:4]}


def test_counters_sum_channels_into_total() -> None:
    p = period("x", row_of({"sent:email": 1000, "sent:whatsapp": 7543, "sent:sms": 507, "failed:other": 2}))
    assert p["sent"] == {"email": 1000, "whatsapp": 7543, "sms": 507, "other": 0, "total": 9050}
    assert p["failed"]["total"] == 2


def test_rates_are_four_decimals_unclamped_and_null_without_sends() -> None:
    p = period("x", row_of({"sent:email": 3, "delivered:email": 2, "impressions:email": 3, "responses:email": 4,
                            "cohort:email": 1, "responses:sms": 1, "sent:whatsapp": 7, "delivered:whatsapp": 1}))
    rates = p["rates"]
    assert rates["delivery"]["email"] == 0.6667
    assert rates["impression"]["email"] == 1.0
    assert rates["response"]["email"] == 1.3333  # responses may outnumber sends in one period
    assert rates["response_by_send_date"]["email"] == 0.3333
    assert rates["response"]["sms"] is None and rates["delivery"]["other"] is None
    assert rates["delivery"]["whatsapp"] == 0.1429
    assert rates["delivery"]["total"] == 0.3  # (2 + 1) / (3 + 7), from totals, not a mean of rates
    assert rates["response"]["total"] == 0.5


def test_rate_rounds_half_up() -> None:
    assert half_up(1, 8, 2) == 0.13  # 0.125
    assert half_up(5, 16, 3) == 0.313  # 0.3125
    assert half_up(1, 20000, 4) == 0.0001  # 0.00005
    assert half_up(0, 5, 4) == 0.0


def test_half_up_matches_decimal_quantize() -> None:
    rng = random.Random(3)
    for _ in range(20_000):
        d = rng.randint(1, 10**rng.randint(1, 7))
        n = rng.randint(0, 3 * d)
        for places in (2, 4):
            expected = float((Decimal(n) / Decimal(d)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))
            assert half_up(n, d, places) == expected


def test_rating_average_count_and_distributions() -> None:
    counts = {"stars:email:3": 1, "stars:sms:2": 39, "stars:sms:5": 0, "stars:whatsapp:5": 2}
    rating = period("x", row_of(counts))["rating"]
    assert rating["count"] == {"email": 1, "whatsapp": 2, "sms": 39, "other": 0, "total": 42}
    assert rating["average"] == {"email": 3.0, "whatsapp": 5.0, "sms": 2.0, "other": None, "total": 2.17}
    assert rating["distribution"] == {"1": 0, "2": 39, "3": 1, "4": 0, "5": 2}
    assert rating["distribution_by_channel"]["sms"] == {"1": 0, "2": 39, "3": 0, "4": 0, "5": 0}


def test_total_average_agrees_with_the_v1_average() -> None:
    rng = random.Random(5)
    for _ in range(500):
        counts = {f"stars:{ch}:{s}": rng.randint(0, 50) for ch in CHANNELS[:4] for s in range(1, 6)}
        sms_only = {name: n for name, n in counts.items() if name.startswith("stars:sms:")}
        assert period("x", row_of(counts))["rating"]["average"]["total"] == average_rating(row_of(counts))
        assert period("x", row_of(counts))["rating"]["average"]["sms"] == average_rating(row_of(sms_only))


def test_csv_columns_are_nested_keys_joined_in_a_stable_order() -> None:
    assert COLUMNS[:6] == ("period", "sent_email", "sent_whatsapp", "sent_sms", "sent_other", "sent_total")
    for name in ("rates_response_total", "rates_response_by_send_date_sms", "rating_average_total",
                 "rating_count_email", "rating_distribution_5", "rating_distribution_by_channel_email_5"):
        assert name in COLUMNS
    assert len(COLUMNS) == len(set(COLUMNS)) == 1 + 6 * 5 + 4 * 5 + 5 + 5 + 5 + 4 * 5
    p = period("2025-04", row_of({"sent:sms": 1, "stars:sms:4": 1}))
    assert tuple(flatten(p)) == COLUMNS
    assert row(p) == list(flatten(p).values())


def test_assembled_v2_answer_is_the_json_of_its_objects() -> None:
    import struct
    from datetime import date

    import orjson

    from eventlog.tenants import Tenant
    from projections.report import Report
    from web.stats_v2 import json_text

    rng = random.Random(9)
    rows = [[rng.choice((0, 0, 1, 7, rng.randint(0, 10**6))) for _ in range(48)] for _ in range(40)]
    rows += rows[:5]  # the same counts again: shaped once, labelled apart
    labels = [f"2025-W{n:02d}" for n in range(1, len(rows) + 1)]
    # stored days (big-endian u32, as BITFIELD writes them) and sums alike
    counts = [struct.pack(">48I", *x) if i % 2 else tuple(x) for i, x in enumerate(rows)]
    rows[7][3] = 2**40  # a sum may pass what one stored day holds
    counts[7] = tuple(rows[7])
    r = Report(date(2025, 1, 1), date(2025, 2, 14), labels, counts,
               ("2025-01-01/2025-02-14", zero()), ("2024-11-17/2024-12-31", rows[3]))
    tenant = Tenant("t-1", "Caf\u00e9 \"Zur Post\"", "Europe/Berlin")
    expected = {"tenant": "t-1", "timezone": "Europe/Berlin", "from": "2025-01-01", "to": "2025-02-14",
                "granularity": "week", "series": r.series(), "totals": period(*r.totals),
                "previous": period(*r.previous)}
    assert json_text(tenant, "week", r) == orjson.dumps(expected)
    assert [p["sent"]["email"] for p in r.series()] == [x[0] for x in rows]

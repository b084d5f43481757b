"""v1 payload shapes."""

from projections.metrics import from_counts as row
from projections.metrics import zero
from projections.payload import average_rating, v1, v1_day

SEED_KEYS = [
    "date", "sent_email", "sent_whatsapp", "sent_sms", "sent_other", "sent_total",
    "impressions_email", "impressions_whatsapp", "impressions_sms", "impressions_other",
    "impressions_total", "responses_email", "responses_whatsapp", "responses_sms",
    "responses_other", "responses_total", "avgRating",
]


def test_day_has_exactly_the_seed_keys_in_order() -> None:
    assert list(v1_day("2025-04-08", zero())) == SEED_KEYS
    assert list(v1(zero())) == SEED_KEYS[1:]


def test_totals_sum_channels() -> None:
    out = v1(row({"sent:email": 1000, "sent:whatsapp": 7543, "sent:sms": 507}))
    assert out["sent_total"] == 9050 and out["sent_other"] == 0


def test_average_rating_is_a_mean_of_all_ratings_rounded_half_up() -> None:
    counts = {"stars:email:3": 1, "stars:sms:2": 39}  # (3 + 78) / 40 = 2.025
    assert average_rating(row(counts)) == 2.03
    assert average_rating(row({"stars:email:5": 1, "stars:whatsapp:4": 2})) == 4.33
    assert average_rating(zero()) is None


def test_days_as_json_text_are_the_json_of_their_objects() -> None:
    import random

    import orjson

    from projections.metrics import INDEX, WIDTH
    from projections.payload import v1_days_json

    rng = random.Random(4)
    rows = [[rng.choice((0, 0, 1, 3, rng.randint(0, 2**32 - 1))) for _ in range(WIDTH)] for _ in range(300)]
    for n in range(1, 402):  # every average a day can have: one rating of each star and n - 1 fives
        one = zero()
        one[INDEX["stars:sms:1"]], one[INDEX["stars:email:5"]] = 1, n - 1
        rows.append(one)
    rows.append(zero())
    dates = [f"2025-01-{i % 28 + 1:02d}" for i in range(len(rows))]
    assert v1_days_json(dates, rows) == orjson.dumps([v1_day(d, r) for d, r in zip(dates, rows, strict=True)])
    assert v1_days_json([], []) == b"[]"

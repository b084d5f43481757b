"""Local-day bucketing in the tenant's zone."""

import random
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from eventlog.event import epoch_ms
from projections.calendar import days, iso_days, local_day, zone


def ms(text: str) -> int:
    return epoch_ms(datetime.fromisoformat(text))


@pytest.mark.parametrize(
    ("instant", "zone_name", "day"),
    [
        ("2025-04-08T19:00:00+00:00", "Asia/Kolkata", "2025-04-09"),  # +05:30 crosses midnight
        ("2025-04-08T18:29:59.999+00:00", "Asia/Kolkata", "2025-04-08"),
        ("2025-04-08T18:30:00+00:00", "Asia/Kolkata", "2025-04-09"),
        ("2025-04-08T18:14:59+00:00", "Asia/Kathmandu", "2025-04-08"),  # +05:45
        ("2025-04-08T18:15:00+00:00", "Asia/Kathmandu", "2025-04-09"),
        ("2025-03-09T04:59:59+00:00", "America/New_York", "2025-03-08"),  # EST, spring-forward day
        ("2025-03-10T03:59:59+00:00", "America/New_York", "2025-03-09"),  # EDT after the switch
        ("2025-03-10T04:00:00+00:00", "America/New_York", "2025-03-10"),
        ("2025-11-02T04:30:00+00:00", "America/New_York", "2025-11-02"),  # fall-back day
        ("2025-04-08T23:59:59.999+00:00", "UTC", "2025-04-08"),
        ("2025-04-09T00:00:00+00:00", "UTC", "2025-04-09"),
    ],
)
def test_event_counts_on_its_local_day(instant: str, zone_name: str, day: str) -> None:
    assert local_day(ms(instant), zone_name) == day


def test_local_day_agrees_with_zoneinfo_for_random_instants() -> None:
    rng = random.Random(7)
    zones = ["Asia/Kolkata", "Asia/Kathmandu", "America/New_York", "Australia/Lord_Howe",
             "Pacific/Chatham", "Europe/London", "America/St_Johns", "UTC"]
    for _ in range(20_000):
        at = rng.randrange(epoch_ms(datetime(2020, 1, 1, tzinfo=UTC)),
                           epoch_ms(datetime(2027, 1, 1, tzinfo=UTC)))
        name = rng.choice(zones)
        expected = datetime.fromtimestamp(at / 1000, ZoneInfo(name)).date().isoformat()
        assert local_day(at, name) == expected


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        zone("Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("instant", "zone_name", "day"),
    [
        ("2010-11-07T02:31:00+00:00", "America/St_Johns", "2010-11-06"),  # fell back at 00:01 local
        ("1971-06-01T00:44:45+00:00", "Africa/Monrovia", "1971-06-01"),  # -00:44:30
    ],
)
def test_days_are_exact_where_offsets_are_not_quarter_hours(instant: str, zone_name: str, day: str) -> None:
    expected = datetime.fromisoformat(instant).astimezone(ZoneInfo(zone_name)).date().isoformat()
    assert local_day(ms(instant), zone_name) == expected == day


@pytest.mark.parametrize(("first", "last"), [
    ("2024-02-27", "2024-03-02"), ("2023-12-31", "2023-12-31"), ("1900-01-01", "1901-03-01"),
    ("2998-11-30", "2999-12-31"), ("2021-01-01", "2024-12-31"),
])
def test_iso_days_name_every_day_of_a_range(first: str, last: str) -> None:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    assert iso_days(a, b) == [d.isoformat() for d in days(a, b)]


def test_iso_days_of_a_reversed_range_are_none() -> None:
    assert iso_days(date(2025, 1, 2), date(2025, 1, 1)) == []

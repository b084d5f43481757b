"""Period arithmetic: ISO weeks, month widening, previous ranges, leap years."""

from datetime import date, timedelta

import pytest

from projections.periods import label, month_end, periods, previous, shift_month, span, widen, within_years


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "week"),
    [
        ("2024-12-30", "2025-W01"),  # a Monday in December opening the next ISO year
        ("2025-01-01", "2025-W01"),
        ("2021-01-03", "2020-W53"),  # a Sunday in January closing the previous ISO year
        ("2020-12-31", "2020-W53"),
        ("2026-12-31", "2026-W53"),
        ("2027-01-03", "2026-W53"),
        ("2027-01-04", "2027-W01"),
        ("2025-04-08", "2025-W15"),
    ],
)
def test_week_label_is_the_iso_year_and_week(day: str, week: str) -> None:
    assert label(d(day), "week") == week


def test_day_and_month_labels() -> None:
    assert label(d("2025-04-08"), "day") == "2025-04-08"
    assert label(d("2025-04-08"), "month") == "2025-04"


@pytest.mark.parametrize(
    ("first", "last", "granularity", "widened"),
    [
        ("2025-04-08", "2025-04-08", "day", ("2025-04-08", "2025-04-08")),
        ("2025-04-08", "2025-04-08", "week", ("2025-04-07", "2025-04-13")),
        ("2025-04-07", "2025-04-13", "week", ("2025-04-07", "2025-04-13")),
        ("2024-12-31", "2025-01-01", "week", ("2024-12-30", "2025-01-05")),
        ("2025-04-08", "2025-06-02", "month", ("2025-04-01", "2025-06-30")),
        ("2024-02-10", "2024-02-10", "month", ("2024-02-01", "2024-02-29")),
        ("2023-02-10", "2023-02-10", "month", ("2023-02-01", "2023-02-28")),
        ("2025-12-31", "2025-12-31", "month", ("2025-12-01", "2025-12-31")),
    ],
)
def test_widen_grows_to_whole_periods(first: str, last: str, granularity: str, widened: tuple[str, str]) -> None:
    assert widen(d(first), d(last), granularity) == (d(widened[0]), d(widened[1]))


def test_weekly_periods_run_monday_to_sunday_across_the_year_end() -> None:
    out = periods(d("2024-12-23"), d("2025-01-12"), "week")
    assert [p.label for p in out] == ["2024-W52", "2025-W01", "2025-W02"]
    assert all(p.first.weekday() == 0 and p.last - p.first == timedelta(days=6) for p in out)


def test_monthly_periods_cover_each_month_once_including_february_29() -> None:
    out = periods(d("2023-12-01"), d("2024-03-31"), "month")
    assert [(p.label, p.first.day, p.last.day) for p in out] == [
        ("2023-12", 1, 31), ("2024-01", 1, 31), ("2024-02", 1, 29), ("2024-03", 1, 31)]


def test_daily_periods_include_both_ends_and_february_29() -> None:
    out = periods(d("2024-02-28"), d("2024-03-01"), "day")
    assert [p.label for p in out] == ["2024-02-28", "2024-02-29", "2024-03-01"]
    assert all(p.first == p.last for p in out)


@pytest.mark.parametrize(
    ("first", "last", "granularity", "before"),
    [
        ("2025-04-08", "2025-04-08", "day", ("2025-04-07", "2025-04-07")),
        ("2024-03-01", "2024-03-10", "day", ("2024-02-20", "2024-02-29")),
        ("2025-01-01", "2025-01-31", "day", ("2024-12-01", "2024-12-31")),
        ("2025-04-07", "2025-04-13", "week", ("2025-03-31", "2025-04-06")),
        ("2024-12-30", "2025-01-12", "week", ("2024-12-16", "2024-12-29")),
        ("2025-04-01", "2025-04-30", "month", ("2025-03-01", "2025-03-31")),
        ("2024-03-01", "2024-03-31", "month", ("2024-02-01", "2024-02-29")),
        ("2025-01-01", "2025-03-31", "month", ("2024-10-01", "2024-12-31")),
        ("2024-02-01", "2025-01-31", "month", ("2023-02-01", "2024-01-31")),
    ],
)
def test_previous_is_as_many_periods_just_before(first: str, last: str, granularity: str,
                                                 before: tuple[str, str]) -> None:
    assert previous(d(first), d(last), granularity) == (d(before[0]), d(before[1]))


def test_previous_weeks_are_whole_iso_weeks() -> None:
    first, last = widen(d("2020-12-29"), d("2021-02-02"), "week")
    a, b = previous(first, last, "week")
    assert a.weekday() == 0 and b.weekday() == 6
    assert len(periods(a, b, "week")) == len(periods(first, last, "week")) == 6


def test_shift_month_and_month_end_across_years_and_leap_years() -> None:
    assert shift_month(d("2025-01-31"), -1) == d("2024-12-01")
    assert shift_month(d("2024-11-15"), 14) == d("2026-01-01")
    assert month_end(d("2024-02-01")) == d("2024-02-29")
    assert month_end(d("2100-02-01")) == d("2100-02-28")  # a century is not a leap year
    assert month_end(d("2000-02-01")) == d("2000-02-29")  # unless it divides by 400


def test_within_years_allows_just_under_five_years() -> None:
    assert within_years(d("2020-01-01"), d("2024-12-31"), 5)
    assert not within_years(d("2020-01-01"), d("2025-01-01"), 5)
    assert within_years(d("2024-02-29"), d("2029-02-28"), 5)
    assert not within_years(d("2024-02-29"), d("2029-03-01"), 5)


def test_span_is_an_iso_interval() -> None:
    assert span(d("2025-04-01"), d("2025-04-30")) == "2025-04-01/2025-04-30"

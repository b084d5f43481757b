"""The quick accept path loads exactly what the marshmallow schemas load, and nothing they refuse."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates

from eventlog.event import CHANNELS, TYPES
from web import events as web_events
from web.errors import ApiError
from web.fastload import Unsupported, quick_loader
from web.schemas import MAX_BATCH, BatchIn, EventIn, Rfc3339, StrictInteger

RECEIVED = datetime(2025, 4, 10, 12, tzinfo=UTC)
FIELDS = ("id", "type", "channel", "request_id", "occurred_at", "rating", "location", "campaign", "message_id")
LONGEST = {"id": 200, "request_id": 200, "location": 100, "campaign": 100, "message_id": 200}
quick_one, quick_batch = quick_loader(EventIn()), quick_loader(BatchIn())


def examples(n: int) -> Any:
    """Hypothesis settings: n examples, no example database on disk, no time limit per example."""
    return settings(database=None, deadline=None, max_examples=n)


# --- what the schema would say ---------------------------------------------------------------------

def slow(schema: Schema, data: Any) -> Any:
    """What marshmallow loads, or None when it refuses."""
    try:
        return schema.load(data)
    except ValidationError:
        return None


def assert_same(quick: Any, reference: Any) -> None:
    """Equal, and alike down to key order, value types and UTC offsets."""
    assert quick == reference
    assert repr(quick) == repr(reference)


def assert_agrees(schema: Schema, quick: Any, data: Any, json_only: bool = True) -> Any:
    """The quick path never accepts what the schema refuses, and gives the same output; for JSON input
    (the only input it is meant for) it also accepts whatever the schema accepts."""
    fast, reference = quick(data), slow(schema, data)
    if fast is not None:
        assert reference is not None, data
        assert_same(fast, reference)
    elif json_only:
        assert reference is None, data
    return fast


# --- inputs -------------------------------------------------------------------------------------------

EDGE_TEXT = ["", " ", "Email", "EMAIL", "sent ", "response", "é", "😀", "\x00", "a\nb", "ﬁ", "x" * 1000]
TIMESTAMPS = [
    "2025-04-08T19:00:00Z", "2025-04-08t19:00:00.123456789z", "2025-04-08T19:00:00.1Z",
    "2025-04-08T19:00:00.1234567890Z", "2025-04-08T19:00:00.Z", "2025-02-30T00:00:00Z", "2024-02-29T00:00:00Z",
    "1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z", "1999-12-31T23:59:59-00:01", "2000-01-01T05:29:59+05:30",
    "2000-01-01T05:30:00+05:30", "0001-01-01T00:00:00+05:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-23:59", "2025-04-08T19:00:00+24:00", "2025-04-08T19:00:00-24:00", "2025-04-08T19:00:00+23:59",
    "2025-04-08T19:00:00+00:60", "2025-04-08T24:00:00Z", "2025-04-08T23:59:60Z", "2025-04-08T19:00:00",
    "2025-04-08", "2025-04-08 19:00:00Z", "2025-04-08T19:00:00+0530", "2025-04-08T19:00:00Z\n", " 2025-04-08T19:00:00Z",
    "2025-4-8T19:00:00Z", "٢٠٢٥-04-08T19:00:00Z", "2025-04-08T19:00:00.١Z", "2025-04-08T19:00:00UTC",
    "2025-04-10T12:05:00Z", "2025-04-10T12:05:01Z", "2025-04-10T17:35:00+05:30", "2025-04-10T17:35:01+05:30",
    "2025-04-08T19:00:00-00:00",
]
JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
                 st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def sized(lengths: list[int]) -> st.SearchStrategy[str]:
    """Strings of the given lengths, of one or several kinds of characters."""
    chars = st.sampled_from(["x", "é", "😀", " ", "\x00", "ab"])
    return st.builds(lambda n, c: (c * n)[:n] if len(c) > 1 else c * n, st.sampled_from(lengths), chars)


def valid_text(longest: int) -> st.SearchStrategy[str]:
    return st.one_of(st.text(min_size=1, max_size=12), sized([1, 2, longest - 1, longest]))


@st.composite
def valid_timestamps(draw: st.DrawFn) -> str:
    """Well-formed timestamps from 2000 on: any offset, 0 to 9 fraction digits, either letter case."""
    local = draw(st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(9999, 12, 30)))
    minutes = draw(st.integers(-(24 * 60 - 1), 24 * 60 - 1))
    digits = draw(st.integers(0, 9))
    fraction = (f"{local.microsecond:06d}" + draw(st.text("0123456789", min_size=3, max_size=3)))[:digits]
    sign, rest = ("-" if minutes < 0 else "+"), abs(minutes)
    offset = draw(st.sampled_from(["Z", "z", f"{sign}{rest // 60:02d}:{rest % 60:02d}"])) if minutes == 0 \
        else f"{sign}{rest // 60:02d}:{rest % 60:02d}"
    return (local.strftime("%Y-%m-%d") + draw(st.sampled_from("Tt")) + local.strftime("%H:%M:%S")
            + (f".{fraction}" if digits else "") + offset)


@st.composite
def assembled_timestamps(draw: st.DrawFn) -> str:
    """Timestamps put together from odd parts: days that do not exist, hours past 23, offsets past 23:59."""
    part = lambda *options: draw(st.sampled_from(options))  # noqa: E731
    return (part("0000", "1999", "2000", "2025", "9999", "٢٠٢٥") + "-" + part("00", "01", "02", "12", "13") + "-"
            + part("00", "01", "28", "29", "30", "31", "32") + part("T", "t", " ", "")
            + part("00", "23", "24") + ":" + part("00", "59", "60") + ":" + part("00", "59", "60", "61")
            + part("", ".", ".1", ".123456", ".1234567", ".123456789", ".1234567890")
            + part("Z", "z", "+00:00", "-00:00", "+05:30", "+23:59", "+24:00", "-24:00", "+99:99", "", "+0530"))


def timestamps() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(TIMESTAMPS), valid_timestamps(), assembled_timestamps(), JUNK)


def odd_value(name: str) -> st.SearchStrategy[Any]:
    """Values a client might send in place of a field's: near misses, other types, other fields' values."""
    ratings = st.one_of(st.integers(-1, 7), st.sampled_from([True, False, 5.0, 3.5, "5", 10**30, -(10**30), None]))
    text = st.one_of(st.sampled_from(EDGE_TEXT), sized([0, 1, 99, 100, 101, 199, 200, 201]), st.text(max_size=6))
    by_name = {"type": st.sampled_from([*TYPES, *CHANNELS, "click", "Sent"]),
               "channel": st.sampled_from([*CHANNELS, *TYPES, "fax", "Email"]),
               "rating": ratings, "occurred_at": timestamps()}
    return st.one_of(by_name.get(name, text), text, ratings, JUNK)


@st.composite
def valid_events(draw: st.DrawFn) -> dict[str, Any]:
    """Well-formed events, their keys in any order."""
    kind = draw(st.sampled_from(TYPES))
    event: dict[str, Any] = {"id": draw(valid_text(200)), "type": kind, "channel": draw(st.sampled_from(CHANNELS)),
                             "request_id": draw(valid_text(200))}
    if kind == "response":
        event["rating"] = draw(st.integers(1, 5))
    for name in ("location", "campaign", "message_id"):
        if draw(st.booleans()):
            event[name] = draw(valid_text(LONGEST[name]))
    if draw(st.booleans()):
        event["occurred_at"] = draw(valid_timestamps())
    return dict(draw(st.permutations(list(event.items()))))


@st.composite
def odd_events(draw: st.DrawFn) -> Any:
    """A well-formed event with a few things changed: a field dropped, a value replaced, a name added."""
    event = draw(valid_events())
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from([*FIELDS, "colour", "Id", "events", ""]))
        if draw(st.booleans()) and name in event:
            del event[name]
        else:
            event[name] = draw(odd_value(name))
    return event


def any_events() -> st.SearchStrategy[Any]:
    return st.one_of(valid_events(), odd_events(), JUNK)


@st.composite
def batches(draw: st.DrawFn) -> Any:
    """Batch bodies: a few events, or as many as allowed and one more, with odd items or odd neighbours."""
    size = draw(st.sampled_from([0, 1, 2, 3, 5, MAX_BATCH, MAX_BATCH + 1]))
    if size <= 5:
        items = draw(st.lists(any_events(), min_size=size, max_size=size))
    else:
        items = [draw(valid_events()) for _ in range(3)] * (size // 3) + [draw(valid_events())] * (size % 3)
        if draw(st.booleans()):
            items[draw(st.integers(0, size - 1))] = draw(any_events())
    body: dict[str, Any] = {"events": items}
    if draw(st.integers(0, 9)) == 0:
        body["events"] = draw(st.one_of(JUNK, st.just({"0": items[:1]})))
    if draw(st.integers(0, 9)) == 0:
        body[draw(st.sampled_from(["extra", "event", "id"]))] = draw(JUNK)
    return body


# --- the properties -----------------------------------------------------------------------------------

@examples(40)
@given(valid_events())
def test_well_formed_events_are_accepted_with_the_schemas_output(event: dict[str, Any]) -> None:
    assert assert_agrees(EventIn(), quick_one, event) is not None


@examples(100)
@given(st.one_of(valid_events(), odd_events(), JUNK, st.lists(valid_events(), max_size=2)))
def test_single_events_load_exactly_as_the_schema_loads_them(data: Any) -> None:
    assert_agrees(EventIn(), quick_one, data)


@examples(20)
@given(batches())
def test_batches_load_exactly_as_the_schema_loads_them(body: Any) -> None:
    assert_agrees(BatchIn(), quick_batch, body)


@examples(15)
@given(st.lists(valid_events(), min_size=1, max_size=3))
def test_well_formed_batches_are_accepted(items: list[dict[str, Any]]) -> None:
    assert assert_agrees(BatchIn(), quick_batch, {"events": items}) is not None


BASES = ({"id": "e1", "type": "sent", "channel": "email", "request_id": "r1"},
         {"id": "e2", "type": "response", "channel": "sms", "request_id": "r2", "rating": 5, "location": "NYC",
          "campaign": "spring", "message_id": "m2", "occurred_at": "2025-04-08T19:00:00Z"})
NEAR_MISSES = [None, True, False, 0, 1, 1.5, [], {}, ["sent"]]


def edge_values(name: str) -> list[Any]:
    """Every value worth trying in one field: its bounds and one past them, near-miss spellings, other types."""
    if name in LONGEST:
        n = LONGEST[name]
        lengths = [0, 1, 2, 99, 100, 101, 199, 200, 201, n - 1, n, n + 1]
        return [c * k for k in lengths for c in ("x", "é", "😀")] + EDGE_TEXT + NEAR_MISSES
    if name in ("type", "channel"):
        return [*TYPES, *CHANNELS, "click", "fax", "Sent", "Email", "SMS", "RESPONSE", " sent", "email ", ""] + NEAR_MISSES
    if name == "rating":
        return [*range(-1, 8), True, False, 5.0, 1.0, 3.5, "5", 10**30, -(10**30), None, [5]]
    if name == "occurred_at":
        return TIMESTAMPS + NEAR_MISSES
    return ["x", *NEAR_MISSES]


def test_every_edge_value_of_every_field_is_judged_as_the_schema_judges_it() -> None:
    accepted = 0
    for base in BASES:
        for name in [*FIELDS, "colour", "", "events"]:
            for value in edge_values(name):
                event = {**base, name: value}
                accepted += assert_agrees(EventIn(), quick_one, event) is not None
                assert_agrees(BatchIn(), quick_batch, {"events": [base, event]})
            without = {k: v for k, v in base.items() if k != name}
            assert_agrees(EventIn(), quick_one, without)
            assert_agrees(BatchIn(), quick_batch, {"events": [without]})
    assert accepted > 100  # the quick path is not merely refusing everything


def test_batch_sizes_and_shapes_are_judged_as_the_schema_judges_them() -> None:
    good, bad = BASES[0], {**BASES[0], "channel": "Email"}
    for size in (0, 1, 2, MAX_BATCH - 1, MAX_BATCH, MAX_BATCH + 1):
        assert_agrees(BatchIn(), quick_batch, {"events": [good] * size})
        assert_agrees(BatchIn(), quick_batch, {"events": [good] * (size - 1) + [bad]})
    assert quick_batch({"events": [good] * MAX_BATCH}) is not None
    for events in (None, good, "x", 3, {"0": good}, [[good]], [None], [good, 1], [good, [good]]):
        assert_agrees(BatchIn(), quick_batch, {"events": events})
    for extra in ({"extra": 1}, {"id": "x"}, {"Events": []}):
        assert_agrees(BatchIn(), quick_batch, {"events": [good], **extra})
    for body in ({}, [], None, [good], "events"):
        assert_agrees(BatchIn(), quick_batch, body)


class Text(str):
    """A str that is not exactly a str."""


@pytest.mark.parametrize("data", [
    {"id": Text("e"), "type": "sent", "channel": "sms", "request_id": "r"},
    {"id": b"e", "type": "sent", "channel": "sms", "request_id": "r"},
    OrderedDict(id="e", type="sent", channel="sms", request_id="r"),
    {"id": "e", "type": "response", "channel": "sms", "request_id": "r", "rating": Text("5")},
    {"id": "e", "type": "sent", "channel": "sms", "request_id": "r", "occurred_at": Text("2025-04-08T19:00:00Z")},
])
def test_what_json_cannot_hold_is_left_to_the_schema(data: Any) -> None:
    assert quick_one(data) is None
    assert_agrees(EventIn(), quick_one, data, json_only=False)
    assert quick_batch({"events": (data,)}) is None


def test_the_timestamps_are_the_fields_own() -> None:
    event = {"id": "e", "type": "sent", "channel": "sms", "request_id": "r"}
    for text in TIMESTAMPS:
        got = quick_one({**event, "occurred_at": text})
        reference = slow(EventIn(), {**event, "occurred_at": text})
        assert (got is None) == (reference is None), text
        if got is not None:
            assert_same(got, reference)
            assert got["occurred_at"].utcoffset() == reference["occurred_at"].utcoffset()
    nano = quick_one({**event, "occurred_at": "2025-04-08t19:00:00.123456789z"})
    assert nano is not None and nano["occurred_at"] == datetime(2025, 4, 8, 19, 0, 0, 123456, tzinfo=UTC)
    assert nano["occurred_at"].tzinfo == UTC


# --- the web edge: same items, same 422 -----------------------------------------------------------

def parsed(payload: Any) -> Any:
    try:
        return web_events.parse(payload, RECEIVED)
    except ApiError as exc:
        return ("error", exc.status, exc.code, exc.message, exc.details)


@examples(40)
@given(st.one_of(valid_events(), odd_events(), JUNK, st.lists(any_events(), max_size=2),
                 st.builds(lambda items: {"events": items}, st.lists(st.one_of(valid_events(), odd_events()),
                                                                      max_size=3))))
def test_parse_answers_as_it_did_with_the_schema_alone(payload: Any) -> None:
    quick = parsed(payload)
    saved = web_events._quick_one, web_events._quick_batch
    web_events._quick_one = web_events._quick_batch = lambda data: None
    try:
        reference = parsed(payload)
    finally:
        web_events._quick_one, web_events._quick_batch = saved
    assert_same(quick, reference)


def test_the_future_limit_still_applies_to_quickly_accepted_events() -> None:
    event = {"id": "e", "type": "sent", "channel": "sms", "request_id": "r"}
    late = RECEIVED + timedelta(minutes=5, seconds=1)
    assert quick_one({**event, "occurred_at": late.isoformat()}) is not None
    with pytest.raises(ApiError) as one:
        web_events.parse({**event, "occurred_at": late.isoformat()}, RECEIVED)
    assert one.value.details == {"occurred_at": ["More than 5 minutes in the future."]}
    with pytest.raises(ApiError) as many:
        web_events.parse({"events": [event, {**event, "occurred_at": late.isoformat()}]}, RECEIVED)
    assert many.value.status == 422 and many.value.details == {"events": {1: {"occurred_at": [
        "More than 5 minutes in the future."]}}}


# --- other schemas: the rules it derives, and the ones it refuses -----------------------------------

class Mixed(Schema):
    """Validators the event schema does not use, but a quick loader derives all the same."""

    code = fields.String(required=True, validate=[validate.Length(equal=3), validate.OneOf(["abc", "abcd", "xyz"])])
    short = fields.String(validate=validate.Length(max=2))
    long = fields.String(validate=validate.Length(min=2))
    score = StrictInteger(validate=validate.Range(0, 10, min_inclusive=False, max_inclusive=False))
    floor = StrictInteger(validate=validate.Range(min=3))
    any_int = StrictInteger()
    tags = fields.List(fields.String(validate=validate.Length(1, 2)), validate=validate.Length(max=2))
    at = Rfc3339(validate=validate.Range(max=datetime(2030, 1, 1, tzinfo=UTC)))


@examples(50)
@given(st.dictionaries(st.sampled_from(["code", "short", "long", "score", "floor", "any_int", "tags", "at", "x"]),
                       st.one_of(st.sampled_from(["abc", "abcd", "xyz", "ab", "a", "", "zz"]), st.integers(-1, 11),
                                 st.lists(st.sampled_from(["", "a", "ab", "abc", 1]), max_size=3),
                                 st.sampled_from(["2029-12-31T23:59:59Z", "2030-01-01T00:00:00Z"]), JUNK)))
def test_other_validators_are_derived_as_the_schema_applies_them(data: dict[str, Any]) -> None:
    assert_agrees(Mixed(), quick_loader(Mixed()), data)


class Excluding(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String()


class Renamed(Schema):
    name = fields.String(data_key="Name")


class Defaulted(Schema):
    name = fields.String(load_default="x")


class Emailed(Schema):
    email = fields.Email()


class Called(Schema):
    name = fields.String(validate=lambda v: v != "x")


class Preloaded(Schema):
    name = fields.String()

    @pre_load
    def _strip(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return data


class FieldChecked(Schema):
    name = fields.String()

    @validates("name")
    def _name(self, value: str, **kwargs: Any) -> None:
        pass


class NestedLoose(Schema):
    items = fields.List(fields.Nested(Excluding))


@pytest.mark.parametrize("schema", [Excluding, Renamed, Defaulted, Emailed, Called, Preloaded, FieldChecked,
                                    NestedLoose])
def test_a_schema_it_cannot_reproduce_is_refused_when_the_loader_is_made(schema: type[Schema]) -> None:
    with pytest.raises(Unsupported):
        quick_loader(schema())

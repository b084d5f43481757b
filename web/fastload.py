"""The quick accept path for request bodies: a schema's rules as plain checks, built from the schema.

A quick loader answers with exactly what the schema's load() returns, or with None: the body may not
fit, and the schema itself then decides and names what is wrong. It reads the field names, required
flags, validators, the unknown-field rule and the schema validators from the schema when it is made,
and knows a few field kinds and validators only; a schema using anything else is refused right then
(Unsupported), so the two paths cannot drift apart unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate
from marshmallow.decorators import VALIDATES_SCHEMA

from web.schemas import Rfc3339, StrictInteger

QuickLoader = Callable[[Any], dict[str, Any] | None]
Value = Callable[[Any], Any]  # a loaded value, or _NO
Test = Callable[[Any], bool]
Rules = list[Callable[[Any], Any]]  # a field's validators

_NO: Any = object()  # "not here": the schema decides
_LOAD_HOOKS = ("pre_load", "post_load", "validates", VALIDATES_SCHEMA)


class Unsupported(TypeError):
    """A schema uses something the quick path does not reproduce."""


def quick_loader(schema: Schema) -> QuickLoader:
    """A loader giving what schema.load(data) gives for data it accepts, and None for any other data."""
    value = object_of(schema)

    def load(data: Any) -> dict[str, Any] | None:
        loaded = value(data)
        return None if loaded is _NO else loaded

    return load


def object_of(schema: Schema) -> Value:
    """The check of a JSON object by a schema: what its load() returns, or _NO."""
    check_schema(schema)
    plan = tuple((name, field.required, value_of(field)) for name, field in schema.load_fields.items())
    rules = tuple(getattr(schema, name) for name, _, _ in schema._hooks[VALIDATES_SCHEMA])
    context = {"partial": schema.partial, "many": False, "unknown": schema.unknown}

    def value(data: Any) -> Any:
        if type(data) is not dict:
            return _NO
        get, out = data.get, {}
        for name, required, check in plan:  # in the schema's order, the order of its output
            raw = get(name, _NO)
            if raw is _NO:
                if required:
                    return _NO
                continue
            loaded = check(raw)
            if loaded is _NO:
                return _NO
            out[name] = loaded
        if len(out) != len(data):  # a name the schema does not know
            return _NO
        for rule in rules:  # called as the schema calls its validators
            try:
                rule(out, **context)
            except ValidationError:
                return _NO
        return out

    return value


def check_schema(schema: Schema) -> None:
    """Refuse a schema whose load does more than the quick path reproduces."""
    if schema.many or schema.partial or schema.unknown != RAISE or schema.dict_class is not dict:
        raise Unsupported(f"{type(schema).__name__}: only many=False, partial=None, unknown=RAISE loads")
    if any("." in name for name in schema.load_fields):
        raise Unsupported(f"{type(schema).__name__}: a dotted field name loads into a nested object")
    for tag in _LOAD_HOOKS:
        for name, many, options in schema._hooks[tag]:
            if tag != VALIDATES_SCHEMA or many or options.get("pass_original"):
                raise Unsupported(f"{type(schema).__name__}.{name}: only per-item schema validators")


def value_of(field: fields.Field) -> Value:
    """The check of one field: its value as loaded, or _NO."""
    if field.data_key is not None or field.attribute is not None or field.load_default is not missing:
        raise Unsupported(f"{field!r}: no data_key, attribute or load_default")
    if field.pre_load or field.post_load:
        raise Unsupported(f"{field!r}: no field pre_load or post_load")
    rules = field.validators
    if type(field) is fields.String:
        return typed(str, rules)
    if type(field) is StrictInteger:
        return typed(int, rules)  # exactly int: bool is a type of its own
    if type(field) is Rfc3339:
        return instant(field, tests_of(rules))
    if type(field) is fields.List:
        return listed(value_of_item(field.inner), tests_of(rules))
    raise Unsupported(f"{field!r}: a field kind the quick path does not know")


def value_of_item(field: fields.Field) -> Value:
    """The check of a list's items: other fields as themselves, a nested object by its schema."""
    if type(field) is not fields.Nested:
        return value_of(field)
    if field.validators or field.many or field.unknown not in (None, RAISE) or field.pre_load or field.post_load:
        raise Unsupported(f"{field!r}: a nested object of one plain schema only")
    return object_of(field.schema)


def typed(kind: type[Any], rules: Rules) -> Value:
    """Values of exactly one built-in type that pass every validator, loaded as they are."""
    single = one_step(kind, rules[0]) if len(rules) == 1 else None
    if single is not None:
        return single
    tests = tests_of(rules)
    return lambda v: v if type(v) is kind and all(t(v) for t in tests) else _NO


def one_step(kind: type[Any], rule: Any) -> Value | None:
    """The usual field, one list of choices or one pair of bounds, checked in one step; None for others."""
    if type(rule) is validate.OneOf:
        choices = frozenset(rule.choices)
        return lambda v: v if type(v) is kind and v in choices else _NO
    if type(rule) not in (validate.Length, validate.Range) or rule.min is None or rule.max is None:
        return None
    low, high = rule.min, rule.max
    if type(rule) is validate.Length and rule.equal is None:
        return lambda v: v if type(v) is kind and low <= len(v) <= high else _NO
    if type(rule) is validate.Range and rule.min_inclusive and rule.max_inclusive:
        return lambda v: v if type(v) is kind and low <= v <= high else _NO
    return None


def tests_of(rules: Rules) -> tuple[Test, ...]:
    """Validators as plain tests, for the values their field has already let through."""
    return tuple(test_of(rule) for rule in rules)


def test_of(rule: Any) -> Test:
    """One validator as a plain test."""
    kind = type(rule)
    if kind is validate.Length:
        if rule.equal is not None:
            equal = rule.equal
            return lambda v: len(v) == equal
        return bounded(rule.min, rule.max, True, True, len)
    if kind is validate.OneOf:
        return frozenset(rule.choices).__contains__
    if kind is validate.Range:
        return bounded(rule.min, rule.max, rule.min_inclusive, rule.max_inclusive, lambda v: v)
    raise Unsupported(f"{rule!r}: a validator the quick path does not know")


def bounded(low: Any, high: Any, low_in: bool, high_in: bool, measure: Callable[[Any], Any]) -> Test:
    """Whether a value's measure (its length, or the value itself) lies between two bounds; None is no bound."""
    def test(v: Any) -> bool:
        m = measure(v)
        if low is not None and (m < low if low_in else m <= low):
            return False
        return high is None or (m <= high if high_in else m < high)

    return test


def instant(field: Rfc3339, tests: tuple[Test, ...]) -> Value:
    """An RFC 3339 timestamp, read by the field itself (it owns the format and the earliest time)."""
    read = field._deserialize

    def value(raw: Any) -> Any:
        if type(raw) is not str:
            return _NO
        try:
            at = read(raw, field.name, None)
        except ValidationError:
            return _NO
        return at if all(t(at) for t in tests) else _NO

    return value


def listed(item: Value, tests: tuple[Test, ...]) -> Value:
    """A JSON array passing every test, each item loaded by its own check."""
    def value(raw: Any) -> Any:
        if type(raw) is not list or not all(t(raw) for t in tests):
            return _NO
        out = []
        for each in raw:
            loaded = item(each)
            if loaded is _NO:
                return _NO
            out.append(loaded)
        return out

    return value

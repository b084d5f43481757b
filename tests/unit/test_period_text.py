"""Period texts computed column-wise are the JSON of the reference period objects, byte for byte."""

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.metrics import WIDTH, from_counts
from projections.payload_v2 import period
from projections.period_text import FEW, LABEL_HEAD, bodies


def reference(row: list[int]) -> bytes:
    """What orjson writes for the period object of a row, after its label."""
    return orjson.dumps(period("", row))[len(LABEL_HEAD):]


# counts near every edge the texts care about: zero, the lookup tables' ends, one stored day's
# maximum, the float-exact bound, and lifetimes past it
count = st.one_of(
    st.integers(0, 12),
    st.sampled_from([9_999, 10_000, 10_001, 2**32 - 1, 2**40 - 1, 2**40, 2**50]),
    st.integers(0, 2**32 - 1),
)


def rows_of(counts: st.SearchStrategy[int], fewest: int = 1) -> st.SearchStrategy[list[list[int]]]:
    """Lists of rows of counts."""
    return st.lists(st.lists(counts, min_size=WIDTH, max_size=WIDTH), min_size=fewest, max_size=FEW + 4)


@settings(max_examples=150, deadline=None)
@given(rows_of(count))
def test_texts_equal_the_reference_for_any_counts(rows: list[list[int]]) -> None:
    assert bodies(rows) == [reference(r) for r in rows]


@settings(max_examples=100, deadline=None)
@given(rows_of(st.integers(0, 40), fewest=FEW))
def test_texts_equal_the_reference_for_everyday_counts(rows: list[list[int]]) -> None:
    # enough rows to be shaped column-wise, small counts: rates and averages come from the lookup
    # tables, many rates over 1
    assert bodies(rows) == [reference(r) for r in rows]


def test_every_rate_up_to_one_and_every_average_reads_as_the_reference() -> None:
    rows = [from_counts({"sent:email": 10_000, "delivered:email": k, "stars:sms:1": 1 + k % 7,
                         "stars:sms:5": k % 11}) for k in range(0, 10_001, 7)]
    assert bodies(rows) == [reference(r) for r in rows]


def test_zero_row_has_null_rates_and_averages() -> None:
    text = bodies([[0] * WIDTH] * FEW)[0]
    assert text == reference([0] * WIDTH)
    assert b'"average":{"email":null' in text


def test_no_rows_shape_no_texts() -> None:
    assert bodies(np.zeros((0, WIDTH), dtype=np.int64)) == []


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError):
        bodies([[1] * (WIDTH + 1)])
    with pytest.raises(ValueError):
        bodies([[1] * (WIDTH + 1)] * WIDTH)


def test_response_rates_over_one_are_not_clamped() -> None:
    row = from_counts({"sent:sms": 3, "responses:sms": 7})
    assert all(b'"response":{"email":null,"whatsapp":null,"sms":2.3333' in text for text in bodies([row] * FEW))

"""The metric order and the packed day format are stored in Redis: pin them."""

import struct

import pytest

from projections import metrics
from projections.metrics import INDEX, METRICS, ROW_BYTES, WIDTH, packed_rows


def test_metric_order_is_the_stored_layout() -> None:
    assert WIDTH == 48 and ROW_BYTES == 192
    assert METRICS[:5] == ("sent:email", "sent:whatsapp", "sent:sms", "sent:other", "delivered:email")
    assert INDEX["responses:other"] == 23
    assert METRICS[24:26] == ("stars:email:1", "stars:email:2") and INDEX["stars:other:5"] == 43
    assert METRICS[44:] == ("cohort:email", "cohort:whatsapp", "cohort:sms", "cohort:other")


def test_a_packed_day_is_big_endian_u32_per_metric_and_may_be_short() -> None:
    day = (7).to_bytes(4, "big") + (2**32 - 1).to_bytes(4, "big") + (0).to_bytes(4, "big") + (300).to_bytes(4, "big")
    rows = metrics.unpack([day, None])
    assert list(rows[0][:5]) == [7, 2**32 - 1, 0, 300, 0] and sum(rows[0]) == 7 + 2**32 - 1 + 300
    assert list(rows[1]) == [0] * WIDTH


def test_a_packed_year_is_twelve_rows() -> None:
    year = bytearray(12 * ROW_BYTES)
    at = 4 * metrics.month_slot(3, INDEX["cohort:sms"])
    year[at:at + 4] = (9).to_bytes(4, "big")
    rows = metrics.unpack([bytes(year[:at + 4]), None], 12)
    assert len(rows) == 24 and rows[2][INDEX["cohort:sms"]] == 9 and sum(map(sum, rows)) == 9


def test_a_value_longer_than_its_rows_is_refused() -> None:
    with pytest.raises(ValueError):
        metrics.unpack([bytes(ROW_BYTES + 4)])


def test_packed_rows_read_big_endian_counts() -> None:
    row = list(range(WIDTH))
    assert packed_rows([struct.pack(">48I", *row), bytes(ROW_BYTES)]).tolist() == [row, [0] * WIDTH]

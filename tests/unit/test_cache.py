"""The stats answer cache stays within its size bound, dropping the least recently used."""

from web.cache import AnswerCache


def test_least_recently_used_answers_go_first_when_full() -> None:
    cache = AnswerCache(max_bytes=10)
    cache.put(("a",), b"1234", "application/json")
    cache.put(("b",), b"1234", "application/json")
    assert cache.get(("a",)) == (b"1234", "application/json")  # a is now the most recent
    cache.put(("c",), b"1234", "text/csv")
    assert cache.get(("b",)) is None and cache.get(("a",)) and cache.get(("c",)) == (b"1234", "text/csv")
    assert cache.size == 8


def test_an_answer_larger_than_the_bound_is_not_kept() -> None:
    cache = AnswerCache(max_bytes=3)
    cache.put(("a",), b"1234", "application/json")
    assert cache.get(("a",)) is None and cache.size == 0

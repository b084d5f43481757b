"""The stats answer cache stays within its size bound, dropping the least recently used."""

from web.cache import AnswerCache, cost


def test_least_recently_used_answers_go_first_when_full() -> None:
    one = cost(("a",), b"1234")
    cache = AnswerCache(max_bytes=2 * one + 2)
    cache.put(("a",), b"1234", "application/json")
    cache.put(("b",), b"1234", "application/json")
    assert cache.get(("a",)) == (b"1234", "application/json")  # a is now the most recent
    cache.put(("c",), b"1234", "text/csv")
    assert cache.get(("b",)) is None and cache.get(("a",)) and cache.get(("c",)) == (b"1234", "text/csv")
    assert cache.size == 2 * one


def test_an_answer_larger_than_the_bound_is_not_kept() -> None:
    cache = AnswerCache(max_bytes=cost(("a",), b"1234") - 1)
    cache.put(("a",), b"1234", "application/json")
    assert cache.get(("a",)) is None and cache.size == 0


def test_keys_count_against_the_bound() -> None:
    cache = AnswerCache(max_bytes=10_000)
    for i in range(100):
        cache.put(("t", "x" * 3_000 + str(i)), b"{}", "application/json")
    assert cache.size <= 10_000 and len(cache.entries) <= 3

"""Fixed-window counters (core/ratelimit.py): a shared cache that answers, one that does not."""

from rathaus.core.ratelimit import window_allow, window_count


def test_counts_within_a_window_and_refuses_past_the_limit(cache_backend):
    assert [window_count(key="t:count", seconds=60) for _ in range(3)] == [1, 2, 3]
    assert [window_allow(key="t:allow", limit=2, seconds=60) for _ in range(3)] == [
        True,
        True,
        False,
    ]


def test_an_unreachable_cache_refuses_instead_of_failing(unreachable_cache, caplog):
    assert window_count(key="t:count", seconds=60) is None
    assert window_allow(key="t:allow", limit=100, seconds=60) is False
    assert "rate counter unreachable" in caplog.text

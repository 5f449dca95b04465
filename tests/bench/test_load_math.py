"""Fast checks of the load generator statistics (the benchmark itself runs with `make bench`)."""

import math
from collections import Counter

import pytest
from bench.lib.load import ensure_loopback, percentile, summarise


def test_nearest_rank_percentiles_of_one_to_hundred():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile(values, 0.001) == 1.0


def test_percentiles_of_small_samples():
    assert percentile([7.0], 0.5) == 7.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([1.0, 2.0], 0.5) == 1.0
    assert percentile([1.0, 2.0], 0.51) == 2.0
    # 20 values: p95 is the 19th, p99 the 20th.
    values = [float(v) for v in range(10, 210, 10)]
    assert percentile(values, 0.95) == 190.0
    assert percentile(values, 0.99) == 200.0


@pytest.mark.parametrize("fraction", [0, -0.1, 1.01])
def test_percentile_rejects_fractions_outside_zero_to_one(fraction):
    with pytest.raises(ValueError):
        percentile([1.0], fraction)


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_summary_converts_seconds_to_milliseconds_and_counts_rate():
    # 100 latencies of 1..100 ms over 2 seconds, unordered input.
    latencies = [v / 1000 for v in reversed(range(1, 101))]
    result = summarise(
        name="x",
        url="http://127.0.0.1:1/",
        host="h",
        clients=4,
        duration_s=2.0,
        latencies_s=latencies,
        statuses=Counter({200: 98, 404: 2}),
        errors=["TimeoutError: "],
    )
    assert result.requests == 100
    assert result.rps == 50.0
    assert (result.p50_ms, result.p95_ms, result.p99_ms, result.max_ms) == (50, 95, 99, 100)
    assert result.mean_ms == 50.5
    assert result.status_counts == {"200": 98, "404": 2}
    assert result.errors == 1


def test_summary_of_a_run_without_answers():
    result = summarise(
        name="x",
        url="http://127.0.0.1:1/",
        host="h",
        clients=1,
        duration_s=1.0,
        latencies_s=[],
        statuses=Counter(),
        errors=[],
    )
    assert result.requests == 0 and result.rps == 0.0
    assert math.isnan(result.p95_ms)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/", "http://127.1.2.3/", "http://[::1]:80/"])
def test_loopback_targets_are_accepted(url):
    ensure_loopback(url)


@pytest.mark.parametrize("url", ["http://10.0.0.1/", "http://192.168.1.5/", "http://example.org/"])
def test_other_targets_are_refused(url):
    with pytest.raises(ValueError):
        ensure_loopback(url)

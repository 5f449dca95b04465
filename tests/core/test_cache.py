"""The process-local cache (rathaus.core.cache): immutable values, a TTL, one compute per key."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from rathaus.core.cache import ProcessCache, Row
from rathaus.tenants.models import Municipality


def test_values_are_kept_for_their_seconds_and_the_cache_is_bounded(clock):
    store = ProcessCache(seconds=2, max_entries=3, timer=clock)
    store.set("a", ("office", 1))
    clock.now += 1.99
    assert store.get("a") == ("office", 1)
    clock.now += 0.01
    assert store.get("a") is None
    for key in "bcde":
        store.set(key, key)
    assert [store.get(key) for key in "bcde"].count(None) == 1  # three kept, the oldest gone
    store.delete("e")
    assert store.get("e") is None
    store.clear()
    assert store.get("d") is None


@dataclasses.dataclass
class Mutable:
    value: int


@dataclasses.dataclass(frozen=True)
class Frozen:
    value: tuple


@pytest.mark.parametrize(
    "value", [["list"], {"a": 1}, {1}, Mutable(1), (1, ["nested"]), Frozen(([1],))]
)
def test_values_that_can_change_are_refused(value):
    with pytest.raises(TypeError, match=r"can change|not a frozen dataclass"):
        ProcessCache(seconds=1).set("k", value)


def test_immutable_values_are_accepted_none_included():
    store = ProcessCache(seconds=1)
    store.set("k", (1, "a", None, frozenset({2}), Frozen((1, 2))))
    assert store.get_or_compute("none", lambda: None) is None
    assert store.get_or_compute("none", lambda: pytest.fail("None is a cached answer")) is None


@pytest.mark.django_db
def test_model_instances_are_refused_and_rows_give_each_caller_its_own_instance(norderstedt):
    store = ProcessCache(seconds=1)
    with pytest.raises(TypeError, match="Municipality can change"):
        store.set("town", norderstedt)
    store.set("town", Row.of(norderstedt))
    first, second = store.get("town").instance(), store.get("town").instance()
    assert first == second == norderstedt and first is not second
    assert not first._state.adding
    first.name = "changed by one request"
    assert second.name == norderstedt.name
    assert Municipality.objects.get(pk=first.pk).name == norderstedt.name


def test_a_failing_compute_leaves_nothing_behind():
    store = ProcessCache(seconds=1)

    def fail():
        raise LookupError

    with pytest.raises(LookupError):
        store.get_or_compute("k", fail)
    assert store.get_or_compute("k", lambda: "computed") == "computed"


class CountingLock:
    """A lock that tells the test how many threads have asked for it."""

    def __init__(self, arrived: threading.Condition, counter: list[int]):
        self._lock = threading.Lock()
        self._arrived = arrived
        self._counter = counter

    def __enter__(self):
        with self._arrived:
            self._counter[0] += 1
            self._arrived.notify_all()
        self._lock.acquire()

    def __exit__(self, *exc_info):
        self._lock.release()


def test_one_compute_per_key_however_many_threads_miss_at_once():
    store = ProcessCache(seconds=60)
    arrived, counter = threading.Condition(), [0]
    store._compute_locks = tuple(CountingLock(arrived, counter) for _ in range(64))
    release = threading.Event()
    calls = []

    def compute():
        calls.append(1)
        assert release.wait(30)
        return ("answer",)

    results = []
    workers = [
        threading.Thread(target=lambda: results.append(store.get_or_compute("key", compute)))
        for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    # Every thread has missed and is at the key's lock (one of them computing) before the
    # computation may finish.
    with arrived:
        assert arrived.wait_for(lambda: counter[0] == 8, timeout=30)
    release.set()
    for worker in workers:
        worker.join(30)
    assert results == [("answer",)] * 8
    assert len(calls) == 1

"""Fixed-window counters in the shared cache (Redis in production), so every web process counts
the same requests: "at most ``limit`` in ``seconds`` for this key". Keys name what is counted
(a keyed hash of an address or an identifier, never the value itself).

While the shared cache cannot be reached (Redis restarting), nothing can be counted: the
counters then answer as if the limit were reached — a limited request is refused and the
proof-of-work asks for its hardest puzzle — instead of failing the request with a 500.
``shared_cache_call`` is that rule for any other counter kept in the shared cache (the login
throttle's)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache backend raises when its server cannot be reached: redis-py's errors, and the
# socket errors below them.
CACHE_UNREACHABLE = (RedisError, OSError)

T = TypeVar("T")


def shared_cache_call(
    call: Callable[[], T], *, what: str, then: str = "answered as at the limit"
) -> T | None:
    """``call()``'s answer, or None (logged with ``then``, what the caller does instead) while the
    shared cache cannot be reached. A counter's caller answers None as if its limit were reached."""
    try:
        return call()
    except CACHE_UNREACHABLE as exc:
        logger.warning("%s unreachable, %s: %s", what, then, type(exc).__name__)
        return None


def _count(key: str, seconds: int) -> int:
    if cache.add(key, 1, seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, seconds)
        return 1


def window_count(*, key: str, seconds: int) -> int | None:
    """Count one request under ``key`` and return the count in this window; None while the shared
    cache cannot be reached."""
    return shared_cache_call(partial(_count, key, seconds), what="rate counter")


def window_allow(*, key: str, limit: int, seconds: int) -> bool:
    """Count one request under ``key``; False once more than ``limit`` came in this window, and
    while nothing can be counted."""
    count = window_count(key=key, seconds=seconds)
    return count is not None and count <= limit

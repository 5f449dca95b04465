"""Fixed-window counters in the shared cache (Redis in production), so every web process counts
the same requests: "at most ``limit`` in ``seconds`` for this key". Keys name what is counted
(a keyed hash of an address or an identifier, never the value itself)."""

from __future__ import annotations

from django.core.cache import cache


def window_allow(*, key: str, limit: int, seconds: int) -> bool:
    """Count one request under ``key``; False once more than ``limit`` came in this window."""
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit

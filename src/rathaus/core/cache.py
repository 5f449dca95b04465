"""A process-local cache for values that may be a little old (office set-ups, filter choices)."""

from __future__ import annotations

import threading
import time
from typing import Any


class BriefCache:
    """A process-local cache of values that may be at most ``seconds`` old.

    Kept in each process, not in Redis: a hit costs a dictionary lookup, with no network round
    trip and no pickling (Django's local-memory cache pickles every value, which for the office
    set-up in ``appointments.selectors`` cost more than the rest of a hold request). Values are
    shared between the threads of a process as they are, so they must be treated as read-only.
    """

    def __init__(self, seconds: float, max_entries: int = 2000):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        expires = time.monotonic() + (self.seconds if timeout is None else timeout)
        with self._lock:
            if len(self._entries) >= self.max_entries:
                now = time.monotonic()
                self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[key] = (expires, value)

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

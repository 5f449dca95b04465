"""One process-local cache of immutable values, for look-ups that may be a little old.

Kept in each process, not in Redis: a hit is a dictionary look-up under a lock, with no network
round trip and no pickling. That is safe between threads only because what is kept cannot change:
``ProcessCache`` accepts immutable values only (numbers, strings, dates, tuples, frozen sets, frozen
dataclasses of those) and refuses anything else, model instances in particular. A model row is
kept as a ``Row`` and each caller builds its own instance from it (``Row.instance()``), so no two
requests share an object either of them could change.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from cachetools import TTLCache
from django.db import models
from django.db.models.fields.files import FieldFile

T = TypeVar("T")
_MISSING = object()
_SCALARS = (
    str,
    bytes,
    int,
    float,
    bool,
    type(None),
    decimal.Decimal,
    datetime.date,
    datetime.time,
    datetime.timedelta,
    uuid.UUID,
    enum.Enum,
)


def _require_immutable(value: Any, path: str = "value") -> None:
    if isinstance(value, _SCALARS):
        return
    if isinstance(value, tuple | frozenset):
        for index, item in enumerate(value):
            _require_immutable(item, f"{path}[{index}]")
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if not type(value).__dataclass_params__.frozen:
            raise TypeError(f"{path}: {type(value).__name__} is not a frozen dataclass")
        for field in dataclasses.fields(value):
            _require_immutable(getattr(value, field.name), f"{path}.{field.name}")
        return
    if isinstance(value, type):
        return  # a class (e.g. the model of a Row) is shared by the whole process anyway
    raise TypeError(f"{path}: a {type(value).__name__} can change and cannot be cached")


def _stored(value: Any) -> Any:
    """A field value as the database gave it (a file field's value is its name)."""
    return value.name if isinstance(value, FieldFile) else value


@dataclasses.dataclass(frozen=True)
class Row:
    """A model row's loaded field values, from which each caller builds its own instance."""

    model: type[models.Model]
    names: tuple[str, ...]
    values: tuple

    @classmethod
    def of(cls, instance: models.Model) -> Row:
        names = tuple(
            field.attname
            for field in instance._meta.concrete_fields
            if field.attname in instance.__dict__
        )
        values = tuple(_stored(instance.__dict__[name]) for name in names)
        return cls(type(instance), names, values)

    def instance(self) -> models.Model:
        return self.model.from_db("default", self.names, self.values)


class ProcessCache:
    """Immutable values kept for at most ``seconds`` in this process (cachetools' TTL cache).

    ``get_or_compute`` computes a missing value once per key and process, however many threads
    ask at the same moment; a ``compute`` that raises (e.g. 404) leaves nothing behind.
    """

    def __init__(
        self,
        *,
        seconds: float,
        max_entries: int = 2000,
        timer: Callable[[], float] = time.monotonic,
    ):
        self.seconds = seconds
        self._entries: TTLCache = TTLCache(maxsize=max_entries, ttl=seconds, timer=timer)
        self._lock = threading.Lock()
        self._compute_locks = tuple(threading.Lock() for _ in range(64))

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            return self._entries.get(key, default)

    def set(self, key: Hashable, value: Any) -> None:
        _require_immutable(value)
        with self._lock:
            self._entries[key] = value

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        value = self.get(key, _MISSING)
        if value is not _MISSING:
            return value
        with self._compute_locks[zlib.crc32(repr(key).encode()) % len(self._compute_locks)]:
            value = self.get(key, _MISSING)
            if value is _MISSING:
                value = compute()
                self.set(key, value)
        return value

    def delete(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

"""The installed procedures: ``settings.RATHAUS_PROCEDURES`` lists their classes by dotted path.

One registry is active at a time. Tests install their own with ``registry_override`` (the
``procedure_registry`` fixture), so a test procedure never leaks into another test.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import Http404
from django.utils.module_loading import import_string

from .procedure import Procedure


class ProcedureRegistry:
    def __init__(self, classes: list[type[Procedure]] | None = None):
        self._items: dict[str, Procedure] = {}
        for cls in classes or []:
            self.add(cls)

    @classmethod
    def from_settings(cls) -> ProcedureRegistry:
        return cls([import_string(path) for path in settings.RATHAUS_PROCEDURES])

    def add(self, cls: type[Procedure]) -> type[Procedure]:
        if not cls.key:
            raise ValueError(f"{cls.__name__} has no key")
        if cls.key in self._items:
            raise ValueError(f"procedure {cls.key!r} is registered twice")
        self._items[cls.key] = cls()
        return cls

    def swap(self, cls: type[Procedure]) -> type[Procedure]:
        """Install ``cls`` in place of the procedure registered under its key (a test's own
        variant of an installed procedure)."""
        if cls.key not in self._items:
            raise KeyError(cls.key)
        self._items[cls.key] = cls()
        return cls

    def get(self, key: str) -> Procedure | None:
        return self._items.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[Procedure]:
        return iter(list(self._items.values()))

    def keys(self) -> list[str]:
        return list(self._items)


_lock = threading.Lock()
# A module global rather than a thread-local: the live server of browser tests answers from
# another thread and must see the registry the test installed.
_active: ProcedureRegistry | None = None


def procedures() -> ProcedureRegistry:
    global _active
    if _active is None:
        with _lock:
            if _active is None:
                _active = ProcedureRegistry.from_settings()
    return _active


@contextmanager
def registry_override(registry: ProcedureRegistry):
    global _active
    previous = _active
    _active = registry
    try:
        yield registry
    finally:
        _active = previous


def procedure_get(key: str) -> Procedure:
    procedure = procedures().get(key)
    if procedure is None:
        raise KeyError(key)
    return procedure


def procedure_get_or_404(key: str) -> Procedure:
    try:
        return procedure_get(key)
    except KeyError as exc:
        raise Http404 from exc


def procedure_title(key: str) -> str:
    procedure = procedures().get(key)
    return str(procedure.title) if procedure is not None else key

from __future__ import annotations

from django.http import Http404

from rathaus.core.registry import Registry

from .base import Procedure

procedure_registry: Registry[Procedure] = Registry("procedure")

BUILT_IN = ["rathaus.procedures.general_request"]


def procedures_load() -> None:
    """Import the built-in procedure packages so that they register themselves."""
    from importlib import import_module

    for dotted in BUILT_IN:
        import_module(dotted)


def register(cls: type[Procedure]) -> type[Procedure]:
    """Class decorator: register one instance of a procedure under its ``key``."""
    procedure_registry.register(cls.key)(cls())
    return cls


def procedure_get(key: str) -> Procedure:
    procedures_load()
    procedure = procedure_registry.get(key)
    if procedure is None:
        raise KeyError(key)
    return procedure


def procedure_get_or_404(key: str) -> Procedure:
    try:
        return procedure_get(key)
    except KeyError as exc:
        raise Http404 from exc


def procedure_title(key: str) -> str:
    procedure = procedure_registry.get(key) if key in procedure_registry else None
    if procedure is None:
        procedures_load()
        procedure = procedure_registry.get(key)
    return str(procedure.title) if procedure is not None else key

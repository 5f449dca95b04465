from __future__ import annotations

from importlib import import_module

from rathaus.core.registry import Registry

from .base import PaymentProvider

provider_registry: Registry[type[PaymentProvider]] = Registry("payment provider")

BUILT_IN = [
    "rathaus.payments.providers.xbezahldienste.provider",
    "rathaus.payments.providers.demo.provider",
]


def providers_load() -> None:

    for dotted in BUILT_IN:
        import_module(dotted)


def register(cls: type[PaymentProvider]) -> type[PaymentProvider]:
    provider_registry.register(cls.key)(cls)
    return cls


def provider_class(key: str) -> type[PaymentProvider]:
    providers_load()
    cls = provider_registry.get(key)
    if cls is None:
        raise KeyError(key)
    return cls


def provider_choices() -> list[tuple[str, str]]:
    providers_load()
    return [(key, str(cls.title)) for key, cls in provider_registry.items()]

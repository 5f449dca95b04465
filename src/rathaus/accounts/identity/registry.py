"""Registered identity providers. Providers register themselves when their module is imported."""

from __future__ import annotations

from django.http import HttpRequest

from rathaus.core.registry import Registry

from .base import IdentityProvider

identity_providers: Registry[IdentityProvider] = Registry("identity provider")


def _load_builtin() -> None:
    # The provider module registers itself here, so it cannot be imported at the top.
    from .demo_bundid import provider  # noqa: F401


def identity_providers_available(request: HttpRequest) -> list[IdentityProvider]:
    _load_builtin()
    return [p for _, p in identity_providers.items() if p.is_available(request)]


def identity_provider_get(key: str) -> IdentityProvider | None:
    _load_builtin()
    return identity_providers.get(key)

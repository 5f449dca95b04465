from __future__ import annotations

from django.core.cache import cache

from .models import Municipality, MunicipalityHost

HOST_CACHE_SECONDS = 30


def _host_without_port(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def municipality_for_host(host: str) -> Municipality | None:
    hostname = _host_without_port(host)
    key = f"tenants:host:{hostname}"
    municipality_id = cache.get(key)
    if municipality_id is None:
        municipality_id = (
            MunicipalityHost.objects.filter(hostname=hostname, municipality__is_active=True)
            .values_list("municipality_id", flat=True)
            .first()
        ) or 0
        cache.set(key, municipality_id, HOST_CACHE_SECONDS)
    if not municipality_id:
        return None
    return Municipality.objects.filter(pk=municipality_id).first()


def municipality_primary_host(municipality: Municipality) -> str | None:
    return (
        municipality.hosts.order_by("-is_primary", "hostname")
        .values_list("hostname", flat=True)
        .first()
    )

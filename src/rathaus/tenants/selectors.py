from __future__ import annotations

import threading
import time

from django.conf import settings

from .models import Municipality, MunicipalityHost

# Every request resolves its municipality, so the answer is kept in each process for a short
# time: no database or cache round trip on the hot path. A change made in the admin reaches
# this process at once (signals clear the cache) and every other process within this many seconds.
HOST_CACHE_SECONDS = 30

_cache: dict[str, tuple[float, Municipality | None]] = {}
_lock = threading.Lock()


def _host_without_port(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def municipality_cache_clear() -> None:
    with _lock:
        _cache.clear()


def _municipality_lookup(hostname: str) -> Municipality | None:
    host = (
        MunicipalityHost.objects.filter(hostname=hostname, municipality__is_active=True)
        .select_related("municipality")
        .first()
    )
    return host.municipality if host else None


def municipality_for_host(host: str) -> Municipality | None:
    hostname = _host_without_port(host)
    now = time.monotonic()
    cached = _cache.get(hostname)
    if cached is not None and cached[0] > now:
        return cached[1]
    municipality = _municipality_lookup(hostname)
    with _lock:
        if len(_cache) > 1000:  # unknown hosts must not grow the cache without bound
            _cache.clear()
        _cache[hostname] = (now + HOST_CACHE_SECONDS, municipality)
    return municipality


def municipality_primary_host(municipality: Municipality) -> str | None:
    return (
        municipality.hosts.order_by("-is_primary", "hostname")
        .values_list("hostname", flat=True)
        .first()
    )


def municipality_absolute_url(municipality: Municipality, path: str) -> str:
    """``path`` on the town's primary host, for links that leave the request: e-mails, PDFs,
    QR codes. HTTPS in production; plain HTTP and ``RATHAUS_PUBLIC_PORT`` in the local demo.
    Without a host name the path is returned as it is."""
    host = municipality_primary_host(municipality)
    if not host:
        return path
    scheme = "http" if settings.DEBUG or settings.RATHAUS_DEMO else "https"
    port = settings.RATHAUS_PUBLIC_PORT
    return f"{scheme}://{host}:{port}{path}" if port else f"{scheme}://{host}{path}"

from __future__ import annotations

from django.conf import settings

from rathaus.core.cache import ProcessCache, Row

from .models import Municipality, MunicipalityHost

# Every request resolves its municipality, so the answer is kept in each process for a short
# time: no database or cache round trip on the hot path. A change made in the admin reaches
# this process at once (signals clear the cache) and every other process within this many seconds.
HOST_CACHE_SECONDS = 30

# Unknown hosts are kept too (as None), up to this many names in all.
_hosts = ProcessCache(seconds=HOST_CACHE_SECONDS, max_entries=1000)


def _host_without_port(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def municipality_cache_clear() -> None:
    _hosts.clear()


def _municipality_row(hostname: str) -> Row | None:
    host = (
        MunicipalityHost.objects.filter(hostname=hostname, municipality__is_active=True)
        .select_related("municipality")
        .first()
    )
    return Row.of(host.municipality) if host else None


def municipality_for_host(host: str) -> Municipality | None:
    """The active municipality serving ``host``: a fresh instance for each caller."""
    hostname = _host_without_port(host)
    row = _hosts.get_or_compute(hostname, lambda: _municipality_row(hostname))
    return row.instance() if row is not None else None


def municipality_primary_host(municipality: Municipality) -> str | None:
    """The host name links to the town use; kept like the host look-up (same cache, cleared by
    the same signals), since every e-mail, PDF and QR code of a request asks for it."""

    def primary() -> str | None:
        return (
            MunicipalityHost.objects.filter(municipality=municipality.pk)
            .order_by("-is_primary", "hostname")
            .values_list("hostname", flat=True)
            .first()
        )

    # A host name cannot contain "/", so this key never meets a looked-up host's.
    return _hosts.get_or_compute(f"primary/{municipality.pk}", primary)


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

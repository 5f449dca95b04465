from __future__ import annotations

import contextlib
import ipaddress

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """CSP without 'unsafe-inline' and a restrictive Permissions-Policy on every response.

    Every response is ``Cache-Control: no-store`` unless its view or static-file server said
    otherwise: citizen and staff pages, PDFs, attachments and API answers carry personal data,
    and no browser or shared cache may keep them. Public pages opt in (``cache_control``).

    It is the outermost middleware, so it also covers responses that inner middleware returns
    early (the unknown-host page) before Django's clickjacking and security middleware run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("X-Frame-Options", "DENY")
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Cache-Control", "no-store")
        return response


def _task_store_reachable() -> bool:
    # The task store is opened only by the health check that asks for it.
    from huey.contrib.djhuey import HUEY

    try:
        HUEY.storage.queue_size()
    except Exception:
        return False
    return True


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False
    return True


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before host resolution, so probes need no municipality host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            checks = {"database": _database_reachable(), "task_store": _task_store_reachable()}
            ok = all(checks.values())
            return JsonResponse(
                {"status": "ok" if ok else "unavailable", "checks": checks},
                status=200 if ok else 503,
            )
        return self.get_response(request)


class TrustedProxyMiddleware:
    """Sets ``REMOTE_ADDR`` to the client's address when the request came through a trusted
    reverse proxy, so per-address limits (login throttling, proof-of-work difficulty) count
    citizens, not the proxy.

    The web server reports the TCP peer, which behind a proxy is the proxy itself. When that peer
    is in ``RATHAUS_TRUSTED_PROXIES`` (addresses or networks), the ``X-Forwarded-For`` list is
    read from the right, skipping further trusted proxies; the first other address is the
    client's. A request from anywhere else keeps its peer address, so a client cannot choose its
    own address by sending the header. Without trusted proxies configured this middleware is not
    used at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = settings.RATHAUS_TRUSTED_PROXIES
        if not self.trusted:
            raise MiddlewareNotUsed

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and self._is_trusted(meta.get("REMOTE_ADDR", "")):
            for hop in reversed([part.strip() for part in forwarded.split(",")]):
                if not self._is_trusted(hop):
                    # Not an address: keep the proxy's, never a made-up value.
                    with contextlib.suppress(ValueError):
                        meta["REMOTE_ADDR"] = str(ipaddress.ip_address(hop))
                    break
        return self.get_response(request)

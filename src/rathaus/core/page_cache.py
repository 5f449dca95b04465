"""A short-lived cache of whole public pages for anonymous visitors.

The start page, the catalogue and the legal pages look the same for every anonymous visitor of one
municipality in one language, and they are what a crowd hits first (a new service in the news, the
morning appointments open). Rendering them costs 15–20 times a trivial request, so a rendered page
is kept for ``PUBLIC_PAGE_CACHE_SECONDS`` in the process-local ``pages`` cache.

A page is served from, or stored in, the cache only when nothing in it can be personal:
- the request is a GET/HEAD without a session cookie or a pending-messages cookie;
- the view rendered no CSRF token and set no cookie;
- the response is a plain 200.
The key holds the host, the language and the full path with its query string. The same cache
serves anonymous API reads that may be a little stale (the free-slot listing, at most 2 s).

``public_page`` (on the view) stores pages; ``PublicPageCacheMiddleware`` (right after the
municipality is resolved) answers a hit before sessions, CSRF and authentication run, so a hit costs
little more than a health probe. A miss in the middleware is one process-local lookup.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import translation

CACHE_ALIAS = "pages"
# "rathaus_terminal": a Bürgerterminal's device cookie; its pages differ (rathaus.kiosk).
PERSONAL_COOKIES = ("messages", "rathaus_terminal")


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        return False
    return not any(name in cookies for name in PERSONAL_COOKIES)


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
    )


def _key(request: HttpRequest) -> str:
    raw = f"{request.get_host()}|{translation.get_language()}|{request.get_full_path()}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def public_page(view=None, *, seconds: int | None = None):
    """Serve the view's page from the anonymous page cache where that is safe (see above).

    ``@public_page`` keeps a page for ``PUBLIC_PAGE_CACHE_SECONDS``; ``public_page(seconds=2)``
    for an answer that must not be older than that (the free-slot listing of the API).
    """
    if view is None:
        return lambda inner: public_page(inner, seconds=seconds)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if _cacheable_response(request, response):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            timeout = settings.PUBLIC_PAGE_CACHE_SECONDS if seconds is None else seconds
            cache.set(key, response, timeout)
        return response

    return wrapper


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "municipality", None) is not None and _cacheable_request(request):
            cached = caches[CACHE_ALIAS].get(_key(request))
            if cached is not None:
                return cached
        return self.get_response(request)

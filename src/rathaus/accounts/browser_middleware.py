"""The browser's middleware, skipped by API calls that carry no cookie at all.

Sessions, CSRF, authentication, django-otp, the idle timeout and messages exist for a browser
with a session. An API call without any cookie (an app booking an appointment, a script with a
staff API token in its ``Authorization`` header) can have no session, no CSRF cookie, no logged-in
user and no pending messages, so these steps would only find out that there is nothing to do,
on every request. Each class here is the framework's own middleware with one change: such a call
passes straight through, with ``request.user`` set to the anonymous user. A call that carries a
cookie (the booking pages' own scripts, a browser) goes through the full stack as before.
"""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django_otp.middleware import OTPMiddleware

from .middleware import SessionIdleTimeoutMiddleware

API_PREFIX = "/api/"


def cookieless_api_call(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX) and not request.META.get("HTTP_COOKIE")


def _skipping(middleware: type, *, on_skip=None) -> type:
    """``middleware`` that lets a cookie-less API call pass through (see above)."""

    def __call__(self, request):
        if cookieless_api_call(request):
            if on_skip is not None:
                on_skip(request)
            return self.get_response(request)
        return middleware.__call__(self, request)

    attributes = {"__call__": __call__, "__doc__": middleware.__doc__, "__module__": __name__}
    if hasattr(middleware, "process_view"):

        def process_view(self, request, *args):
            if cookieless_api_call(request):
                return None
            return middleware.process_view(self, request, *args)

        attributes["process_view"] = process_view
    return type(middleware.__name__, (middleware,), attributes)


def _anonymous(request: HttpRequest) -> None:
    request.user = AnonymousUser()


BrowserSessionMiddleware = _skipping(SessionMiddleware)
BrowserCsrfViewMiddleware = _skipping(CsrfViewMiddleware)
BrowserAuthenticationMiddleware = _skipping(AuthenticationMiddleware, on_skip=_anonymous)
BrowserOTPMiddleware = _skipping(OTPMiddleware)
BrowserSessionIdleTimeoutMiddleware = _skipping(SessionIdleTimeoutMiddleware)
BrowserMessageMiddleware = _skipping(MessageMiddleware)

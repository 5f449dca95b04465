"""Marks a Bürgerterminal's requests (``request.kiosk``) and keeps a terminal within its limits.

On a terminal:
- the staff's pages are refused (403), and a staff account logged in there is logged out;
- a visitor idle for longer than ``RATHAUS_KIOSK_IDLE_SECONDS`` finds their session wiped at the
  next request, whatever the page's countdown script did or did not do;
- no response is kept by the browser (``no-store``), no file is handed to it for download (a page
  offers printing instead), no link or redirect leads away from Rathaus, and forms ask the browser
  not to fill in or remember what was typed.

A browser whose device cookie names no active terminal (revoked, re-enrolled elsewhere, another
town's) is an ordinary visitor again; the stale cookie is deleted.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .constants import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_SALT,
    DOWNLOAD_CONTENT_TYPES,
    PRINT_PARAMETER,
    SESSION_LAST_INPUT,
    STAFF_PATH_PREFIXES,
    WipeReason,
)
from .selectors import terminal_for_device
from .services import kiosk_session_wipe, terminal_touch

LINK_HREF = re.compile(rb"""(<a\b[^>]*?)\shref=(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
AUTOCOMPLETE = re.compile(rb"""\sautocomplete=(["'])[^"']*\1""", re.IGNORECASE)


def device_token(request: HttpRequest) -> str:
    return request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_COOKIE_SALT) or ""


def leaves_rathaus(url: str, host: str, allowed: tuple[str, ...] = ()) -> bool:
    """Whether following ``url`` from a page on ``host`` would leave this Rathaus site.

    ``allowed``: other hosts a terminal may go to (``RATHAUS_KIOSK_ALLOWED_HOSTS``: the identity
    provider's login, whose eID flow hands over to the terminal's own eID client)."""
    url = url.strip()
    if url.startswith(("#", "/")) and not url.startswith("//"):
        return False
    split = urlsplit(url)
    if split.scheme and split.scheme not in ("http", "https"):
        return True  # mailto:, tel:, javascript: and the like hand over to something else
    netloc = split.netloc.lower()
    return bool(netloc) and netloc != host.lower() and netloc not in allowed


def forget_visitor(response: HttpResponse) -> HttpResponse:
    """Delete what a visitor leaves in the browser beyond the session (language, messages) and
    ask the browser to drop its cache and storage; the device cookie stays."""
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    response.delete_cookie("messages")
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


class KioskMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.kiosk = None
        token = device_token(request)
        if not token:
            return self.get_response(request)
        terminal = terminal_for_device(
            municipality=getattr(request, "municipality", None), token=token
        )
        if terminal is None:
            response = self.get_response(request)
            if getattr(request, "municipality", None) is not None:
                response.delete_cookie(DEVICE_COOKIE)
            return response
        request.kiosk = terminal
        terminal_touch(terminal=terminal)
        return self._finish(request, self._respond(request))

    def _respond(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and request.user.is_staff:
            kiosk_session_wipe(request=request, reason=WipeReason.DONE)
            return forget_visitor(self._refused(request))
        if request.path_info.startswith(STAFF_PATH_PREFIXES):
            return self._refused(request)
        now = int(time.time())
        last_input = request.session.get(SESSION_LAST_INPUT)
        if last_input is not None and now - last_input > settings.RATHAUS_KIOSK_IDLE_SECONDS:
            kiosk_session_wipe(request=request, reason=WipeReason.IDLE)
            return forget_visitor(redirect(reverse("kiosk:start") + "?ende=zeit"))
        response = self.get_response(request)
        if not request.session.is_empty():
            request.session[SESSION_LAST_INPUT] = now
        return response

    def _refused(self, request: HttpRequest) -> HttpResponse:
        return render(request, "kiosk/refused.html", status=403)

    def _finish(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response["Cache-Control"] = "no-store"
        host = request.get_host()
        allowed = tuple(name.lower() for name in settings.RATHAUS_KIOSK_ALLOWED_HOSTS)
        location = response.get("Location", "")
        if location and leaves_rathaus(location, host, allowed):
            return self._finish(request, render(request, "kiosk/leaves.html", status=200))
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        disposition = response.get("Content-Disposition", "").lower()
        if content_type in DOWNLOAD_CONTENT_TYPES or disposition.startswith("attachment"):
            return self._no_download(request, response, content_type)
        if content_type == "text/html" and not response.streaming:
            response.content = self._without_foreign_links(response.content, host, allowed)
        return response

    def _no_download(self, request, response, content_type: str) -> HttpResponse:
        printable = content_type == "application/pdf" and response.status_code == 200
        if printable and PRINT_PARAMETER in request.GET:
            # Shown in the browser's viewer to be printed there; never saved by the terminal.
            response["Content-Disposition"] = "inline"
            return response
        query = request.GET.copy()
        query[PRINT_PARAMETER] = "1"
        print_url = f"{request.path}?{query.urlencode()}" if printable else ""
        page = render(request, "kiosk/no_download.html", {"print_url": print_url})
        page["Cache-Control"] = "no-store"
        return page

    @staticmethod
    def _without_foreign_links(content: bytes, host: str, allowed: tuple[str, ...] = ()) -> bytes:
        def unlink(match: re.Match) -> bytes:
            href = match.group(3).decode("utf-8", "replace")
            if leaves_rathaus(href, host, allowed):
                return match.group(1) + b" data-rh-unlinked"
            return match.group(0)

        content = LINK_HREF.sub(unlink, content)
        content = AUTOCOMPLETE.sub(b' autocomplete="off"', content)
        return re.sub(
            rb"<form\b(?![^>]*\sautocomplete=)", b'<form autocomplete="off"', content, flags=re.I
        )

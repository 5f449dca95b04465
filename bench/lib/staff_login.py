"""Log a staff member into the back office over HTTP, the way a browser does: the staff login
form (e-mail and password), then the TOTP code step. Returns the session cookies for the load
generator.

The production settings mark cookies ``Secure``; on plain-HTTP loopback a browser would not send
them back, so the cookies are kept by hand here (TLS ends at the proxy in production).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import re
import struct
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

STAFF_LOGIN_PATH = "/konto/mitarbeitende/anmelden/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def totp(key_hex: str, *, at: float | None = None, step: int = 30, digits: int = 6, t0: int = 0):
    """RFC 6238 time-based one-time password (HMAC-SHA1), as authenticator apps compute it."""
    counter = int(((time.time() if at is None else at) - t0) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


class LoginFailed(RuntimeError):
    pass


class _Browser:
    """Just enough of a browser: one connection, a cookie store, no redirects followed."""

    def __init__(self, base_url: str, host: str):
        parts = urlsplit(base_url)
        self.address = (parts.hostname, parts.port or 80)
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Host": self.host, "Accept-Language": "de", "User-Agent": "rathaus-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(*self.address, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return response.status, response.headers.get("Location", ""), text
        finally:
            connection.close()

    def csrf_token(self, html: str) -> str:
        match = CSRF_INPUT.search(html)
        if not match:
            raise LoginFailed("no CSRF token in the form")
        return match.group(1)


def staff_login(
    *,
    base_url: str,
    host: str,
    email: str,
    password: str,
    totp_key_hex: str,
    step: int = 30,
    digits: int = 6,
    t0: int = 0,
    check_path: str = "/verwaltung/",
) -> dict[str, str]:
    """Log in with password and the current TOTP code; returns the cookies of the session.

    Raises ``LoginFailed`` when any step does not answer as a successful login does."""
    browser = _Browser(base_url, host)
    login_path = f"{STAFF_LOGIN_PATH}?{urlencode({'next': check_path})}"
    status, _location, html = browser.request("GET", login_path)
    if status != 200:
        raise LoginFailed(f"login page answered {status}")
    form = {
        "csrfmiddlewaretoken": browser.csrf_token(html),
        "email": email,
        "password": password,
        "next": check_path,
    }
    status, location, _html = browser.request("POST", login_path, form)
    if status != 302:
        raise LoginFailed(f"password step answered {status}, not a redirect to the code step")
    code_path = urlsplit(location).path or location
    status, _location, html = browser.request("GET", code_path)
    if status != 200:
        raise LoginFailed(f"code page answered {status}")
    form = {
        "csrfmiddlewaretoken": browser.csrf_token(html),
        "code": totp(totp_key_hex, step=step, digits=digits, t0=t0),
    }
    status, location, _html = browser.request("POST", code_path, form)
    if status != 302:
        raise LoginFailed(f"code step answered {status}, not a redirect")
    status, location, _html = browser.request("GET", check_path)
    if status != 200:
        raise LoginFailed(f"{check_path} answered {status} after logging in ({location})")
    return dict(browser.cookies)

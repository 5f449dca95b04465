"""Slowing down password guessing without letting anyone lock out someone else.

There is no lockout. Failed logins are counted in the shared cache (Redis in production, so every
web process sees the same counters), and after a few free failures each further attempt in a
scope has to wait a delay that doubles with every failure, up to ``LOGIN_THROTTLE_MAX_DELAY``:

* a browser that has logged in to the account before carries a signed *known-device* cookie;
  its attempts count only against that browser. An attacker elsewhere cannot slow it down, so
  the owner always gets in from their own browser;
* any other attempt counts against the pair of account and client address (an attacker guessing
  one password from one address), against the account from anywhere (guessing from many
  addresses) and against the address for every account (one address trying many accounts).
  The account and address scopes allow many more free failures than the pair, so colleagues
  behind one town-hall address are not slowed by one person's typos.

A staff member is told by e-mail when their account's failures reach the point where delays
begin. Password-reset mail is limited per account and per address (``password_reset_allowed``).
Addresses are kept only as keyed hashes.

While the shared cache cannot be reached (Redis restarting) no failure can be counted or looked
up. Every password and code attempt then waits ``UNREACHABLE_RETRY_SECONDS`` and is told that
logging in is briefly not possible (``ThrottleState.unavailable``; not "too many attempts", which
nobody made), as the rate counters refuse
(``core.ratelimit.shared_cache_call``): letting attempts through unthrottled would let guessing
go on unslowed for as long as Redis is down, and a 500 helps nobody. The few seconds of a Redis
restart are the whole cost.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from rathaus.core.crypto import blind_index
from rathaus.core.ratelimit import shared_cache_call, window_allow

from .models import email_digest

PREFIX = "accounts:throttle"
DEVICE_COOKIE = "rathaus_device"
DEVICE_COOKIE_SALT = "rathaus.accounts.known-device"
DEVICE_COOKIE_MAX_AGE = 180 * 24 * 60 * 60
RESET_WINDOW_SECONDS = 60 * 60
# The wait named while the shared cache cannot be reached: about a Redis restart.
UNREACHABLE_RETRY_SECONDS = 30
WHAT = "login throttle"


@dataclass(frozen=True)
class Scope:
    key: str
    free_failures: int


@dataclass(frozen=True)
class ThrottleState:
    blocked: bool
    retry_seconds: int = 0
    # Blocked because nothing could be looked up (the shared cache is out of reach), not for
    # failures: the person is told so.
    unavailable: bool = False


def _address(ip: str) -> str:
    return blind_index(ip or "-", purpose="login-address")


def _scopes(*, email: str, ip: str, device: str | None) -> list[Scope]:
    account = email_digest(email or "-")
    if device:
        return [Scope(f"{PREFIX}:device:{device}", settings.LOGIN_THROTTLE_FREE_PER_PAIR)]
    address = _address(ip)
    return [
        Scope(f"{PREFIX}:pair:{account}:{address}", settings.LOGIN_THROTTLE_FREE_PER_PAIR),
        Scope(f"{PREFIX}:account:{account}", settings.LOGIN_THROTTLE_FREE_PER_ACCOUNT),
        Scope(f"{PREFIX}:address:{address}", settings.LOGIN_THROTTLE_FREE_PER_ADDRESS),
    ]


def delay_seconds(*, failures: int, free_failures: int) -> int:
    """The wait before the next attempt after ``failures`` failures in a scope."""
    if failures < free_failures:
        return 0
    return min(2 ** (failures - free_failures), settings.LOGIN_THROTTLE_MAX_DELAY)


def _window() -> int:
    return settings.LOGIN_THROTTLE_WINDOW_SECONDS


def _stored(scopes: list[Scope]) -> dict | None:
    """The scopes' (failures, last failure time), or None while the shared cache is unreachable."""
    return shared_cache_call(partial(cache.get_many, [scope.key for scope in scopes]), what=WHAT)


def login_throttle_state(*, email: str, ip: str, device: str | None = None) -> ThrottleState:
    scopes = _scopes(email=email, ip=ip, device=device)
    stored = _stored(scopes)
    if stored is None:
        return ThrottleState(
            blocked=True, retry_seconds=UNREACHABLE_RETRY_SECONDS, unavailable=True
        )
    now = time.time()
    wait = 0.0
    for scope in scopes:
        failures, last = stored.get(scope.key, (0, 0.0))
        delay = delay_seconds(failures=failures, free_failures=scope.free_failures)
        wait = max(wait, last + delay - now)
    return ThrottleState(blocked=wait > 0, retry_seconds=math.ceil(wait) if wait > 0 else 0)


def login_failure_record(*, email: str, ip: str, device: str | None = None) -> bool:
    """Count a failure in every scope of the attempt. True when this failure made the account
    (from anywhere) reach its delays, the moment its owner is told."""
    scopes = _scopes(email=email, ip=ip, device=device)
    stored = _stored(scopes)
    if stored is None:  # not counted; the next attempt waits until the cache is back
        return False
    now = time.time()
    updated = {}
    account_reached = False
    for scope in scopes:
        failures = stored.get(scope.key, (0, 0.0))[0] + 1
        updated[scope.key] = (failures, now)
        if ":account:" in scope.key and failures == scope.free_failures:
            account_reached = True
    shared_cache_call(partial(cache.set_many, updated, _window()), what=WHAT)
    return account_reached


def login_success_record(*, email: str, ip: str, device: str | None = None) -> None:
    """The owner got in: their own scope starts afresh (the account- and address-wide counters
    keep counting an attack that may still go on)."""
    own = [scope.key for scope in _scopes(email=email, ip=ip, device=device)[:1]]
    shared_cache_call(partial(cache.delete_many, own), what=WHAT)


def device_cookie_value(*, email: str) -> str:
    return signing.dumps(
        {"a": email_digest(email)[:16], "d": secrets.token_urlsafe(12)}, salt=DEVICE_COOKIE_SALT
    )


def device_from_cookie(*, email: str, cookie: str) -> str | None:
    """The known-device id in ``cookie`` if it was issued for ``email``'s account, else None."""
    if not cookie:
        return None
    try:
        data = signing.loads(cookie, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("a") != email_digest(email or "-")[:16]:
        return None
    return str(data.get("d") or "") or None


def password_reset_allowed(*, email: str, ip: str) -> bool:
    """Count a reset request; False once the account or the address had its share this hour."""
    keys = {
        f"{PREFIX}:reset-account:{email_digest(email or '-')}": (
            settings.PASSWORD_RESET_MAX_PER_ACCOUNT
        ),
        f"{PREFIX}:reset-address:{_address(ip)}": settings.PASSWORD_RESET_MAX_PER_ADDRESS,
    }
    # Both scopes count every request, also once one of them refuses.
    counted = [
        window_allow(key=key, limit=limit, seconds=RESET_WINDOW_SECONDS)
        for key, limit in keys.items()
    ]
    return all(counted)


def lookup_allowed(*, scope: str, ip: str, limit: int, window: int) -> bool:
    """Count a public look-up (e.g. a status by number and date of birth) from ``ip``; False
    once the address had ``limit`` of ``scope`` within ``window`` seconds. The caller answers
    a refused look-up the same way for a right and a wrong guess."""
    return window_allow(key=f"{PREFIX}:lookup:{scope}:{_address(ip)}", limit=limit, seconds=window)


def client_ip(request) -> str:
    # Behind a trusted reverse proxy, TrustedProxyMiddleware has put the client's address here.
    return request.META.get("REMOTE_ADDR", "")

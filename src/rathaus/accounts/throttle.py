"""Counting failed logins per account and per client address in the shared cache.

The cache is Redis in production, so every web process sees the same counters. A window starts
with the first failure and lasts ``LOGIN_THROTTLE_WINDOW_SECONDS``; while a counter is at its
limit, further attempts are refused without checking the password.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .models import email_digest

PREFIX = "accounts:login-fail"


def _account_key(email: str) -> str:
    return f"{PREFIX}:account:{email_digest(email or '-')}"


def _ip_key(ip: str) -> str:
    return f"{PREFIX}:ip:{hashlib.sha256((ip or '-').encode()).hexdigest()}"


@dataclass(frozen=True)
class ThrottleState:
    blocked: bool
    retry_minutes: int


def _window() -> int:
    return settings.LOGIN_THROTTLE_WINDOW_SECONDS


def login_throttle_state(*, email: str, ip: str) -> ThrottleState:
    counts = cache.get_many([_account_key(email), _ip_key(ip)])
    blocked = (
        counts.get(_account_key(email), 0) >= settings.LOGIN_THROTTLE_MAX_PER_ACCOUNT
        or counts.get(_ip_key(ip), 0) >= settings.LOGIN_THROTTLE_MAX_PER_IP
    )
    return ThrottleState(blocked=blocked, retry_minutes=max(1, _window() // 60))


def login_failure_record(*, email: str, ip: str) -> None:
    for key in (_account_key(email), _ip_key(ip)):
        cache.add(key, 0, _window())
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, _window())


def login_success_record(*, email: str) -> None:
    cache.delete(_account_key(email))


def client_ip(request) -> str:
    # Behind a trusted reverse proxy, TrustedProxyMiddleware has put the client's address here.
    return request.META.get("REMOTE_ADDR", "")

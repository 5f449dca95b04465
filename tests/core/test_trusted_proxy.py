"""Behind a trusted reverse proxy the client's address counts, and only there."""

import ipaddress

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import RequestFactory

from rathaus.core.middleware import TrustedProxyMiddleware

factory = RequestFactory()


def seen_address(settings, trusted: str, peer: str, forwarded: str | None) -> str:
    settings.RATHAUS_TRUSTED_PROXIES = [ipaddress.ip_network(t) for t in trusted.split(",")]
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = factory.get("/", **extra)
    TrustedProxyMiddleware(lambda r: HttpResponse())(request)
    return request.META["REMOTE_ADDR"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # The proxy on loopback forwards a citizen's request.
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # The citizen sent a made-up header; the proxy appended the real address.
        ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        # Two proxies of the installation (load balancer 10.0.0.5, then local proxy).
        ("127.0.0.1", "203.0.113.7, 10.0.0.5", "203.0.113.7"),
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
        # Not from a trusted proxy: the header is the sender's own claim and is ignored.
        ("192.0.2.50", "203.0.113.7", "192.0.2.50"),
        # Garbage from the client side: the proxy's address stays, nothing is invented.
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        # Only proxies in the list: the request came from inside; the peer stays.
        ("127.0.0.1", "10.0.0.5", "127.0.0.1"),
        ("127.0.0.1", None, "127.0.0.1"),
    ],
)
def test_client_address_behind_trusted_proxies(settings, peer, forwarded, expected):
    assert seen_address(settings, "127.0.0.1,10.0.0.0/8", peer, forwarded) == expected


def test_not_used_without_trusted_proxies(settings):
    settings.RATHAUS_TRUSTED_PROXIES = []
    with pytest.raises(MiddlewareNotUsed):
        TrustedProxyMiddleware(lambda r: HttpResponse())

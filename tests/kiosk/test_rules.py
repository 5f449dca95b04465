"""The terminal's page rewriting, without a database."""

from rathaus.kiosk.middleware import KioskMiddleware, leaves_rathaus

HOST = "norderstedt.localhost"


def test_what_leaves_rathaus():
    assert not leaves_rathaus("/leistungen/", HOST)
    assert not leaves_rathaus("#main", HOST)
    assert not leaves_rathaus("http://norderstedt.localhost/x", HOST)
    assert leaves_rathaus("https://example.org/", HOST)
    assert leaves_rathaus("//example.org/", HOST)
    assert leaves_rathaus("mailto:rathaus@example.org", HOST)
    assert leaves_rathaus("tel:+49401234", HOST)
    assert leaves_rathaus("javascript:alert(1)", HOST)
    # The identity provider's login may be allowed (RATHAUS_KIOSK_ALLOWED_HOSTS).
    assert not leaves_rathaus("https://id.bund.de/saml", HOST, ("id.bund.de",))
    assert leaves_rathaus("https://example.org/", HOST, ("id.bund.de",))


def test_foreign_links_lose_their_target_and_forms_their_memory():
    html = (
        b'<a class="kern-link" href="https://example.org/">Out</a>'
        b'<a href="/leistungen/">In</a>'
        b"<a href='mailto:a@example.org'>Mail</a>"
        b'<form method="post"><input name="email" autocomplete="email"></form>'
        b'<form autocomplete="on" method="get"></form>'
    )
    result = KioskMiddleware._without_foreign_links(html, HOST)
    assert b"example.org" not in result
    assert b'<a href="/leistungen/">In</a>' in result
    assert result.count(b"data-rh-unlinked") == 2
    assert b'autocomplete="email"' not in result and b'autocomplete="on"' not in result
    assert result.count(b'<form autocomplete="off"') == 2
    assert result.count(b'autocomplete="off"') == 3

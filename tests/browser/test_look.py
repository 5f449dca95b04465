"""How pages look, checked in headless Chromium at 1280 and 320 px with axe on every page: selects
in KERN's box with its arrow, "Ändern" links in line, tables that stack on narrow screens, the
staff navigation and each town's own logo."""

from __future__ import annotations

import pytest
from django.test import Client

from rathaus.accounts.constants import StaffRole
from rathaus.appointments.models import Office
from rathaus.tenants.models import Municipality
from tests.accounts.factories import citizen_create, login_verified, staff_create

from .harness import DESKTOP, NARROW, horizontal_overflow
from .helpers_keyboard import checked_page, focus

pytestmark = pytest.mark.browser

VIEWPORTS = [DESKTOP, NARROW]


def logged_in_page(new_page, base, user, *, viewport=DESKTOP, host="norderstedt.localhost"):
    """A browser page carrying ``user``'s session (staff with their second factor)."""
    client = Client(HTTP_HOST=host)
    if user.is_staff:
        login_verified(client, user)
    else:
        client.force_login(user)
    page = new_page(viewport=viewport)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return page


def assert_kern_select(page, selector: str) -> None:
    """The select sits in KERN's wrapper, which draws the box (a bottom border on a tinted
    surface) and the arrow (its ``::after``); the select can be reached by keyboard."""
    drawn = page.evaluate(
        """(selector) => {
            const select = document.querySelector(selector);
            const wrapper = select.parentElement;
            const box = getComputedStyle(wrapper);
            const arrow = getComputedStyle(wrapper, '::after');
            return {
                wrapped: wrapper.classList.contains('kern-form-input__select-wrapper'),
                border: parseFloat(box.borderBottomWidth),
                arrow: arrow.content !== 'none' && parseFloat(arrow.width) > 0,
                width: select.getBoundingClientRect().width,
            };
        }""",
        selector,
    )
    assert drawn["wrapped"] and drawn["border"] > 0 and drawn["arrow"], (selector, drawn)
    assert drawn["width"] > 100, (selector, drawn)
    focus(page, selector)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1280", "320"])
def test_selects_have_kern_box_and_arrow_everywhere(new_page, town_url, viewport):
    town = Municipality.objects.get(slug="norderstedt")
    base = town_url()
    clerk = staff_create(municipality=town, role=StaffRole.TEAM_LEAD)
    page = logged_in_page(new_page, base, clerk, viewport=viewport)

    page.goto(base + "/verwaltung/")
    for name in ("procedure", "status", "assignee", "sort"):
        assert_kern_select(page, f"#id_{name}")
    assert horizontal_overflow(page) == 0
    checked_page(page)

    office = Office.objects.filter(municipality=town).order_by("pk").first()
    page.goto(base + f"/termine/schalter/{office.slug}/")
    assert_kern_select(page, "#id_schalter")
    assert horizontal_overflow(page) == 0
    checked_page(page)

    citizen = citizen_create(email="look@example.org")
    page = logged_in_page(new_page, base, citizen, viewport=viewport)
    page.goto(base + "/konto/daten/")
    assert_kern_select(page, "#id_preferred_language")
    assert horizontal_overflow(page) == 0
    checked_page(page)

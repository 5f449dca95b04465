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
from tests.backoffice.conftest import case_make

from .harness import DESKTOP, NARROW, horizontal_overflow
from .helpers_keyboard import activate, assert_summary_actions_aligned, checked_page, focus

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


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1280", "320"])
def test_change_links_line_up_on_the_account_page(new_page, town_url, viewport):
    base = town_url()
    citizen = citizen_create(email="look@example.org", street="Am Markt 1", city="Norderstedt")
    page = logged_in_page(new_page, base, citizen, viewport=viewport)
    page.goto(base + "/konto/")
    assert_summary_actions_aligned(page)
    assert horizontal_overflow(page) == 0
    checked_page(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1280", "320"])
def test_my_requests_show_every_column_on_screen(new_page, town_url, viewport):
    town = Municipality.objects.get(slug="norderstedt")
    base = town_url()
    citizen = citizen_create(email="look@example.org")
    case_make(municipality=town, citizen=citizen)
    page = logged_in_page(new_page, base, citizen, viewport=viewport)
    page.goto(base + "/anliegen/meine/")
    status = page.locator("main table tbody tr").first.locator("td").last
    assert status.inner_text().strip().endswith("eingereicht")
    box = status.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    header_shown = page.locator("main table thead").bounding_box()["height"] > 1
    # Wide: a table with its header row. Narrow: stacked, each cell named by its column.
    assert header_shown == (viewport is DESKTOP)
    if viewport is NARROW:
        label = page.evaluate(
            "(el) => getComputedStyle(el, '::before').content", status.element_handle()
        )
        assert label == '"Status"', label
    assert horizontal_overflow(page) == 0
    checked_page(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1280", "320"])
def test_staff_have_their_own_navigation_with_the_counter_screen(new_page, town_url, viewport):
    town = Municipality.objects.get(slug="norderstedt")
    base = town_url()
    clerk = staff_create(municipality=town)
    page = logged_in_page(new_page, base, clerk, viewport=viewport)
    page.goto(base + "/verwaltung/")
    nav = page.locator("header nav.bo-nav")
    assert nav.get_attribute("aria-label") == "Verwaltung"
    assert nav.locator("a[aria-current=page]").inner_text() == "Posteingang"
    links = nav.locator("a").all_inner_texts()
    assert links[:2] == ["Posteingang", "Termine und Schalter"]
    # A clerk sees neither payments, statistics nor administration.
    assert not {"Zahlungen", "Statistik", "Administration"} & set(links)
    assert page.locator("header a[href='/konto/']").count() == 0  # no citizen navigation
    checked_page(page)

    activate(page, "header nav.bo-nav a[href='/verwaltung/termine/']")
    assert page.locator("h1").inner_text() == "Termine und Schalter"
    office = Office.objects.filter(municipality=town).order_by("name").first()
    checked_page(page)
    activate(page, f"main a[href='/termine/schalter/{office.slug}/']")
    assert page.locator("h1").inner_text() == "Schalter"
    # The counter screen keeps the staff navigation, its section marked.
    current = page.locator("header nav.bo-nav a[aria-current=page]")
    assert current.inner_text() == "Termine und Schalter"
    assert horizontal_overflow(page) == 0
    checked_page(page)

    lead = staff_create(municipality=town, role=StaffRole.ADMIN)
    page = logged_in_page(new_page, base, lead, viewport=viewport)
    page.goto(base + "/verwaltung/statistik/")
    links = page.locator("header nav.bo-nav a").all_inner_texts()
    for name in ("Zahlungen", "Statistik", "Zugriffsprotokoll", "Administration"):
        assert name in links
    assert page.locator("header nav.bo-nav a[aria-current=page]").inner_text() == "Statistik"
    checked_page(page)


def test_each_town_shows_its_own_logo(new_page, town_url):
    seen = {}
    for slug in ("norderstedt", "reinbek"):
        for viewport in VIEWPORTS:
            page = new_page(slug=slug, viewport=viewport)
            page.goto(town_url(slug) + "/")
            logo = page.locator("header img.rh-brand__logo")
            assert logo.evaluate("(img) => img.complete && img.naturalWidth > 0")
            assert logo.bounding_box()["height"] >= 30
            checked_page(page)
        response = Client(HTTP_HOST=f"{slug}.localhost").get("/logo")
        assert response["Content-Type"] == "image/svg+xml"
        seen[slug] = b"".join(response.streaming_content)
    assert seen["norderstedt"] != seen["reinbek"]
    assert all(body.startswith(b"<svg") for body in seen.values())

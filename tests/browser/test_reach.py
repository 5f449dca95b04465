"""What a visitor reaches by clicking from the start page, keyboard only, at 1280 and 320 px with
axe on every page: "My requests" with its unread messages for a logged-in citizen, the online
waiting number, appointments and document verification (also from every page's footer)."""

from __future__ import annotations

import pytest

from rathaus.accounts.constants import StaffRole
from rathaus.appointments.models import Office
from rathaus.cases import services
from rathaus.tenants.models import Municipality
from tests.accounts.factories import citizen_create, staff_create
from tests.backoffice.conftest import case_make

from .harness import DESKTOP, NARROW, horizontal_overflow
from .helpers_keyboard import activate, checked_page, main_text, tab_to, type_into
from .test_look import logged_in_page

pytestmark = pytest.mark.browser

VIEWPORTS = [DESKTOP, NARROW]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1280", "320"])
def test_my_requests_are_found_from_the_header_with_unread_messages(new_page, town_url, viewport):
    town = Municipality.objects.get(slug="norderstedt")
    base = town_url()
    citizen = citizen_create(email="reach@example.org")
    case = case_make(municipality=town, citizen=citizen)
    clerk = staff_create(municipality=town, role=StaffRole.CLERK)
    services.message_send(case=case, sender=clerk, body="Bitte senden Sie ein Foto.")
    page = logged_in_page(new_page, base, citizen, viewport=viewport)
    page.goto(base + "/")
    header_link = "header a[href='/anliegen/meine/']"
    assert page.locator(header_link + " .rh-count").inner_text() == "1"
    assert page.locator(header_link).text_content() == "Meine Anliegen 1 (1 ungelesene Nachricht)"
    assert page.locator("main a[href='/anliegen/meine/']").count() == 1
    assert horizontal_overflow(page) == 0
    checked_page(page)

    tab_to(page, header_link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Meine Anliegen"
    checked_page(page)
    activate(page, f"main a[href='/anliegen/meine/{case.reference}/']")
    assert "Bitte senden Sie ein Foto." in main_text(page)
    checked_page(page)
    # Read now: the header shows no count any more, on /konto/ either.
    page.goto(base + "/konto/")
    assert page.locator(header_link).inner_text() == "Meine Anliegen"
    assert page.locator("main a[href='/anliegen/meine/']").count() == 1
    checked_page(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1280", "320"])
def test_waiting_number_and_document_check_are_reached_by_clicking(new_page, town_url, viewport):
    town = Municipality.objects.get(slug="norderstedt")
    office = Office.objects.filter(municipality=town, is_active=True).order_by("name").first()
    base = town_url()
    page = new_page(viewport=viewport)
    page.goto(base + "/")
    checked_page(page)
    activate(page, f"main a[href='/termine/wartenummer/{office.slug}/']")
    assert page.locator("h1").inner_text() == "Wartenummer"
    assert horizontal_overflow(page) == 0
    checked_page(page)

    # From the appointments page as well.
    page.goto(base + "/")
    activate(page, "main a[href='/termine/']")
    assert page.locator("h1").inner_text() == "Welche Leistungen benötigen Sie?"
    checked_page(page)
    activate(page, f"main a[href='/termine/wartenummer/{office.slug}/']")
    assert page.locator("h1").inner_text() == "Wartenummer"

    # Every page's footer links the document check.
    activate(page, "footer a[href='/pruefen/']")
    assert page.locator("h1").inner_text() == "Dokument prüfen"
    assert horizontal_overflow(page) == 0
    checked_page(page)
    page.goto(base + "/")
    activate(page, "main a[href='/pruefen/']")
    assert page.locator("h1").inner_text() == "Dokument prüfen"


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1280", "320"])
def test_search_ranks_the_whole_query_and_says_plainly_when_nothing_matches(
    new_page, town_url, viewport
):
    base = town_url()
    page = new_page(viewport=viewport)
    page.goto(base + "/")
    type_into(page, "#home-search", "Hund anmelden")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Keine Leistungen für „Hund anmelden“ gefunden" in main_text(page)
    assert page.locator("main .rh-service-card, main article").count() == 0
    checked_page(page)
    activate(page, "main .kern-alert a[href='/leistungen/']")
    assert page.locator("h1").count() == 1
    checked_page(page)

    page.goto(base + "/leistungen/suche/?q=Wohnsitz+anmelden")
    first = page.locator("main h2 a, main h2").first.inner_text()
    assert "Wohnsitz anmelden" in first
    assert horizontal_overflow(page) == 0
    checked_page(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1280", "320"])
def test_service_pages_offer_only_ways_that_exist(new_page, town_url, viewport):
    from rathaus.catalogue.selectors import service_list_for

    town = Municipality.objects.get(slug="norderstedt")
    base = town_url()
    page = new_page(viewport=viewport)
    kinds = set()
    for offering in service_list_for(municipality=town):
        page.goto(base + f"/leistungen/{offering.slug}/")
        buttons = page.locator("main .rh-catalogue-start a.kern-btn")
        labels = buttons.all_inner_texts()
        assert labels, offering.slug
        assert "noch nicht verfügbar" not in main_text(page)
        kind = tuple(labels)
        if kind in kinds:
            continue
        kinds.add(kind)
        assert horizontal_overflow(page) == 0
        checked_page(page)
        # The first way, by keyboard: it leads to a page that offers what it promised.
        activate(page, buttons.first)
        if labels[0] == "Termin buchen":
            assert page.locator("h1").inner_text() == "Welche Leistungen benötigen Sie?"
            assert page.locator(f"input[name=services][value={offering.slug}]").is_checked()
            assert "Kein Standort bietet" not in main_text(page)
        elif labels[0] == "Kontakt aufnehmen":
            assert page.url.endswith("#kontakt")
            assert page.locator("#kontakt").is_visible()
        else:
            assert labels[0] == "Online starten" and "/anliegen/" in page.url
        checked_page(page)
    assert len(kinds) >= 3, kinds


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1280", "320"])
def test_english_pages_show_english_content(new_page, town_url, viewport):
    base = town_url()
    page = new_page(viewport=viewport)
    page.goto(base + "/")
    activate(page, "header a[hreflang=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(base + "/leistungen/personalausweis/")
    assert page.locator("h1").inner_text() == "Apply for an ID card (Personalausweis)"
    assert "Current ID card or passport" in main_text(page)
    assert "Closed on public holidays." in main_text(page)
    assert horizontal_overflow(page) == 0
    checked_page(page)
    activate(page, "footer a[href='/impressum/']")
    assert page.locator("main div[lang=en]").inner_text().startswith("Stadt Norderstedt")
    assert "Represented by the mayor." in main_text(page)
    checked_page(page)

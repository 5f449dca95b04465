"""The back office in headless Chromium, keyboard only, with axe on every page: from the town's
start page to the staff login with a TOTP code, the inbox with a filter, a case page and its actions
(take into review, request information, message), the access log and the statistics; in English at
320 px too."""

from __future__ import annotations

import re

import pytest

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.demo import DEMO_STAFF, STAFF_PASSWORD
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case, CaseReadLog

from .harness import NARROW, horizontal_overflow
from .helpers_focus import assert_focus_visible_everywhere
from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    focus,
    follow_error_link,
    main_text,
    submit_form,
    tab_to,
    type_into,
)
from .helpers_navigation import staff_log_in_from_start

pytestmark = pytest.mark.browser


def _demo_staff(slug: str, role: str):
    return next(row for row in DEMO_STAFF if row[0] == slug and row[1] == role)


def _choose(page, select: str, label: str) -> None:
    """Picks an option of a closed <select> by typing its label (the browser's type-ahead)."""
    focus(page, select)
    page.keyboard.type(label)
    chosen = page.evaluate(
        "(s) => { const e = document.querySelector(s); return e.options[e.selectedIndex].text; }",
        select,
    )
    assert chosen == label, chosen


def test_inbox_filter_case_action_read_log_and_statistics(new_page, town_url):
    base = town_url()
    _slug, _role, email, given, family, key = _demo_staff("norderstedt", StaffRole.ADMIN)
    page = new_page()
    staff_log_in_from_start(page, base, email=email, password=STAFF_PASSWORD, hex_key=key)

    # Inbox: all seven demo requests, then only the submitted one.
    assert page.locator("h1").inner_text() == "Posteingang"
    assert "7 Vorgänge gefunden" in main_text(page)
    checked_page(page)
    _choose(page, "#id_status", "eingereicht")
    tab_to(page, "main form.bo-filters button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "status=submitted" in page.url
    assert "1 Vorgang gefunden" in main_text(page)
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert "eingereicht" in rows.first.inner_text()
    assert "Laterne" not in rows.first.inner_text()  # subjects stay on the case page
    checked_page(page)
    reference = rows.first.locator("th a").inner_text().strip()
    assert re.match(r"^NOR-\d{4}-\d{6}$", reference)
    assert_focus_visible_everywhere(page)
    case = Case.objects.get(reference=reference)
    assert case.status == CaseStatus.SUBMITTED

    # "Assign to me" by keyboard: the table shares one form; the row's button names its case.
    activate(page, rows.first.locator("button[form=bo-assign]"))
    assert f"Sie sind jetzt für {reference} zuständig." in main_text(page)
    assert "status=submitted" in page.url  # back on the filtered inbox
    assert rows.first.locator("button").count() == 0
    checked_page(page)
    case.refresh_from_db()
    assert case.assignee is not None and case.assignee.email == email

    # The case page, then "take into review".
    activate(page, rows.first.locator("th a"))
    assert page.locator("h1").inner_text() == reference
    assert "Laterne defekt" in main_text(page)
    checked_page(page)
    review = f"main form[action='/verwaltung/faelle/{reference}/pruefen/'] button"
    activate(page, review)
    assert "Der Vorgang ist jetzt: in Bearbeitung." in main_text(page)
    assert "in Bearbeitung" in page.locator("main .kern-description-list").first.inner_text()
    assert page.locator(review).count() == 0
    checked_page(page)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW

    # Access log: both openings of the case by this admin, filtered by reference.
    activate(page, "nav.bo-nav a[href='/verwaltung/zugriffsprotokoll/']")
    assert page.locator("h1").inner_text() == "Zugriffsprotokoll"
    checked_page(page)
    type_into(page, "#id_reference", reference)
    page.keyboard.press("Enter")  # Enter in a text field submits its GET form
    page.wait_for_url(re.compile(r"reference="))
    log_rows = page.locator("main table tbody tr")
    assert log_rows.count() == CaseReadLog.objects.filter(reference=reference).count() == 2
    assert f"{given} {family}" in log_rows.first.inner_text()
    checked_page(page)

    # Statistics.
    activate(page, "nav.bo-nav a[href='/verwaltung/statistik/']")
    assert page.locator("h1").inner_text() == "Statistik"
    assert "Insgesamt 7 eingegangene Vorgänge." in main_text(page)
    row = page.locator("main table tbody tr", has_text="Allgemeines Anliegen")
    assert row.locator("td").last.inner_text() == "7"
    checked_page(page)


def test_back_office_in_english_at_320_px(new_page, town_url):
    base = town_url()
    _slug, _role, email, _g, _f, key = _demo_staff("norderstedt", StaffRole.ADMIN)
    page = new_page(viewport=NARROW, locale="en-GB")
    staff_log_in_from_start(page, base, email=email, password=STAFF_PASSWORD, hex_key=key)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text() == "Inbox"
    assert "7 cases found" in main_text(page)
    checked_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert horizontal_overflow(page) == 0

    _choose(page, "#id_assignee", "Nobody (unassigned)")
    submit_form(page, "main form.bo-filters")
    assert "assignee=" in page.url
    expected = Case.objects.filter(municipality__slug="norderstedt", assignee__isnull=True).exclude(
        status__in=[CaseStatus.DRAFT, CaseStatus.AWAITING_PAYMENT]
    )
    assert f"{expected.count()} case" in main_text(page)
    checked_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_focus_visible_everywhere(page)
    first = page.locator("main table tbody th a").first
    reference = first.inner_text().strip()
    activate(page, first)  # opening the case writes the access log's first entry
    assert page.locator("h1").inner_text() == reference
    checked_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    # Wide tables scroll inside a named region that takes focus (with a visible ring), so
    # keyboard users can scroll them; the page itself does not get wider.
    for link, heading, region in [
        ("/verwaltung/statistik/", "Statistics", "Cases per service and status"),
        ("/verwaltung/zugriffsprotokoll/", "Access log", "Case reads"),
    ]:
        activate(page, f"nav.bo-nav a[href='{link}']")
        assert page.locator("h1").inner_text() == heading
        checked_page(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        scroller = page.get_by_role("region", name=region)
        assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
        stops = assert_focus_visible_everywhere(page)
        assert any(stop["name"].startswith("div") for stop in stops)


def test_request_information_and_message_to_the_applicant(new_page, town_url):
    base = town_url()
    _slug, _role, email, given, family, key = _demo_staff("norderstedt", StaffRole.CLERK)
    page = new_page()
    staff_log_in_from_start(page, base, email=email, password=STAFF_PASSWORD, hex_key=key)
    case = Case.objects.get(municipality__slug="norderstedt", status=CaseStatus.IN_REVIEW)
    activate(page, f"main table a[href='/verwaltung/faelle/{case.reference}/']")
    assert page.locator("h1").inner_text() == case.reference
    checked_page(page)

    # Request information: the reason is required, so an empty send is an error first.
    activate(page, f"main a[href='/verwaltung/faelle/{case.reference}/nachfragen/']")
    assert page.locator("h1").inner_text() == "Informationen anfordern"
    checked_page(page)
    submit_form(page)
    assert_error_summary_focused(page)
    checked_page(page)
    assert follow_error_link(page) == "id_text"
    type_into(page, "#id_text", "Bitte nennen Sie den genauen Standort.")
    submit_form(page)
    assert page.url.endswith(f"/verwaltung/faelle/{case.reference}/")
    assert "Ihre Anforderung wurde gesendet." in main_text(page)
    assert "Rückfrage" in page.locator("main .kern-description-list").first.inner_text()
    checked_page(page)
    case.refresh_from_db()
    assert case.status == CaseStatus.INFO_REQUESTED

    # A message from the case page's own form, reached with Tab from the "Messages" heading.
    submit_form(page, f"main form[action='/verwaltung/faelle/{case.reference}/nachricht/']")
    assert_error_summary_focused(page)  # empty: the message page shows the error
    checked_page(page)
    type_into(page, "#id_message-text", "Wir melden uns nach der Ortsbesichtigung.")
    submit_form(page)
    assert page.url.endswith(f"/verwaltung/faelle/{case.reference}/")
    assert "Ihre Nachricht wurde gesendet." in main_text(page)
    postfach = page.locator("main .bo-postfach").inner_text()
    assert "Wir melden uns nach der Ortsbesichtigung." in postfach
    assert f"{given} {family}" in postfach
    checked_page(page)

"""The general request ("Allgemeines Anliegen") from the town's start page to the Postfach, by
clicking, keyboard only, with axe on every page, in German and English: question pages with a
validation error, check your answers with a "Change" round trip, the declaration, the confirmation
with its reference number, "My requests", the case page with its history, and a message to the town.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image

from rathaus.accounts.demo import CITIZEN_PASSWORD, DEMO_CITIZENS
from rathaus.accounts.models import email_digest as _digest
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case

from .harness import DESKTOP, NARROW, horizontal_overflow
from .helpers_focus import assert_focus_visible_everywhere
from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    assert_summary_actions_aligned,
    checked_page,
    focus,
    follow_error_link,
    main_text,
    submit_form,
    tab_order,
    type_into,
)
from .helpers_navigation import (
    log_in_with_password,
    open_my_requests,
    open_service_start,
    open_start_page,
)

pytestmark = pytest.mark.browser

KEY = "allgemeines-anliegen"
ERIKA = DEMO_CITIZENS[0]
REFERENCE = re.compile(r"^NOR-\d{4}-\d{6}$")


WORDS = {
    "de-DE": {
        "title": "Allgemeines Anliegen",
        "first_page": "Ihr Anliegen",
        "by_phone": "Per Telefon",
        "check": "Angaben prüfen",
        "subject": "Betreff",
        "submitted_title": "Anliegen eingereicht",
        "my_requests": "Meine Anliegen",
        "submitted": "eingereicht",
        "sent": "Ihre Nachricht wurde gesendet.",
    },
    "en-GB": {
        "title": "General request",
        "first_page": "Your request",
        "by_phone": "By phone",
        "check": "Check your answers",
        "subject": "Subject",
        "submitted_title": "Request submitted",
        "my_requests": "My requests",
        "submitted": "submitted",
        "sent": "Your message has been sent.",
    },
}


def _log_in_citizen(page, base: str) -> None:
    """Erika, from the start page with her e-mail address and password."""
    open_start_page(page, base)
    log_in_with_password(page, email=ERIKA["email"], password=CITIZEN_PASSWORD)


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_general_request_from_start_to_postfach(new_page, town_url, locale):
    words = WORDS[locale]
    base = town_url()
    page = new_page(locale=locale)
    _log_in_citizen(page, base)
    open_service_start(page, KEY)
    assert page.locator("h1").inner_text() == words["title"]
    checked_page(page)
    activate(page, "main form button[type=submit]")

    # First question page: an empty submit shows the error summary, which takes focus.
    assert page.url.endswith("/anliegen/"), page.url
    assert page.locator("h1").inner_text() == words["first_page"]
    checked_page(page)
    assert_focus_visible_everywhere(page)
    tab_order(
        page,
        ["#id_subject", "#id_message", "#id_add_file", "main form button[type=submit]"],
    )
    submit_form(page)
    assert_error_summary_focused(page)
    assert page.locator("[data-error-summary] li").count() == 2
    checked_page(page)
    assert follow_error_link(page) == "id_subject"
    type_into(page, "#id_subject", "Bank am Teich")
    type_into(page, "#id_message", "Die Bank am Stadtparkteich ist beschädigt.\nBitte reparieren.")
    submit_form(page)

    # How should we reply: radio buttons chosen with the arrow keys.
    assert page.url.endswith("/kontakt/")
    checked_page(page)
    focus(page, "#id_contact_preference_0")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_contact_preference_1").is_checked()
    assert page.locator("label[for=id_contact_preference_1]").inner_text() == words["by_phone"]
    submit_form(page)

    # The phone page only appears because "by phone" was chosen.
    assert page.url.endswith("/telefon/")
    checked_page(page)
    type_into(page, "#id_phone", "040 5550123")
    submit_form(page)

    assert page.url.endswith("/angaben/")
    checked_page(page)
    type_into(page, "#id_applicant_name", "Erika Mustermann")
    submit_form(page)

    # Check your answers, then change the subject and come straight back.
    assert page.url.endswith("/pruefen/")
    assert page.locator("h1").inner_text() == words["check"]
    summary = page.locator("main .rh-summary-list")
    assert "Bank am Teich" in summary.inner_text()
    assert "040 5550123" in summary.inner_text()
    # The message keeps its line break on the check page.
    assert "beschädigt.\nBitte reparieren." in summary.inner_text()
    assert_summary_actions_aligned(page)
    checked_page(page)
    activate(page, summary.locator("a", has_text=words["subject"]))
    assert "?pruefen=1" in page.url
    assert page.locator("#id_subject").input_value() == "Bank am Teich"
    checked_page(page)
    type_into(page, "#id_subject", "Beschädigte Bank am Teich")
    submit_form(page)
    assert page.url.endswith("/pruefen/")
    assert "Beschädigte Bank am Teich" in page.locator("main .rh-summary-list").inner_text()

    # The declaration is required: one error, then ticked with Space.
    submit_form(page)
    assert_error_summary_focused(page)
    checked_page(page)
    assert follow_error_link(page) == "id_declaration"
    page.keyboard.press("Space")
    assert page.locator("#id_declaration").is_checked()
    submit_form(page)

    # Confirmation with the reference number.
    assert "/anliegen/eingereicht/" in page.url
    assert page.locator("h1").inner_text() == words["submitted_title"]
    reference = page.locator(".rh-reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    checked_page(page)
    case = Case.objects.get(reference=reference)
    assert case.status == CaseStatus.SUBMITTED
    assert case.answers["subject"] == "Beschädigte Bank am Teich"
    assert case.answers["contact_preference"] == "phone"

    # My requests lists it; its page shows the history.
    activate(page, "main a[href='/anliegen/meine/']")
    assert page.locator("h1").inner_text() == words["my_requests"]
    checked_page(page)
    row = page.locator("main table tbody tr", has_text=reference)
    assert row.count() == 1
    assert words["title"] in row.inner_text()
    assert words["submitted"] in row.inner_text()
    activate(page, row.locator("a"))
    assert page.locator("h1").inner_text() == reference
    assert f"Status: {words['submitted']}" in main_text(page)
    timeline = page.locator(".rh-timeline li").first.inner_text().lower()
    assert timeline.endswith(words["submitted"])
    checked_page(page)

    # Postfach: an empty message is an error; then the message is sent and listed.
    submit_form(page, "main form[enctype]")
    assert_error_summary_focused(page)
    checked_page(page)
    assert follow_error_link(page) == "id_body"
    type_into(page, "#id_body", "Ich kann Fotos nachreichen.")
    submit_form(page, "main form[enctype]")
    assert page.locator("h1").inner_text() == reference
    assert words["sent"] in main_text(page)
    assert "Ich kann Fotos nachreichen." in page.locator(".rh-postfach").inner_text()
    checked_page(page)
    assert case.messages.count() == 1


def test_start_page_in_english_at_320_px(new_page, town_url):
    page = new_page(viewport=NARROW, locale="en-GB")
    open_start_page(page, town_url())
    open_service_start(page, KEY)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text() == "General request"
    checked_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert horizontal_overflow(page) == 0

    # Anonymous visitors can start too; the first question page also reflows.
    activate(page, "main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Your request"
    checked_page(page)
    submit_form(page)
    assert_error_summary_focused(page)
    assert page.title().startswith("Error: ")
    checked_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_attachment_page_and_withdrawing_a_request(new_page, town_url, tmp_path):
    base = town_url()
    page = new_page()
    _log_in_citizen(page, base)
    open_my_requests(page)
    # At 320 px the list scrolls inside its own focusable region; the page does not overflow.
    page.set_viewport_size(NARROW)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert page.get_by_role("region", name="Ihre eingereichten Anliegen").is_visible()
    assert_focus_visible_everywhere(page)
    page.set_viewport_size(DESKTOP)
    own = Case.objects.filter(
        municipality__slug="norderstedt", applicant__email_digest=_digest(ERIKA["email"])
    ).exclude(status=CaseStatus.DRAFT)
    rows = page.locator("main table tbody tr")
    assert rows.count() == own.count() > 0
    checked_page(page)

    # A submitted demo request: withdraw it with a reason.
    case = own.get(status=CaseStatus.SUBMITTED)
    activate(page, f"main table a[href='/anliegen/meine/{case.reference}/']")
    checked_page(page)
    activate(page, f"main a[href='/anliegen/meine/{case.reference}/zurueckziehen/']")
    assert page.locator("h1").inner_text() == "Anliegen zurückziehen"
    checked_page(page)
    tab_order(page, ["#id_reason", "main form[method=post] button[type=submit]"])
    type_into(page, "#id_reason", "Die Laterne leuchtet wieder.")
    submit_form(page)
    assert page.url.endswith(f"/anliegen/meine/{case.reference}/")
    assert "Ihr Anliegen wurde zurückgezogen." in main_text(page)
    assert "Status: zurückgezogen" in main_text(page)
    assert "Die Laterne leuchtet wieder." in page.locator(".rh-timeline").inner_text()
    checked_page(page)
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN

    # A new request with "add a file" ticked (Space) gets the file page, which is optional.
    open_service_start(page, KEY)
    activate(page, "main form button[type=submit]")
    type_into(page, "#id_subject", "Foto vom Schlagloch")
    type_into(page, "#id_message", "Das Foto zeigt das Schlagloch.")
    focus(page, "#id_add_file")
    page.keyboard.press("Space")
    assert page.locator("#id_add_file").is_checked()
    submit_form(page)
    assert page.url.endswith("/anhang/"), page.url
    assert page.locator("h1").inner_text() == "Datei hinzufügen"
    checked_page(page)
    tab_order(page, ["#id_attachment", "main form button[type=submit]"])
    submit_form(page, "main form[enctype]")  # no file chosen: an error
    assert_error_summary_focused(page)
    checked_page(page)
    assert follow_error_link(page) == "id_attachment"
    # The operating system's file dialog is out of the page's reach; hand the file to the input.
    photo = tmp_path / "schlagloch.png"
    Image.new("RGB", (40, 30), (120, 120, 120)).save(photo)
    page.locator("#id_attachment").set_input_files(str(photo))
    submit_form(page, "main form[enctype]")
    assert page.url.endswith("/kontakt/"), main_text(page)
    draft = Case.objects.get(public_id=page.url.split("/")[-3])
    assert draft.attachments.get().original_name == "schlagloch.png"
    # Back to the file page through the back link, by keyboard.
    activate(page, "main a.rh-back-link")
    assert page.url.endswith("/anhang/")
    checked_page(page)

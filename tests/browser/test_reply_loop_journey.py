"""Issue 12, item 4, the reply loop, in headless Chromium by keyboard only with axe on every page:
a citizen asks a general question and chooses a reply by e-mail (the address is offered from the
account), a clerk answers it on the confirmation page (an empty answer is an error first), and
the citizen reads the answer under "Meine Anliegen"; the reply letter and the e-mail carry it.
The clerk's pages are also checked at 320 px. Both start on the town's start page and go by
clicking."""

from __future__ import annotations

import io

import pypdf
import pytest

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.demo import CITIZEN_PASSWORD, DEMO_CITIZENS, DEMO_STAFF, STAFF_PASSWORD
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.documents.models import IssuedDocument
from rathaus.documents.selectors import issued_document_content
from rathaus.notifications.models import OutboxMessage

from .harness import DESKTOP, NARROW, horizontal_overflow
from .helpers_focus import assert_focus_visible_everywhere
from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    focus,
    follow_error_link,
    main_text,
    submit_form,
    type_into,
)
from .helpers_navigation import (
    log_in_with_password,
    open_backoffice_case,
    open_my_requests,
    open_service_start,
    open_start_page,
    staff_log_in_from_start,
)

pytestmark = pytest.mark.browser

KEY = "allgemeines-anliegen"
ERIKA = DEMO_CITIZENS[0]
ANSWER = "Der Grünschnitt wird jeden zweiten Montag abgeholt."


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert horizontal_overflow(page) == 0


def test_question_answered_by_email_through_the_confirmation_page(
    new_page, town_url, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    base = town_url()

    # --- the citizen asks, choosing a reply by e-mail ---------------------------------------
    page = new_page()
    open_start_page(page, base)
    log_in_with_password(page, email=ERIKA["email"], password=CITIZEN_PASSWORD)
    open_service_start(page, KEY)
    activate(page, "main form button[type=submit]")
    checked_page(page)
    type_into(page, "#id_subject", "Grünschnitt")
    type_into(page, "#id_message", "Wann wird der Grünschnitt abgeholt?")
    submit_form(page)
    assert page.url.endswith("/kontakt/")
    checked_page(page)
    focus(page, "#id_contact_preference_0")
    page.keyboard.press("Space")
    assert page.locator("#id_contact_preference_0").is_checked()  # by e-mail
    submit_form(page)

    # The reply address is asked, offered from the account, and checked.
    assert page.url.endswith("/e-mail/"), page.url
    assert page.locator("h1").inner_text() == "Ihre E-Mail-Adresse"
    assert page.locator("#id_email").input_value() == ERIKA["email"]
    assert "Benutzerkonto" in main_text(page)  # the pre-fill notice
    checked_page(page)
    type_into(page, "#id_email", "keine-adresse")
    submit_form(page)
    assert_error_summary_focused(page)
    checked_page(page)
    assert follow_error_link(page) == "id_email"
    type_into(page, "#id_email", ERIKA["email"])
    submit_form(page)

    assert page.url.endswith("/angaben/")
    checked_page(page)
    submit_form(page)  # the name, offered from the account
    assert page.url.endswith("/pruefen/")
    summary = page.locator("main .rh-summary-list").inner_text()
    assert ERIKA["email"] in summary and "Per E-Mail" in summary
    checked_page(page)
    focus(page, "#id_declaration")
    page.keyboard.press("Space")
    submit_form(page)
    reference = page.locator(".rh-reference").inner_text().strip()
    case = Case.objects.get(reference=reference)
    assert case.answers["email"] == ERIKA["email"]

    # --- the clerk answers on the confirmation page ------------------------------------------
    _slug, _role, email, _given, _family, key = next(
        row for row in DEMO_STAFF if row[0] == "norderstedt" and row[1] == StaffRole.CLERK
    )
    case_url = f"/verwaltung/faelle/{reference}/"
    clerk = new_page()
    staff_log_in_from_start(clerk, base, email=email, password=STAFF_PASSWORD, hex_key=key)
    open_backoffice_case(clerk, reference)
    assert clerk.url.endswith(case_url)
    assert ERIKA["email"] in main_text(clerk)  # the reply address on the case page
    activate(clerk, f"main form[action='{case_url}pruefen/'] button")
    assert clerk.locator(f"main a[href='{case_url}genehmigen/']").inner_text() == "Beantworten"
    assert "Genehmigen" not in main_text(clerk)
    checked_page(clerk)
    activate(clerk, f"main a[href='{case_url}genehmigen/']")
    assert clerk.locator("h1").inner_text() == "Anliegen beantworten"
    text = main_text(clerk)
    assert f"Per E-Mail an {ERIKA['email']}" in text
    assert "von „in Bearbeitung“ zu „beantwortet“" in text or "„beantwortet“" in text
    checked_page(clerk)
    assert_focus_visible_everywhere(clerk)
    # Nothing happens without the answer.
    submit_form(clerk)
    assert_error_summary_focused(clerk)
    checked_page(clerk)
    assert follow_error_link(clerk) == "id_text"
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    # At 320 px the page reflows.
    clerk.set_viewport_size(NARROW)
    _fits(clerk, NARROW["width"])
    checked_page(clerk)
    clerk.set_viewport_size(DESKTOP)
    OutboxMessage.objects.all().delete()
    type_into(clerk, "#id_text", ANSWER)
    submit_form(clerk)
    assert clerk.url.endswith(case_url)
    assert "Das Anliegen wurde beantwortet." in main_text(clerk)
    assert "„Antwortschreiben“ wurde ausgestellt" in main_text(clerk)
    history = clerk.locator(".bo-history").inner_text()
    assert "beantwortet" in history and ANSWER in history
    checked_page(clerk)
    clerk.set_viewport_size(NARROW)
    _fits(clerk, NARROW["width"])

    # The letter and the e-mail carry the answer.
    document = IssuedDocument.objects.get(case=case)
    pdf = pypdf.PdfReader(io.BytesIO(issued_document_content(document=document)))
    letter = "".join(p.extract_text() for p in pdf.pages)
    assert "Grünschnitt wird jeden zweiten Montag" in letter.replace("\n", " ")
    mail = OutboxMessage.objects.get()
    assert mail.recipients == ERIKA["email"] and ANSWER in mail.body

    # --- the citizen reads it under "Meine Anliegen" -------------------------------------------
    open_my_requests(page)
    row = page.locator("main table tbody tr", has_text=reference)
    assert "beantwortet" in row.inner_text()
    checked_page(page)
    activate(page, row.locator("a"))
    assert "Status: beantwortet" in main_text(page)
    assert ANSWER in page.locator(".rh-timeline").inner_text()
    checked_page(page)
    page.set_viewport_size(NARROW)
    _fits(page, NARROW["width"])
    checked_page(page)

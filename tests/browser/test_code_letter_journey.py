"""The code letter on a waiting Anmeldung (§23a(3) BMG), in the browser: the applicant opens the
waiting case, reaches "Enter the code from the letter" by keyboard, types a wrong code (a clear
message in the page's language, the input kept, axe clean on the error state), then the letter's
code, and the registration completes. Keyboard only, axe on every page, at 320 px and on the
desktop, German and English."""

from __future__ import annotations

import pytest

from rathaus.accounts.demo import demo_citizens, demo_identity, demo_staff_devices
from rathaus.accounts.models import User, email_digest
from rathaus.accounts.services import identity_record
from rathaus.cases.constants import CaseStatus
from rathaus.documents.models import IssuedDocument
from rathaus.procedures.anmeldung import services as anmeldung_services
from rathaus.register.constants import AssignmentCodeKind
from rathaus.register.models import AssignmentCode
from rathaus.tenants.models import Municipality
from tests.procedures.anmeldung_helpers import anmeldung_pages, draft, fill, submit

from .harness import DESKTOP, NARROW, horizontal_overflow
from .helpers_keyboard import (
    assert_error_summary_focused,
    checked_page,
    focus,
    follow_error_link,
    main_text,
    submit_form,
    tab_to,
    type_into,
)
from .helpers_navigation import follow, open_my_case, open_start_page

pytestmark = pytest.mark.browser

TEXTS = {
    "de-DE": {
        "action": "Code aus dem Brief eingeben",
        "unknown": "Diesen Code kennen wir nicht",
        "done": "Ihre Anmeldung ist abgeschlossen",
    },
    "en-GB": {
        "action": "Enter the code from the letter",
        "unknown": "We do not know this code",
        "done": "Your registration is complete",
    },
}
WRONG_CODE = "ABCD-EFGH-2345"


def _waiting_case():
    """Max Mustermann (the demo BundID's second resident) registers in Norderstedt asking for a
    code letter; a clerk of the town sends it. Returns the case and the letter's code."""
    town = Municipality.objects.get(slug="norderstedt")
    max_ = next(u for u in demo_citizens() if u.given_name == "Max")
    max_ = identity_record(user=max_, identity=demo_identity(max_))
    case = draft(town, max_, "anmeldung")
    assert fill(case, max_, anmeldung_pages(method="letter")) is None
    case = submit(case, max_)
    assert case.status == CaseStatus.SUBMITTED
    clerk_email = next(
        email for slug, role, email, _key in demo_staff_devices() if slug == "norderstedt"
    )
    clerk = User.objects.get(email_digest=email_digest(clerk_email))
    anmeldung_services.code_letter_issue(case=case, actor=clerk)
    code = AssignmentCode.objects.get(issued_for=case, kind=AssignmentCodeKind.CODE_LETTER).code
    case.refresh_from_db()
    assert case.stage == "code_letter_sent"
    return case, code


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["320px", "desktop"])
@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_the_applicant_enters_the_letters_code_on_the_waiting_case(
    new_page, town_url, locale, viewport
):
    texts = TEXTS[locale]
    base = town_url()
    case, code = _waiting_case()
    case_path = f"/anliegen/meine/{case.reference}/"
    code_path = f"{case_path}codebrief/"

    page = new_page(locale=locale, viewport=viewport)
    # From the start page: "Log in", the identity provider, the demo BundID's Max Mustermann,
    # then "My requests" and the case.
    open_start_page(page, base)
    follow(page, "header nav a[href*='/konto/anmelden/']")
    follow(page, "main a[href*='/konto/identifizieren/']")
    follow(page, "main a[href*='/konto/demo/bundid/']")
    focus(page, "#resident-2")
    page.keyboard.press("Space")
    submit_form(page)
    checked_page(page)
    open_my_case(page, case.reference)
    assert page.url.endswith(case_path)
    assert horizontal_overflow(page) == 0

    # From the top of the case page, Tab reaches the action; Enter opens the code page.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    action = f"main a[href$='{code_path}']"
    assert page.locator(action).inner_text().strip() == texts["action"]
    tab_to(page, action)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.url.endswith(code_path)
    assert page.locator("main h1").inner_text() == texts["action"]
    checked_page(page)
    assert horizontal_overflow(page) == 0

    # A wrong code: the error summary takes focus, says why in the page's language, links to
    # the field; the input is kept; the error state is axe clean and reflows at 320 px.
    type_into(page, "#id_code", WRONG_CODE)
    submit_form(page)
    assert page.url.endswith(code_path)
    assert_error_summary_focused(page)
    assert page.title().startswith("Fehler: " if locale == "de-DE" else "Error: ")
    summary = page.locator("[data-error-summary]").inner_text()
    assert texts["unknown"] in summary
    assert texts["unknown"] in page.locator("#id_code_error").inner_text()
    assert page.locator("#id_code").input_value() == WRONG_CODE
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    checked_page(page)
    assert horizontal_overflow(page) == 0
    assert follow_error_link(page) == "id_code"
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.stage == "code_letter_sent"

    # The letter's code, typed as printed: the registration completes as the exact case.
    type_into(page, "#id_code", f"{code[:4]}-{code[4:8]}-{code[8:]}")
    submit_form(page)
    assert page.url.endswith(case_path)
    assert texts["done"] in main_text(page)
    checked_page(page)
    assert horizontal_overflow(page) == 0
    assert page.locator(f"main a[href$='{code_path}']").count() == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.stage == "code_letter_entered"
    document = IssuedDocument.objects.get(case=case, document_type="meldebestaetigung")
    assert page.locator(f"main a[href*='{document.public_id}']").count() == 1
    # Done: the page is no longer there (typed on purpose: a bookmark of the old address).
    assert page.goto(f"{base}{code_path}").status == 404

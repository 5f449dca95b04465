"""The four-eyes decision in headless Chromium, keyboard only, with axe on every page: a first
clerk (Nora Klein) has approved a general request; a second clerk logs in from the town's start
page, opens the case from the inbox, finds the first approval noted, opens the decision form —
in that state, with the note about the first approval and the first clerk's text in the field —
and confirms it by keyboard; the reply letter is issued. In German at 1280 px and in English at
320 px (no horizontal scrolling)."""

from __future__ import annotations

import pytest

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.demo import DEMO_STAFF, STAFF_PASSWORD
from rathaus.accounts.models import User, email_digest
from rathaus.cases import services as case_services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import CaseApproval
from rathaus.cases.selectors import case_decision_text
from rathaus.documents.models import IssuedDocument
from rathaus.tenants.models import Municipality
from tests.backoffice.conftest import GENERAL, case_make

from .harness import DESKTOP, NARROW
from .helpers_focus import assert_focus_visible_everywhere
from .helpers_keyboard import (
    activate,
    active_matches,
    checked_page,
    main_text,
    submit_form,
    tab_to,
)
from .helpers_navigation import open_backoffice_case, staff_log_in_from_start

pytestmark = pytest.mark.browser

FIRST_TEXT = "Die Laterne wird am Montag repariert."
TEXTS = {
    "de-DE": {
        "needs_two": "Diese Leistung braucht zwei Freigaben durch verschiedene",
        "first": "Erste Freigabe durch Nora Klein am",
        "field": "Ihr Text steht im Feld unten",
        "confirm": "Freigabe bestätigen",
        "heading": "Anliegen beantworten",
        "done": "Das Anliegen wurde beantwortet.",
    },
    "en-GB": {
        "needs_two": "This service needs two approvals by different clerks.",
        "first": "First approval by Nora Klein on",
        "field": "Their text is in the field below",
        "confirm": "Confirm approval",
        "heading": "Answer the request",
        "done": "The request has been answered.",
    },
}


def _staff(role: str):
    return next(row for row in DEMO_STAFF if row[0] == "norderstedt" and row[1] == role)


def _first_clerks_approval():
    """A general request in review that Nora Klein (clerk) has approved once."""
    town = Municipality.objects.get(slug="norderstedt")
    nora = User.objects.get(email_digest=email_digest(_staff(StaffRole.CLERK)[2]))
    case = case_make(municipality=town, name="Paula Laterne", subject="Laterne defekt")
    case_services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=nora)
    case, moved = case_services.case_decide(
        case=case, actor=nora, to_status=CaseStatus.APPROVED, text=FIRST_TEXT
    )
    assert not moved and CaseApproval.objects.filter(case=case, clerk=nora).exists()
    return case


@pytest.mark.parametrize(("locale", "viewport"), [("de-DE", DESKTOP), ("en-GB", NARROW)])
def test_the_second_clerk_confirms_a_first_approval_by_keyboard(
    new_page, town_url, settings, tmp_path, procedure_variant, locale, viewport
):
    texts = TEXTS[locale]
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    base = town_url()
    procedure_variant(GENERAL, four_eyes=True)
    case = _first_clerks_approval()
    case_url = f"/verwaltung/faelle/{case.reference}/"
    _slug, _role, email, _given, _family, key = _staff(StaffRole.ADMIN)

    page = new_page(locale=locale, viewport=viewport)
    staff_log_in_from_start(page, base, email=email, password=STAFF_PASSWORD, hex_key=key)
    assert page.evaluate("document.documentElement.lang") == locale[:2]
    open_backoffice_case(page, case.reference)
    assert page.url.endswith(case_url)
    # The case page notes the first approval and offers the confirmation.
    text = main_text(page)
    assert texts["needs_two"] in text and texts["first"] in text
    confirm = f"main a[href='{case_url}genehmigen/']"
    assert page.locator(confirm).inner_text().strip() == texts["confirm"]
    checked_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    # The decision form in that state: the note about the first approval, the first clerk's
    # text in the field, reached and confirmed by keyboard.
    activate(page, confirm)
    assert page.url.endswith(f"{case_url}genehmigen/")
    assert page.locator("h1").inner_text() == texts["heading"]
    text = main_text(page)
    assert texts["first"] in text and texts["field"] in text and texts["needs_two"] in text
    checked_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_focus_visible_everywhere(page)
    page.evaluate("document.activeElement && document.activeElement.blur()")  # from the top
    tab_to(page, "#id_text")
    assert active_matches(page, "#id_text")
    assert page.locator("#id_text").input_value() == FIRST_TEXT
    submit_form(page)

    # Confirmed: the case is answered with the first clerk's text and the letter is issued.
    assert page.url.endswith(case_url)
    assert texts["done"] in main_text(page)
    checked_page(page)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert IssuedDocument.objects.filter(case=case).count() == 1
    assert case_decision_text(case=case, status=CaseStatus.APPROVED) == FIRST_TEXT

"""The other parent agrees online (§1687 BGB), in the browser: Erika Mustermann moves within the
town with her daughter Paula alone, chooses "The other parent agrees online", picks Paula's
father Hans from the register and submits; the confirmation shows the consent code and the link
to pass on. Hans opens the link, logs in with the demo BundID (eID), sees only the child, the new
address, the date and Erika's name, forgets to answer (the error summary takes focus), agrees,
and Erika's registration completes. Before that, Erika gets a new code by keyboard (the first
one "got lost"): the link she passes on is the new one. Keyboard only, axe on every page, German
and English."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.documents.models import IssuedDocument
from rathaus.register.constants import AssignmentCodeKind
from rathaus.register.services import Address, assignment_code_issue
from rathaus.tenants.models import Municipality

from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    focus,
    main_text,
    submit_form,
    type_into,
)
from .helpers_navigation import begin_procedure, follow, open_my_case

pytestmark = pytest.mark.browser
TODAY = timezone.localdate().strftime("%d.%m.%Y")
TEXTS = {
    "de-DE": {
        "waiting": "Wartet auf die Zustimmung des anderen Elternteils",
        "question": "Stimmen Sie dem Umzug zu?",
        "missing": "Wählen Sie, ob Sie dem Umzug zustimmen.",
        "done": "Vielen Dank: Ihre Zustimmung ist festgehalten",
        "agreed": "Der andere Elternteil hat online zugestimmt.",
        "renewed": "Unten steht ein neuer Zustimmungscode.",
    },
    "en-GB": {
        "waiting": "Waiting for the other parent's consent",
        "question": "Do you agree to the move?",
        "missing": "Select whether you agree to the move.",
        "done": "Thank you: your consent is recorded",
        "agreed": "The other parent has agreed online.",
        "renewed": "A new consent code is ready below.",
    },
}
LINK = re.compile(r"(https?://\S+/anliegen/zustimmung/\?code=[A-Z2-9-]+)")


def _radio(page, selector):
    focus(page, selector)
    page.keyboard.press("Space")


def _box_for(page, text: str) -> str:
    """The checkbox or radio button whose label names ``text``."""
    return "#" + page.locator(f"main label:has-text('{text}')").first.get_attribute("for")


def _erika_registers_paula(page, base, locale) -> str:
    begin_procedure(page, base, "ummeldung")  # Erika Mustermann
    assert page.url.endswith("/wohnung/")
    checked_page(page)
    type_into(page, "#id_street", "Buchenweg")
    type_into(page, "#id_house_number", "8")
    type_into(page, "#id_postal_code", "22844")
    type_into(page, "#id_moved_in", TODAY)
    _radio(page, "#id_kind_0")
    submit_form(page)

    assert page.url.endswith("/vorher/")
    checked_page(page)
    _radio(page, "#id_previous_place_0")  # her address from the register stays
    submit_form(page)

    assert page.url.endswith("/person/")
    checked_page(page)
    _radio(page, "#id_sex_0")
    type_into(page, "#id_nationality", "deutsch")
    _radio(page, "#id_id_kind_0")
    submit_form(page)

    assert page.url.endswith("/familie/")
    checked_page(page)
    _radio(page, _box_for(page, "Paula Mustermann"))  # her daughter only, not Hans
    _radio(page, "#id_others_moving_1")
    submit_form(page)

    assert page.url.endswith("/sorgerecht/")
    checked_page(page)
    _radio(page, "#id_custody_2")  # the other parent agrees online
    submit_form(page)

    assert page.url.endswith("/anderer-elternteil/")
    checked_page(page)
    assert "Hans Mustermann, 03.05.1962" in main_text(page)  # from the register
    _radio(page, "#id_other_parent_0")
    submit_form(page)

    assert page.url.endswith("/bestaetigung/")
    checked_page(page)
    _radio(page, "#id_method_0")
    code = assignment_code_issue(
        municipality=Municipality.objects.get(slug="norderstedt"),
        kind=AssignmentCodeKind.LANDLORD,
        address=Address("Buchenweg", "8", "22844", "Norderstedt"),
        moved_in=timezone.localdate(),
        persons=[("Erika", "Mustermann"), ("Paula", "Mustermann")],
    ).code
    type_into(page, "#id_code", code)
    submit_form(page)

    assert page.url.endswith("/pruefen/")
    checked_page(page)
    assert "Hans Mustermann" in main_text(page)
    _radio(page, "#id_declaration")
    submit_form(page)
    assert "/anliegen/eingereicht/" in page.url
    checked_page(page)
    text = main_text(page)
    link = LINK.search(text)
    assert link is not None, text
    return link.group(1)


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_the_other_parent_agrees_online_and_the_move_completes(new_page, town_url, locale):
    texts = TEXTS[locale]
    base = town_url()
    erika_page = new_page(locale=locale)
    link = _erika_registers_paula(erika_page, base, locale)
    case = Case.objects.get(procedure_key="ummeldung")
    assert case.status == CaseStatus.SUBMITTED and case.stage == "consent_awaited"
    open_my_case(erika_page, case.reference)
    assert texts["waiting"] in main_text(erika_page)
    assert link.split("=", 1)[1] in main_text(erika_page)
    checked_page(erika_page)
    # The code got lost: Erika gets a new one by keyboard; the old one no longer works.
    activate(
        erika_page, f"main form[action='/anliegen/meine/{case.reference}/zustimmungscode/'] button"
    )
    checked_page(erika_page)
    assert texts["renewed"] in main_text(erika_page)
    renewed = LINK.search(main_text(erika_page))
    assert renewed is not None and renewed.group(1) != link
    link = renewed.group(1)

    # Hans opens the link he was given; the page asks for a login with the online ID.
    page = new_page(locale=locale)
    page.goto(link)
    checked_page(page)
    follow(page, "main a[href*='/konto/identifizieren/']")
    follow(page, "main a[href*='/konto/demo/bundid/']")
    focus(page, "#resident-4")  # Hans Mustermann
    page.keyboard.press("Space")
    submit_form(page)
    checked_page(page)
    assert "/anliegen/zustimmung/" in page.url
    assert page.locator("#id_code").input_value() == link.split("=", 1)[1]
    submit_form(page)

    # Only what he needs: the child, the new address, the date, who registers.
    checked_page(page)
    assert page.locator("main h1").inner_text() == texts["question"]
    shown = main_text(page)
    assert "Paula Mustermann" in shown and "Buchenweg 8" in shown and "Erika Mustermann" in shown
    assert case.reference not in shown and "21.09.2014" not in shown
    submit_form(page)  # no answer chosen
    assert_error_summary_focused(page)
    assert page.title().startswith("Fehler: " if locale == "de-DE" else "Error: ")
    assert texts["missing"] in page.locator("[data-error-summary]").inner_text()
    checked_page(page)
    _radio(page, "#id_answer_0")
    submit_form(page)
    checked_page(page)
    assert page.locator("main h1").inner_text() == texts["done"]

    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    document = IssuedDocument.objects.get(case=case, document_type="meldebestaetigung")
    open_my_case(erika_page, case.reference)
    assert texts["agreed"] in main_text(erika_page)
    assert erika_page.locator(f"main a[href*='{document.public_id}']").count() == 1

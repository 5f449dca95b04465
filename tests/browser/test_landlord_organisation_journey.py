"""A housing company's member confirms a move-in in the organisation's name: from the town's start
page, "Log in" with e-mail, password and the authenticator's code, the service's "Start online",
the landlord page showing the organisation, the dwelling, the persons, check and submit; the system
takes it at once and the PDF verifies on /pruefen/. Keyboard only, axe on every page, German and
English."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rathaus.accounts import demo
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case, CaseEvent
from rathaus.documents.models import IssuedDocument

from .helpers_keyboard import checked_page, focus, main_text, submit_form, totp_code, type_into
from .helpers_navigation import (
    follow,
    open_document_check,
    open_my_case,
    open_service,
    open_start_page,
)

pytestmark = pytest.mark.browser
ORGANISATION = demo.DEMO_LANDLORD_ORGANISATIONS[0]
EMAIL, _GIVEN, _FAMILY = ORGANISATION["member"]
CONFIRMED_BY = {
    "de-DE": "Im Namen des Wohnungsgebers bestätigt von",
    "en-GB": "Confirmed in the landlord's name by",
}


def _radio(page, selector):
    focus(page, selector)
    page.keyboard.press("Space")


def _log_in_with_code(page, base):
    open_start_page(page, base)
    follow(page, "header nav a[href*='/konto/anmelden/']")
    type_into(page, "#id_email", EMAIL)
    type_into(page, "#id_password", demo.LANDLORD_PASSWORD)
    submit_form(page)
    assert page.url.endswith("/konto/anmelden/code/"), main_text(page)
    checked_page(page)
    type_into(page, "#id_code", totp_code(hex_key=ORGANISATION["totp_key"]))
    submit_form(page)
    assert "/konto/anmelden/" not in page.url, main_text(page)
    checked_page(page)


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_a_member_confirms_a_move_in_for_the_organisation(new_page, town_url, locale):
    base = town_url()
    page = new_page(locale=locale)
    _log_in_with_code(page, base)
    open_service(page, "wohnungsgeberbestaetigung")
    follow(page, ".rh-catalogue-start a.kern-btn--primary")  # "Start online"
    assert "/start/" in page.url, main_text(page)
    submit_form(page)  # "Start now"

    assert page.url.endswith("/wohnungsgeber/")
    checked_page(page)
    text = main_text(page)
    assert ORGANISATION["name"] in text and ORGANISATION["register_number"] in text
    assert page.locator("#id_landlord_name").count() == 0
    _radio(page, "#id_owner_differs_1")
    submit_form(page)

    assert page.url.endswith("/wohnung/")
    checked_page(page)
    type_into(page, "#id_street", "Ohechaussee")
    type_into(page, "#id_house_number", "17")
    type_into(page, "#id_postal_code", "22848")
    type_into(page, "#id_moved_in", timezone.localdate().strftime("%d.%m.%Y"))
    submit_form(page)

    assert "/personen/neu/" in page.url
    checked_page(page)
    type_into(page, "#id_given_names", "Max")
    type_into(page, "#id_family_name", "Mustermann")
    submit_form(page)
    checked_page(page)
    _radio(page, "#id_add_another_1")
    submit_form(page)

    assert page.url.endswith("/pruefen/")
    checked_page(page)
    summary = main_text(page)
    assert ORGANISATION["name"] in summary and CONFIRMED_BY[locale] in summary
    _radio(page, "#id_declaration")
    submit_form(page)
    assert "/anliegen/eingereicht/" in page.url
    checked_page(page)

    case = Case.objects.get(procedure_key="wohnungsgeberbestaetigung")
    assert case.status == CaseStatus.APPROVED
    assert CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED).rule == (
        "landlord-organisation"
    )
    assert case.applicant_name == ORGANISATION["name"]
    document = IssuedDocument.objects.get(case=case)
    open_my_case(page, case.reference)
    assert page.locator(f"main a[href*='{document.public_id}']").count() == 1
    open_document_check(page)
    type_into(page, "#id_code", document.verification_code)
    submit_form(page)
    checked_page(page)
    assert document.verification_code[:4] in page.url

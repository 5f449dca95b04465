"""The landlord confirms a move-in online and gets the assignment code; a family of three
registers with it and the system decides at once; the Meldebestätigung verifies on /pruefen/;
a family moves within the town with the family pre-filled from the register. Each visitor starts
on the town's start page and goes by clicking; keyboard only, axe on every page, German and
English."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.documents.models import IssuedDocument
from rathaus.register.constants import AssignmentCodeKind
from rathaus.register.models import Person
from rathaus.register.selectors import assignment_code_for_case
from rathaus.register.services import Address, assignment_code_issue

from .helpers_keyboard import checked_page, focus, main_text, submit_form, type_into
from .helpers_navigation import begin_procedure, open_document_check, open_my_case

pytestmark = pytest.mark.browser
TODAY = timezone.localdate().strftime("%d.%m.%Y")


def _radio(page, selector):
    focus(page, selector)
    page.keyboard.press("Space")


def _type(page, fields: dict):
    for selector, text in fields.items():
        type_into(page, selector, text)


def _add_person(page, given, family, extra=None):
    checked_page(page)
    _type(page, {"#id_given_names": given, "#id_family_name": family})
    for action in extra or []:
        action(page)
    submit_form(page)
    checked_page(page)


def _check_and_submit(page):
    assert page.url.endswith("/pruefen/")
    checked_page(page)
    _radio(page, "#id_declaration")
    submit_form(page)
    assert "/anliegen/eingereicht/" in page.url
    checked_page(page)


def _verify(page, document):
    open_document_check(page)
    type_into(page, "#id_code", document.verification_code)
    submit_form(page)
    checked_page(page)
    assert document.verification_code[:4] in page.url


def _landlord_confirms(page, base):
    begin_procedure(page, base, "wohnungsgeberbestaetigung", resident=3)  # Leyla Yılmaz, landlord
    assert page.url.endswith("/wohnungsgeber/")
    checked_page(page)
    _radio(page, "#id_role_0")
    type_into(page, "#id_landlord_address", "Ulzburger Straße 210, 22850 Norderstedt")
    _radio(page, "#id_owner_differs_1")
    submit_form(page)

    assert page.url.endswith("/wohnung/")
    checked_page(page)
    assert page.locator("datalist option[value='Ohechaussee']").count() == 1
    _type(page, {"#id_street": "Ohechausee", "#id_house_number": "17"})
    _type(page, {"#id_postal_code": "22848", "#id_moved_in": TODAY})
    submit_form(page)  # a typing error in the street: the error summary names it
    assert page.locator("[data-error-summary] li").count() == 1
    checked_page(page)
    type_into(page, "#id_street", "Ohechaussee")
    submit_form(page)

    for index, (given, family) in enumerate(
        [("Max", "Mustermann"), ("Sophie", "Mustermann"), ("Lena", "Mustermann")]
    ):
        assert "/personen/neu/" in page.url
        _add_person(page, given, family)
        _radio(page, "#id_add_another_0" if index < 2 else "#id_add_another_1")
        submit_form(page)
    _check_and_submit(page)
    case = Case.objects.get(procedure_key="wohnungsgeberbestaetigung")
    assert case.status == CaseStatus.APPROVED
    return assignment_code_for_case(case=case).code


def _mover(given, born, sex_index, relation_index):
    def fill(page):
        type_into(page, "#id_birth_date", born)
        _radio(page, f"#id_sex_{sex_index}")
        _radio(page, f"#id_relation_{relation_index}")
        type_into(page, "#id_nationality", "deutsch")

    return fill


HEADINGS = {"de-DE": "Ihre neue Wohnung", "en-GB": "Your new dwelling"}


def _dwelling(page, street, number, postal_code, locale):
    assert page.url.endswith("/wohnung/")
    checked_page(page)
    assert page.locator("main h1").inner_text() == HEADINGS[locale]
    _type(page, {"#id_street": street, "#id_house_number": number})
    _type(page, {"#id_postal_code": postal_code, "#id_moved_in": TODAY})
    _radio(page, "#id_kind_0")
    submit_form(page)


def _about_me(page, sex_index):
    assert page.url.endswith("/person/")
    checked_page(page)
    _radio(page, f"#id_sex_{sex_index}")
    type_into(page, "#id_nationality", "deutsch")
    _radio(page, "#id_id_kind_0")
    type_into(page, "#id_id_number", "L01X00T47")
    submit_form(page)


def _code_page(page, code):
    assert page.url.endswith("/bestaetigung/")
    checked_page(page)
    _radio(page, "#id_method_0")
    type_into(page, "#id_code", "AAAA-BBBB-CCCC")
    submit_form(page)  # an unknown code is refused with a clear message
    assert page.locator("[data-error-summary] li").count() == 1
    checked_page(page)
    type_into(page, "#id_code", f"{code[:4]}-{code[4:8]}-{code[8:]}")
    submit_form(page)


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_landlord_code_then_anmeldung_of_a_family_of_three(new_page, town_url, locale):
    base = town_url()
    code = _landlord_confirms(new_page(locale=locale), base)

    page = new_page(locale=locale)
    begin_procedure(page, base, "anmeldung", resident=2)  # Max Mustermann, from Reinbek
    _dwelling(page, "Ohechaussee", "17", "22848", locale)
    assert page.url.endswith("/vorher/")
    checked_page(page)
    _radio(page, "#id_previous_place_0")
    _type(page, {"#id_prev_street": "Schloßstraße", "#id_prev_house_number": "4"})
    _type(page, {"#id_prev_postal_code": "21465", "#id_prev_city": "Reinbek"})
    submit_form(page)
    _about_me(page, 1)
    assert page.url.endswith("/familie/")
    checked_page(page)
    _radio(page, "#id_others_moving_0")
    submit_form(page)
    assert "/mitziehende/neu/" in page.url
    _add_person(page, "Sophie", "Mustermann", [_mover("Sophie", "02.02.2003", 0, 0)])
    _radio(page, "#id_add_another_0")
    submit_form(page)
    _add_person(page, "Lena", "Mustermann", [_mover("Lena", "05.06.2024", 0, 1)])
    _radio(page, "#id_add_another_1")
    submit_form(page)
    _code_page(page, code)
    _check_and_submit(page)

    case = Case.objects.get(procedure_key="anmeldung")
    assert case.status == CaseStatus.APPROVED
    document = IssuedDocument.objects.get(case=case)
    open_my_case(page, case.reference)
    assert page.locator(f"main a[href*='{document.public_id}']").count() == 1
    _verify(page, document)
    assert "Meldebestätigung" in main_text(page)


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_ummeldung_within_the_town_with_the_family_from_the_register(new_page, town_url, locale):
    base = town_url()
    town = Person.objects.filter(given_names__isnull=False).first().municipality
    erika = next(p for p in Person.objects.filter(municipality=town) if p.given_names == "Erika")
    code = assignment_code_issue(
        municipality=erika.municipality,
        kind=AssignmentCodeKind.LANDLORD,
        address=Address("Buchenweg", "8", "22844", "Norderstedt"),
        moved_in=timezone.localdate(),
        persons=[("Erika", "Mustermann"), ("Hans", "Mustermann"), ("Paula", "Mustermann")],
    ).code
    page = new_page(locale=locale)
    begin_procedure(page, base, "ummeldung")  # Erika Mustermann
    _dwelling(page, "Buchenweg", "8", "22844", locale)
    assert page.url.endswith("/vorher/")
    checked_page(page)
    # Her current address from the register.
    assert page.locator("#id_prev_street").input_value() == "Rathausallee"
    _radio(page, "#id_previous_place_0")
    submit_form(page)
    _about_me(page, 0)
    assert page.url.endswith("/familie/")
    checked_page(page)
    assert "Hans Mustermann" in main_text(page) and "Paula Mustermann" in main_text(page)
    _radio(page, "#id_family_moving_0")
    _radio(page, "#id_family_moving_1")
    _radio(page, "#id_others_moving_1")
    submit_form(page)
    _code_page(page, code)
    _check_and_submit(page)

    case = Case.objects.get(procedure_key="ummeldung")
    assert case.status == CaseStatus.APPROVED
    for name in ("Erika", "Hans", "Paula"):
        person = next(p for p in Person.objects.filter(municipality=town) if p.given_names == name)
        open_main = person.residences.filter(kind="main", moved_out__isnull=True)
        assert [r.street for r in open_main] == ["Buchenweg"]
        assert person.residences.get(kind="main", moved_out__isnull=False).moved_out == (
            timezone.localdate() - datetime.timedelta(days=1)
        )

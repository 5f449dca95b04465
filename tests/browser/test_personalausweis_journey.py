"""Preparing ID cards in the browser, keyboard only, with axe on every page, in German and English,
from the town's start page by clicking: identified with the (demo) eID, Erika is offered from the
register as the first person, adds her daughter with a photo taken at the counter, sees the fee and
what to bring, submits, and starts booking an appointment as long as the two cards need. Then anyone
looks up the card's stage with the reference and a date of birth, from the service's start page."""

from __future__ import annotations

import pytest

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.tenants.models import Municipality
from tests.accounts.factories import staff_create

from .helpers_keyboard import (
    activate,
    checked_page,
    choose_radio,
    focus,
    main_text,
    submit_form,
    type_into,
)
from .helpers_navigation import follow, log_in_with_eid, open_service, open_start_page

pytestmark = pytest.mark.browser


def _preparation_start(page) -> None:
    """The service's page (booked in person) and its link to prepare the application online."""
    open_service(page, "personalausweis")
    follow(page, "main a[href$='/anliegen/personalausweis/start/']")


def _card_choices(page, *, first_card: int, photo: int) -> None:
    choose_radio(page, f"#id_first_card_{first_card}")
    choose_radio(page, "#id_card_0")
    choose_radio(page, f"#id_photo_{photo}")
    choose_radio(page, "#id_delivery_0")


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("de-DE", {"costs": "Zusammen 79,60 EUR", "stage": "Antrag im Bürgerbüro aufgenommen"}),
        ("en-GB", {"costs": "Total 79.60 EUR", "stage": "Application taken at the Bürgerbüro"}),
    ],
)
def test_prepare_id_cards_book_the_appointment_and_look_up_the_stage(
    new_page, town_url, locale, words
):
    base = town_url()
    page = new_page(locale=locale)
    # The service page's way "prepared online", then the first demo resident: Erika Mustermann,
    # trust level "high".
    open_start_page(page, base)
    _preparation_start(page)
    log_in_with_eid(page)
    activate(page, "main form button[type=submit]")

    # The first person comes from the register (the eID session), and the page says so.
    assert page.url.endswith("/personen/neu/")
    assert page.locator("#id_given_names").input_value() == "Erika"
    assert page.locator("#id_birth_date").input_value() == "12.08.1964"
    checked_page(page)
    submit_form(page)  # the card questions are unanswered: the error summary takes focus
    assert page.locator("[data-error-summary] li").count() == 4
    checked_page(page)
    _card_choices(page, first_card=1, photo=0)
    submit_form(page)

    assert page.url.endswith("/personen/")
    checked_page(page)
    choose_radio(page, "#id_add_another_0")
    submit_form(page)
    type_into(page, "#id_given_names", "Paula")
    type_into(page, "#id_family_name", "Mustermann")
    type_into(page, "#id_birth_date", "21.09.2014")
    _card_choices(page, first_card=1, photo=1)  # the photo is taken at the counter
    submit_form(page)
    choose_radio(page, "#id_add_another_1")
    submit_form(page)

    assert page.url.endswith("/zustaendigkeit/")
    checked_page(page)
    choose_radio(page, "#id_registered_here_0")
    submit_form(page)

    assert page.url.endswith("/pruefen/")
    assert words["costs"] in main_text(page)  # 46.00 + 27.60 + 6.00 photo
    checked_page(page)
    focus(page, "#id_declaration")
    page.keyboard.press("Space")
    submit_form(page)

    assert "/anliegen/eingereicht/" in page.url
    checked_page(page)
    case = Case.objects.get(procedure_key="personalausweis")
    assert case.status == CaseStatus.SUBMITTED
    # Booking starts with two ID cards and one photo: the office's day choice comes next.
    activate(page, f"main a[href='/termine/anliegen/{case.reference}/']")
    assert "/termine/tag/" in page.url
    checked_page(page)

    # At the counter the clerk takes the application; anyone may then look up the stage.
    town = Municipality.objects.get(slug="norderstedt")
    clerk = staff_create(municipality=town)
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_transition(case=case, to_status=CaseStatus.APPROVED, actor=clerk)
    visitor = new_page(locale=locale)
    open_start_page(visitor, base)
    _preparation_start(visitor)
    follow(visitor, "main a[href$='/anliegen/status/']")  # "Already applied? …"
    type_into(visitor, "#id_reference", case.reference)
    type_into(visitor, "#id_birth_date", "21.09.2014")
    submit_form(visitor)
    assert words["stage"] in main_text(visitor)
    assert "Paula" not in main_text(visitor)
    checked_page(visitor)

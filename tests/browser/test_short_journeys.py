"""Short journeys for what no longer journey covers, in German and English, keyboard only, axe on
every page, each from the town's start page by clicking: the register data as a file and an
Auskunftssperre (Erika with the demo eID); an online Wartenummer and an appointment booked and
confirmed from the e-mail's link (a visitor without an account); and feedback on a barrier from
the accessibility statement."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from rathaus.appointments.models import Booking
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.notifications.models import OutboxMessage

from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    focus,
    main_text,
    submit_form,
    type_into,
)
from .helpers_navigation import (
    begin_procedure,
    follow,
    open_my_requests,
    open_service_start,
    open_start_page,
)

pytestmark = pytest.mark.browser
LOCALES = ["de-DE", "en-GB"]
VISITOR = "besuch@example.org"


def _tick(page, selector: str) -> None:
    focus(page, selector)
    page.keyboard.press("Space")


def _declare_and_submit(page) -> None:
    assert page.url.endswith("/pruefen/"), main_text(page)
    checked_page(page)
    _tick(page, "#id_declaration")
    submit_form(page)
    assert "/anliegen/eingereicht/" in page.url, main_text(page)
    checked_page(page)


@pytest.mark.parametrize("locale", LOCALES)
def test_register_data_file_then_auskunftssperre(new_page, town_url, locale):
    base = town_url()
    page = new_page(locale=locale)
    begin_procedure(page, base, "meldedatensatz")  # Erika Mustermann, trust level "high"
    assert page.url.endswith("/datensatz/")
    checked_page(page)
    submit_form(page)  # not confirmed: the error summary takes focus
    assert_error_summary_focused(page)
    checked_page(page)
    _tick(page, "#id_understood")
    submit_form(page)
    _declare_and_submit(page)
    dataset = Case.objects.get(procedure_key="meldedatensatz")
    assert dataset.status == CaseStatus.APPROVED  # the exact register match: issued at once

    # An Auskunftssperre, from the service's page: reasons and a file as evidence.
    open_service_start(page, "auskunftssperre")
    activate(page, "main form button[type=submit]")
    assert page.url.endswith("/gruende/")
    checked_page(page)
    type_into(page, "#id_reasons", "Mein früherer Partner bedroht mich.")
    submit_form(page)
    assert page.url.endswith("/anhang-nachweis/")
    checked_page(page)
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 160)).save(picture, format="PNG")
    focus(page, "#id_attachment")
    page.locator("#id_attachment").set_input_files(
        files=[{"name": "nachweis.png", "mimeType": "image/png", "buffer": picture.getvalue()}]
    )
    submit_form(page, "main form[enctype]")
    _declare_and_submit(page)
    block = Case.objects.get(procedure_key="auskunftssperre")
    assert block.status == CaseStatus.SUBMITTED  # a clerk decides

    open_my_requests(page)
    text = main_text(page)
    assert dataset.reference in text and block.reference in text


def _security_check_done(page) -> None:
    """The proof-of-work runs in the page; its button is enabled again when it is done."""
    expect(page.locator("main form [name=challenge]")).not_to_have_value("", timeout=30_000)
    expect(page.locator("main form button[type=submit]")).to_be_enabled()


@pytest.mark.parametrize("locale", LOCALES)
def test_wait_ticket_then_appointment_confirmed_from_the_email(new_page, town_url, locale):
    base = town_url()
    page = new_page(locale=locale)
    open_start_page(page, base)

    # A waiting number online, from the start page's list of offices.
    follow(page, "main a[href*='/termine/wartenummer/']")
    _security_check_done(page)
    submit_form(page)
    checked_page(page)
    number = page.locator("main p.kern-heading-large").inner_text().strip()
    assert re.match(r"^[A-Z]", number), number

    # An appointment: back to the start page by the town's name, "Book an appointment".
    follow(page, "header a.rh-brand")
    follow(page, "main a[href$='/termine/']")
    _tick(page, "#id_services_0")
    submit_form(page)
    for _ in range(6):
        checked_page(page)
        if page.url.endswith("/angaben/"):
            break
        if page.url.endswith(("/standort/", "/tag/", "/uhrzeit/")):
            _tick(page, "#id_choice_0")
        if page.url.endswith("/uhrzeit/"):
            _security_check_done(page)
        submit_form(page)
    assert page.url.endswith("/angaben/"), main_text(page)
    type_into(page, "#id_name", "Erika Besuch")
    type_into(page, "#id_email", VISITOR)
    submit_form(page)
    assert page.url.endswith("/gesendet/"), main_text(page)
    checked_page(page)

    # The reservation is booked with the e-mail's link: read from the outbox as the visitor
    # reads it in the mail program, the one address here that no page links.
    bodies = [m.body for m in OutboxMessage.objects.order_by("-pk") if VISITOR in m.recipients]
    link = re.search(r"https?://\S+/termine/bestaetigen/\S+", bodies[0]).group(0)
    page.goto(link)
    checked_page(page)
    submit_form(page)
    checked_page(page)
    booking = Booking.objects.latest("pk")
    assert booking.email == VISITOR
    assert booking.code in main_text(page)


@pytest.mark.parametrize("locale", LOCALES)
def test_barrier_reported_from_the_accessibility_statement(new_page, town_url, locale):
    page = new_page(locale=locale)
    open_start_page(page, town_url())
    follow(page, "footer a[href$='/barrierefreiheit/']")  # "Accessibility statement"
    follow(page, "main a[href$='/barrierefreiheit/rueckmeldung/']")  # "Report a barrier"
    submit_form(page)  # nothing described: the error summary takes focus
    assert_error_summary_focused(page)
    checked_page(page)
    type_into(page, "#id_message", "Das Formular für Termine ist mit der Tastatur schwer.")
    submit_form(page)
    assert page.url.endswith("/gesendet/"), main_text(page)
    checked_page(page)
    case = Case.objects.get(procedure_key="barrierefreiheit-rueckmeldung")
    assert case.reference in main_text(page)

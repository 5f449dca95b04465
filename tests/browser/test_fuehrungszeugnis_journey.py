"""The Führungszeugnis in the browser, keyboard only, with axe on every page, in German and
English at 1280 and 320 px, every visitor from the town's start page by clicking: the service
page shows both ways and links the federal online
service (its link text in the page's language); Erika prepares a private certificate, pays on the
demo payment platform; at the counter the clerk opens the prepared case, takes it and approves
it; the demo connector confirms and Erika sees that it was sent to the federal register. A
volunteer uploads the organisation's confirmation and pays nothing."""

from __future__ import annotations

import io

import pytest
from huey.contrib.djhuey import HUEY
from PIL import Image

from rathaus.accounts.demo import STAFF_PASSWORD
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.payments.constants import PaymentStatus
from rathaus.payments.selectors import payment_for_case
from rathaus.procedures.fuehrungszeugnis.models import BzrMessageStatus, BzrOutboxMessage
from rathaus.procedures.fuehrungszeugnis.tasks import bzr_demo_receipt
from rathaus.tenants.models import Municipality
from tests.payments.conftest import demo_platform_configure

from .harness import DESKTOP, NARROW
from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page_fitting,
    choose_radio,
    focus,
    follow_error_link,
    main_text,
    submit_form,
    type_into,
)
from .helpers_navigation import (
    begin_from_service_page,
    begin_procedure,
    counter_check_and_approve,
    demo_clerk,
    open_backoffice_case,
    open_my_case,
    open_service,
    open_start_page,
    staff_log_in_from_start,
)

pytestmark = pytest.mark.browser
KEY = "fuehrungszeugnis"
FEDERAL = "https://www.fuehrungszeugnis.bund.de/"

WORDS = {
    "de-DE": {
        "way_online": "direkt beim Bundesamt für Justiz",
        "way_town": "Bürgerbüro, online vorbereitet",
        "costs": "13,00 EUR",
        "sent": "An das Bundeszentralregister übermittelt",
        "confirmed": "Eingang vom Bundeszentralregister bestätigt",
        "free": "Keine Gebühr",
        "not_now": "Jetzt nicht möglich",
    },
    "en-GB": {
        "way_online": "directly at the Federal Office of Justice",
        "way_town": "At our Bürgerbüro, prepared online",
        "costs": "13.00 EUR",
        "sent": "Sent to the federal register",
        "confirmed": "Receipt confirmed by the federal register",
        "free": "No fee",
        "not_now": "Not possible now",
    },
}


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def empty_schedule():
    """The demo connector's confirmations scheduled in a test do not outlive it."""
    yield
    HUEY.storage.flush_schedule()


def _prepare(page, *, basis: str) -> None:
    """For herself (chosen already), person (offered from the register), a private certificate
    N, the fee's way."""
    assert page.url.endswith("/fuer-wen/"), page.url
    assert page.locator("main input[name=subject][value=self]").is_checked()
    checked_page_fitting(page)
    submit_form(page)
    assert page.url.endswith("/person/"), page.url
    assert page.locator("#id_given_names").input_value() == "Erika"
    checked_page_fitting(page)
    # The register has no place of birth for her: the error summary takes focus, the link
    # leads to the field.
    submit_form(page)
    assert_error_summary_focused(page)
    checked_page_fitting(page)
    assert follow_error_link(page) == "id_birth_place"
    page.keyboard.type("Kiel")
    submit_form(page)
    assert page.url.endswith("/art/"), main_text(page)
    checked_page_fitting(page)
    choose_radio(page, "#id_kind_0")  # N, sent to the applicant
    type_into(page, "#id_purpose", "Bewerbung")
    submit_form(page)
    assert page.url.endswith("/gebuehr/")
    checked_page_fitting(page)
    choose_radio(page, f"main input[name=fee_basis][value={basis}]")
    submit_form(page)


def _declare_and_send(page) -> Case:
    assert page.url.endswith("/pruefen/"), page.url
    checked_page_fitting(page)
    focus(page, "#id_declaration")
    page.keyboard.press("Space")
    submit_form(page)
    assert "/anliegen/eingereicht/" in page.url, main_text(page)
    checked_page_fitting(page)
    return Case.objects.get(procedure_key=KEY)


@pytest.mark.parametrize(
    ("locale", "viewport"), [("de-DE", DESKTOP), ("en-GB", NARROW)], ids=["de-1280", "en-320"]
)
def test_prepare_pay_and_send_at_the_counter(
    new_page, town_url, server, settings, locale, viewport
):
    words = WORDS[locale]
    settings.RATHAUS_PAYMENT_HTTP_TIMEOUT = 5.0
    town = Municipality.objects.get(slug="norderstedt")
    demo_platform_configure(municipality=town, base=server.url)
    base = town_url()
    page = new_page(locale=locale, viewport=viewport)

    begin_procedure(page, base, KEY)  # the demo BundID: Erika, trust level "high"
    _prepare(page, basis="pay")
    assert words["costs"] in main_text(page)
    case = _declare_and_send(page)
    assert case.status == CaseStatus.AWAITING_PAYMENT

    # The fee through the demo payment platform.
    activate(page, "main a[href^='/bezahlen/']")
    assert "/bezahlen/" in page.url
    checked_page_fitting(page)
    submit_form(page)
    assert "/demo-bezahlplattform/bezahlen/" in page.url
    checked_page_fitting(page)
    choose_radio(page, "#id_method_0")
    choose_radio(page, "main input[name=outcome][value=paid]")
    submit_form(page)
    assert "/zurueck/" in page.url
    checked_page_fitting(page)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert payment_for_case(case=case).status == PaymentStatus.PAID

    # At the counter: the clerk opens the prepared case, takes it into review and approves.
    email, hex_key = demo_clerk()
    case_url = f"/verwaltung/faelle/{case.reference}/"
    clerk = new_page(locale=locale, viewport=viewport)
    staff_log_in_from_start(clerk, base, email=email, password=STAFF_PASSWORD, hex_key=hex_key)
    open_backoffice_case(clerk, case.reference)
    assert clerk.url.endswith(case_url)
    assert clerk.locator("h1").inner_text() == case.reference
    assert "Mustermann" in main_text(clerk)
    checked_page_fitting(clerk)
    counter_check_and_approve(clerk, case_url)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.stage == "sent"
    message = BzrOutboxMessage.objects.get(case=case)
    assert message.transmission_id.startswith("DEMO-")
    # While the case waits for the register's receipt the case page offers no completion; its
    # address, typed in on purpose, says why and offers no button (axe in that state too).
    assert clerk.locator(f"main a[href='{case_url}abschliessen/']").count() == 0
    clerk.goto(f"{base}{case_url}abschliessen/")
    assert words["not_now"] in main_text(clerk)
    assert clerk.locator("main button[type=submit]").count() == 0
    checked_page_fitting(clerk)

    # The citizen sees that the application went to the federal register.
    open_my_case(page, case.reference)
    assert words["sent"] in main_text(page)
    checked_page_fitting(page)

    # The demo connector's confirmation of receipt ends the case.
    bzr_demo_receipt.call_local(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == BzrMessageStatus.CONFIRMED
    page.reload()
    assert words["confirmed"] in main_text(page)
    checked_page_fitting(page)


@pytest.mark.parametrize(
    ("locale", "viewport"), [("de-DE", NARROW), ("en-GB", DESKTOP)], ids=["de-320", "en-1280"]
)
def test_service_page_and_the_volunteers_way_without_a_fee(
    new_page, town_url, tmp_path, locale, viewport
):
    words = WORDS[locale]
    base = town_url()
    page = new_page(locale=locale, viewport=viewport)

    # The service page: both ways, the federal service linked, its text in the page's language.
    open_start_page(page, base)
    open_service(page, KEY)
    text = main_text(page)
    assert words["way_online"] in text and words["way_town"] in text
    link = page.locator(f"main a[href='{FEDERAL}']")
    assert link.count() == 1
    assert link.get_attribute("hreflang") == "de"
    page_language = page.evaluate("document.documentElement.lang")
    assert page_language == locale[:2]
    assert link.evaluate("el => el.closest('[lang]').getAttribute('lang')") == page_language
    checked_page_fitting(page)

    begin_from_service_page(page)  # the demo BundID: Erika, trust level "high"
    _prepare(page, basis="volunteer")
    assert page.url.endswith("/anhang-ehrenamt/")
    checked_page_fitting(page)
    submit_form(page)  # no file: refused, the error summary takes focus
    assert_error_summary_focused(page)
    checked_page_fitting(page)
    proof = tmp_path / "ehrenamt.png"
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 160)).save(picture, format="PNG")
    proof.write_bytes(picture.getvalue())
    focus(page, "#id_volunteer_proof")
    page.locator("#id_volunteer_proof").set_input_files(str(proof))
    submit_form(page)

    assert words["free"] in main_text(page)
    case = _declare_and_send(page)
    assert case.status == CaseStatus.SUBMITTED
    assert payment_for_case(case=case) is None
    assert not page.locator("main a[href^='/bezahlen/']").count()

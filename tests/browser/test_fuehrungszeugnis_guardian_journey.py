"""A parent prepares a Führungszeugnis for their 15-year-old (§30(1) sentence 2 BZRG), in the
browser, keyboard only, with axe on every page, in German and English: Leyla Yılmaz logs in with
the (demo) eID from the town's start page, chooses her daughter Aylin, whom the register shows
in her custody, confirms Aylin's data offered from the register (adding the place of birth the
register lacks), and sends the application; the check page says that both come and both bring
their ID. At the counter the clerk sees both persons and whose identity to check, and approves:
the message to the federal register names Aylin and Leyla as her legal representative."""

from __future__ import annotations

import pytest
from huey.contrib.djhuey import HUEY
from lxml import etree

from rathaus.accounts.demo import STAFF_PASSWORD
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.procedures.fuehrungszeugnis.messages import NAMESPACE
from rathaus.procedures.fuehrungszeugnis.models import BzrOutboxMessage
from rathaus.register.models import Person

from .harness import DESKTOP, NARROW
from .helpers_keyboard import (
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
    begin_procedure,
    counter_check_and_approve,
    demo_clerk,
    open_backoffice_case,
    staff_log_in_from_start,
)

pytestmark = pytest.mark.browser
KEY = "fuehrungszeugnis"
LEYLA = 3  # the demo BundID's third resident

WORDS = {
    "de-DE": {
        "bring_child": "Personalausweis, Reisepass oder Kinderreisepass Ihres Kindes",
        "together": "gemeinsam mit Ihrem Kind",
        "counter": "Identitätsprüfung am Schalter",
        "guardian": "Antragstellend (gesetzliche Vertretung): Leyla Yılmaz",
        "child": "Betroffene Person (Kind): Aylin Yılmaz",
    },
    "en-GB": {
        "bring_child": "your child's ID card, passport or children's passport",
        "together": "together with your child",
        "counter": "Identity check at the counter",
        "guardian": "Applicant (legal guardian): Leyla Yılmaz",
        "child": "Person concerned (child): Aylin Yılmaz",
    },
}


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def empty_schedule():
    yield
    HUEY.storage.flush_schedule()


@pytest.mark.parametrize(
    ("locale", "viewport"), [("de-DE", DESKTOP), ("en-GB", NARROW)], ids=["de-1280", "en-320"]
)
def test_a_parent_prepares_it_for_their_15_year_old_and_the_clerk_sees_both(
    new_page, town_url, locale, viewport
):
    words = WORDS[locale]
    aylin = next(p for p in Person.objects.all() if p.given_names == "Aylin")  # encrypted
    base = town_url()
    page = new_page(locale=locale, viewport=viewport)

    begin_procedure(page, base, KEY, resident=LEYLA)
    assert page.url.endswith("/fuer-wen/"), page.url
    child = f"main input[name=subject][value='{aylin.public_id}']"
    assert (
        "Aylin Yılmaz"
        in page.locator(f"label[for={page.locator(child).get_attribute('id')}]").inner_text()
    )
    checked_page_fitting(page)
    choose_radio(page, child)
    submit_form(page)

    # Her daughter's data, offered from the register; the place of birth is missing there.
    assert page.url.endswith("/kind/"), page.url
    assert page.locator("#id_child_given_names").input_value() == "Aylin"
    assert page.locator("#id_child_street").input_value() == "Ulzburger Straße"
    checked_page_fitting(page)
    submit_form(page)
    assert_error_summary_focused(page)
    checked_page_fitting(page)
    assert follow_error_link(page) == "id_child_birth_place"
    page.keyboard.type("Norderstedt")
    submit_form(page)

    assert page.url.endswith("/art/"), main_text(page)
    choose_radio(page, "#id_kind_0")  # N
    type_into(page, "#id_purpose", "Ferienjob")
    submit_form(page)
    assert page.url.endswith("/gebuehr/")
    choose_radio(page, "main input[name=fee_basis][value=reduction]")
    submit_form(page)

    assert page.url.endswith("/pruefen/"), page.url
    text = main_text(page)
    assert "Aylin Yılmaz" in text and "Leyla Yılmaz" in text
    assert words["bring_child"] in text and words["together"] in text
    checked_page_fitting(page)
    focus(page, "#id_declaration")
    page.keyboard.press("Space")
    submit_form(page)
    assert "/anliegen/eingereicht/" in page.url, main_text(page)
    checked_page_fitting(page)
    case = Case.objects.get(procedure_key=KEY)
    assert case.status == CaseStatus.SUBMITTED
    assert case.applicant_name == "Leyla Yılmaz"

    # At the counter: the clerk sees both persons and whose identity to check.
    email, hex_key = demo_clerk()
    case_url = f"/verwaltung/faelle/{case.reference}/"
    clerk = new_page(locale=locale, viewport=viewport)
    staff_log_in_from_start(clerk, base, email=email, password=STAFF_PASSWORD, hex_key=hex_key)
    open_backoffice_case(clerk, case.reference)
    assert clerk.url.endswith(case_url)
    text = main_text(clerk)
    assert words["counter"] in text and words["guardian"] in text and words["child"] in text
    checked_page_fitting(clerk)
    counter_check_and_approve(clerk, case_url)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    document = etree.fromstring(BzrOutboxMessage.objects.get(case=case).content.encode())
    ns = {"b": NAMESPACE}
    assert document.findtext("b:betroffener/b:vornamen", namespaces=ns) == "Aylin"
    assert (
        document.findtext("b:antragsteller/b:gesetzlicherVertreter/b:vornamen", namespaces=ns)
        == "Leyla"
    )

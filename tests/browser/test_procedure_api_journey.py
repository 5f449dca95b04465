"""The procedure API in the browser, with the test procedure "Familienpass", from the town's start
page by clicking, keyboard only and with axe on every page: account pre-fill, a repeating group of
two persons added with "add another", a cross-page rule's error in the check page's error summary
and its fix, the system's decision on submitting, the procedure's own stage on the citizen's
timeline, and its own document verified on /pruefen/."""

from __future__ import annotations

import pytest

from rathaus.accounts.demo import CITIZEN_PASSWORD, DEMO_CITIZENS
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.documents.models import IssuedDocument
from rathaus.tenants.models import Municipality
from tests.procedures.family_pass import KEY, SERVICE_SLUG, FamilyPass, family_pass_offer

from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    choose_radio,
    focus,
    main_text,
    submit_form,
    type_into,
)
from .helpers_navigation import (
    log_in_with_password,
    open_document_check,
    open_my_case,
    open_service_start,
    open_start_page,
)

pytestmark = pytest.mark.browser

ERIKA = DEMO_CITIZENS[0]


@pytest.fixture
def family_pass(procedure_registry, demo_data):
    procedure_registry.add(FamilyPass)
    family_pass_offer(Municipality.objects.get(slug="norderstedt"))


def _add_person(page, name: str, birth_date: str, relation: int) -> None:
    checked_page(page)
    type_into(page, "#id_name", name)
    type_into(page, "#id_birth_date", birth_date)
    choose_radio(page, f"#id_relation_{relation}")
    submit_form(page)


def test_family_pass_journey_with_group_cross_page_error_decision_stage_and_document(
    new_page, town_url, family_pass
):
    base = town_url()
    page = new_page()
    open_start_page(page, base)
    log_in_with_password(page, email=ERIKA["email"], password=CITIZEN_PASSWORD)
    open_service_start(page, SERVICE_SLUG)
    assert page.locator("h1").inner_text() == "Familienpass"
    activate(page, "main form button[type=submit]")

    # Pre-filled from the account, said so, and saved only when the citizen continues.
    assert page.url.endswith("/antragsteller/")
    assert page.locator("#id_applicant_name").input_value() == "Erika Mustermann"
    assert "aus Ihrem Benutzerkonto übernommen" in main_text(page)
    checked_page(page)
    submit_form(page)

    # The group starts with its first entry; then "add another".
    assert page.url.endswith("/familie/neu/")
    assert page.locator("h1").inner_text() == "Person hinzufügen"
    submit_form(page)  # empty: every field's error in the summary
    assert_error_summary_focused(page)
    checked_page(page)
    _add_person(page, "Erika Mustermann", "01.02.1980", 0)
    assert page.url.endswith("/familie/")
    assert "Erika Mustermann" in page.locator("main .rh-summary-list").inner_text()
    checked_page(page)
    choose_radio(page, "#id_add_another_0")
    submit_form(page)
    _add_person(page, "Max Mustermann", "03.03.1978", 0)
    assert page.locator("main .rh-summary-list .kern-description-list-item").count() == 2
    # Removing asks first; "No" keeps the entry.
    activate(page, page.locator("main .rh-summary-list a", has_text="Entfernen").nth(1))
    assert "/entfernen/" in page.url
    checked_page(page)
    choose_radio(page, "#id_confirm_1")
    submit_form(page)
    assert page.locator("main .rh-summary-list .kern-description-list-item").count() == 2
    choose_radio(page, "#id_add_another_1")
    submit_form(page)

    assert page.url.endswith("/beginn/")
    checked_page(page)
    type_into(page, "#id_valid_from", "01.01.2027")
    submit_form(page)

    # Two adults: the cross-page rule names the group in the error summary, which takes focus.
    assert page.url.endswith("/pruefen/")
    assert_error_summary_focused(page)
    assert (
        "mindestens ein Kind unter 18 Jahren" in page.locator("[data-error-summary]").inner_text()
    )
    assert page.locator("main form button[type=submit]").count() == 0
    checked_page(page)
    activate(page, "[data-error-summary] a")
    assert "/familie/" in page.url and "pruefen=1" in page.url
    checked_page(page)
    activate(page, page.locator("main .rh-summary-list a", has_text="Ändern").nth(1))
    assert page.locator("#id_name").input_value() == "Max Mustermann"
    _add_person(page, "Mia Mustermann", "04.05.2016", 1)
    choose_radio(page, "#id_add_another_1")
    submit_form(page)

    assert page.url.endswith("/pruefen/")
    summary = page.locator("main .rh-summary-list").inner_text()
    assert "Mia Mustermann" in summary and "04.05.2016" in summary
    checked_page(page)
    focus(page, "#id_declaration")
    page.keyboard.press("Space")
    submit_form(page)

    # The system decided by the procedure's rule; the approval hook moved the stage.
    assert "/anliegen/eingereicht/" in page.url
    checked_page(page)
    case = Case.objects.get(procedure_key=KEY)
    assert case.status == CaseStatus.APPROVED and case.stage == "printed"
    open_my_case(page, case.reference)
    timeline = page.locator(".rh-timeline").inner_text()
    assert "bewilligt (automatisch entschieden)" in timeline
    assert "Pass gedruckt" in timeline
    assert "Pass gedruckt" in main_text(page).split("Verlauf")[0]  # the status line

    # Its own document: downloaded from the case page, verified on /pruefen/ by code and file.
    document = IssuedDocument.objects.get(case=case)
    link = page.locator("main a", has_text="Familienpass")
    pdf = bytes(
        page.evaluate(
            """async (href) => {
                const response = await fetch(href);
                return Array.from(new Uint8Array(await response.arrayBuffer()));
            }""",
            link.get_attribute("href"),
        )
    )
    assert pdf.startswith(b"%PDF-")
    open_document_check(page)
    type_into(page, "#id_code", document.verification_code)
    submit_form(page)
    assert "Familienpass" in main_text(page)
    checked_page(page)
    page.locator("#id_document").set_input_files(
        files=[{"name": "familienpass.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    submit_form(page)
    assert page.locator(".kern-alert--success").count() == 1
    checked_page(page)

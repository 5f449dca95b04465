"""The electronic Meldebescheinigung in the browser, keyboard only, with axe on every page: from
the start page to the service, identified with the (demo) eID, one page of three questions, and
the certificate is there at once: on the confirmation page, and on the case page reached from
"My requests"."""

from __future__ import annotations

import pytest

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.documents.models import IssuedDocument

from .helpers_keyboard import checked_page, focus, main_text, submit_form
from .helpers_navigation import begin_procedure, open_my_case

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_electronic_meldebescheinigung_at_once(new_page, town_url, locale):
    base = town_url()
    page = new_page(locale=locale)
    # The first demo resident: Erika Mustermann, trust level "high".
    begin_procedure(page, base, "meldebescheinigung")

    assert page.url.endswith("/angaben/")
    assert page.locator("#id_subject_0").is_checked()  # herself
    assert "Paula Mustermann" in main_text(page)  # her daughter, from the register
    checked_page(page)
    submit_form(page)  # kind and delivery not chosen: both in the error summary
    assert page.url.endswith("/angaben/")
    assert page.locator("[data-error-summary] li").count() == 2
    assert page.locator("#id_subject_0").is_checked()  # the answer given is kept
    checked_page(page)
    focus(page, "#id_kind_0")
    page.keyboard.press("Space")
    focus(page, "#id_delivery_0")
    page.keyboard.press("Space")
    submit_form(page)

    assert page.url.endswith("/pruefen/")
    checked_page(page)
    focus(page, "#id_declaration")
    page.keyboard.press("Space")
    submit_form(page)

    assert "/anliegen/eingereicht/" in page.url
    checked_page(page)
    case = Case.objects.get(procedure_key="meldebescheinigung")
    assert case.status == CaseStatus.APPROVED
    document = IssuedDocument.objects.get(case=case)
    assert page.locator(f"main a[href*='{document.public_id}']").count() == 1
    open_my_case(page, case.reference)
    link = page.locator(f"main a[href*='{document.public_id}']")
    assert link.count() == 1

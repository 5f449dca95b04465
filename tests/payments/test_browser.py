"""A paid procedure from start to payment in Chromium, with axe on every page: a declined
payment, then a successful second try."""

from __future__ import annotations

import pytest

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.payments.constants import PaymentStatus
from tests.browser.harness import assert_accessible

from .conftest import PAID_KEY, demo_platform_configure

pytestmark = pytest.mark.browser


def _submit(page):
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _pay_on_platform(page, *, outcome: str):
    assert "/demo-bezahlplattform/bezahlen/" in page.url
    assert_accessible(page)
    page.locator("label[for=id_method_0]").click()
    page.locator(f"input[name=outcome][value={outcome}]").check()
    _submit(page)


def test_paid_procedure_from_start_to_payment(new_page, town_url, server, settings):
    from rathaus.tenants.models import Municipality

    settings.RATHAUS_PAYMENT_HTTP_TIMEOUT = 5.0
    norderstedt = Municipality.objects.get(slug="norderstedt")
    demo_platform_configure(municipality=norderstedt, base=server.url)
    page = new_page(locale="en-GB")
    start = f"/anliegen/{PAID_KEY}/start/"
    page.goto(town_url() + start)
    # The catalogue asks for the eID ("high") for this service: no start without it.
    assert "needs a stronger proof of identity" in page.locator("main").inner_text()
    assert page.locator("main form button[type=submit]").count() == 0
    assert_accessible(page)
    page.goto(town_url() + f"/konto/demo/bundid/?next={start}")
    _submit(page)  # the first demo resident, trust level "high"
    assert page.url.endswith(start)
    assert_accessible(page)
    _submit(page)
    page.fill("#id_applicant_name", "Erika Mustermann")
    _submit(page)
    assert "/pruefen/" in page.url
    page.locator("#id_declaration").check()
    _submit(page)
    assert_accessible(page)  # confirmation, with the way to pay

    page.locator("main a.kern-btn").click()
    page.wait_for_load_state()
    assert "/bezahlen/" in page.url
    assert_accessible(page)
    _submit(page)  # pay now → demo platform
    _pay_on_platform(page, outcome="declined")
    assert "/zurueck/" in page.url
    assert page.locator("h1").inner_text().strip() != ""
    assert_accessible(page)
    case = Case.objects.get(procedure_key=PAID_KEY, municipality=norderstedt)
    assert case.payment.status == PaymentStatus.FAILED

    _submit(page)  # try again
    _pay_on_platform(page, outcome="paid")
    assert_accessible(page)
    case.refresh_from_db()
    case.payment.refresh_from_db()
    assert case.payment.status == PaymentStatus.PAID
    assert case.status == CaseStatus.SUBMITTED
    assert Case.objects.filter(procedure_key=PAID_KEY).count() == 1
    assert page.guard.console_errors == []

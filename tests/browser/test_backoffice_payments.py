"""The back-office case page with a paid fee, a file and an issued document, in headless Chromium by
keyboard only, with axe on every page, reached from the town's start page through the staff login
and the inbox: approve (the reply letter is issued), request a refund (error first, then the
reason), the payment page and the list of payments needing attention; in German and English."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.demo import DEMO_STAFF, STAFF_PASSWORD
from rathaus.accounts.models import User, email_digest
from rathaus.cases import services as case_services
from rathaus.cases.constants import CaseStatus
from rathaus.documents.models import IssuedDocument
from rathaus.payments import services as payment_services
from rathaus.payments.constants import LedgerSource, PaymentStatus
from rathaus.payments.models import Payment
from rathaus.payments.providers.base import TransactionState
from rathaus.tenants.models import Municipality
from tests.backoffice.conftest import case_make

from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    follow_error_link,
    main_text,
    submit_form,
    type_into,
)
from .helpers_navigation import open_backoffice_case, staff_log_in_from_start

pytestmark = pytest.mark.browser


TEXTS = {
    "de-DE": {
        "files": "Dateien zu diesem Vorgang",
        "ledger": "Buchungsjournal",
        "amount": "9,50 EUR",
        "issued": "„Antwortschreiben“ wurde ausgestellt",
        "documents": "Für diesen Vorgang ausgestellte Dokumente",
        "refund": "Erstattung beantragen",
        "other_clerk": "Eine andere Person aus der Sachbearbeitung muss sie bestätigen.",
        "payment": "Zahlung ",
        "payments": "Zahlungen",
    },
    "en-GB": {
        "files": "Files added to this case",
        "ledger": "Ledger",
        "amount": "9.50 EUR",
        "issued": "The document “Reply letter” has been issued.",
        "documents": "Documents issued for this case",
        "refund": "Request a refund",
        "other_clerk": "You requested this refund: a different clerk must confirm it.",
        "payment": "Payment ",
        "payments": "Payments",
    },
}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _paid_case_in_review(*, staff):
    """A general request whose fee the platform reported as paid, with a photo, in review."""
    town = Municipality.objects.get(slug="norderstedt")
    case = case_make(municipality=town, name="Paula Zahler", subject="Sperrmüll")
    payment = payment_services.payment_for_case_require(case=case, amount=Decimal("9.50"))
    Payment.objects.filter(pk=payment.pk).update(
        provider_key="demo", provider_transaction_id=f"browser-{payment.pk}"
    )
    payment.refresh_from_db()
    payment_services.payment_state_apply(
        payment=payment,
        state=TransactionState(
            transaction_id=payment.provider_transaction_id,
            platform_status="PAYED",
            amount=Decimal("9.50"),
            currency="EUR",
            payment_method="CREDITCARD",
            raw={},
        ),
        source=LedgerSource.RETURN,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    upload = SimpleUploadedFile("Sperrmuell.png", _png(), content_type="image/png")
    case_services.attachment_add(case=case, upload=upload, actor=staff)
    case_services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=staff)
    return case


def _demo_staff(role: str):
    return next(row for row in DEMO_STAFF if row[0] == "norderstedt" and row[1] == role)


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_case_page_with_document_and_payment_by_keyboard(
    new_page, town_url, settings, tmp_path, locale
):
    texts = TEXTS[locale]
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    base = town_url()
    _slug, _role, email, _given, _family, key = _demo_staff(StaffRole.ADMIN)
    admin = User.objects.get(email_digest=email_digest(email))
    case = _paid_case_in_review(staff=admin)
    payment = case.payment
    case_url = f"/verwaltung/faelle/{case.reference}/"

    page = new_page(locale=locale)
    staff_log_in_from_start(page, base, email=email, password=STAFF_PASSWORD, hex_key=key)
    assert page.evaluate("document.documentElement.lang") == locale[:2]
    open_backoffice_case(page, case.reference)
    assert page.url.endswith(case_url)
    assert page.locator("h1").inner_text() == case.reference
    files = page.get_by_role("region", name=texts["files"])
    assert "Sperrmuell.png" in files.inner_text()
    ledger = page.get_by_role("region", name=texts["ledger"])
    assert ledger.locator("tbody tr").count() == 1  # open → paid
    assert texts["amount"] in main_text(page)
    checked_page(page)

    # Answer (on its confirmation page): the reply letter is issued and listed with its
    # verification code.
    activate(page, f"main a[href='{case_url}genehmigen/']")
    checked_page(page)
    type_into(page, "#id_text", "Der Sperrmüll wird am Montag abgeholt.")
    submit_form(page)
    document = IssuedDocument.objects.get(case=case)
    assert texts["issued"] in main_text(page)
    documents = page.get_by_role("region", name=texts["documents"])
    assert document.verification_code[:4] in documents.inner_text()
    assert documents.locator(f"a[href='{case_url}dokumente/{document.public_id}/']").count() == 1
    checked_page(page)

    # Request a refund: the reason is required, so an empty request is an error first.
    activate(page, f"main a[href='/verwaltung/zahlungen/{payment.public_id}/erstattung/']")
    assert page.locator("h1").inner_text() == texts["refund"]
    checked_page(page)
    submit_form(page)
    assert_error_summary_focused(page)
    checked_page(page)
    assert follow_error_link(page) == "id_text"
    type_into(page, "#id_text", "Doppelt bezahlt")
    submit_form(page)
    assert page.url.endswith(case_url)
    assert texts["other_clerk"] in main_text(page)
    checked_page(page)
    payment.refresh_from_db()
    assert payment.refund_requested_by == admin and payment.status == PaymentStatus.PAID

    # The payment page, then the list of payments needing attention.
    activate(page, f"main a[href='/verwaltung/zahlungen/{payment.public_id}/']")
    assert page.locator("h1").inner_text().startswith(texts["payment"])
    assert page.get_by_role("region", name=texts["ledger"]).count() == 1
    checked_page(page)
    activate(page, "nav.bo-nav a[href='/verwaltung/zahlungen/']")
    assert page.locator("h1").inner_text() == texts["payments"]
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1 and case.reference in rows.first.inner_text()
    checked_page(page)

"""The back office joined with documents, attachments and payments: approval issues the
procedure's document, the case page shows files and the payment, staff downloads are logged
reads, and fee waiver, refunds (four-eyes), flag review and the export work through the payment
services only."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from rathaus.cases import services as case_services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import CaseReadLog
from rathaus.documents.models import IssuedDocument
from rathaus.payments import services as payment_services
from rathaus.payments.constants import LedgerSource, PaymentStatus
from rathaus.payments.models import Payment, PaymentLedgerEntry
from rathaus.payments.providers.base import TransactionState
from tests.accounts.factories import login_verified

from .conftest import GENERAL, NOR_HOST, REI_HOST, case_make

pytestmark = pytest.mark.django_db
INBOX = "/verwaltung/"
PAYMENTS = "/verwaltung/zahlungen/"
# The case page with a file, an issued document and a paid payment with its ledger: the base
# page (session, user, OTP device, membership, case, read-log row, events, messages, …) plus one
# query each for attachments, documents, the payment and its ledger.
CASE_PAGE_WITH_FILES_AND_PAYMENT_QUERIES = 16


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _attach(case, citizen):
    upload = SimpleUploadedFile("Foto.png", _png(), content_type="image/png")
    return case_services.attachment_add(case=case, upload=upload, actor=citizen)


def _payment_for(case, amount="12.00") -> Payment:
    payment = payment_services.payment_for_case_require(case=case, amount=Decimal(amount))
    Payment.objects.filter(pk=payment.pk).update(
        provider_key="demo", provider_transaction_id=f"tx-{payment.pk}"
    )
    payment.refresh_from_db()
    return payment


def _platform_says(payment, status: str, amount: str | None = None) -> Payment:
    state = TransactionState(
        transaction_id=payment.provider_transaction_id,
        platform_status=status,
        amount=Decimal(amount) if amount is not None else payment.amount,
        currency="EUR",
        payment_method="CREDITCARD",
        raw={"paymentInformation": {"status": status}},
    )
    payment_services.payment_state_apply(payment=payment, state=state, source=LedgerSource.RETURN)
    payment.refresh_from_db()
    return payment


@pytest.fixture
def paid_case(norderstedt, citizen):
    """A general request with a paid fee (the platform said PAYED): released to the inbox."""
    case = case_make(municipality=norderstedt, citizen=citizen)
    payment = _platform_says(_payment_for(case), "PAYED")
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and payment.status == PaymentStatus.PAID
    return case


@pytest.fixture
def waiting_case(norderstedt, citizen):
    case = case_make(municipality=norderstedt, citizen=citizen, name="Wanda Warten")
    _payment_for(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_PAYMENT
    return case


def _approve(client, case):
    return client.post(
        reverse("backoffice:case_approve", args=[case.reference]),
        {"text": "Die Laterne wird morgen repariert."},
        follow=True,
    )


def _review(case, clerk):
    case_services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)


# --- approval issues the document ----------------------------------------------------------------
def test_approve_issues_one_document_for_clerk_and_applicant_not_other_town(
    as_staff, clerk, citizen, rei_clerk, nor_case, client
):
    _review(nor_case, clerk)
    response = _approve(as_staff(clerk), nor_case)
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.APPROVED
    document = IssuedDocument.objects.get(case=nor_case)
    assert document.document_type == "reply_letter" and document.issued_by == clerk
    page = response.content.decode()
    assert "The request has been answered. The document “Reply letter” has been issued." in page
    code = document.verification_code
    assert "-".join(code[i : i + 4] for i in range(0, 16, 4)) in page

    url = reverse("backoffice:document_download", args=[nor_case.reference, document.public_id])
    assert url in page
    before = CaseReadLog.objects.count()
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(download.content).hexdigest() == document.sha256
    entry = CaseReadLog.objects.order_by("-pk").first()
    assert CaseReadLog.objects.count() == before + 1
    assert entry.data_categories == ["documents"] and entry.actor == clerk

    client.logout()
    client.force_login(citizen)
    own = client.get(f"/anliegen/meine/{nor_case.reference}/dokumente/{document.public_id}/")
    assert own.status_code == 200 and own.content == download.content
    citizen_page = client.get(f"/anliegen/meine/{nor_case.reference}/").content.decode()
    assert str(document.public_id) in citizen_page

    for host in (NOR_HOST, REI_HOST):
        login_verified(client, rei_clerk)
        client.defaults["HTTP_HOST"] = host
        before = CaseReadLog.objects.count()
        assert client.get(url).status_code == 404
        assert CaseReadLog.objects.count() == before


def test_four_eyes_issues_the_document_only_on_the_second_clerks_confirmation(
    as_staff, clerk, second_clerk, nor_case, procedure_variant
):
    procedure_variant(GENERAL, four_eyes=True)
    _review(nor_case, clerk)
    _approve(as_staff(clerk), nor_case)
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.IN_REVIEW
    assert not IssuedDocument.objects.exists()
    again = _approve(as_staff(clerk), nor_case)
    assert "approval" in again.content.decode().lower()
    assert not IssuedDocument.objects.exists()
    _approve(as_staff(second_clerk), nor_case)
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.APPROVED
    assert IssuedDocument.objects.get(case=nor_case).issued_by == second_clerk


def test_a_document_that_cannot_be_issued_leaves_the_case_unapproved(
    as_staff, clerk, nor_case, procedure_variant
):
    procedure_variant(GENERAL, approval_documents=["no_such_type"])
    _review(nor_case, clerk)
    response = _approve(as_staff(clerk), nor_case)
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.IN_REVIEW
    assert not IssuedDocument.objects.exists()
    assert "This document type does not exist." in response.content.decode()


# --- attachments ---------------------------------------------------------------------------------
def test_attachment_download_is_a_logged_read_for_the_towns_staff_only(
    as_staff, clerk, citizen, rei_admin, nor_case, client
):
    attachment = _attach(nor_case, citizen)
    url = reverse("backoffice:attachment_download", args=[nor_case.reference, attachment.public_id])
    staff = as_staff(clerk)
    page = staff.get(reverse("backoffice:case_detail", args=[nor_case.reference]))
    assert url in page.content.decode() and "Foto.png" in page.content.decode()
    before = CaseReadLog.objects.count()
    response = staff.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    Image.open(io.BytesIO(response.content)).verify()
    assert CaseReadLog.objects.count() == before + 1
    assert CaseReadLog.objects.order_by("-pk").first().data_categories == ["attachments"]

    unknown = reverse(
        "backoffice:attachment_download",
        args=[nor_case.reference, "00000000-0000-4000-8000-000000000000"],
    )
    before = CaseReadLog.objects.count()
    assert staff.get(unknown).status_code == 404
    assert CaseReadLog.objects.count() == before

    login_verified(client, rei_admin)
    for host in (NOR_HOST, REI_HOST):
        client.defaults["HTTP_HOST"] = host
        assert client.get(url).status_code == 404
    assert CaseReadLog.objects.count() == before


def test_case_page_logs_files_and_documents_and_shows_the_payment(
    as_staff, clerk, citizen, paid_case
):
    _attach(paid_case, citizen)
    response = as_staff(clerk).get(reverse("backoffice:case_detail", args=[paid_case.reference]))
    page = response.content.decode()
    payment = paid_case.payment
    assert "Payment" in page and "12.00 EUR" in page
    assert payment.kassenzeichen[:4] in page
    assert "Ledger" in page and "Request a refund" in page
    assert "credit card" in page and "CREDITCARD" not in page
    entry = CaseReadLog.objects.get(case=paid_case)
    assert set(entry.data_categories) >= {"attachments", "documents", "answers"}


# --- payments in the inbox and the fee waiver ----------------------------------------------------
def test_awaiting_payment_is_not_in_the_inbox_until_the_fee_is_waived(
    as_staff, clerk, team_lead, waiting_case
):
    client = as_staff(clerk)
    assert waiting_case.reference not in client.get(INBOX).content.decode()
    case_url = reverse("backoffice:case_detail", args=[waiting_case.reference])
    assert client.get(case_url).status_code == 404

    lead = as_staff(team_lead)
    listing = lead.get(PAYMENTS, {"ansicht": "waiting"}).content.decode()
    assert waiting_case.reference in listing
    payment = waiting_case.payment
    payment_url = reverse("backoffice:payment_detail", args=[payment.public_id])
    assert payment_url in listing
    assert "Waive the fee" in lead.get(payment_url).content.decode()

    waive = reverse("backoffice:payment_waive", args=[payment.public_id])
    refused = lead.post(waive, {"text": "  "})
    assert refused.status_code == 200
    assert "Give the reason for waiving the fee." in refused.content.decode()
    payment.refresh_from_db()
    assert payment.fee_waived_by is None

    done = lead.post(waive, {"text": "Härtefall nach § 7 Gebührensatzung"})
    assert done.status_code == 302 and done["Location"] == case_url
    payment.refresh_from_db()
    waiting_case.refresh_from_db()
    assert payment.fee_waived_by == team_lead and payment.status == PaymentStatus.CANCELLED
    assert waiting_case.status == CaseStatus.SUBMITTED
    assert waiting_case.reference in lead.get(INBOX).content.decode()


# --- refunds with four-eyes ----------------------------------------------------------------------
def test_refund_is_requested_by_one_clerk_and_confirmed_by_another(
    as_staff, clerk, second_clerk, paid_case
):
    payment = paid_case.payment
    request_url = reverse("backoffice:payment_refund_request", args=[payment.public_id])
    confirm_url = reverse("backoffice:payment_refund_confirm", args=[payment.public_id])
    case_url = reverse("backoffice:case_detail", args=[paid_case.reference])

    client = as_staff(clerk)
    refused = client.post(request_url, {"text": ""}).content.decode()
    assert "Give the reason for the refund." in refused
    response = client.post(request_url, {"text": "Doppelt bezahlt"})
    assert response.status_code == 302 and response["Location"] == case_url
    payment.refresh_from_db()
    assert payment.refund_requested_by == clerk and payment.status == PaymentStatus.PAID

    own = client.post(confirm_url, follow=True).content.decode()
    assert "You requested this refund: a different clerk must confirm it." in own
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert not PaymentLedgerEntry.objects.filter(payment=payment, to_status="refunded").exists()

    other = as_staff(second_clerk)
    assert "Confirm refund" in other.get(case_url).content.decode()
    confirmed = other.post(confirm_url, follow=True).content.decode()
    assert "The refund has been confirmed" in confirmed
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    entry = PaymentLedgerEntry.objects.get(payment=payment, to_status="refunded")
    assert entry.actor == second_clerk and entry.source == LedgerSource.CLERK
    # Refunded: nothing more to confirm or request.
    assert other.post(confirm_url).status_code == 302
    assert PaymentLedgerEntry.objects.filter(payment=payment, to_status="refunded").count() == 1


# --- flags ---------------------------------------------------------------------------------------
def test_late_payment_is_listed_for_team_leads_and_can_be_marked_as_reviewed(
    as_staff, clerk, team_lead, waiting_case
):
    payment = waiting_case.payment
    _platform_says(payment, "FAILED")
    payment = _platform_says(payment, "PAYED")
    assert payment.needs_clerk_attention

    lead = as_staff(team_lead)
    listing = lead.get(PAYMENTS).content.decode()
    assert waiting_case.reference in listing
    assert "Late payment" in listing
    case_page = lead.get(reverse("backoffice:case_detail", args=[waiting_case.reference]))
    assert "This payment needs a clerk's attention" in case_page.content.decode()

    resolve = reverse("backoffice:payment_resolve", args=[payment.public_id])
    as_staff(clerk).post(resolve)
    payment.refresh_from_db()
    assert not payment.needs_clerk_attention
    assert payment.attention_reason  # kept for the record
    assert waiting_case.reference not in as_staff(team_lead).get(PAYMENTS).content.decode()
    again = as_staff(clerk).post(resolve, follow=True).content.decode()
    assert "This change of status is not possible." in again


def test_amount_mismatch_is_shown_on_the_payment_page_and_not_booked(as_staff, clerk, waiting_case):
    payment = _platform_says(waiting_case.payment, "PAYED", amount="1.00")
    assert payment.status != PaymentStatus.PAID and payment.needs_clerk_attention
    page = as_staff(clerk).get(reverse("backoffice:payment_detail", args=[payment.public_id]))
    assert page.status_code == 200
    assert "Amount mismatch" in page.content.decode()


def test_payment_list_is_for_team_leads_and_admins(as_staff, clerk, team_lead, town_admin):
    assert as_staff(clerk).get(PAYMENTS).status_code == 404
    assert as_staff(team_lead).get(PAYMENTS).status_code == 200
    assert as_staff(town_admin).get(PAYMENTS).status_code == 200


# --- export --------------------------------------------------------------------------------------
def test_admin_downloads_the_daily_export_as_csv_and_json(
    as_staff, team_lead, town_admin, paid_case
):
    today = timezone.localdate().isoformat()
    url = reverse("backoffice:payment_export")
    assert as_staff(team_lead).get(url, {"tag": today, "format": "csv"}).status_code == 404
    admin = as_staff(town_admin)
    assert "Download" in admin.get(PAYMENTS).content.decode()
    response = admin.get(url, {"tag": today, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode()), delimiter=";"))
    assert [row["case_reference"] for row in rows] == [paid_case.reference]
    assert rows[0]["kassenzeichen"] == paid_case.payment.kassenzeichen
    data = json.loads(admin.get(url, {"tag": today, "format": "json"}).content)
    assert data[0]["amount"] == "12.00"
    invalid = admin.get(url, {"tag": "31.02.2026", "format": "csv"})
    assert invalid.status_code == 200
    assert "Enter the booking day as a real date" in invalid.content.decode()


# --- every new URL: who may not ------------------------------------------------------------------
def _new_urls(case, attachment, document, payment):
    reference = case.reference
    pid = payment.public_id
    return [
        ("get", reverse("backoffice:attachment_download", args=[reference, attachment.public_id])),
        ("get", reverse("backoffice:document_download", args=[reference, document.public_id])),
        ("get", reverse("backoffice:payment_detail", args=[pid])),
        ("get", reverse("backoffice:payment_waive", args=[pid])),
        ("post", reverse("backoffice:payment_waive", args=[pid])),
        ("get", reverse("backoffice:payment_refund_request", args=[pid])),
        ("post", reverse("backoffice:payment_refund_request", args=[pid])),
        ("post", reverse("backoffice:payment_refund_confirm", args=[pid])),
        ("post", reverse("backoffice:payment_resolve", args=[pid])),
        ("get", PAYMENTS),
        ("get", reverse("backoffice:payment_export") + f"?tag={timezone.localdate()}&format=csv"),
    ]


@pytest.fixture
def everything(paid_case, citizen, clerk, second_clerk):
    attachment = _attach(paid_case, citizen)
    _review(paid_case, clerk)
    from rathaus.cases.services import case_document_issue as document_issue

    document = document_issue(case=paid_case, document_type="reply_letter", actor=clerk)
    payment = paid_case.payment
    payment_services.payment_refund_request(payment=payment, actor=second_clerk, reason="Test")
    Payment.objects.filter(pk=payment.pk).update(
        needs_clerk_attention=True, attention_reason="amount differs from the requested amount"
    )
    payment.refresh_from_db()
    return paid_case, attachment, document, payment


def _send(client, method, url):
    data = {"text": "Grund"} if method == "post" else None
    return getattr(client, method)(url, data)


def _state(payment):
    payment.refresh_from_db()
    return (
        payment.status,
        payment.needs_clerk_attention,
        payment.fee_waived_by_id,
        payment.refund_requested_by_id,
        PaymentLedgerEntry.objects.filter(payment=payment).count(),
    )


def test_new_urls_send_anonymous_visitors_to_the_staff_login(nor_client, everything):
    payment = everything[3]
    before = _state(payment)
    for method, url in _new_urls(*everything):
        response = _send(nor_client, method, url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:staff_login")), url
    assert _state(payment) == before
    assert not CaseReadLog.objects.exists()


def test_new_urls_refuse_a_citizen(nor_client, citizen, everything):
    payment = everything[3]
    nor_client.force_login(citizen)
    before = _state(payment)
    for method, url in _new_urls(*everything):
        response = _send(nor_client, method, url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("accounts:staff_login")), url
    assert _state(payment) == before
    assert not CaseReadLog.objects.exists()


@pytest.mark.parametrize("host", [NOR_HOST, REI_HOST])
def test_new_urls_give_the_other_towns_admin_404_and_no_log(client, rei_admin, everything, host):
    case, payment = everything[0], everything[3]
    login_verified(client, rei_admin)
    client.defaults["HTTP_HOST"] = host
    before = _state(payment)
    for method, url in _new_urls(*everything):
        if host == REI_HOST and (url == PAYMENTS or "/export/" in url):
            continue  # his own town's list and export, checked below
        response = _send(client, method, url)
        assert response.status_code == 404, (host, method, url)
    assert _state(payment) == before
    assert not CaseReadLog.objects.exists()
    if host == REI_HOST:
        assert case.reference not in client.get(PAYMENTS, {"ansicht": "all"}).content.decode()
        export = client.get(
            reverse("backoffice:payment_export"),
            {"tag": timezone.localdate().isoformat(), "format": "csv"},
        )
        assert case.reference not in export.content.decode()


# --- pinned query count --------------------------------------------------------------------------
def test_case_page_with_files_document_and_payment_has_a_pinned_query_count(
    as_staff, clerk, everything, django_assert_max_num_queries
):
    case = everything[0]
    client = as_staff(clerk)
    url = reverse("backoffice:case_detail", args=[case.reference])
    client.get(url)  # warm the host cache
    with django_assert_max_num_queries(CASE_PAGE_WITH_FILES_AND_PAYMENT_QUERIES):
        response = client.get(url)
    page = response.content.decode()
    assert "Foto.png" in page and "Reply letter" in page and "Ledger" in page


def test_a_second_refund_request_is_refused_with_the_services_message(
    as_staff, clerk, second_clerk, paid_case
):
    payment = paid_case.payment
    url = reverse("backoffice:payment_refund_request", args=[payment.public_id])
    as_staff(clerk).post(url, {"text": "Doppelt bezahlt"})
    response = as_staff(second_clerk).post(url, {"text": "Noch einmal"})
    assert response.status_code == 200
    assert "This change of status is not possible." in response.content.decode()
    payment.refresh_from_db()
    assert payment.refund_requested_by == clerk and payment.refund_reason == "Doppelt bezahlt"


def test_case_page_with_payment_in_german(as_staff, clerk, citizen, paid_case):
    _attach(paid_case, citizen)
    client = as_staff(clerk, language="de")
    page = client.get(reverse("backoffice:case_detail", args=[paid_case.reference]))
    text = page.content.decode()
    for german in ("Zahlung", "Buchungsjournal", "Kassenzeichen", "Dateien zu diesem Vorgang"):
        assert german in text, german
    assert "Erstattung beantragen" in text and "12,00 EUR" in text
    # The platform's method code is shown in the page's language, not as the code it sent.
    assert "Kreditkarte" in text and "CREDITCARD" not in text

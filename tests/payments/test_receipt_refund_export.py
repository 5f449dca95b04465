"""Receipt PDF, refunds with four-eyes, the daily export for the finance system."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from rathaus.payments import services
from rathaus.payments.constants import LedgerSource, PaymentStatus
from rathaus.payments.errors import PaymentError
from rathaus.payments.models import Payment, PaymentLedgerEntry

from .conftest import paid_case_submit


@pytest.fixture
def booked(catalogue, norderstedt, citizen):
    case = paid_case_submit(municipality=norderstedt, actor=citizen)
    payment = case.payment
    Payment.objects.filter(pk=payment.pk).update(
        provider_key="demo", provider_transaction_id="tx-1", payment_method="CREDITCARD"
    )
    payment.refresh_from_db()
    services.payment_transition(
        payment=payment, to_status=PaymentStatus.PAID, source=LedgerSource.RETURN
    )
    payment.refresh_from_db()
    return payment


def test_receipt_pdf_for_the_applicant(nor_client, citizen, booked):
    nor_client.force_login(citizen)
    response = nor_client.get(f"/bezahlen/{booked.public_id}/quittung.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert booked.kassenzeichen[:4] in text
    assert str(booked.amount).replace(".", ",") + " EUR" in text
    assert "Quittung" in text


def test_no_receipt_before_payment_or_for_others(
    nor_client, rei_client, citizen, other_citizen, catalogue, norderstedt, booked
):
    unpaid = paid_case_submit(municipality=norderstedt, actor=citizen).payment
    nor_client.force_login(citizen)
    assert nor_client.get(f"/bezahlen/{unpaid.public_id}/quittung.pdf").status_code == 404
    nor_client.force_login(other_citizen)
    assert nor_client.get(f"/bezahlen/{booked.public_id}/quittung.pdf").status_code == 404
    rei_client.force_login(citizen)
    assert rei_client.get(f"/bezahlen/{booked.public_id}/quittung.pdf").status_code == 404
    nor_client.logout()
    assert nor_client.get(f"/bezahlen/{booked.public_id}/quittung.pdf").status_code == 404


def test_refund_needs_a_second_clerk_of_the_same_town(booked, clerk, rei_clerk, norderstedt):
    from tests.accounts.factories import staff_create

    second = staff_create(municipality=norderstedt)
    with pytest.raises(PaymentError):
        services.payment_refund_request(payment=booked, actor=rei_clerk, reason="Doppelt")
    with pytest.raises(PaymentError):
        services.payment_refund_request(payment=booked, actor=clerk, reason=" ")
    services.payment_refund_request(payment=booked, actor=clerk, reason="Doppelt bezahlt")
    with pytest.raises(PaymentError) as excinfo:
        services.payment_refund_confirm(payment=booked, actor=clerk)
    assert excinfo.value.details == {"reason": "four_eyes"}
    with pytest.raises(PaymentError):
        services.payment_refund_confirm(payment=booked, actor=rei_clerk)
    services.payment_refund_confirm(payment=booked, actor=second)
    booked.refresh_from_db()
    assert booked.status == PaymentStatus.REFUNDED
    entry = PaymentLedgerEntry.objects.get(payment=booked, to_status="refunded")
    assert entry.actor == second and entry.source == LedgerSource.CLERK


def test_refund_of_an_unpaid_payment_is_refused(catalogue, norderstedt, citizen, clerk):
    unpaid = paid_case_submit(municipality=norderstedt, actor=citizen).payment
    with pytest.raises(PaymentError):
        services.payment_refund_request(payment=unpaid, actor=clerk, reason="x")


def test_daily_export_csv_and_json_per_town(booked, norderstedt, reinbek, tmp_path):
    today = timezone.localdate()
    rows = services.payments_booked_rows(municipality=norderstedt, day=today)
    assert [row["kassenzeichen"] for row in rows] == [booked.kassenzeichen]
    assert services.payments_booked_rows(municipality=reinbek, day=today) == []
    yesterday = today - datetime.timedelta(days=1)
    assert services.payments_booked_rows(municipality=norderstedt, day=yesterday) == []
    written = services.payments_export_write(day=today, directory=tmp_path)
    assert len(written) == 4
    csv_rows = list(
        csv.DictReader(
            (tmp_path / "norderstedt" / f"{today}.csv").open(encoding="utf-8"), delimiter=";"
        )
    )
    assert csv_rows[0]["amount"] == str(booked.amount)
    assert csv_rows[0]["case_reference"] == booked.case.reference
    data = json.loads((tmp_path / "norderstedt" / f"{today}.json").read_text(encoding="utf-8"))
    assert data[0]["kassenzeichen"] == booked.kassenzeichen
    # No personal data in the export: the applicant's name does not appear.
    assert "Mustermann" not in (tmp_path / "norderstedt" / f"{today}.csv").read_text()

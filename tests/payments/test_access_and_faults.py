"""Who may see a payment, tampered return links, the ledger's guarantees, waiving the fee."""

from __future__ import annotations

import datetime as dt
import threading
from urllib.parse import urlsplit

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.cases.plugin import JourneyContext
from rathaus.core.models import AuditEvent
from rathaus.payments import services
from rathaus.payments.constants import LedgerSource, PaymentStatus
from rathaus.payments.errors import PaymentError, ReconciliationIncomplete
from rathaus.payments.kassenzeichen import kassenzeichen_is_valid
from rathaus.payments.models import Payment, PaymentLedgerEntry
from rathaus.payments.services import settlement

from .conftest import demo_platform_configure, paid_case_submit


@pytest.fixture
def paid_case(catalogue, norderstedt, citizen):
    return paid_case_submit(municipality=norderstedt, actor=citizen)


def test_submitting_a_paid_procedure_creates_a_payment_and_holds_the_case(
    paid_case, norderstedt, paid_procedure
):
    payment = paid_case.payment
    assert paid_case.status == CaseStatus.AWAITING_PAYMENT
    assert payment.status == PaymentStatus.OPEN
    context = JourneyContext(municipality=norderstedt, procedure=paid_procedure)
    expected = paid_procedure.fee(context)
    assert expected is not None and payment.amount == expected
    assert payment.purpose == paid_case.reference and len(payment.purpose) <= 27
    assert kassenzeichen_is_valid(payment.kassenzeichen)
    assert payment.kassenzeichen.startswith(norderstedt.ags)
    assert "BMG" in payment.legal_basis


def test_kassenzeichen_unique_and_consecutive_per_town(catalogue, norderstedt, reinbek, citizen):
    first = paid_case_submit(municipality=norderstedt, actor=citizen).payment
    second = paid_case_submit(municipality=norderstedt, actor=citizen).payment
    other_town = paid_case_submit(municipality=reinbek, actor=citizen).payment
    assert int(second.kassenzeichen[10:17]) == int(first.kassenzeichen[10:17]) + 1
    assert other_town.kassenzeichen.startswith(reinbek.ags)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=second.pk).update(kassenzeichen=first.kassenzeichen)


def test_overview_shows_amount_purpose_and_legal_basis(nor_client, citizen, paid_case):
    nor_client.force_login(citizen)
    page = nor_client.get(f"/bezahlen/{paid_case.payment.public_id}/").content.decode()
    assert (
        str(paid_case.payment.amount).replace(".", ",") in page
        or str(paid_case.payment.amount) in page
    )
    assert paid_case.reference in page
    assert "BMG" in page


@pytest.mark.parametrize("path", ["", "zurueck/"])
def test_other_citizen_anonymous_and_other_town_get_404(
    client, nor_client, rei_client, paid_case, other_citizen, citizen, path
):
    url = f"/bezahlen/{paid_case.payment.public_id}/{path}"
    assert nor_client.get(url).status_code == 404  # anonymous
    nor_client.force_login(other_citizen)
    assert nor_client.get(url).status_code == 404
    assert nor_client.post(url).status_code in (404, 405)
    rei_client.force_login(citizen)  # the applicant, but on the other town's host
    assert rei_client.get(url).status_code == 404


def test_other_towns_clerk_gets_404(rei_client, paid_case, rei_clerk):
    rei_client.force_login(rei_clerk)
    url = f"/bezahlen/{paid_case.payment.public_id}/"
    assert rei_client.get(url).status_code == 404


def test_unknown_payment_is_404(nor_client, citizen, catalogue):
    nor_client.force_login(citizen)
    assert nor_client.get("/bezahlen/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_tampered_transaction_id_is_refused_logged_and_changes_nothing(
    nor_client, citizen, paid_case
):
    payment = paid_case.payment
    Payment.objects.filter(pk=payment.pk).update(
        status=PaymentStatus.PENDING, provider_transaction_id="real-one"
    )
    nor_client.force_login(citizen)
    response = nor_client.get(f"/bezahlen/{payment.public_id}/zurueck/?transactionId=someone-elses")
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not PaymentLedgerEntry.objects.filter(payment=payment).exists()
    assert AuditEvent.objects.filter(
        action="payment.return_refused", target_id=str(payment.pk)
    ).exists()


def test_ledger_is_append_only_and_allows_one_paid_entry(paid_case):
    payment = paid_case.payment
    services.payment_transition(
        payment=payment, to_status=PaymentStatus.PAID, source=LedgerSource.RECONCILIATION
    )
    entry = PaymentLedgerEntry.objects.get(payment=payment)
    entry.note = "rewritten"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLedgerEntry.objects.create(
            payment=payment,
            municipality=payment.municipality,
            from_status="pending",
            to_status="paid",
            source="return",
        )


def test_forbidden_transition_writes_nothing(paid_case):
    payment = paid_case.payment
    with pytest.raises(PaymentError):
        services.payment_transition(
            payment=payment, to_status=PaymentStatus.REFUNDED, source=LedgerSource.CLERK
        )
    assert not PaymentLedgerEntry.objects.filter(payment=payment).exists()


def test_clerk_waives_the_fee_with_a_reason(paid_case, clerk, rei_clerk, citizen):
    payment = paid_case.payment
    for actor in (citizen, rei_clerk):
        with pytest.raises(PaymentError):
            services.payment_fee_waive(payment=payment, actor=actor, reason="Härtefall")
    with pytest.raises(PaymentError):
        services.payment_fee_waive(payment=payment, actor=clerk, reason="  ")
    services.payment_fee_waive(payment=payment, actor=clerk, reason="Härtefall")
    payment.refresh_from_db()
    paid_case.refresh_from_db()
    assert paid_case.status == CaseStatus.SUBMITTED
    assert payment.status == PaymentStatus.CANCELLED
    assert payment.fee_waived_reason == "Härtefall" and payment.fee_waived_by == clerk


def test_demo_platform_is_404_outside_demo_settings(nor_client, settings, catalogue):
    settings.RATHAUS_DEMO = False
    assert nor_client.post("/demo-bezahlplattform/token/").status_code == 404
    assert (
        nor_client.get(
            "/demo-bezahlplattform/bezahlen/00000000-0000-0000-0000-000000000000/"
        ).status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_ten_returns_racing_the_reconciliation_book_once(
    live_server, catalogue, norderstedt, citizen, client, fast_platform
):
    """The return URL reloaded ten times at once, and the reconciliation task, all in threads
    with their own database connections: one paid entry, one release of the case."""
    demo_platform_configure(municipality=norderstedt, base=live_server.url)
    case = paid_case_submit(municipality=norderstedt, actor=citizen)
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    client.force_login(citizen)
    start = client.post(f"/bezahlen/{case.payment.public_id}/")
    pay_path = urlsplit(start["Location"]).path
    client.post(pay_path, {"method": "card", "outcome": "paid"})
    cookies = client.cookies
    barrier = threading.Barrier(11)
    errors: list[BaseException] = []

    def returning():
        from django.test import Client

        own = Client(HTTP_HOST="norderstedt.localhost")
        own.cookies = cookies
        try:
            barrier.wait()
            assert own.get(f"/bezahlen/{case.payment.public_id}/zurueck/").status_code == 200
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def reconciling():
        try:
            barrier.wait()
            services.payments_reconcile()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=returning) for _ in range(10)]
    threads.append(threading.Thread(target=reconciling))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    payment = Payment.objects.get(pk=case.payment.pk)
    assert payment.status == PaymentStatus.PAID
    assert PaymentLedgerEntry.objects.filter(payment=payment, to_status="paid").count() == 1
    released = case.events.filter(from_status="awaiting_payment", to_status="submitted")
    assert released.count() == 1


def test_case_page_leads_the_applicant_to_the_payment(nor_client, citizen, paid_case, clerk):
    url = f"/anliegen/meine/{paid_case.reference}/"
    pay_link = f"/bezahlen/{paid_case.payment.public_id}/"
    nor_client.force_login(citizen)
    assert pay_link in nor_client.get(url).content.decode()
    # Staff read cases in the back office (logged), never through the citizen's page.
    nor_client.force_login(clerk)
    assert nor_client.get(url).status_code == 404


def test_a_database_error_on_one_payment_does_not_stop_the_reconciliation(
    catalogue, norderstedt, citizen, monkeypatch, caplog
):
    payments = [
        paid_case_submit(municipality=norderstedt, actor=citizen, name=f"Erika {n}").payment
        for n in range(3)
    ]
    broken = payments[1].pk
    transition = settlement.payment_transition

    def transition_failing_once(*, payment, **kwargs):
        if payment.pk == broken:
            raise DatabaseError("could not serialize access due to concurrent update")
        return transition(payment=payment, **kwargs)

    monkeypatch.setattr(settlement, "payment_transition", transition_failing_once)
    # All three were never started and are past their expiry.
    with pytest.raises(ReconciliationIncomplete) as raised:
        services.payments_reconcile(now=timezone.now() + dt.timedelta(days=30))
    assert raised.value.failed == [broken]
    assert str(broken) in str(raised.value)
    statuses = [Payment.objects.get(pk=payment.pk).status for payment in payments]
    assert statuses == [PaymentStatus.EXPIRED, PaymentStatus.OPEN, PaymentStatus.EXPIRED]
    assert f"payment {broken}: reconciliation failed" in caplog.text
    assert "DatabaseError" in caplog.text

    # The next run tries the failed one again.
    monkeypatch.setattr(settlement, "payment_transition", transition)
    assert services.payments_reconcile(now=timezone.now() + dt.timedelta(days=30)) == 0
    assert Payment.objects.get(pk=broken).status == PaymentStatus.EXPIRED

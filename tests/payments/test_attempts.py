"""Every platform transaction of a payment is kept and queried: an earlier attempt paid after a
retry books the payment, or (when another attempt already booked it) is a second receipt of
money flagged for a refund. Over real HTTP against the demo platform."""

from __future__ import annotations

import datetime
import threading
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.core.models import AuditEvent
from rathaus.payments import services
from rathaus.payments.constants import AttemptBooking, LedgerKind, LedgerSource, PaymentStatus
from rathaus.payments.models import Payment, PaymentAttempt, PaymentLedgerEntry

from .conftest import demo_platform_configure, paid_case_submit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def platform(live_server, catalogue, norderstedt, fast_platform):
    return demo_platform_configure(municipality=norderstedt, base=live_server.url)


@pytest.fixture
def paid_case(platform, norderstedt, citizen):
    return paid_case_submit(municipality=norderstedt, actor=citizen)


def _start(client, payment) -> str:
    """ "Pay now": returns the path of the demo platform's pay page of the new attempt."""
    start = client.post(f"/bezahlen/{payment.public_id}/")
    assert start.status_code == 302, start.content
    return urlsplit(start["Location"]).path


def _choose(client, pay_path: str, outcome: str = "paid") -> str:
    """The citizen pays on the demo pay page; returns the return URL (not yet visited)."""
    back = client.post(pay_path, {"method": "card", "outcome": outcome})
    assert back.status_code == 302
    target = urlsplit(back["Location"])
    return f"{target.path}?{target.query}"


def _two_attempts(client, payment) -> tuple[str, str]:
    """Attempt 1 is started and left on its pay page; we give up waiting (expired); the citizen
    tries again (attempt 2). Returns both pay page paths."""
    first = _start(client, payment)
    payment.refresh_from_db()
    services.payment_transition(
        payment=payment, to_status=PaymentStatus.EXPIRED, source=LedgerSource.RECONCILIATION
    )
    second = _start(client, payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    return first, second


def _paid_entries(payment):
    return PaymentLedgerEntry.objects.filter(
        payment=payment, to_status=PaymentStatus.PAID, kind=LedgerKind.TRANSITION
    )


def _releases(case):
    return case.events.filter(from_status="awaiting_payment", to_status="submitted")


def test_every_attempt_is_kept_with_its_platform_status(nor_client, citizen, paid_case):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    nor_client.get(_choose(nor_client, _start(nor_client, payment), outcome="declined"))
    nor_client.get(_choose(nor_client, _start(nor_client, payment), outcome="paid"))
    attempts = list(PaymentAttempt.objects.filter(payment=payment))
    assert [a.number for a in attempts] == [0, 1]
    assert [a.platform_status for a in attempts] == ["FAILED", "PAYED"]
    assert all(a.is_final for a in attempts)
    assert [a.booking for a in attempts] == [AttemptBooking.NONE, AttemptBooking.BOOKED]
    payment.refresh_from_db()
    assert payment.provider_transaction_id == attempts[1].provider_transaction_id
    assert _paid_entries(payment).get().attempt == attempts[1]


def test_earlier_attempt_paid_after_a_retry_is_found_by_reconciliation(
    nor_client, citizen, paid_case
):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    first, _second = _two_attempts(nor_client, payment)
    _choose(nor_client, first, outcome="paid")  # the old pay page, still open in another tab
    services.payments_reconcile()
    payment.refresh_from_db()
    paid_case.refresh_from_db()
    one, two = PaymentAttempt.objects.filter(payment=payment)
    assert payment.status == PaymentStatus.PAID
    assert paid_case.status == CaseStatus.SUBMITTED
    entry = _paid_entries(payment).get()
    assert entry.attempt == one and entry.provider_transaction_id == one.provider_transaction_id
    assert entry.from_status == PaymentStatus.PENDING and "earlier attempt" in entry.note
    assert one.booking == AttemptBooking.BOOKED and one.is_final
    # The newer transaction is still open at the platform: it is still watched.
    assert two.booking == AttemptBooking.NONE and not two.is_final
    assert not payment.needs_clerk_attention


def test_return_url_accepts_an_earlier_attempt_of_this_payment(nor_client, citizen, paid_case):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    first, _second = _two_attempts(nor_client, payment)
    back = _choose(nor_client, first, outcome="paid")
    response = nor_client.get(back)
    assert response.status_code == 200
    assert "kern-alert--success" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert _paid_entries(payment).get().source == LedgerSource.RETURN
    assert not AuditEvent.objects.filter(action="payment.return_refused").exists()


def test_transaction_id_of_another_payment_is_refused_and_logged(
    nor_client, citizen, paid_case, norderstedt
):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    other_case = paid_case_submit(municipality=norderstedt, actor=citizen, name="Erika M")
    _start(nor_client, other_case.payment)
    _start(nor_client, payment)
    foreign = PaymentAttempt.objects.get(payment=other_case.payment).provider_transaction_id
    response = nor_client.get(f"/bezahlen/{payment.public_id}/zurueck/?transactionId={foreign}")
    assert response.status_code == 400
    assert AuditEvent.objects.filter(
        action="payment.return_refused", target_id=str(payment.pk)
    ).exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert PaymentLedgerEntry.objects.filter(payment=payment).count() == 1  # the start


def test_second_attempt_paid_too_is_a_second_receipt_flagged_never_booked_twice(
    nor_client, citizen, paid_case
):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    first, second = _two_attempts(nor_client, payment)
    nor_client.get(_choose(nor_client, first, outcome="paid"))  # attempt 1 books it
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and not payment.needs_clerk_attention
    paid_at = payment.paid_at
    _choose(nor_client, second, outcome="paid")  # ... and the citizen pays the other tab too
    for _ in range(2):  # attempt 2's money is found; asking again changes nothing
        services.payments_reconcile()
    payment.refresh_from_db()
    paid_case.refresh_from_db()
    one, two = PaymentAttempt.objects.filter(payment=payment)
    assert payment.status == PaymentStatus.PAID and payment.paid_at == paid_at
    assert payment.needs_clerk_attention and "refund" in payment.attention_reason
    assert _paid_entries(payment).get().attempt == one
    receipt = PaymentLedgerEntry.objects.get(payment=payment, kind=LedgerKind.SECOND_RECEIPT)
    assert receipt.attempt == two
    assert receipt.provider_transaction_id == two.provider_transaction_id
    assert receipt.from_status == receipt.to_status == PaymentStatus.PAID
    assert receipt.platform_answer["paymentInformation"]["status"] == "PAYED"
    assert (one.booking, two.booking) == (AttemptBooking.BOOKED, AttemptBooking.SECOND_RECEIPT)
    assert two.is_final
    assert _releases(paid_case).count() == 1
    assert (
        AuditEvent.objects.filter(action="payment.flagged", target_id=str(payment.pk)).count() == 1
    )
    # The daily export books the payment once.
    day = timezone.localdate(receipt.created_at)
    rows = services.payments_booked_rows(municipality=payment.municipality, day=day)
    assert [row["provider_transaction_id"] for row in rows] == [one.provider_transaction_id]


def test_a_refunded_payment_paid_again_is_a_second_receipt(nor_client, citizen, paid_case):
    nor_client.force_login(citizen)
    payment = paid_case.payment
    first, second = _two_attempts(nor_client, payment)
    nor_client.get(_choose(nor_client, second, outcome="paid"))
    payment.refresh_from_db()
    services.payment_transition(
        payment=payment, to_status=PaymentStatus.REFUNDED, source=LedgerSource.CLERK
    )
    _choose(nor_client, first, outcome="paid")
    services.payments_reconcile()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and payment.needs_clerk_attention
    receipt = PaymentLedgerEntry.objects.get(payment=payment, kind=LedgerKind.SECOND_RECEIPT)
    assert receipt.from_status == receipt.to_status == PaymentStatus.REFUNDED
    assert receipt.attempt.number == 0


def test_an_attempt_never_settled_is_given_up_after_the_attempt_expiry(
    nor_client, citizen, paid_case, settings
):
    settings.RATHAUS_PAYMENT_EXPIRY_HOURS = 1
    settings.RATHAUS_PAYMENT_ATTEMPT_EXPIRY_HOURS = 48
    nor_client.force_login(citizen)
    payment = paid_case.payment
    _two_attempts(nor_client, payment)
    one = PaymentAttempt.objects.filter(payment=payment).first()
    PaymentAttempt.objects.filter(pk=one.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=47)
    )
    services.payments_reconcile()
    one.refresh_from_db()
    assert not one.is_final and one.platform_status == "INITIAL"
    PaymentAttempt.objects.filter(pk=one.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=49)
    )
    services.payments_reconcile()
    one.refresh_from_db()
    assert one.is_final and one.booking == AttemptBooking.NONE
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # the current attempt is not concerned


def test_expired_payment_is_still_watched_and_a_late_payment_is_found(
    nor_client, citizen, paid_case, settings
):
    """The payment expires after RATHAUS_PAYMENT_EXPIRY_HOURS; its transaction is still asked
    about until the (longer) attempt expiry, so money taken later is not lost."""
    nor_client.force_login(citizen)
    payment = paid_case.payment
    pay_path = _start(nor_client, payment)
    Payment.objects.filter(pk=payment.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=30)
    )
    services.payments_reconcile()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    _choose(nor_client, pay_path, outcome="paid")
    services.payments_reconcile()
    payment.refresh_from_db()
    paid_case.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.needs_clerk_attention and "late" in payment.attention_reason
    assert paid_case.status == CaseStatus.SUBMITTED


def test_ledger_refuses_a_second_receipt_that_changes_status_or_repeats(paid_case, platform):
    payment = paid_case.payment
    attempt = PaymentAttempt.objects.create(
        payment=payment,
        municipality=payment.municipality,
        provider_key="demo",
        provider_transaction_id="tx-constraint",
        requested_amount=payment.amount,
    )
    fields = {
        "payment": payment,
        "municipality": payment.municipality,
        "kind": LedgerKind.SECOND_RECEIPT,
        "source": LedgerSource.RECONCILIATION,
        "attempt": attempt,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLedgerEntry.objects.create(from_status="pending", to_status="paid", **fields)
    PaymentLedgerEntry.objects.create(from_status="paid", to_status="paid", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLedgerEntry.objects.create(from_status="paid", to_status="paid", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentAttempt.objects.create(
            payment=payment,
            municipality=payment.municipality,
            provider_key="demo",
            provider_transaction_id="tx-constraint",
            requested_amount=payment.amount,
        )


def test_return_of_attempt_one_racing_reconciliation_of_attempt_two(
    live_server, catalogue, norderstedt, citizen, client, fast_platform
):
    """Both attempts were paid. The return URL of attempt 1 (five reloads) and the
    reconciliation (asking about attempt 2) run at once in threads with their own database
    connections: one paid entry, one second receipt, one flag, one release of the case."""
    demo_platform_configure(municipality=norderstedt, base=live_server.url)
    case = paid_case_submit(municipality=norderstedt, actor=citizen)
    payment = case.payment
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    client.force_login(citizen)
    first, second = _two_attempts(client, payment)
    back_one = _choose(client, first, outcome="paid")
    _choose(client, second, outcome="paid")
    one, two = PaymentAttempt.objects.filter(payment=payment)
    assert one.provider_transaction_id in back_one
    # We gave up on attempt 1 (a final status was last seen): only its return URL names it.
    PaymentAttempt.objects.filter(pk=one.pk).update(is_final=True)
    cookies = client.cookies
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def returning():
        from django.test import Client

        own = Client(HTTP_HOST="norderstedt.localhost")
        own.cookies = cookies
        try:
            barrier.wait()
            assert own.get(back_one).status_code == 200
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

    threads = [threading.Thread(target=returning) for _ in range(5)]
    threads.append(threading.Thread(target=reconciling))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert PaymentLedgerEntry.objects.filter(payment=payment, to_status="paid").count() == 2
    assert _paid_entries(payment).count() == 1
    receipts = PaymentLedgerEntry.objects.filter(payment=payment, kind=LedgerKind.SECOND_RECEIPT)
    assert receipts.count() == 1
    booked = _paid_entries(payment).get().attempt
    assert {booked, receipts.get().attempt} == {one, two}
    assert payment.needs_clerk_attention and "refund" in payment.attention_reason
    flags = AuditEvent.objects.filter(action="payment.flagged", target_id=str(payment.pk))
    assert flags.count() == 1
    assert _releases(case).count() == 1

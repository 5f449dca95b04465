"""Settling payments from the platform's answers: asking for an attempt's status, applying the
answer (idempotently, under the payment's row lock), flags for a clerk and the periodic
reconciliation. A status is never taken from a URL; only the platform's answer changes a payment."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.cases.services import case_transition
from rathaus.core.audit import audit_event_record

from ..constants import (
    FINAL_PLATFORM_STATUSES,
    PLATFORM_STATUS_MAP,
    UNSETTLED_STATUSES,
    AttemptBooking,
    LedgerKind,
    LedgerSource,
)
from ..errors import PaymentError, ReconciliationIncomplete
from ..models import Payment, PaymentAttempt, PaymentLedgerEntry
from ..providers.base import ProviderError, TransactionState
from .platform import provider_for
from .status import (
    P,
    attempt_expiry,
    payment_expiry,
    payment_transition,
    platform_answer_for_ledger,
)

logger = logging.getLogger(__name__)


def _release_case(payment: Payment) -> None:

    case = Case.objects.select_for_update().get(
        pk=payment.case_id, municipality=payment.municipality_id
    )
    if case.status == CaseStatus.AWAITING_PAYMENT:
        case_transition(case=case, to_status=CaseStatus.SUBMITTED, actor=None)


def _flag(locked: Payment, reason: str, *, data: dict[str, Any]) -> None:
    locked.needs_clerk_attention = True
    locked.attention_reason = reason[:200]
    locked.save(update_fields=["needs_clerk_attention", "attention_reason", "updated_at"])
    audit_event_record(
        action="payment.flagged", municipality=locked.municipality, target=locked, data=data
    )


def _current_attempt_ensure(payment: Payment) -> None:
    """The payment's current platform transaction always has its attempt row (rows set up
    before attempts were kept, or by hand, get it here)."""
    if not payment.provider_transaction_id:
        return
    PaymentAttempt.objects.get_or_create(
        provider_key=payment.provider_key,
        provider_transaction_id=payment.provider_transaction_id,
        defaults={
            "payment": payment,
            "municipality_id": payment.municipality_id,
            "number": payment.attempts,
            "request_id": payment.request_id,
            "requested_amount": payment.requested_amount or payment.amount,
            "currency": payment.currency,
        },
    )


def _second_receipt_record(
    locked: Payment, attempt: PaymentAttempt, *, state: TransactionState, source: str
) -> None:
    """Money for a payment already booked through another attempt: recorded in the ledger as a
    second receipt (the status stays), and the payment is flagged for a refund."""
    attempt.booking = AttemptBooking.SECOND_RECEIPT
    attempt.save(update_fields=["booking"])
    PaymentLedgerEntry.objects.create(
        payment=locked,
        municipality_id=locked.municipality_id,
        from_status=locked.status,
        to_status=locked.status,
        kind=LedgerKind.SECOND_RECEIPT,
        source=source,
        provider_transaction_id=attempt.provider_transaction_id,
        attempt=attempt,
        platform_answer=platform_answer_for_ledger(state.raw),
        note="paid twice: refund needed",
    )
    _flag(
        locked,
        "paid twice (second attempt paid too): refund needed",
        data={"attempt": attempt.number, "amount": str(state.amount)},
    )


def _attempt_paid_apply(
    locked: Payment, attempt: PaymentAttempt, *, state: TransactionState, source: str
) -> Payment:
    expected = attempt.requested_amount
    if (
        state.amount is None
        or state.amount != expected
        or (state.currency and state.currency != attempt.currency)
    ):
        if not locked.needs_clerk_attention:
            _flag(
                locked,
                "amount differs from the requested amount",
                data={"reported": str(state.amount), "requested": str(expected)},
            )
        return locked
    if attempt.booking:
        return locked  # this attempt's money is already in the ledger
    if locked.status in (P.PAID, P.REFUNDED):
        _second_receipt_record(locked, attempt, state=state, source=source)
        return locked
    if state.payment_method:
        locked.payment_method = state.payment_method[:40]
        locked.save(update_fields=["payment_method"])
    earlier = attempt.provider_transaction_id != locked.provider_transaction_id
    try:
        with transaction.atomic():
            locked = payment_transition(
                payment=locked,
                to_status=P.PAID,
                source=source,
                platform_answer=state.raw,
                attempt=attempt,
                note=f"paid through earlier attempt {attempt.number}" if earlier else "",
            )
            attempt.booking = AttemptBooking.BOOKED
            attempt.save(update_fields=["booking"])
    except IntegrityError:
        # The constraint's answer to a race the row lock should have prevented.
        locked.refresh_from_db()
        return locked
    _release_case(locked)
    return locked


@transaction.atomic
def payment_state_apply(
    *, payment: Payment, state: TransactionState, source: str, now: datetime.datetime | None = None
) -> Payment:
    """Apply what the platform said about one attempt of ``payment``. Idempotent: the same
    answer twice changes nothing; the row lock makes the return page, its reloads and the
    reconciliation queue up.

    A "paid" of any attempt books an unpaid payment (through ``payment_transition``); for a
    payment already booked through another attempt it is a second receipt (ledger entry, flag,
    no second booking). Other statuses of an attempt that is not the current one only update
    the attempt."""
    locked = Payment.objects.select_for_update().get(
        pk=payment.pk, municipality=payment.municipality_id
    )
    now = now or timezone.now()
    locked.last_checked_at = now
    locked.save(update_fields=["last_checked_at"])
    _current_attempt_ensure(locked)
    attempt = PaymentAttempt.objects.filter(
        payment=locked, provider_transaction_id=state.transaction_id
    ).first()
    if attempt is None:
        logger.warning("payment %s: status answer for another transaction ignored", locked.pk)
        return locked
    attempt.platform_status = str(state.platform_status)[:20]
    attempt.last_checked_at = now
    if state.platform_status in FINAL_PLATFORM_STATUSES:
        attempt.is_final = True
    elif source == LedgerSource.RECONCILIATION and attempt.created_at < now - attempt_expiry():
        attempt.is_final = True  # never settled: we stop asking
    attempt.save(update_fields=["platform_status", "last_checked_at", "is_final"])
    target = PLATFORM_STATUS_MAP[state.platform_status]
    if target == P.PAID:
        return _attempt_paid_apply(locked, attempt, state=state, source=source)
    if locked.status in (P.PAID, P.REFUNDED):
        if attempt.booking == AttemptBooking.BOOKED and not locked.needs_clerk_attention:
            _flag(
                locked,
                f"platform reports {state.platform_status} for a booked payment",
                data={"platform_status": state.platform_status},
            )
        return locked
    if attempt.provider_transaction_id != locked.provider_transaction_id:
        return locked  # an earlier attempt that did not pay: the payment follows the current one
    if target == P.PENDING:
        started = locked.started_at or locked.created_at
        if source == LedgerSource.RECONCILIATION and started < now - payment_expiry():
            if locked.status in (P.OPEN, P.PENDING):
                return payment_transition(
                    payment=locked,
                    to_status=P.EXPIRED,
                    source=source,
                    platform_answer=state.raw,
                    note="no final status before expiry",
                    attempt=attempt,
                )
            return locked
        if locked.status == P.OPEN:
            return payment_transition(
                payment=locked,
                to_status=P.PENDING,
                source=source,
                platform_answer=state.raw,
                attempt=attempt,
            )
        return locked
    if locked.status in (P.OPEN, P.PENDING):
        return payment_transition(
            payment=locked,
            to_status=target,
            source=source,
            platform_answer=state.raw,
            attempt=attempt,
        )
    return locked


def _attempt_query(*, payment: Payment, attempt: PaymentAttempt, provider, source: str) -> None:
    """Ask the platform about one attempt and apply the answer. A timeout or 5xx leaves
    everything as it is; the reconciliation asks again."""
    try:
        state = provider.transaction_status(attempt.provider_transaction_id)
    except ProviderError as exc:
        logger.warning("payment %s: status query failed: %s", payment.pk, exc)
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
            expired = attempt.created_at < timezone.now() - attempt_expiry()
            if source == LedgerSource.RECONCILIATION and expired:
                PaymentAttempt.objects.filter(pk=attempt.pk).update(is_final=True)
            if not exc.transient and not locked.needs_clerk_attention:
                _flag(locked, f"platform error {exc.code}", data={"code": exc.code})
        return
    payment_state_apply(payment=payment, state=state, source=source)


def payment_refresh(
    *, payment: Payment, source: str, claimed_transaction_id: str | None = None
) -> Payment:
    """Ask the platform for the status (never trusted from a URL) and apply it: the current
    attempt, every attempt not yet final, and the attempt the return URL names (if it is one
    of this payment's)."""
    with transaction.atomic():
        _current_attempt_ensure(payment)
    attempts = list(
        PaymentAttempt.objects.filter(payment=payment, municipality=payment.municipality_id)
    )
    wanted = [
        attempt
        for attempt in attempts
        if not attempt.is_final
        or attempt.provider_transaction_id == payment.provider_transaction_id
        or (claimed_transaction_id and attempt.provider_transaction_id == claimed_transaction_id)
    ]
    if not wanted:
        return payment
    provider = provider_for(payment.municipality)
    for attempt in wanted:
        _attempt_query(payment=payment, attempt=attempt, provider=provider, source=source)
    payment.refresh_from_db()
    return payment


def payments_reconcile(*, now: datetime.datetime | None = None) -> int:
    """Query every attempt that is not final (of any payment, not only its current one) and
    every unsettled payment; expire payments and attempts the platform never settled. Returns
    how many payments were asked about.

    A payment that fails with anything but the platform's errors (which ``_attempt_query``
    handles), e.g. a database error, is logged with its id and the others are still asked
    about; ``ReconciliationIncomplete`` then names the failed ones at the end."""

    now = now or timezone.now()
    asked = 0
    failed: list[int] = []
    open_attempts = PaymentAttempt.objects.filter(payment=OuterRef("pk"), is_final=False)
    candidates = (
        Payment.objects.filter(Q(status__in=UNSETTLED_STATUSES) | Q(Exists(open_attempts)))
        .select_related("municipality")
        .order_by("pk")
    )
    for payment in candidates.iterator():
        try:
            asked += _payment_reconcile(payment=payment, now=now)
        except Exception:
            logger.exception(
                "payment %s: reconciliation failed, going on with the others", payment.pk
            )
            failed.append(payment.pk)
    if failed:
        raise ReconciliationIncomplete(failed=failed, asked=asked)
    return asked


def _payment_reconcile(*, payment: Payment, now: datetime.datetime) -> int:
    """One payment of ``payments_reconcile``: 1 when the platform was asked about it."""
    never_started = not payment.provider_transaction_id and payment.status == P.OPEN
    if never_started and payment.created_at < now - payment_expiry():
        payment_transition(
            payment=payment,
            to_status=P.EXPIRED,
            source=LedgerSource.RECONCILIATION,
            note="never started",
        )
    wanted = Q(is_final=False)
    if payment.status in UNSETTLED_STATUSES and payment.provider_transaction_id:
        wanted |= Q(provider_transaction_id=payment.provider_transaction_id)
    attempts = PaymentAttempt.objects.filter(payment=payment).filter(wanted)
    if not attempts.exists():
        return 0
    try:
        provider = provider_for(payment.municipality)
    except PaymentError:
        logger.warning("payment %s: no platform configured", payment.pk)
        return 1
    for attempt in attempts:
        _attempt_query(
            payment=payment,
            attempt=attempt,
            provider=provider,
            source=LedgerSource.RECONCILIATION,
        )
    return 1

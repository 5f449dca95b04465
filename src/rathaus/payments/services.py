"""Writes of payments. ``payment_transition`` is the only way a payment's status changes; it
writes the ledger entry in the same transaction."""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.cases.selectors import is_staff_of
from rathaus.cases.services import case_fee, case_transition
from rathaus.catalogue.selectors import service_list_for
from rathaus.core.audit import audit_event_record
from rathaus.tenants.models import Municipality

from .constants import (
    DEFAULT_ATTEMPT_EXPIRY,
    DEFAULT_PAYMENT_EXPIRY,
    DESCRIPTION_MAX_LENGTH,
    FINAL_PLATFORM_STATUSES,
    PLATFORM_STATUS_MAP,
    PURPOSE_MAX_LENGTH,
    RETRYABLE_STATUSES,
    UNSETTLED_STATUSES,
    AttemptBooking,
    LedgerKind,
    LedgerSource,
    PaymentErrorCode,
    PaymentStatus,
)
from .errors import PaymentError
from .kassenzeichen import kassenzeichen_build
from .models import (
    KassenzeichenCounter,
    Payment,
    PaymentAttempt,
    PaymentLedgerEntry,
    ProviderConfig,
)
from .providers.base import PaymentProvider, PaymentRequestData, ProviderError, TransactionState
from .providers.registry import provider_class
from .transitions import is_late_payment, transition_check

logger = logging.getLogger(__name__)

P = PaymentStatus
# Keys of a platform answer kept in the ledger: status, ids, amount, method; never names.
LEDGER_ANSWER_KEYS = {
    "paymentInformation": {
        "transactionId",
        "transactionReference",
        "transactionTimestamp",
        "paymentMethod",
        "status",
        "statusDetail",
    },
    "paymentRequest": {"requestId", "currency", "grosAmount", "grossAmount", "purpose"},
}


def payment_expiry() -> datetime.timedelta:
    hours = getattr(settings, "RATHAUS_PAYMENT_EXPIRY_HOURS", None)
    return datetime.timedelta(hours=hours) if hours else DEFAULT_PAYMENT_EXPIRY


def attempt_expiry() -> datetime.timedelta:
    """How long an attempt without a final platform status is still queried (never shorter
    than the payment's own expiry)."""
    hours = getattr(settings, "RATHAUS_PAYMENT_ATTEMPT_EXPIRY_HOURS", None)
    window = datetime.timedelta(hours=hours) if hours else DEFAULT_ATTEMPT_EXPIRY
    return max(window, payment_expiry())


def platform_answer_for_ledger(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Only whitelisted, non-personal parts of a platform answer (``requestor`` is dropped)."""
    kept: dict[str, Any] = {}
    for part, keys in LEDGER_ANSWER_KEYS.items():
        value = (raw or {}).get(part)
        if isinstance(value, dict):
            kept[part] = {key: value[key] for key in keys if key in value}
    return kept


# --- the one status function ---------------------------------------------------------------------
@transaction.atomic
def payment_transition(
    *,
    payment: Payment,
    to_status: str,
    source: str,
    actor=None,
    platform_answer: dict[str, Any] | None = None,
    note: str = "",
    attempt: PaymentAttempt | None = None,
) -> Payment:
    """Move ``payment`` to ``to_status`` if the table allows it; writes the ledger entry and an
    audit event in the same transaction. A late "paid" (after failed/cancelled/expired) is
    honoured and flagged for a clerk. ``attempt``: the platform transaction the change comes
    from (default: the payment's current one)."""
    locked = Payment.objects.select_for_update().get(
        pk=payment.pk, municipality=payment.municipality_id
    )
    from_status = locked.status
    transition_check(from_status=from_status, to_status=to_status)
    locked.status = to_status
    if to_status == P.PAID:
        locked.paid_at = timezone.now()
        if is_late_payment(from_status=from_status, to_status=to_status):
            locked.needs_clerk_attention = True
            locked.attention_reason = f"late payment after {from_status}"
    locked.save()
    PaymentLedgerEntry.objects.create(
        payment=locked,
        municipality_id=locked.municipality_id,
        from_status=from_status,
        to_status=to_status,
        source=source,
        actor=actor if actor is not None and actor.is_authenticated else None,
        provider_transaction_id=(
            attempt.provider_transaction_id if attempt else locked.provider_transaction_id
        ),
        attempt=attempt,
        platform_answer=platform_answer_for_ledger(platform_answer),
        note=note[:200],
    )
    audit_event_record(
        action="payment.transition",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
        data={"from": from_status, "to": str(to_status), "source": source},
    )
    for name in ("status", "paid_at", "needs_clerk_attention", "attention_reason", "updated_at"):
        setattr(payment, name, getattr(locked, name))
    return locked


# --- creating a payment for a case ---------------------------------------------------------------
def kassenzeichen_allocate(*, municipality, at: datetime.datetime) -> str:
    """The next Kassenzeichen of ``municipality``; the counter row stays locked until commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("kassenzeichen_allocate() must run inside a transaction")
    year = timezone.localtime(at).year
    KassenzeichenCounter.objects.get_or_create(municipality=municipality, year=year)
    counter = KassenzeichenCounter.objects.select_for_update().get(
        municipality=municipality, year=year
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return kassenzeichen_build(ags=municipality.ags, year=year, sequence=counter.last_value)


def _clean(text: str, *, pattern: str, limit: int) -> str:
    return re.sub(pattern, "", text).strip()[:limit]


def purpose_for(case) -> str:
    # XBezahldienste: at most 27 characters of letters, digits, spaces and hyphens.
    return _clean(case.reference, pattern=r"[^\w\s-]", limit=PURPOSE_MAX_LENGTH)


def _service_texts(*, municipality, service_slug: str) -> tuple[str, str]:

    offering = (
        service_list_for(municipality=municipality).filter(service__slug=service_slug).first()
    )
    if offering is None:
        return service_slug, ""
    return offering.service.name, offering.service.legal_basis


@transaction.atomic
def payment_for_case_require(*, case, amount: Decimal | None = None) -> Payment | None:
    """Called from a paid procedure's ``on_submit``: the fee (from the catalogue unless given)
    becomes a Payment, and the case waits for it before it reaches the back office."""
    if amount is None:
        amount = case_fee(case=case)
    if amount is None or amount <= 0:
        return None
    existing = Payment.objects.filter(case=case, municipality=case.municipality_id).first()
    if existing is not None:
        return existing
    name, legal_basis = _service_texts(
        municipality=case.municipality, service_slug=case.service_slug
    )
    payment = Payment(
        municipality=case.municipality,
        case=case,
        kassenzeichen=kassenzeichen_allocate(municipality=case.municipality, at=timezone.now()),
        amount=amount,
        currency="EUR",
        purpose=purpose_for(case),
        description=_clean(name, pattern=r"[^\w\s\-,.\u00C0-\u017F]", limit=DESCRIPTION_MAX_LENGTH),
        legal_basis=legal_basis,
    )
    payment.full_clean(exclude=["case", "municipality", "fee_waived_by"])
    payment.save()
    audit_event_record(
        action="payment.created",
        municipality=case.municipality,
        target=payment,
        data={"case": case.pk, "amount": str(amount)},
    )
    if case.status == CaseStatus.SUBMITTED:
        case_transition(case=case, to_status=CaseStatus.AWAITING_PAYMENT, actor=None)
    return payment


# --- the platform --------------------------------------------------------------------------------
def provider_for(municipality) -> PaymentProvider:
    config = ProviderConfig.objects.filter(municipality=municipality, is_active=True).first()
    if config is None:
        raise PaymentError(PaymentErrorCode.PROVIDER_NOT_CONFIGURED)
    try:
        cls = provider_class(config.provider_key)
    except KeyError as exc:
        raise PaymentError(PaymentErrorCode.PROVIDER_NOT_CONFIGURED) from exc
    return cls(config, municipality=municipality)


def payment_start(*, payment: Payment, actor, return_url: str) -> str:
    """Create the transaction at the platform (or reuse the open one) and return the pay page
    link. A failed, cancelled or expired payment starts a new attempt: same payment, same case.
    """
    provider = provider_for(payment.municipality)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(
            pk=payment.pk, municipality=payment.municipality_id
        )
        if locked.status == P.PENDING and locked.pay_url:
            return locked.pay_url
        if locked.status in RETRYABLE_STATUSES:
            payment_transition(
                payment=locked,
                to_status=P.OPEN,
                source=LedgerSource.START,
                actor=actor,
                note="new attempt",
            )
            locked.refresh_from_db()
            locked.attempts += 1
            locked.request_id = ""
            locked.provider_transaction_id = ""
            locked.pay_url = ""
            locked.save()
        if locked.status != P.OPEN:
            raise PaymentError(PaymentErrorCode.NOT_RETRYABLE)
        if not locked.request_id:
            # The same requestId for every try of one attempt: the platform refuses a
            # duplicate (PAYMENT_EXISTS) instead of creating a second transaction.
            locked.request_id = f"{locked.public_id.hex[:30]}-{locked.attempts}"
            locked.save(update_fields=["request_id"])
        request = PaymentRequestData(
            request_id=locked.request_id,
            request_timestamp=timezone.now().isoformat(timespec="seconds"),
            currency=locked.currency,
            amount=locked.amount,
            purpose=locked.purpose,
            description=locked.description,
            redirect_url=return_url,
            item_id=f"{locked.public_id.hex[:30]}-1",
            item_reference=locked.kassenzeichen,
            booking_data={"kassenzeichen": locked.kassenzeichen},
        )
    # The HTTP call runs outside the database transaction: a slow platform holds no lock.
    try:
        created = provider.transaction_create(request)
    except ProviderError as exc:
        logger.warning("payment %s: start failed: %s", payment.pk, exc)
        if exc.code == "PAYMENT_EXISTS":
            # An earlier try reached the platform but its answer was lost (timeout). That
            # transaction's pay page was never shown, so nobody can pay it: the next try
            # uses a fresh requestId.
            Payment.objects.filter(
                pk=payment.pk, status=P.OPEN, request_id=request.request_id
            ).update(request_id="", attempts=F("attempts") + 1)
        raise PaymentError(
            PaymentErrorCode.PROVIDER_UNAVAILABLE
            if exc.transient
            else PaymentErrorCode.PROVIDER_REFUSED,
            details={"code": exc.code},
        ) from exc
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(
            pk=payment.pk, municipality=payment.municipality_id
        )
        # Every transaction the platform created is kept and queried, even one whose payment
        # changed meanwhile: its money must never be lost.
        attempt, _created = PaymentAttempt.objects.get_or_create(
            provider_key=provider.key,
            provider_transaction_id=created.transaction_id,
            defaults={
                "payment": locked,
                "municipality_id": locked.municipality_id,
                "number": locked.attempts,
                "request_id": request.request_id,
                "requested_amount": request.amount,
                "currency": request.currency,
                "platform_status": "",
            },
        )
        current = locked.status == P.OPEN and locked.request_id == request.request_id
    if not current or attempt.payment_id != locked.pk:
        raise PaymentError(PaymentErrorCode.NOT_RETRYABLE)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(
            pk=payment.pk, municipality=payment.municipality_id
        )
        if locked.status != P.OPEN or locked.request_id != request.request_id:
            raise PaymentError(PaymentErrorCode.NOT_RETRYABLE)
        locked.provider_key = provider.key
        locked.provider_transaction_id = created.transaction_id
        locked.pay_url = created.pay_url
        locked.requested_amount = locked.amount
        locked.started_at = timezone.now()
        locked.save()
        payment_transition(
            payment=locked,
            to_status=P.PENDING,
            source=LedgerSource.START,
            actor=actor,
            platform_answer=created.raw,
            attempt=attempt,
        )
    payment.refresh_from_db()
    return created.pay_url


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


def payment_return_verify(*, payment: Payment, claimed_transaction_id: str | None, actor) -> bool:
    """The return URL may carry the platform's transaction id: that of any attempt of this
    payment is accepted; any other is refused and logged, and nothing changes."""
    if claimed_transaction_id is None or claimed_transaction_id == payment.provider_transaction_id:
        return True
    if PaymentAttempt.objects.filter(
        payment=payment,
        municipality=payment.municipality_id,
        provider_transaction_id=claimed_transaction_id,
    ).exists():
        return True
    logger.warning("payment %s: return with a foreign transaction id refused", payment.pk)
    audit_event_record(
        action="payment.return_refused",
        actor=actor,
        municipality=payment.municipality,
        target=payment,
        data={"reason": "transaction id mismatch"},
    )
    return False


def payments_reconcile(*, now: datetime.datetime | None = None) -> int:
    """Query every attempt that is not final (of any payment, not only its current one) and
    every unsettled payment; expire payments and attempts the platform never settled. Returns
    how many payments were asked about."""

    now = now or timezone.now()
    asked = 0
    open_attempts = PaymentAttempt.objects.filter(payment=OuterRef("pk"), is_final=False)
    candidates = (
        Payment.objects.filter(Q(status__in=UNSETTLED_STATUSES) | Q(Exists(open_attempts)))
        .select_related("municipality")
        .order_by("pk")
    )
    for payment in candidates.iterator():
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
            continue
        asked += 1
        try:
            provider = provider_for(payment.municipality)
        except PaymentError:
            logger.warning("payment %s: no platform configured", payment.pk)
            continue
        for attempt in attempts:
            _attempt_query(
                payment=payment,
                attempt=attempt,
                provider=provider,
                source=LedgerSource.RECONCILIATION,
            )
    return asked


@transaction.atomic
def payment_fee_waive(*, payment: Payment, actor, reason: str) -> Payment:
    """A clerk of the town waives the fee (with a reason): the case goes to the back office."""
    if not is_staff_of(actor=actor, municipality=payment.municipality):
        raise PaymentError(PaymentErrorCode.NOT_PERMITTED)
    if not (reason or "").strip():
        raise PaymentError(PaymentErrorCode.REASON_REQUIRED)
    locked = Payment.objects.select_for_update().get(
        pk=payment.pk, municipality=payment.municipality_id
    )
    locked.fee_waived_by = actor
    locked.fee_waived_reason = reason.strip()
    locked.save(update_fields=["fee_waived_by", "fee_waived_reason", "updated_at"])
    if locked.status in UNSETTLED_STATUSES:
        locked = payment_transition(
            payment=locked,
            to_status=P.CANCELLED,
            source=LedgerSource.CLERK,
            actor=actor,
            note="fee waived",
        )

    case = Case.objects.select_for_update().get(pk=locked.case_id)
    if case.status == CaseStatus.AWAITING_PAYMENT:
        case_transition(case=case, to_status=CaseStatus.SUBMITTED, actor=actor)
    audit_event_record(
        action="payment.fee_waived", actor=actor, municipality=locked.municipality, target=locked
    )
    return locked


# --- refunds (four-eyes) -------------------------------------------------------------------------
@transaction.atomic
def payment_refund_request(*, payment: Payment, actor, reason: str) -> Payment:
    """A clerk asks for a refund of a booked payment; a second clerk must confirm it."""
    if not is_staff_of(actor=actor, municipality=payment.municipality):
        raise PaymentError(PaymentErrorCode.NOT_PERMITTED)
    if not (reason or "").strip():
        raise PaymentError(PaymentErrorCode.REASON_REQUIRED)
    locked = Payment.objects.select_for_update().get(
        pk=payment.pk, municipality=payment.municipality_id
    )
    if locked.status != P.PAID or locked.refund_requested_by_id is not None:
        raise PaymentError(PaymentErrorCode.TRANSITION_NOT_ALLOWED)
    locked.refund_requested_by = actor
    locked.refund_requested_at = timezone.now()
    locked.refund_reason = reason.strip()
    locked.save()
    audit_event_record(
        action="payment.refund_requested",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
    )
    return locked


@transaction.atomic
def payment_refund_confirm(*, payment: Payment, actor) -> Payment:
    """A second clerk of the town confirms the refund: the ledger records ``refunded``.

    XBezahldienste 1.0.0 has no refund operation; the money goes back through the municipality's
    cash office, and Rathaus records it."""
    if not is_staff_of(actor=actor, municipality=payment.municipality):
        raise PaymentError(PaymentErrorCode.NOT_PERMITTED)
    locked = Payment.objects.select_for_update().get(
        pk=payment.pk, municipality=payment.municipality_id
    )
    if locked.refund_requested_by_id is None:
        raise PaymentError(PaymentErrorCode.TRANSITION_NOT_ALLOWED)
    if locked.refund_requested_by_id == actor.pk:
        raise PaymentError(PaymentErrorCode.NOT_PERMITTED, details={"reason": "four_eyes"})
    return payment_transition(
        payment=locked,
        to_status=P.REFUNDED,
        source=LedgerSource.CLERK,
        actor=actor,
        note="refund confirmed",
    )


# --- export for the finance system ---------------------------------------------------------------
EXPORT_FIELDS = [
    "kassenzeichen",
    "booked_at",
    "amount",
    "currency",
    "purpose",
    "case_reference",
    "payment_method",
    "provider",
    "provider_transaction_id",
    "needs_clerk_attention",
]


def payments_booked_rows(*, municipality, day: datetime.date) -> list[dict[str, str]]:
    """Payments booked as paid on ``day`` (Europe/Berlin) in ``municipality``: no personal data."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), tz)
    end = start + datetime.timedelta(days=1)
    entries = (
        PaymentLedgerEntry.objects.filter(
            municipality=municipality,
            to_status=P.PAID,
            kind=LedgerKind.TRANSITION,
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("payment", "payment__case")
        .order_by("created_at", "pk")
    )
    return [
        {
            "kassenzeichen": entry.payment.kassenzeichen,
            "booked_at": timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
            "amount": str(entry.payment.amount),
            "currency": entry.payment.currency,
            "purpose": entry.payment.purpose,
            "case_reference": entry.payment.case.reference,
            "payment_method": entry.payment.payment_method,
            "provider": entry.payment.provider_key,
            "provider_transaction_id": entry.provider_transaction_id,
            "needs_clerk_attention": "1" if entry.payment.needs_clerk_attention else "0",
        }
        for entry in entries
    ]


def payments_export_render(rows: list[dict[str, str]]) -> tuple[str, str]:
    """(CSV, JSON) of export rows; CSV with ";" as German spreadsheet programs expect."""

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue(), json.dumps(rows, ensure_ascii=False, indent=2)


def payments_export_write(*, day: datetime.date, directory) -> list:
    """Write ``<directory>/<town slug>/<day>.csv`` and ``.json`` for every active town."""

    written = []
    for municipality in Municipality.objects.filter(is_active=True):
        csv_text, json_text = payments_export_render(
            payments_booked_rows(municipality=municipality, day=day)
        )
        folder = Path(directory) / municipality.slug
        folder.mkdir(parents=True, exist_ok=True)
        for suffix, text in (("csv", csv_text), ("json", json_text)):
            path = folder / f"{day.isoformat()}.{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


# --- back office: flags --------------------------------------------------------------------------
@transaction.atomic
def payment_attention_resolve(*, payment: Payment, actor) -> Payment:
    """A clerk of the town has dealt with a flagged payment (late payment, amount mismatch,
    platform error): the flag is cleared. The reason stays on the payment; the audit event
    records who reviewed it (no free text: audit data is not encrypted)."""
    if not is_staff_of(actor=actor, municipality=payment.municipality):
        raise PaymentError(PaymentErrorCode.NOT_PERMITTED)
    locked = Payment.objects.select_for_update().get(
        pk=payment.pk, municipality=payment.municipality_id
    )
    if not locked.needs_clerk_attention:
        raise PaymentError(PaymentErrorCode.TRANSITION_NOT_ALLOWED)
    locked.needs_clerk_attention = False
    locked.save(update_fields=["needs_clerk_attention", "updated_at"])
    audit_event_record(
        action="payment.attention_resolved",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
        data={"reason": locked.attention_reason},
    )
    payment.needs_clerk_attention = False
    return locked

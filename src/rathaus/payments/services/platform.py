"""Starting a transaction at the payment platform and checking the transaction id a return URL
claims. The HTTP call runs outside any database transaction."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rathaus.core.audit import audit_event_record

from ..constants import RETRYABLE_STATUSES, LedgerSource, PaymentErrorCode
from ..errors import PaymentError
from ..models import Payment, PaymentAttempt, ProviderConfig
from ..providers.base import PaymentProvider, PaymentRequestData, ProviderError
from ..providers.registry import provider_class
from .status import P, payment_transition

logger = logging.getLogger(__name__)


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
            locked.save(
                update_fields=[
                    "attempts",
                    "request_id",
                    "provider_transaction_id",
                    "pay_url",
                    "updated_at",
                ]
            )
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
        locked.save(
            update_fields=[
                "provider_key",
                "provider_transaction_id",
                "pay_url",
                "requested_amount",
                "started_at",
                "updated_at",
            ]
        )
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

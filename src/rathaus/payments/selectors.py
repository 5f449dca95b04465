"""Reads of payments. Every query names the municipality; "not yours" is 404."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from rathaus.cases.selectors import access_own_case, is_staff_of

from .models import Payment, PaymentLedgerEntry


def access_payment_for_citizen(*, actor, owner_token: str, municipality, public_id) -> Payment:
    """The payment of the visitor's own case (by account or the session's owner token)."""
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    payment = (
        Payment.objects.filter(municipality=municipality, public_id=key)
        .select_related("case", "municipality")
        .first()
    )
    if payment is None:
        raise Http404
    # Raises Http404 unless the case is the visitor's own.
    access_own_case(
        actor=actor,
        owner_token=owner_token,
        municipality=municipality,
        public_id=payment.case.public_id,
    )
    return payment


def access_payment_for_staff(*, actor, municipality, public_id) -> Payment:
    if not is_staff_of(actor=actor, municipality=municipality):
        raise Http404
    payment = Payment.objects.filter(municipality=municipality, public_id=public_id).first()
    if payment is None:
        raise Http404
    return payment


def payment_for_case(*, case) -> Payment | None:
    return Payment.objects.filter(case=case, municipality=case.municipality_id).first()


def payment_ledger(*, payment: Payment) -> QuerySet[PaymentLedgerEntry]:
    return PaymentLedgerEntry.objects.filter(payment=payment, municipality=payment.municipality_id)

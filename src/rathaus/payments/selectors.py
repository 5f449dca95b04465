"""Reads of payments. Every query names the municipality; "not yours" is 404."""

from __future__ import annotations

import uuid

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from rathaus.cases.constants import CaseStatus
from rathaus.cases.selectors import access_own_case, is_staff_of

from .constants import PaymentStatus
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
    return (
        Payment.objects.filter(case=case, municipality=case.municipality_id)
        .select_related("refund_requested_by")
        .first()
    )


def payment_ledger(*, payment: Payment) -> QuerySet[PaymentLedgerEntry]:
    return PaymentLedgerEntry.objects.filter(payment=payment, municipality=payment.municipality_id)


# --- back office ---------------------------------------------------------------------------------
PAYMENT_LIST_ATTENTION = "attention"
PAYMENT_LIST_WAITING = "waiting"
PAYMENT_LIST_ALL = "all"


def payment_list_for_staff(
    *, actor, municipality, view: str = PAYMENT_LIST_ATTENTION
) -> QuerySet[Payment]:
    """The town's payments for the back office's payment list.

    ``attention``: flagged for a clerk (late payment, amount mismatch, platform error) or a refund
    waiting for a second clerk's confirmation. ``waiting``: cases still waiting for their fee
    (a clerk may waive it). ``all``: every payment. Newest change first."""

    if not is_staff_of(actor=actor, municipality=municipality):
        return Payment.objects.none()
    payments = Payment.objects.filter(municipality=municipality)
    if view == PAYMENT_LIST_ATTENTION:
        payments = payments.filter(
            Q(needs_clerk_attention=True)
            | Q(status=PaymentStatus.PAID, refund_requested_by__isnull=False)
        )
    elif view == PAYMENT_LIST_WAITING:
        payments = payments.filter(case__status=CaseStatus.AWAITING_PAYMENT)
    return payments.select_related("case", "refund_requested_by").order_by("-updated_at", "-pk")


def payment_state_counts() -> list[tuple[str, str, int]]:
    """(municipality short name, status, count) of every Payment row, for the metrics page."""
    rows = (
        Payment.objects.values_list("municipality__slug", "status")
        .annotate(count=Count("pk"))
        .order_by("municipality__slug", "status")
    )
    return list(rows)

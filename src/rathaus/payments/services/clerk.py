"""What a clerk of the town does with a payment: waive the fee, request and confirm a refund
(four eyes), clear a flag."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.cases.selectors import is_staff_of
from rathaus.cases.services import case_transition
from rathaus.core.audit import audit_event_record

from ..constants import UNSETTLED_STATUSES, LedgerSource, PaymentErrorCode
from ..errors import PaymentError
from ..models import Payment
from .status import P, payment_transition


def _locked_for_clerk(*, payment: Payment, actor, reason: str | None = None) -> Payment:
    """The payment's row, locked, for a clerk of its town; ``reason``, when the action needs
    one, must not be blank."""
    if not is_staff_of(actor=actor, municipality=payment.municipality):
        raise PaymentError(PaymentErrorCode.NOT_PERMITTED)
    if reason is not None and not reason.strip():
        raise PaymentError(PaymentErrorCode.REASON_REQUIRED)
    return Payment.objects.select_for_update().get(
        pk=payment.pk, municipality=payment.municipality_id
    )


@transaction.atomic
def payment_fee_waive(*, payment: Payment, actor, reason: str) -> Payment:
    """A clerk of the town waives the fee (with a reason): the case goes to the back office."""
    locked = _locked_for_clerk(payment=payment, actor=actor, reason=reason or "")
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


@transaction.atomic
def payment_refund_request(*, payment: Payment, actor, reason: str) -> Payment:
    """A clerk asks for a refund of a booked payment; a second clerk must confirm it."""
    locked = _locked_for_clerk(payment=payment, actor=actor, reason=reason or "")
    if locked.status != P.PAID or locked.refund_requested_by_id is not None:
        raise PaymentError(PaymentErrorCode.TRANSITION_NOT_ALLOWED)
    locked.refund_requested_by = actor
    locked.refund_requested_at = timezone.now()
    locked.refund_reason = reason.strip()
    locked.save(
        update_fields=[
            "refund_requested_by",
            "refund_requested_at",
            "refund_reason",
            "updated_at",
        ]
    )
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
    locked = _locked_for_clerk(payment=payment, actor=actor)
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


@transaction.atomic
def payment_attention_resolve(*, payment: Payment, actor) -> Payment:
    """A clerk of the town has dealt with a flagged payment (late payment, amount mismatch,
    platform error): the flag is cleared. The reason stays on the payment; the audit event
    records who reviewed it (no free text: audit data is not encrypted)."""
    locked = _locked_for_clerk(payment=payment, actor=actor)
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

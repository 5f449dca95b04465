"""The one status function: ``payment_transition`` is the only way a payment's status changes;
it writes the ledger entry and an audit event in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rathaus.core.audit import audit_event_record

from ..constants import DEFAULT_ATTEMPT_EXPIRY, DEFAULT_PAYMENT_EXPIRY, PaymentStatus
from ..models import Payment, PaymentAttempt, PaymentLedgerEntry
from ..transitions import is_late_payment, transition_check

P = PaymentStatus
# The columns a status change writes (and copies back onto the caller's instance).
TRANSITION_FIELDS = ["status", "paid_at", "needs_clerk_attention", "attention_reason", "updated_at"]
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
    locked.save(update_fields=TRANSITION_FIELDS)
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
    for name in TRANSITION_FIELDS:
        setattr(payment, name, getattr(locked, name))
    return locked

"""The explicit table of allowed payment status changes. Pure rules: no database access.

Only ``services.payment_transition`` changes a payment's status (and writes the ledger entry).
"""

from __future__ import annotations

from .constants import PaymentErrorCode, PaymentStatus
from .errors import PaymentError

P = PaymentStatus

ALLOWED_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    P.OPEN: frozenset({P.PENDING, P.PAID, P.FAILED, P.CANCELLED, P.EXPIRED}),
    P.PENDING: frozenset({P.PAID, P.FAILED, P.CANCELLED, P.EXPIRED}),
    # Money was taken after we gave up: a late "paid" is honoured and flagged for a clerk.
    P.FAILED: frozenset({P.PAID, P.OPEN}),
    P.CANCELLED: frozenset({P.PAID, P.OPEN}),
    P.EXPIRED: frozenset({P.PAID, P.OPEN}),
    P.PAID: frozenset({P.REFUNDED}),
    P.REFUNDED: frozenset(),
}

# A move into PAID from one of these means the citizen paid after we had stopped waiting.
LATE_PAYMENT_SOURCES = frozenset({P.FAILED, P.CANCELLED, P.EXPIRED})


def transition_check(*, from_status: str, to_status: str) -> None:
    try:
        source, target = PaymentStatus(from_status), PaymentStatus(to_status)
    except ValueError as exc:
        raise PaymentError(PaymentErrorCode.TRANSITION_NOT_ALLOWED) from exc
    if target not in ALLOWED_TRANSITIONS[source]:
        raise PaymentError(
            PaymentErrorCode.TRANSITION_NOT_ALLOWED,
            details={"from": source.value, "to": target.value},
        )


def is_late_payment(*, from_status: str, to_status: str) -> bool:
    return to_status == P.PAID and from_status in LATE_PAYMENT_SOURCES

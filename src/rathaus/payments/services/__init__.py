"""Services (writes) of payments, one module per concern:

* ``status``: ``payment_transition``, the only way a payment's status changes (ledger entry and
  audit event in the same transaction);
* ``creation``: a case's fee becomes a payment (Kassenzeichen, purpose, description);
* ``platform``: starting a transaction at the payment platform, checking a return URL's claim;
* ``settlement``: the platform's answers applied, flags for a clerk, the reconciliation;
* ``clerk``: fee waiver, refunds (four eyes), clearing a flag;
* ``export``: the daily export for the finance system.

Other modules and apps import from ``rathaus.payments.services`` only; what is listed here is
the public face.
"""

from .clerk import (
    payment_attention_resolve,
    payment_fee_waive,
    payment_refund_confirm,
    payment_refund_request,
)
from .creation import kassenzeichen_allocate, payment_for_case_require, purpose_for
from .export import (
    EXPORT_FIELDS,
    payments_booked_rows,
    payments_export_render,
    payments_export_write,
)
from .platform import payment_return_verify, payment_start, provider_for
from .settlement import payment_refresh, payment_state_apply, payments_reconcile
from .status import attempt_expiry, payment_expiry, payment_transition, platform_answer_for_ledger

__all__ = [
    "EXPORT_FIELDS",
    "attempt_expiry",
    "kassenzeichen_allocate",
    "payment_attention_resolve",
    "payment_expiry",
    "payment_fee_waive",
    "payment_for_case_require",
    "payment_refresh",
    "payment_refund_confirm",
    "payment_refund_request",
    "payment_return_verify",
    "payment_start",
    "payment_state_apply",
    "payment_transition",
    "payments_booked_rows",
    "payments_export_render",
    "payments_export_write",
    "payments_reconcile",
    "platform_answer_for_ledger",
    "provider_for",
    "purpose_for",
]

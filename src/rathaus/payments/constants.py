"""Public constants of payments: states, error codes and the XBezahldienste vocabulary."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    OPEN = "open", _("open")
    PENDING = "pending", _("pending")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")
    REFUNDED = "refunded", _("refunded")


# Still waiting for the platform's verdict: the reconciliation task keeps asking.
UNSETTLED_STATUSES = frozenset({PaymentStatus.OPEN, PaymentStatus.PENDING})
# The citizen may start a new attempt (a new platform transaction, never a second case).
RETRYABLE_STATUSES = frozenset(
    {PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.EXPIRED}
)


class PaymentErrorCode(models.TextChoices):
    TRANSITION_NOT_ALLOWED = "transition_not_allowed", _("This change of status is not possible.")
    PROVIDER_NOT_CONFIGURED = (
        "provider_not_configured",
        _("Online payment is not available in this municipality at the moment."),
    )
    PROVIDER_UNAVAILABLE = (
        "provider_unavailable",
        _("The payment platform cannot be reached at the moment. Please try again later."),
    )
    PROVIDER_REFUSED = "provider_refused", _("The payment platform refused the payment.")
    TRANSACTION_MISMATCH = "transaction_mismatch", _("This payment could not be verified.")
    NOT_RETRYABLE = "not_retryable", _("This payment cannot be started again.")
    REASON_REQUIRED = "reason_required", _("Please give a reason.")
    NOT_PERMITTED = "not_permitted", _("You may not do this.")
    NO_FEE = "no_fee", _("This service has no fee.")


class PlatformStatus(models.TextChoices):
    """``paymentInformation.status`` of XBezahldienste 1.0.0 (the spec's spelling)."""

    INITIAL = "INITIAL", "INITIAL"
    PAYED = "PAYED", "PAYED"
    FAILED = "FAILED", "FAILED"
    CANCELED = "CANCELED", "CANCELED"


# Every status of the standard mapped to ours. INITIAL: the citizen may still be paying.
PLATFORM_STATUS_MAP = {
    PlatformStatus.INITIAL: PaymentStatus.PENDING,
    PlatformStatus.PAYED: PaymentStatus.PAID,
    PlatformStatus.FAILED: PaymentStatus.FAILED,
    PlatformStatus.CANCELED: PaymentStatus.CANCELLED,
}


class PlatformPaymentMethod(models.TextChoices):
    """``paymentInformation.paymentMethod`` values seen in XBezahldienste implementations."""

    GIROPAY = "GIROPAY", "giropay"
    PAYDIRECT = "PAYDIRECT", "paydirekt"
    CREDITCARD = "CREDITCARD", _("credit card")
    PAYPAL = "PAYPAL", "PayPal"
    OTHER = "OTHER", _("other")


class LedgerKind(models.TextChoices):
    """A ledger entry is a status change, or money received again for a payment already booked
    (a second attempt paid too: a refund is needed)."""

    TRANSITION = "transition", _("status change")
    SECOND_RECEIPT = "second_receipt", _("second receipt of money")


class AttemptBooking(models.TextChoices):
    """What an attempt's money did: nothing yet, booked the payment, or arrived a second time."""

    NONE = "", _("not paid")
    BOOKED = "booked", _("booked the payment")
    SECOND_RECEIPT = "second_receipt", _("second receipt of money")


class LedgerSource(models.TextChoices):
    RETURN = "return", _("citizen returned from the platform")
    RECONCILIATION = "reconciliation", _("reconciliation")
    START = "start", _("payment started")
    CLERK = "clerk", _("clerk")


PURPOSE_MAX_LENGTH = 27  # XBezahldienste PaymentRequest.purpose
DESCRIPTION_MAX_LENGTH = 250  # XBezahldienste PaymentRequest.description
DEFAULT_PAYMENT_EXPIRY = datetime.timedelta(hours=24)
# How long an attempt the platform never settled is still queried (a citizen may pay an old pay
# page after the payment expired or after a newer attempt was started).
DEFAULT_ATTEMPT_EXPIRY = datetime.timedelta(days=7)
# Platform statuses after which an attempt is no longer queried (FITKO "Statusmodell").
FINAL_PLATFORM_STATUSES = frozenset({"PAYED", "FAILED", "CANCELED"})
KASSENZEICHEN_SEQUENCE_DIGITS = 7

# The case status this app introduces (rathaus.cases.constants.CaseStatus.AWAITING_PAYMENT):
# its German label lives in this app's catalogue.
CASE_AWAITING_PAYMENT_LABEL = _("awaiting payment")

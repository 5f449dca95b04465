import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.fields import EncryptedCharField, EncryptionRowIdField

from .constants import (
    AttemptBooking,
    LedgerKind,
    LedgerSource,
    PaymentStatus,
    PlatformPaymentMethod,
)


class ProviderConfig(models.Model):
    """How a municipality reaches its payment platform. The client secret is encrypted."""

    municipality = models.OneToOneField(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="payment_provider"
    )
    provider_key = models.CharField(_("provider"), max_length=40)
    base_url = models.URLField(_("base URL of the XBezahldienste API"), max_length=500)
    token_url = models.URLField(
        _("OAuth2 token URL"),
        max_length=500,
        blank=True,
        help_text=_("Leave empty when the platform needs no token."),
    )
    originator_id = models.CharField(_("originator id"), max_length=36)
    endpoint_id = models.CharField(_("end point id"), max_length=36)
    client_id = models.CharField(_("client id"), max_length=200, blank=True)
    encryption_row_id = EncryptionRowIdField()
    client_secret = EncryptedCharField(_("client secret"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment platform")
        verbose_name_plural = _("payment platforms")

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.provider_key}"


class KassenzeichenCounter(models.Model):
    """Last Kassenzeichen sequence per municipality and year; its row is locked per payment."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="kassenzeichen_counter_per_town_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.year}: {self.last_value}"


class Payment(models.Model):
    """The fee of one case. ``status`` changes only through ``services.payment_transition``."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="payments"
    )
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="payment")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kassenzeichen = models.CharField(_("Kassenzeichen"), max_length=24)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    purpose = models.CharField(_("purpose"), max_length=27)
    description = models.CharField(_("description"), max_length=250, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.OPEN
    )
    provider_key = models.CharField(_("provider"), max_length=40, blank=True)
    # requestId sent to the platform: unique per attempt (a retry is a new request).
    request_id = models.CharField(max_length=36, blank=True)
    provider_transaction_id = models.CharField(
        _("transaction id at the platform"), max_length=100, blank=True
    )
    pay_url = models.URLField(max_length=2082, blank=True)
    requested_amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    needs_clerk_attention = models.BooleanField(_("needs a clerk's attention"), default=False)
    attention_reason = models.CharField(max_length=200, blank=True)
    fee_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    encryption_row_id = EncryptionRowIdField()
    fee_waived_reason = EncryptedCharField(
        _("reason for waiving the fee"), max_length=500, blank=True
    )
    # Refunds need two clerks: one requests, another confirms (four-eyes).
    refund_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    refund_requested_at = models.DateTimeField(null=True, blank=True)
    refund_reason = EncryptedCharField(_("reason for the refund"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kassenzeichen"], name="payment_kassenzeichen_per_town"
            ),
            models.UniqueConstraint(
                fields=["provider_key", "provider_transaction_id"],
                condition=~Q(provider_transaction_id=""),
                name="payment_provider_transaction_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "started_at"])]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return self.kassenzeichen

    @property
    def payment_method_label(self) -> str:
        """The payment method in the reader's language; a code the platform sent that is not
        known here is shown as it came."""
        try:
            return str(PlatformPaymentMethod(self.payment_method).label)
        except ValueError:
            return self.payment_method


class PaymentAttempt(models.Model):
    """One transaction of a payment at the platform. Every attempt is kept: an earlier attempt
    the citizen pays after a retry is still queried and its money is never lost."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="platform_attempts")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(default=0)
    provider_key = models.CharField(max_length=40)
    provider_transaction_id = models.CharField(_("transaction id at the platform"), max_length=100)
    request_id = models.CharField(max_length=36, blank=True)
    requested_amount = models.DecimalField(max_digits=9, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    platform_status = models.CharField(_("last status at the platform"), max_length=20, blank=True)
    is_final = models.BooleanField(_("final"), default=False)
    booking = models.CharField(
        max_length=20, choices=AttemptBooking.choices, blank=True, default=AttemptBooking.NONE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_key", "provider_transaction_id"],
                name="payment_attempt_transaction_unique",
            ),
            # An attempt's money books the payment at most once; only one attempt books it.
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(booking="booked"),
                name="payment_attempt_one_booking",
            ),
        ]
        indexes = [models.Index(fields=["is_final", "created_at"])]
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")

    def __str__(self) -> str:
        return f"{self.payment_id}#{self.number}: {self.provider_transaction_id}"


class PaymentLedgerEntry(models.Model):
    """Append-only: every status change of a payment and what the platform said (no personal
    data: status, ids, amount, method)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="ledger")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=PaymentStatus.choices)
    to_status = models.CharField(max_length=12, choices=PaymentStatus.choices)
    source = models.CharField(max_length=20, choices=LedgerSource.choices)
    kind = models.CharField(
        max_length=20, choices=LedgerKind.choices, default=LedgerKind.TRANSITION
    )
    attempt = models.ForeignKey(
        PaymentAttempt, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider_transaction_id = models.CharField(max_length=100, blank=True)
    platform_answer = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One booking per payment, whoever (return page, reload, reconciliation) gets there.
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(to_status="paid", kind="transition"),
                name="payment_ledger_one_paid_entry",
            ),
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(to_status="refunded", kind="transition"),
                name="payment_ledger_one_refund_entry",
            ),
            # Money that arrived a second time is recorded once per attempt.
            models.UniqueConstraint(
                fields=["attempt"],
                condition=Q(kind="second_receipt"),
                name="payment_ledger_one_second_receipt_per_attempt",
            ),
            # A second receipt never changes the status (it is not a booking).
            models.CheckConstraint(
                condition=Q(kind="transition") | Q(from_status=F("to_status")),
                name="payment_ledger_second_receipt_keeps_status",
            ),
        ]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only.")


class DemoPlatformTransaction(models.Model):
    """A transaction of the built-in demo payment platform (demo settings only).

    Stands for the platform's own database; it never holds personal data.
    """

    transaction_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    originator_id = models.CharField(max_length=36)
    endpoint_id = models.CharField(max_length=36)
    request_id = models.CharField(max_length=36)
    payment_request = models.JSONField(default=dict)
    status = models.CharField(max_length=10, default="INITIAL")
    payment_method = models.CharField(max_length=20, blank=True)
    method_detail = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=30, blank=True)
    status_queries = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["originator_id", "endpoint_id", "request_id"],
                name="demo_platform_request_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.transaction_id)

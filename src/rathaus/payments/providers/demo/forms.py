from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm

from .platform import Outcome


class PayPageForm(KernForm):
    method = forms.ChoiceField(
        label=_("Payment method"),
        widget=forms.RadioSelect,
        choices=[
            ("card", _("Credit card")),
            ("paypal", "PayPal"),
            ("sepa", _("SEPA direct debit")),
            ("wero", "Wero"),
        ],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome (demo)"),
        widget=forms.RadioSelect,
        choices=[
            (Outcome.PAID, _("Paid")),
            (Outcome.DECLINED, _("Declined")),
            (Outcome.CANCELLED, _("Cancelled by the payer")),
            (Outcome.PENDING_THEN_PAID, _("Pending, then paid")),
            (Outcome.PENDING_THEN_FAILED, _("Pending, then failed")),
            (Outcome.SLOW, _("Paid, but the platform answers slowly")),
        ],
    )

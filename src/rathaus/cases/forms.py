from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm


class SubmitForm(KernForm):
    """The declaration on the check-your-answers page; the idempotency key makes a repeated
    submit (double click, reload, browser back) return the case already submitted."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    declaration = forms.BooleanField(
        label=_("I confirm that my answers are correct and complete."),
        error_messages={"required": _("Confirm that your answers are correct and complete.")},
    )


class WithdrawForm(KernForm):
    reason = forms.CharField(
        label=_("Why are you withdrawing your request?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MessageForm(KernForm):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write a message.")},
    )

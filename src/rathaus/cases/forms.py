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


class ConfirmRemoveForm(KernForm):
    """Yes or no before an entry of a repeating group is removed."""

    confirm = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Select yes or no.")},
    )

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = label


class MessageWithFileForm(MessageForm):
    """A Postfach message with an optional file (checked by ``services.attachment_add``)."""

    attachment = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("Optional: a PDF, JPEG or PNG file."),
    )


class StatusLookupForm(KernForm):
    """The public status look-up: a reference number and a date of birth of a person the case
    is for (no account needed)."""

    reference = forms.CharField(
        label=_("Reference number"),
        max_length=40,
        help_text=_("As on your receipt, for example NOR-2026-000123"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the reference number.")},
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_("Of a person the application is for, for example 17.05.1980"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Enter the date of birth."),
            "invalid": _("Enter the date of birth as day.month.year, for example 17.05.1980."),
        },
    )

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()

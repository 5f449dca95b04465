from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm

CODE_ATTRS = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}


class EnrolForm(KernForm):
    code = forms.CharField(
        label=_("Terminal code"),
        max_length=20,
        help_text=_("The one-time code from the town's administration, e.g. ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )


class CheckInForm(KernForm):
    """Typed by hand or by a QR scanner, which types the code like a keyboard and then Enter."""

    code = forms.CharField(
        label=_("Booking code"),
        max_length=40,
        help_text=_(
            "The 8 characters from your confirmation e-mail, or hold the QR code of your "
            "booking to the scanner."
        ),
        widget=forms.TextInput(attrs={**CODE_ATTRS, "autofocus": True}),
    )

    def clean_code(self) -> str:
        # Scanners may add spaces or line breaks; codes are shown in capitals but read in any case.
        return "".join(self.cleaned_data["code"].split()).upper()


class DisplayForm(forms.Form):
    """The start screen's switches for high contrast and larger text."""

    setting = forms.ChoiceField(choices=[("contrast", "contrast"), ("large_text", "large_text")])

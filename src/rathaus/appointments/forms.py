"""Forms of the citizen booking pages (one question per page)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm


class ServicesForm(KernForm):
    """Which services: one checkbox each (how many of each is asked next, only if it matters)."""

    services = forms.MultipleChoiceField(
        label=_("Services"),
        help_text=_("Choose everything you want to do in one appointment."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one service.")},
    )

    def __init__(self, *args, offered: list[tuple[str, str, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(slug, label) for slug, label, _max in offered]


class CountsForm(KernForm):
    """How many people need each chosen service that can be done for several at once."""

    def __init__(self, *args, services: list[tuple[str, str, int]], **kwargs):
        super().__init__(*args, **kwargs)
        for slug, label, max_count in services:
            self.fields[f"count_{slug}"] = forms.TypedChoiceField(
                label=label,
                coerce=int,
                choices=[(number, str(number)) for number in range(1, max_count + 1)],
                initial=1,
            )
        # Fields added after KernForm.__init__ need the KERN classes and aria wiring too.
        for name in self.fields:
            self.fields[name].widget.attrs.setdefault("class", "kern-form-input__select")
            self._wire_field(name, has_error=False)

    def counts(self) -> dict[str, int]:
        return {name.removeprefix("count_"): value for name, value in self.cleaned_data.items()}


class ChoiceForm(KernForm):
    """One radio question; ``choices`` and the label come from the view."""

    choice = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args, choices, label, help_text="", error, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["choice"]
        field.choices = choices
        field.label = label
        field.help_text = help_text
        field.error_messages["required"] = error
        field.error_messages["invalid_choice"] = error


class TimeForm(ChoiceForm):
    challenge = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_challenge(self):
        value = self.cleaned_data.get("challenge", "")
        if not value:
            raise forms.ValidationError(
                _("The security check has not finished yet. Please wait a moment and try again.")
            )
        return value


class DetailsForm(KernForm):
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("The appointment is bound to this name; it cannot be changed later."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send the link to confirm the appointment to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
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
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        # Scanners may add spaces or line breaks; codes are shown in capitals but read in any case.
        return "".join(self.cleaned_data["code"].split()).upper()


class StatisticsDayForm(KernForm):
    tag = forms.DateField(
        label=_("Day"),
        help_text=_("For example 2026-06-09."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the day as a date, for example 2026-06-09.")},
    )


class WalkInForm(KernForm):
    challenge = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_challenge(self):
        value = self.cleaned_data.get("challenge", "")
        if not value:
            raise forms.ValidationError(
                _("The security check has not finished yet. Please wait a moment and try again.")
            )
        return value

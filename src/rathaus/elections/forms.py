"""Forms of the postal vote: the citizen's application, the status look-up, the clerk's
decisions and the admin's register upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm

from .constants import POLLING_CARDS_PER_FILE, Delivery

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


class VoterRegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Voter register (CSV)"),
        help_text=_(
            "UTF-8, separated by ; or , with the header "
            "number;district;family_name;given_names;birth_date;street;house_number;postal_code;city"
        ),
    )


class ApplicationForm(KernForm):
    """One page: who votes, where the documents go, and who applies (GOV.UK: grouped questions
    on one page, as a paper application has them)."""

    family_name = forms.CharField(label=_("Family name"), max_length=120)
    given_names = forms.CharField(label=_("Given names"), max_length=200)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=DATE_FORMATS,
        help_text=_("For example 17.05.1980"),
        error_messages={
            "invalid": _("Enter the date of birth as day.month.year, e.g. 17.05.1980.")
        },
    )
    street = forms.CharField(label=_("Street"), max_length=120)
    house_number = forms.CharField(label=_("House number"), max_length=10)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{5}$",
        max_length=5,
        error_messages={"invalid": _("Enter a postal code of five digits.")},
    )
    city = forms.CharField(label=_("Town"), max_length=80)
    voter_number = forms.IntegerField(
        label=_("Number in the voter register"),
        required=False,
        min_value=1,
        help_text=_("On your polling card, if you have it at hand."),
        error_messages={"invalid": _("Enter the number as digits only, as on the polling card.")},
    )
    sudden_illness = forms.BooleanField(
        label=_("I have fallen ill suddenly and cannot go to the polling station"),
        required=False,
    )
    delivery = forms.ChoiceField(
        label=_("Where should we send the postal voting documents?"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where the documents should go.")},
    )
    delivery_name = forms.CharField(
        label=_("Recipient (another address)"),
        max_length=200,
        required=False,
        help_text=_("Only for another address. Include “c/o” if needed."),
    )
    delivery_street = forms.CharField(
        label=_("Street and house number (another address)"), max_length=160, required=False
    )
    delivery_postal_code = forms.CharField(
        label=_("Postal code (another address)"), max_length=10, required=False
    )
    delivery_city = forms.CharField(
        label=_("Town (another address)"), max_length=80, required=False
    )
    delivery_country = forms.CharField(
        label=_("Country (another address)"),
        max_length=80,
        required=False,
        help_text=_("Leave empty for Germany."),
    )
    for_someone_else = forms.ChoiceField(
        label=_("Are you applying for yourself?"),
        choices=[("no", _("Yes, for myself")), ("yes", _("No, for someone else"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you apply for yourself or for someone else.")},
    )
    proxy_name = forms.CharField(
        label=_("Your name (person applying)"), max_length=200, required=False
    )
    proxy_address = forms.CharField(
        label=_("Your address (person applying)"), max_length=300, required=False
    )
    authority = forms.FileField(
        label=_("Written authority signed by the voter"),
        required=False,
        help_text=_(
            "PDF, JPEG or PNG, at most 5 MB. One person may apply for at most four voters."
        ),
    )
    declaration = forms.BooleanField(
        label=_("I confirm that the information is true."),
        error_messages={"required": _("Confirm that the information is true.")},
    )

    def __init__(self, *args, illness_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.illness_only = illness_only
        if not illness_only:
            del self.fields["sudden_illness"]
        else:
            self.fields["sudden_illness"].required = True
            self.fields["sudden_illness"].error_messages["required"] = _(
                "After Friday's deadline only a sudden illness allows an application."
            )

    def clean(self):
        data = super().clean()
        if data.get("delivery") == Delivery.OTHER:
            for name in ("delivery_street", "delivery_postal_code", "delivery_city"):
                if not data.get(name):
                    self.add_error(
                        name,
                        _("Enter “%(label)s” for the other address.")
                        % {"label": self.fields[name].label},
                    )
        if data.get("for_someone_else") == "yes":
            if not data.get("proxy_name"):
                self.add_error("proxy_name", _("Enter your name as the person applying."))
            if not data.get("proxy_address"):
                self.add_error("proxy_address", _("Enter your address as the person applying."))
            if not data.get("authority"):
                self.add_error(
                    "authority", _("Add the written authority: without it we cannot accept it.")
                )
        return data


class StatusLookupForm(KernForm):
    reference = forms.CharField(
        label=_("Application number"),
        max_length=20,
        help_text=_("As on your confirmation, e.g. BW-ABCD-2345"),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=DATE_FORMATS,
        help_text=_("For example 17.05.1980"),
        error_messages={
            "invalid": _("Enter the date of birth as day.month.year, e.g. 17.05.1980.")
        },
    )


class PollingCardsForm(KernForm):
    """Which polling cards to print: one file holds the next ``POLLING_CARDS_PER_FILE``."""

    ab = forms.IntegerField(
        label=_("From voter number"),
        min_value=1,
        initial=1,
        error_messages={"invalid": _("Enter the voter number as digits only.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ab"].help_text = _(
            "Each file holds the next %(count)d entries of the voter register."
        ) % {"count": POLLING_CARDS_PER_FILE}
        self._wire_field("ab", has_error=False)  # the hint is described by the input


class RejectForm(KernForm):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcceptForm(KernForm):
    voter = forms.TypedChoiceField(
        label=_("Entry in the voter register"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the entry this application belongs to.")},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voter"].choices = [
            (
                v.pk,
                f"{v.number} · {v.given_names} {v.family_name} · {v.birth_date:%d.%m.%Y} · "
                f"{v.street} {v.house_number}, {v.postal_code} {v.city}",
            )
            for v in candidates
        ]

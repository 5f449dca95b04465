from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import QuestionPage

from .family import family_choices
from .rules import Identity, Reason, earliest_filing_day, identity_for, too_early

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
# The serial number of a German ID card or passport: nine letters and digits.
SERIAL = re.compile(r"^[A-Z0-9]{9}$")


class ReasonPage(QuestionPage):
    slug = "grund"
    title = _("Why do you want to deregister?")

    reason = forms.ChoiceField(
        label=_("Why do you want to deregister?"),
        choices=Reason.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "You only deregister when you move abroad or give up a secondary residence "
            "(§ 17 (2) BMG). When you move within Germany, you register at your new home and "
            "that office informs us."
        ),
        error_messages={"required": _("Select why you want to deregister.")},
    )
    # Not asked: how the applicant proved their identity in this session, set from the login.
    identity = forms.CharField(widget=forms.HiddenInput, required=False)
    # Not asked: "yes" when the register offers family members who may deregister with the
    # applicant (eID, matched exactly); only then is the family page asked.
    register_family = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        if reason == Reason.WITHIN_GERMANY:
            raise forms.ValidationError(
                _(
                    "You do not need to deregister when you move within Germany. Register at "
                    "your new home within two weeks of moving in; the new office informs us "
                    "(§ 17 (1) and § 33 BMG)."
                )
            )
        return reason

    def clean_identity(self):
        trust = self.context.trust_level if self.context is not None else None
        return str(identity_for(trust))

    def clean_register_family(self):
        return "yes" if family_choices(self.context) else ""


class MoveOutPage(QuestionPage):
    slug = "auszug"
    title = _("When do you move out?")

    moved_out = forms.DateField(
        label=_("Date of moving out"),
        input_formats=DATE_FORMATS,
        help_text=_(
            "For example 31.01.2027. You can deregister at the earliest one week before you "
            "move out."
        ),
        error_messages={
            "required": _("Enter the date you move out."),
            "invalid": _("Enter the date as day, month and year, for example 31.01.2027."),
        },
    )

    def clean_moved_out(self):
        moved_out = self.cleaned_data["moved_out"]
        if too_early(moved_out=moved_out, today=timezone.localdate()):
            raise forms.ValidationError(
                _("You can deregister at the earliest one week before you move out: from %(day)s.")
                % {"day": earliest_filing_day(moved_out).strftime("%d.%m.%Y")}
            )
        return moved_out


class SecondaryResidencePage(QuestionPage):
    slug = "nebenwohnung"
    title = _("Which secondary residence do you give up?")

    street = forms.CharField(label=_("Street"), max_length=120)
    house_number = forms.CharField(label=_("House number"), max_length=10)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{5}$",
        error_messages={"invalid": _("Enter a postal code of five digits.")},
    )

    @classmethod
    def condition(cls, answers) -> bool:
        return answers.get("reason") == Reason.SECONDARY


class ForeignAddressPage(QuestionPage):
    slug = "ausland"
    title = _("Your new address abroad")

    country = forms.CharField(label=_("Country"), max_length=80)
    foreign_address = forms.CharField(
        label=_("Address"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
        help_text=_("Street, house number, postal code and place, as written in that country."),
    )

    @classmethod
    def condition(cls, answers) -> bool:
        return answers.get("reason") == Reason.ABROAD


class FamilyPage(QuestionPage):
    """Who moves out too (§17(2), §24 BMG): the spouse or civil partner and the children in the
    applicant's custody living with them, from the register — never anyone under an
    Auskunftssperre; a posted value not offered is refused."""

    slug = "familie"
    title = _("Does your family move out with you?")

    family_leaving = forms.MultipleChoiceField(
        label=_("Family members from the resident register"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick your spouse or civil partner and your children who move out with you. They "
            "are deregistered in this request too. Leave the boxes empty if you move out alone."
        ),
        error_messages={
            "invalid_choice": _(
                "Select only family members from the list. Others deregister themselves."
            )
        },
    )
    # Not asked: the names of those ticked, as the page showed them, for the check page.
    family_leaving_names = forms.Field(widget=forms.MultipleHiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family_leaving"].choices = family_choices(self.context)

    @classmethod
    def condition(cls, answers) -> bool:
        return answers.get("identity") == Identity.EID and answers.get("register_family") == "yes"

    def clean_family_leaving_names(self):
        labels = dict(self.fields["family_leaving"].choices)
        return [labels[value] for value in self.cleaned_data.get("family_leaving") or []]

    @classmethod
    def summary_rows(cls, answers):
        names = [name for name in answers.get("family_leaving_names") or [] if name]
        return [
            (
                "family_leaving",
                str(_("Family members deregistered with you")),
                "; ".join(names) or str(_("Nobody")),
            )
        ]


class IdentityPage(QuestionPage):
    """§23(6) BMG: without the eID, identity is shown by name, date of birth and the serial
    number of the last ID document; a clerk checks it against the register."""

    slug = "identitaet"
    title = _("Your identity")

    family_name = forms.CharField(label=_("Family name"), max_length=120)
    given_names = forms.CharField(label=_("Given names"), max_length=200)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=DATE_FORMATS,
        help_text=_("For example 12.08.1964."),
        error_messages={
            "invalid": _("Enter the date as day, month and year, for example 12.08.1964.")
        },
    )
    id_serial = forms.CharField(
        label=_("Serial number of your last ID card or passport"),
        max_length=12,
        help_text=_("Nine letters and digits, at the top right of the card, e.g. L01X00T47."),
    )
    prefill = {
        "family_name": ("account", "family_name"),
        "given_names": ("account", "given_name"),
        "birth_date": ("account", "birth_date"),
    }

    @classmethod
    def condition(cls, answers) -> bool:
        return answers.get("identity") == Identity.ALTERNATIVE

    def clean_id_serial(self):
        serial = "".join(self.cleaned_data["id_serial"].split()).upper()
        if not SERIAL.match(serial):
            raise forms.ValidationError(
                _("Enter the nine letters and digits of the serial number, e.g. L01X00T47.")
            )
        return serial

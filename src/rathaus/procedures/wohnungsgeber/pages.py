"""The landlord's confirmation (Wohnungsgeberbestätigung, §19 BMG): who confirms, for which
dwelling, from when, for whom."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import QuestionPage, RepeatingGroupPage
from rathaus.core.forms import KernForm

from ..addresses import (
    address_validate,
    house_number_field,
    postal_code_field,
    street_field,
    streets_offer,
)
from .organisation import organisation_membership

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
# A confirmation is given for a move around now: §19(1) BMG asks for it within two weeks of
# moving in; a year either way catches typing errors in the year.
DATE_WINDOW_DAYS = 366


ROLES = [
    ("landlord", _("I am the landlord (Wohnungsgeber)")),
    ("authorised", _("The landlord has authorised me to confirm")),
    ("owner_occupier", _("I move into a dwelling I own myself")),
]


# Asked of a person confirming in their own name; for a landlord organisation's member they
# are the organisation's, from its enrolment.
ORGANISATION_FIXED = ("role", "landlord_name", "landlord_address")
# Never asked: kept from the organisation (or emptied) when the page is saved.
ORGANISATION_KEPT = ("organisation", "confirmed_by")


class LandlordPage(QuestionPage):
    """Who confirms. A member of a landlord organisation (logged in with the second factor)
    confirms in its name: the page shows the organisation as the town enrolled it instead of
    asking for the landlord, and keeps its id and the member's name with the answers."""

    slug = "wohnungsgeber"
    title = _("Who confirms the move-in?")
    prefill = {"landlord_name": ("account", "full_name")}

    role = forms.ChoiceField(
        label=_("You confirm as"),
        choices=ROLES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select in which role you confirm the move-in.")},
    )
    landlord_name = forms.CharField(
        label=_("Name of the landlord"),
        max_length=200,
        help_text=_("A person's full name or a company's name"),
    )
    landlord_address = forms.CharField(
        label=_("Address of the landlord"),
        max_length=300,
        help_text=_("Street, house number, postal code and town"),
    )
    owner_differs = forms.ChoiceField(
        label=_("Does someone else own the dwelling?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("§19(1) BMG: the owner is named when the landlord is not the owner."),
        error_messages={"required": _("Select whether someone else owns the dwelling.")},
    )
    organisation = forms.IntegerField(widget=forms.HiddenInput, required=False, label=None)
    confirmed_by = forms.CharField(
        label=_("Confirmed in the landlord's name by"),
        widget=forms.HiddenInput,
        required=False,
        max_length=250,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        context = self.context
        self.membership = (
            organisation_membership(actor=context.person, municipality=context.municipality)
            if context is not None
            else None
        )
        for name in ORGANISATION_KEPT:
            del self.fields[name]
        if self.membership is not None:
            for name in ORGANISATION_FIXED:
                del self.fields[name]
            organisation = self.membership.organisation
            self.intro_template = "procedures/wohnungsgeber/organisation.html"
            self.intro_rows = [
                (_("Landlord"), organisation.name, ""),
                (_("Address of the landlord"), organisation.address, ""),
                (_("Commercial register"), organisation.register_number, ""),
                (_("Confirmed in the landlord's name by"), context.person.full_name, ""),
            ]

    def clean(self):
        cleaned = super().clean()
        if self.membership is None:
            cleaned.update(organisation=None, confirmed_by="")
            return cleaned
        organisation = self.membership.organisation
        cleaned.update(
            role="authorised",
            landlord_name=organisation.name,
            landlord_address=organisation.address,
            organisation=organisation.pk,
            confirmed_by=self.context.person.full_name,
        )
        return cleaned

    @classmethod
    def summary_rows(cls, answers) -> list[tuple[str, str, str]]:
        # "Confirmed … by" only where someone confirmed in an organisation's name.
        return [row for row in super().summary_rows(answers) if row[0] != "confirmed_by" or row[2]]


class OwnerPage(QuestionPage):
    slug = "eigentuemer"
    title = _("Owner of the dwelling")

    owner_name = forms.CharField(label=_("Name of the owner"), max_length=200)
    owner_address = forms.CharField(
        label=_("Address of the owner"),
        max_length=300,
        help_text=_("Street, house number, postal code and town"),
    )

    @classmethod
    def condition(cls, answers) -> bool:
        return answers.get("owner_differs") == "yes"


class DwellingPage(QuestionPage):
    slug = "wohnung"
    title = _("Which dwelling, and from when?")

    street = street_field()
    house_number = house_number_field()
    address_addition = forms.CharField(
        label=_("Floor or flat"),
        max_length=60,
        required=False,
        help_text=_("For example “2nd floor left”"),
    )
    postal_code = postal_code_field()
    moved_in = forms.DateField(
        label=_("Date of moving in"),
        input_formats=DATE_FORMATS,
        help_text=_("For example 01.11.2026"),
        error_messages={"invalid": _("Enter the date of moving in as day.month.year.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        streets_offer(self, self.context)

    def clean(self):
        cleaned = super().clean()
        address_validate(self, cleaned, self.context)
        moved_in = cleaned.get("moved_in")
        if moved_in is not None:
            distance = abs((moved_in - timezone.localdate()).days)
            if distance > DATE_WINDOW_DAYS:
                self.add_error("moved_in", _("Enter a date of moving in within a year from today."))
        return cleaned


class TenantForm(KernForm):
    given_names = forms.CharField(label=_("Given names"), max_length=200)
    family_name = forms.CharField(label=_("Family name"), max_length=120)


class TenantsPage(RepeatingGroupPage):
    slug = "personen"
    title = _("Who moves in?")
    group = "tenants"
    item_form = TenantForm
    min_items = 1
    max_items = 12
    item_title = _("Person %(number)s")
    add_title = _("Add a person moving in")
    add_another_question = _("Does anyone else move in?")
    too_few_message = _("Name at least one person who moves in.")

    @classmethod
    def item_label(cls, item) -> str:
        return f"{item.get('given_names', '')} {item.get('family_name', '')}".strip()

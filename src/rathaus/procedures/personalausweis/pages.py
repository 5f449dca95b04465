from __future__ import annotations

import contextlib
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import QuestionPage, RepeatingGroupPage
from rathaus.catalogue.fees import age_on
from rathaus.core.forms import KernForm

from .rules import POST_MIN_AGE, CardKind, Delivery, Photo

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class PersonForm(KernForm):
    """One person who needs an ID card."""

    given_names = forms.CharField(
        label=_("Given names"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the given names.")},
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Enter the family name.")},
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example 17.05.1980"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Enter the date of birth."),
            "invalid": _("Enter the date of birth as day.month.year, for example 17.05.1980."),
        },
    )
    first_card = forms.ChoiceField(
        label=_("Is this the person's first ID card?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether this is the first ID card.")},
    )
    card = forms.ChoiceField(
        label=_("Which card?"),
        choices=CardKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A provisional card is for urgent cases, e.g. a journey before the card is ready."
        ),
        error_messages={"required": _("Select the card.")},
    )
    photo = forms.ChoiceField(
        label=_("The photo"),
        choices=Photo.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Since May 2025 only digital photos are accepted: no paper photos, no uploads."
        ),
        error_messages={"required": _("Select how the photo comes to us.")},
    )
    delivery = forms.ChoiceField(
        label=_("How should the card reach you?"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "By post from 16 years, with a second valid photo ID shown at the appointment."
        ),
        error_messages={"required": _("Select how the card should reach you.")},
    )
    second_id = forms.BooleanField(
        label=_("I will bring a second valid photo ID (only needed for sending by post)"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        born = cleaned.get("birth_date")
        today = timezone.localdate()
        if born is not None and born > today:
            self.add_error("birth_date", _("The date of birth cannot be in the future."))
            return cleaned
        if cleaned.get("delivery") == Delivery.POST:
            if cleaned.get("card") == CardKind.PROVISIONAL:
                self.add_error(
                    "delivery",
                    _("A provisional card is handed over at the appointment; it cannot be sent."),
                )
            elif born is not None and age_on(born, today) < POST_MIN_AGE:
                self.add_error(
                    "delivery", _("A card can be sent by post only to persons of 16 and over.")
                )
            elif not cleaned.get("second_id"):
                self.add_error(
                    "second_id",
                    _("To have the card sent by post, confirm that you bring a second photo ID."),
                )
        return cleaned


def person_name(item: dict) -> str:
    return " ".join(str(item.get(key, "")) for key in ("given_names", "family_name")).strip()


class PersonsPage(RepeatingGroupPage):
    slug = "personen"
    title = _("Who needs an ID card?")
    group = "persons"
    item_form = PersonForm
    min_items = 1
    max_items = 6
    item_title = _("Person %(number)s")
    add_title = _("Add a person")
    add_another_question = _("Does anyone else come to the same appointment for an ID card?")
    too_few_message = _("Add at least one person.")
    # The first person is usually the applicant: offered from the register (eID sessions only).
    first_item_prefill = {
        "given_names": ("register", "given_names"),
        "family_name": ("register", "family_name"),
        "birth_date": ("register", "birth_date"),
    }

    @classmethod
    def item_label(cls, item) -> str:
        born = item.get("birth_date", "")
        with contextlib.suppress(TypeError, ValueError):
            born = datetime.date.fromisoformat(born).strftime("%d.%m.%Y")
        return f"{person_name(item)} ({born})"


class ResidencePage(QuestionPage):
    slug = "zustaendigkeit"
    title = _("Where do you live?")

    registered_here = forms.ChoiceField(
        label=_("Do all these persons have their main residence in this town?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_(
            "You may apply at any Bürgerbüro in Germany; an office that is not "
            "responsible for your main residence charges 13.00 EUR extra per card."
        ),
        error_messages={"required": _("Select yes or no.")},
    )

"""The pages of the Anmeldung / Ummeldung (§17, §23a BMG)."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import AttachmentPage, QuestionPage, RepeatingGroupPage
from rathaus.core.forms import KernForm
from rathaus.register.constants import RegisterErrorCode, ResidenceKind, Sex

from ..addresses import (
    address_validate,
    date_de,
    house_number_field,
    postal_code_field,
    street_field,
    streets_offer,
)
from .movers import family_choices, movers, other_parents_known
from .rules import (
    ConfirmationMethod,
    Custody,
    PreviousPlace,
    custody_question_needed,
    is_late,
    is_minor,
    relations_moving,
    same_person,
    too_far_ahead,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
RELIGIONS = [
    ("", _("None, or not a public-law religious community")),
    ("ev", _("Protestant (ev)")),
    ("rk", _("Roman Catholic (rk)")),
    ("ak", _("Old Catholic (ak)")),
    ("jd", _("Jewish (jd)")),
    ("other", _("Another public-law religious community")),
]
ID_KINDS = [
    ("eid_online", _("The online ID (eID) I used for this registration")),
    ("personalausweis", _("German ID card (Personalausweis)")),
    ("reisepass", _("Passport")),
    ("eid_karte", _("eID card (EU citizens)")),
    ("none", _("No ID document")),
]
MOVER_RELATIONS = [("spouse", _("Spouse or civil partner")), ("child", _("Child under 18"))]


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class DwellingPage(QuestionPage):
    """The new dwelling, checked against the street directory; the date of moving in."""

    slug = "wohnung"
    title = _("Your new dwelling")

    street = street_field()
    house_number = house_number_field()
    address_addition = forms.CharField(
        label=_("Floor or flat"),
        max_length=60,
        required=False,
        help_text=_("For example “2nd floor left”"),
    )
    postal_code = postal_code_field()
    kind = forms.ChoiceField(
        label=_("Is it your main or a secondary residence?"),
        choices=ResidenceKind.choices,
        widget=forms.RadioSelect,
        help_text=_("§21 BMG: the main residence is the dwelling you mainly use."),
        error_messages={"required": _("Select main or secondary residence.")},
    )
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
        days = settings.RATHAUS_ANMELDUNG_DAYS_AHEAD
        if moved_in and too_far_ahead(
            moved_in=moved_in, today=timezone.localdate(), days_ahead=days
        ):
            self.add_error(
                "moved_in",
                gettext("You can register at most %(days)s days before moving in.")
                % {"days": days},
            )
        return cleaned


class LatePage(QuestionPage):
    """§17(1) BMG: more than two weeks after moving in. A friendly notice; it still goes on."""

    slug = "frist"
    title = _("The two-week deadline has passed")

    noted = forms.BooleanField(
        label=_("I have read this and want to register now"),
        help_text=_(
            "The law asks you to register within two weeks of moving in (§17(1) BMG). Your "
            "registration is still accepted; the registration office may ask why it is late."
        ),
        error_messages={"required": _("Tick the box to go on with your registration.")},
    )

    @classmethod
    def condition(cls, answers) -> bool:
        moved_in = _date(answers.get("moved_in"))
        return moved_in is not None and is_late(moved_in=moved_in, today=timezone.localdate())


class PreviousPage(QuestionPage):
    slug = "vorher"
    title = _("Where did you live before?")
    prefill = {
        "prev_street": ("register", "street"),
        "prev_house_number": ("register", "house_number"),
        "prev_postal_code": ("register", "postal_code"),
        "prev_city": ("register", "city"),
    }

    previous_place = forms.ChoiceField(
        label=_("Your previous dwelling was"),
        choices=PreviousPlace.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select where you lived before.")},
    )
    prev_street = forms.CharField(
        label=_("Street and house number"), max_length=160, required=False
    )
    prev_house_number = forms.CharField(label=_("House number"), max_length=10, required=False)
    prev_postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    prev_city = forms.CharField(label=_("Town"), max_length=120, required=False)
    prev_country = forms.CharField(label=_("Country (if abroad)"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prev_street"].label = _("Street")

    def clean(self):
        cleaned = super().clean()
        place = cleaned.get("previous_place")
        if place == PreviousPlace.GERMANY:
            for name, message in [
                ("prev_street", _("Enter the street of your previous dwelling.")),
                ("prev_house_number", _("Enter the house number of your previous dwelling.")),
                ("prev_postal_code", _("Enter the postal code of your previous dwelling.")),
                ("prev_city", _("Enter the town of your previous dwelling.")),
            ]:
                if not cleaned.get(name):
                    self.add_error(name, message)
            postal_code = cleaned.get("prev_postal_code", "")
            if postal_code and not (len(postal_code) == 5 and postal_code.isdigit()):
                self.add_error(
                    "prev_postal_code",
                    _("Enter a postal code of five digits, such as 22846."),
                )
        elif place == PreviousPlace.ABROAD and not cleaned.get("prev_country"):
            self.add_error("prev_country", _("Enter the country you lived in."))
        return cleaned


class ApplicantPage(QuestionPage):
    slug = "person"
    title = _("About you")
    prefill = {
        "applicant_name": ("account", "full_name"),
        "applicant_given_names": ("account", "given_name"),
        "applicant_family_name": ("account", "family_name"),
        "applicant_birth_date": ("account", "birth_date"),
    }

    # The identified applicant's names come from the account (the eID); these hidden answers
    # serve applications taken in without an account (the eWA service, ``ewa.py``).
    applicant_name = forms.CharField(
        label=_("Name"), widget=forms.HiddenInput, max_length=200, required=False
    )
    applicant_given_names = forms.CharField(
        label=_("Given names"), widget=forms.HiddenInput, max_length=200, required=False
    )
    applicant_family_name = forms.CharField(
        label=_("Family name"), widget=forms.HiddenInput, max_length=120, required=False
    )
    applicant_birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=forms.HiddenInput,
        input_formats=DATE_FORMATS,
        required=False,
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select your sex as in your ID document.")},
    )
    nationality = forms.CharField(
        label=_("Nationality"),
        max_length=120,
        help_text=_("Several separated by commas, for example “deutsch, polnisch”"),
    )
    religion = forms.ChoiceField(
        label=_("Religious community (for church tax)"),
        choices=RELIGIONS,
        required=False,
        help_text=_("Only public-law religious communities are registered (§3(1) Nr. 11 BMG)."),
    )
    id_kind = forms.ChoiceField(
        label=_("Your ID document"),
        choices=ID_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select your ID document.")},
    )
    id_number = forms.CharField(
        label=_("Serial number of the ID document"),
        max_length=20,
        required=False,
        help_text=_("9 or 10 characters, on the front of your ID card or in your passport"),
    )

    def clean(self):
        cleaned = super().clean()
        needs_number = cleaned.get("id_kind") not in (None, "", "none", "eid_online")
        if needs_number and not cleaned.get("id_number"):
            self.add_error("id_number", _("Enter the serial number of your ID document."))
        return cleaned


class FamilyPage(QuestionPage):
    """Family members from the register (never anyone under an Auskunftssperre), and whether
    others move too."""

    slug = "familie"
    title = _("Who moves with you?")

    family_moving = forms.MultipleChoiceField(
        label=_("Family members from the resident register"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick everyone who moves into the new dwelling with you."),
    )
    others_moving = forms.ChoiceField(
        label=_("Does anyone else move with you (spouse, children under 18)?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("Persons not listed above. Adults other than your spouse register themselves."),
        error_messages={"required": _("Select whether anyone else moves with you.")},
    )

    # Not asked: the names of those ticked, as the page showed them, for the check page.
    family_moving_names = forms.Field(widget=forms.MultipleHiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = family_choices(self.context)
        field = self.fields["family_moving"]
        field.choices = choices
        if not choices:
            field.widget = forms.MultipleHiddenInput()

    def clean_family_moving_names(self):
        labels = dict(self.fields["family_moving"].choices)
        return [labels[value] for value in self.cleaned_data.get("family_moving") or []]

    @classmethod
    def summary_rows(cls, answers):
        rows = super().summary_rows(answers)
        names = [name for name in answers.get("family_moving_names") or [] if name]
        return [
            (name, label, "; ".join(names) or str(_("Nobody")))
            if name == "family_moving"
            else (name, label, value)
            for name, label, value in rows
        ]


class MoverForm(KernForm):
    given_names = forms.CharField(label=_("Given names"), max_length=200)
    family_name = forms.CharField(label=_("Family name"), max_length=120)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=DATE_FORMATS,
        help_text=_("For example 21.09.2014"),
        error_messages={"invalid": _("Enter the date of birth as day.month.year.")},
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the person's sex as in their ID document.")},
    )
    relation = forms.ChoiceField(
        label=_("Relation to you"),
        choices=MOVER_RELATIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how the person is related to you.")},
    )
    nationality = forms.CharField(label=_("Nationality"), max_length=120)
    religion = forms.ChoiceField(
        label=_("Religious community (for church tax)"), choices=RELIGIONS, required=False
    )

    def clean(self):
        cleaned = super().clean()
        born = cleaned.get("birth_date")
        if born and born > timezone.localdate():
            self.add_error("birth_date", _("The date of birth must be in the past."))
        adult_child = born and not is_minor(born, timezone.localdate())
        if cleaned.get("relation") == "child" and adult_child:
            self.add_error(
                "relation", _("Adult children register themselves with their own online ID.")
            )
        return cleaned


class MoversPage(RepeatingGroupPage):
    slug = "mitziehende"
    title = _("Other persons moving with you")
    group = "movers"
    item_form = MoverForm
    min_items = 1
    max_items = 8
    item_title = _("Person %(number)s")
    add_title = _("Add a person moving with you")
    add_another_question = _("Does anyone else move with you?")
    too_few_message = _("Add at least one person, or go back and answer “No”.")

    @classmethod
    def condition(cls, answers) -> bool:
        return answers.get("others_moving") == "yes"

    @classmethod
    def item_label(cls, item) -> str:
        return f"{item.get('given_names', '')} {item.get('family_name', '')}".strip()


class CustodyPage(QuestionPage):
    slug = "sorgerecht"
    title = _("Custody of the children")

    custody = forms.ChoiceField(
        label=_("A child moves with you, but no other parent. Who else has custody?"),
        choices=Custody.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Where parents share custody, both decide where the child lives: the other parent "
            "must agree to the move."
        ),
        error_messages={"required": _("Select who has custody of the children.")},
    )

    @classmethod
    def condition(cls, answers) -> bool:
        return custody_question_needed(relations=relations_moving(answers))


class ConsentPage(AttachmentPage):
    slug = "anhang-zustimmung"
    title = _("Consent of the other parent")
    attachment = None
    consent_file = forms.FileField(label=_("Signed consent of the other parent"), required=False)

    @classmethod
    def condition(cls, answers) -> bool:
        return answers.get("custody") == Custody.CONSENT


OTHER_PARENT_ENTERED = "other"


class OtherParentPage(QuestionPage):
    """Whom the consent is asked of: the other parent, by the names and date of birth on their
    ID card — only that person, logged in with their online ID, can agree. Parents the register
    records with custody of the children are offered (never anyone under an Auskunftssperre)."""

    slug = "anderer-elternteil"
    title = _("The other parent")

    other_parent = forms.ChoiceField(
        label=_("Who is the other parent with custody?"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("From the resident register."),
    )
    other_parent_given_names = forms.CharField(
        label=_("Given names of the other parent"),
        max_length=200,
        required=False,
        help_text=_("All given names, as on their ID card"),
    )
    other_parent_family_name = forms.CharField(
        label=_("Family name of the other parent"), max_length=120, required=False
    )
    other_parent_birth_date = forms.DateField(
        label=_("Date of birth of the other parent"),
        input_formats=DATE_FORMATS,
        required=False,
        help_text=_("For example 03.05.1982"),
        error_messages={"invalid": _("Enter the date of birth as day.month.year.")},
    )
    # Only for the one reminder before the consent code ends (``reminders.py``): nothing else
    # is sent there, and the mail names no one.
    other_parent_email = forms.EmailField(
        label=_("E-mail address of the other parent (optional)"),
        max_length=254,
        required=False,
        help_text=_(
            "If you give it, we send the other parent one reminder with the link a few days "
            "before the consent code ends. Nothing else is sent there."
        ),
        error_messages={
            "invalid": _("Enter an e-mail address in the correct format, like name@example.org.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = {str(person.public_id): person for person in other_parents_known(self.context)}
        field = self.fields["other_parent"]
        if self.known:
            field.choices = [
                (key, f"{person.full_name}, {person.birth_date.strftime('%d.%m.%Y')}")
                for key, person in self.known.items()
            ] + [(OTHER_PARENT_ENTERED, _("Someone else: I enter the name"))]
            for name in (
                "other_parent_given_names",
                "other_parent_family_name",
                "other_parent_birth_date",
            ):
                self.fields[name].help_text = _("Only if you chose “Someone else”.")
        else:
            field.choices = [(OTHER_PARENT_ENTERED, OTHER_PARENT_ENTERED)]
            field.widget = forms.HiddenInput()
            field.initial = OTHER_PARENT_ENTERED

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("other_parent") or OTHER_PARENT_ENTERED
        if self.known and not cleaned.get("other_parent"):
            self.add_error("other_parent", _("Select the other parent, or “Someone else”."))
            return cleaned
        person = self.known.get(chosen)
        if person is not None:
            cleaned.update(
                other_parent=chosen,
                other_parent_given_names=person.given_names,
                other_parent_family_name=person.family_name,
                other_parent_birth_date=person.birth_date,
            )
            return cleaned
        cleaned["other_parent"] = OTHER_PARENT_ENTERED
        for name, message in [
            ("other_parent_given_names", _("Enter the given names of the other parent.")),
            ("other_parent_family_name", _("Enter the family name of the other parent.")),
            ("other_parent_birth_date", _("Enter the date of birth of the other parent.")),
        ]:
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        born = cleaned.get("other_parent_birth_date")
        if born and born >= timezone.localdate():
            self.add_error("other_parent_birth_date", _("The date of birth must be in the past."))
        identity = getattr(getattr(self.context, "person", None), "verified_identity", None)
        named = (
            cleaned.get("other_parent_given_names") or "",
            cleaned.get("other_parent_family_name") or "",
            born,
        )
        if (
            identity is not None
            and born
            and same_person(
                named, (identity.given_names, identity.family_name, identity.birth_date)
            )
        ):
            self.add_error(
                "other_parent_given_names",
                _("Name the other parent: you cannot agree in their place."),
            )
        return cleaned

    @classmethod
    def condition(cls, answers) -> bool:
        return answers.get("custody") == Custody.ONLINE

    @classmethod
    def summary_rows(cls, answers):
        born = _date(answers.get("other_parent_birth_date"))
        name = " ".join(
            part
            for part in (
                answers.get("other_parent_given_names", ""),
                answers.get("other_parent_family_name", ""),
            )
            if part
        )
        shown = f"{name}, {born.strftime('%d.%m.%Y')}" if born else name
        rows = [("other_parent", str(_("The other parent, who agrees online")), shown)]
        if answers.get("other_parent_email"):
            rows.append(
                (
                    "other_parent_email",
                    str(_("E-mail address of the other parent, for one reminder")),
                    answers["other_parent_email"],
                )
            )
        return rows


class ConfirmationPage(QuestionPage):
    """The landlord's part (§19 BMG): the assignment code, an uploaded confirmation, or a code
    letter to the new address (§23a(3) BMG)."""

    slug = "bestaetigung"
    title = _("Your landlord's confirmation")

    method = forms.ChoiceField(
        label=_("How do you show your landlord's confirmation?"),
        choices=ConfirmationMethod.choices,
        widget=forms.RadioSelect,
        help_text=_("Your landlord can confirm online and give you a code (§19(4) BMG)."),
        error_messages={"required": _("Select how you show your landlord's confirmation.")},
    )
    code = forms.CharField(
        label=_("Assignment code (if you have one)"),
        max_length=20,
        required=False,
        help_text=_("12 letters and digits, for example ABCD-EFGH-2345"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") != ConfirmationMethod.CODE:
            cleaned["code"] = ""
            return cleaned
        if not cleaned.get("code"):
            self.add_error("code", _("Enter the assignment code from your landlord."))
            return cleaned
        message = code_refusal_message(self.context, cleaned["code"])
        if message:
            self.add_error("code", message)
        return cleaned


def code_refusal_message(context, code: str) -> str:
    """Why the code does not serve this move, in words the citizen can act on; "" when it does."""
    if context is None or context.municipality is None:
        return ""
    register = context.services.get("register")
    answers = context.answers
    moved_in = _date(answers.get("moved_in"))
    if register is None or moved_in is None:
        return ""
    persons = movers(municipality=context.municipality, user=context.person, answers=answers)
    refusal = register.assignment_code_check(
        municipality=context.municipality,
        code=code,
        street=answers.get("street", ""),
        house_number=answers.get("house_number", ""),
        postal_code=answers.get("postal_code", ""),
        moved_in=moved_in,
        persons=[(mover.given_names, mover.family_name) for mover in persons],
        case=context.case,
    )
    if refusal is None:
        return ""
    details = refusal.details
    messages = {
        RegisterErrorCode.CODE_WRONG_DWELLING: gettext(
            "This code was issued for a different dwelling. Check the new address, or ask "
            "your landlord for the code of this dwelling."
        ),
        RegisterErrorCode.CODE_WRONG_PERSON: gettext(
            "The code does not name %(name)s. Ask your landlord to confirm every person moving "
            "in, or choose another way to show the confirmation."
        )
        % {"name": details.get("name", "")},
        RegisterErrorCode.CODE_EXPIRED: gettext(
            "This code expired on %(date)s. Ask your landlord for a new confirmation."
        )
        % {"date": date_de(details.get("expired"))},
        RegisterErrorCode.CODE_USED: gettext(
            "This code has already been used for another registration. A code serves one "
            "registration only."
        ),
        RegisterErrorCode.CODE_WRONG_DATE: gettext(
            "The code was issued for moving in on %(date)s. Check the date of moving in."
        )
        % {"date": date_de(details.get("moved_in"))},
    }
    return messages.get(refusal.code, str(refusal.code.label))


class LandlordUploadPage(AttachmentPage):
    slug = "anhang-wohnungsgeber"
    title = _("The landlord's signed confirmation")
    attachment = None
    landlord_file = forms.FileField(label=_("Landlord's confirmation"), required=False)

    @classmethod
    def condition(cls, answers) -> bool:
        return answers.get("method") == ConfirmationMethod.UPLOAD


PAGES = [
    DwellingPage,
    LatePage,
    PreviousPage,
    ApplicantPage,
    FamilyPage,
    MoversPage,
    CustodyPage,
    ConsentPage,
    OtherParentPage,
    ConfirmationPage,
    LandlordUploadPage,
]

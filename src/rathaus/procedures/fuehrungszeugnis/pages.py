from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import AttachmentPage, QuestionPage

from .rules import (
    MIN_AGE,
    PERSON_FIELDS,
    CertificateType,
    FeeBasis,
    GuardianRefusal,
    is_extended,
    needs_authority,
    too_young,
)
from .subject import SELF, child_offers, for_child, guardian_choice, person_record

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]

# Why a person cannot be chosen, said to the citizen (§30(1) BZRG).
REFUSALS = {
    GuardianRefusal.NOT_IN_CUSTODY: _(
        "The resident register does not show this person as your child in your custody. Only a "
        "parent with custody may apply for a child (§ 30 (1) BZRG); anyone else applies "
        "themself."
    ),
    GuardianRefusal.TOO_YOUNG: _(
        "A certificate of good conduct is issued from the age of 14 (§ 30 (1) BZRG). You cannot "
        "apply for this child yet."
    ),
    GuardianRefusal.ADULT: _(
        "This person is 18 or over and applies themself: a legal guardian applies only for a "
        "child of 14 to 17 (§ 30 (1) BZRG)."
    ),
}
NOT_IDENTIFIED = _(
    "Your children can be offered only when you log in with the online ID function and the "
    "resident register knows you. Choose “Myself”, or log in with the online ID function."
)


def _date(value: str) -> str:
    try:
        return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return str(value or "")


def _person_line(record) -> str:
    name = " ".join(str(record.get(key) or "") for key in ("given_names", "family_name")).strip()
    return gettext("%(name)s, born %(date)s") % {"name": name, "date": _date(record["birth_date"])}


class SubjectField(forms.ChoiceField):
    """Offers the applicant and the children who may be chosen; any other value reaches the
    page's ``clean``, which says why that person cannot be chosen."""

    def valid_value(self, value) -> bool:
        return bool(value)


class SubjectPage(QuestionPage):
    """For whom: the applicant, or their child of 14 to 17 in their custody (from the register).
    The guardian's own register data is kept with the answers (``guardian``): the application
    names them as the applicant and the child as the person concerned."""

    slug = "fuer-wen"
    title = pgettext_lazy("Führungszeugnis", "For whom is the certificate?")

    subject = SubjectField(
        label=pgettext_lazy("Führungszeugnis", "For whom is the certificate?"),
        widget=forms.RadioSelect,
        help_text=_(
            "A legal guardian may apply for their child of 14 to 17 (§ 30 (1) BZRG). The "
            "children in your custody are offered from the resident register when you log in "
            "with the online ID function."
        ),
        error_messages={"required": _("Select for whom the certificate is.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.context.person if self.context is not None else None
        name = user.full_name if user is not None else ""
        choices = [(SELF, gettext("Myself (%(name)s)") % {"name": name} if name else _("Myself"))]
        not_offered = []
        for offer in child_offers(self.context, on=timezone.localdate()):
            record = {
                "given_names": offer.person.given_names,
                "family_name": offer.person.family_name,
                "birth_date": offer.person.birth_date.isoformat(),
            }
            if offer.refusal is None:
                label = gettext("%(person)s (my child)") % {"person": _person_line(record)}
                choices.append((str(offer.person.public_id), label))
            elif offer.refusal == GuardianRefusal.TOO_YOUNG:
                not_offered.append(
                    gettext("%(person)s is under 14: a certificate is issued from 14.")
                    % {"person": _person_line(record)}
                )
            else:
                not_offered.append(
                    gettext("%(person)s is 18 or over and applies themself.")
                    % {"person": _person_line(record)}
                )
        field = self.fields["subject"]
        field.choices = choices
        if not_offered:
            field.help_text = " ".join([str(field.help_text), *not_offered])
        if not self.is_bound and "subject" not in self.initial:
            self.initial["subject"] = SELF

    @classmethod
    def field_names(cls) -> list[str]:
        # ``guardian`` is no question: the page records the register's data of the guardian.
        return ["subject", "guardian"]

    def clean(self):
        cleaned = super().clean()
        cleaned["guardian"] = None
        subject = cleaned.get("subject")
        if not subject or subject == SELF:
            return cleaned
        choice = guardian_choice(self.context, subject=str(subject), on=timezone.localdate())
        if not choice.identified:
            self.add_error("subject", NOT_IDENTIFIED)
        elif choice.refusal is not None:
            self.add_error("subject", REFUSALS[choice.refusal])
        else:
            cleaned["guardian"] = person_record(choice.guardian)
        return cleaned

    @classmethod
    def summary_rows(cls, answers) -> list[tuple[str, str, str]]:
        label = str(cls.base_fields["subject"].label)
        guardian = answers.get("guardian")
        if not for_child(answers) or not guardian:
            return [("subject", label, gettext("Myself"))]
        child = {
            key: answers.get(f"child_{key}") for key in ("given_names", "family_name", "birth_date")
        }
        concerned = (
            gettext("%(person)s, child of the applicant, in their custody")
            % {"person": _person_line(child)}
            if child["birth_date"]
            else gettext("A child of the applicant, in their custody")
        )
        return [
            ("subject", label, concerned),
            ("guardian", gettext("Applicant (legal guardian)"), _person_line(guardian)),
        ]


class ApplicantPage(QuestionPage):
    slug = "person"
    title = _("About you")
    # Offered from the register in an eID session; the clerk compares it with the ID card.
    prefill = {
        "given_names": ("register", "given_names"),
        "family_name": ("register", "family_name"),
        "birth_name": ("register", "birth_name"),
        "birth_date": ("register", "birth_date"),
        "birth_place": ("register", "birth_place"),
        "street": ("register", "street"),
        "house_number": ("register", "house_number"),
        "postal_code": ("register", "postal_code"),
        "city": ("register", "city"),
    }

    given_names = forms.CharField(
        label=_("Given names"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Enter your given names.")},
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Enter your family name.")},
    )
    birth_name = forms.CharField(
        label=_("Birth name (if different)"), max_length=120, required=False
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example 17.05.1980"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"autocomplete": "bday"}),
        error_messages={
            "required": _("Enter your date of birth."),
            "invalid": _("Enter the date of birth as day.month.year, for example 17.05.1980."),
        },
    )
    birth_place = forms.CharField(
        label=_("Place of birth"),
        max_length=120,
        error_messages={"required": _("Enter your place of birth.")},
    )
    street = forms.CharField(
        label=_("Street"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        error_messages={"required": _("Enter your street.")},
    )
    house_number = forms.CharField(
        label=_("House number"),
        max_length=20,
        error_messages={"required": _("Enter your house number.")},
    )
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{5}$",
        max_length=5,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        error_messages={
            "required": _("Enter your postal code."),
            "invalid": _("Enter a postal code of five digits."),
        },
    )
    city = forms.CharField(
        label=_("Town"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={"required": _("Enter your town.")},
    )

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if too_young(born, on=today):
            raise forms.ValidationError(
                _(
                    "A certificate of good conduct is issued from the age of %(age)s "
                    "(§ 30 (1) BZRG). You cannot apply yet."
                )
                % {"age": MIN_AGE}
            )
        return born

    @classmethod
    def condition(cls, answers) -> bool:
        return not for_child(answers)


class ChildPage(QuestionPage):
    """The child's data, offered from their register entry: the names and the date of birth must
    be the register's (the guardian applies for that child); the place of birth and a birth
    name may be added where the register lacks them."""

    slug = "kind"
    title = _("About your child")
    prefill = {f"child_{name}": ("register_child", name) for name in PERSON_FIELDS}

    child_given_names = forms.CharField(
        label=_("Given names"),
        max_length=200,
        error_messages={"required": _("Enter your child's given names.")},
    )
    child_family_name = forms.CharField(
        label=_("Family name"),
        max_length=120,
        error_messages={"required": _("Enter your child's family name.")},
    )
    child_birth_name = forms.CharField(
        label=_("Birth name (if different)"), max_length=120, required=False
    )
    child_birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example 17.05.2011"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d.%m.%Y"),
        error_messages={
            "required": _("Enter your child's date of birth."),
            "invalid": _("Enter the date of birth as day.month.year, for example 17.05.2011."),
        },
    )
    child_birth_place = forms.CharField(
        label=_("Place of birth"),
        max_length=120,
        error_messages={"required": _("Enter your child's place of birth.")},
    )
    child_street = forms.CharField(
        label=_("Street"),
        max_length=120,
        error_messages={"required": _("Enter the street where your child lives.")},
    )
    child_house_number = forms.CharField(
        label=_("House number"),
        max_length=20,
        error_messages={"required": _("Enter the house number.")},
    )
    child_postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{5}$",
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the postal code."),
            "invalid": _("Enter a postal code of five digits."),
        },
    )
    child_city = forms.CharField(
        label=_("Town"),
        max_length=120,
        error_messages={"required": _("Enter the town.")},
    )

    @classmethod
    def condition(cls, answers) -> bool:
        return for_child(answers)

    def clean(self):
        cleaned = super().clean()
        subject = str((self.context.answers if self.context else {}).get("subject") or "")
        choice = guardian_choice(self.context, subject=subject, on=timezone.localdate())
        if not choice.identified or choice.child is None:
            raise forms.ValidationError(REFUSALS[GuardianRefusal.NOT_IN_CUSTODY])
        if choice.refusal is not None:
            self.add_error("child_birth_date", REFUSALS[choice.refusal])
            return cleaned
        child = choice.child
        pairs = [
            ("child_given_names", child.given_names),
            ("child_family_name", child.family_name),
        ]
        for name, registered in pairs:
            value = cleaned.get(name)
            if value is not None and value.strip().casefold() != registered.strip().casefold():
                self.add_error(
                    name,
                    _("Enter the name as the resident register shows it: %(name)s.")
                    % {"name": registered},
                )
        born = cleaned.get("child_birth_date")
        if born is not None and born != child.birth_date:
            self.add_error(
                "child_birth_date",
                _("Enter the date of birth as the resident register shows it: %(date)s.")
                % {"date": child.birth_date.strftime("%d.%m.%Y")},
            )
        return cleaned


class TypePage(QuestionPage):
    slug = "art"
    title = _("Which certificate do you need?")

    kind = forms.ChoiceField(
        label=_("Which certificate do you need?"),
        choices=CertificateType.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Ask whoever wants the certificate which type they need. Choose “extended” only when "
            "they ask for it in writing (work with children and young people, § 30a BZRG). "
            "Choose P when an authority wants the certificate but you want to see it first: it "
            "is sent to a local court of your choice, where you may read it and decide whether "
            "it goes on to the authority (§ 30 (5) BZRG). The European certificate (§ 30b BZRG) "
            "is for citizens of another EU country: it also shows the entries of that country's "
            "register."
        ),
        error_messages={"required": _("Select the certificate you need.")},
    )
    purpose = forms.CharField(
        label=_("What do you need it for?"),
        max_length=200,
        required=False,
        help_text=_("For example: job application, voluntary work in a sports club."),
    )


class AuthorityPage(QuestionPage):
    slug = "behoerde"
    title = _("The authority that receives the certificate")

    authority_name = forms.CharField(
        label=_("Name of the authority"),
        max_length=200,
        error_messages={"required": _("Enter the name of the authority.")},
    )
    authority_address = forms.CharField(
        label=_("Address of the authority"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Street, house number, postal code and town."),
        error_messages={"required": _("Enter the address of the authority.")},
    )
    authority_reference = forms.CharField(
        label=_("The authority's reference (file number or purpose)"),
        max_length=120,
        error_messages={"required": _("Enter the authority's reference or the purpose.")},
    )
    court = forms.CharField(
        label=_("Local court where you want to see the certificate first"),
        max_length=200,
        required=False,
        help_text=_("Only for type P, for example: Amtsgericht Norderstedt."),
    )

    @classmethod
    def condition(cls, answers) -> bool:
        return needs_authority(answers.get("kind", ""))

    def clean(self):
        cleaned = super().clean()
        kind = self.context.answers.get("kind") if self.context is not None else None
        if kind == CertificateType.P and not cleaned.get("court", "").strip():
            self.add_error(
                "court", _("Enter the local court where you want to see the certificate first.")
            )
        return cleaned


class RequestLetterPage(AttachmentPage):
    slug = "anhang-aufforderung"
    title = _("The written request for an extended certificate")
    missing_message = _(
        "Upload the written request of the body that asks for the extended certificate "
        "(§ 30a (2) BZRG)."
    )
    # Its own answer name: the volunteer's proof is another file on another page.
    attachment = None
    request_letter = forms.FileField(label=_("Written request (§ 30a (2) BZRG)"), required=False)

    @classmethod
    def condition(cls, answers) -> bool:
        return is_extended(answers.get("kind", ""))


class FeePage(QuestionPage):
    slug = "gebuehr"
    title = _("The fee")

    fee_basis = forms.ChoiceField(
        label=_("How is the fee settled?"),
        choices=FeeBasis.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "The fee is shown before you send the application. For voluntary work the "
            "certificate is free with a confirmation of the organisation. On a low income the "
            "Federal Office of Justice decides on a reduction; your request is sent with the "
            "application and nothing is collected until it has decided."
        ),
        error_messages={"required": _("Select how the fee is settled.")},
    )


class VolunteerProofPage(AttachmentPage):
    slug = "anhang-ehrenamt"
    title = _("Proof of voluntary work")
    missing_message = _(
        "Upload the organisation's confirmation that you need the certificate for voluntary "
        "work, or choose to pay the fee."
    )
    attachment = None
    volunteer_proof = forms.FileField(label=_("Confirmation of the organisation"), required=False)

    @classmethod
    def condition(cls, answers) -> bool:
        return answers.get("fee_basis") == FeeBasis.VOLUNTEER

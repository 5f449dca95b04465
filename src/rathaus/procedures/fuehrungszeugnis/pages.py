from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import AttachmentPage, QuestionPage

from .rules import MIN_AGE, CertificateType, FeeBasis, is_extended, needs_authority, too_young

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


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

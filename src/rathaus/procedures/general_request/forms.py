from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import Answers, AttachmentPage, QuestionPage


class ContactPreference(models.TextChoices):
    EMAIL = "email", _("By e-mail")
    PHONE = "phone", _("By phone")
    POST = "post", _("By letter")


class RequestPage(QuestionPage):
    slug = "anliegen"
    title = _("Your request")

    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Describe your request. Do not include more personal data than needed."),
    )
    add_file = forms.BooleanField(
        label=_("I want to add a file (a photo or a PDF)"),
        required=False,
    )


class FilePage(AttachmentPage):
    slug = "anhang"
    title = _("Add a file")

    @classmethod
    def condition(cls, answers: Answers) -> bool:
        return bool(answers.get("add_file"))


class ContactPreferencePage(QuestionPage):
    slug = "kontakt"
    title = _("How should we reply?")

    contact_preference = forms.ChoiceField(
        label=_("How should we reply?"),
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("If you choose nothing, we reply in the way that suits your request best."),
    )


class EmailPage(QuestionPage):
    slug = "e-mail"
    title = _("Your e-mail address")

    prefill = {"email": ("account", "email")}

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send our answer to this address."),
    )

    @classmethod
    def condition(cls, answers: Answers) -> bool:
        return answers.get("contact_preference") == ContactPreference.EMAIL


class PhonePage(QuestionPage):
    slug = "telefon"
    title = _("Your phone number")

    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        help_text=_("We call you between 8 and 16 o'clock."),
    )

    @classmethod
    def condition(cls, answers: Answers) -> bool:
        return answers.get("contact_preference") == ContactPreference.PHONE


class PostalAddressPage(QuestionPage):
    slug = "anschrift"
    title = _("Your postal address")

    prefill = {
        "street": ("account", "street"),
        "postal_code": ("account", "postal_code"),
        "city": ("account", "city"),
    }

    street = forms.CharField(
        label=_("Street and house number"),
        max_length=120,
        help_text=_("We send our answer to this address by post."),
        error_messages={"required": _("Enter the street and house number.")},
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=10,
        error_messages={"required": _("Enter the postal code.")},
    )
    city = forms.CharField(
        label=_("Town or city"),
        max_length=80,
        error_messages={"required": _("Enter the town or city.")},
    )

    @classmethod
    def condition(cls, answers: Answers) -> bool:
        return answers.get("contact_preference") == ContactPreference.POST


class ApplicantPage(QuestionPage):
    slug = "angaben"
    title = _("Your details")

    prefill = {"applicant_name": ("account", "full_name")}

    applicant_name = forms.CharField(label=_("Full name"), max_length=200)

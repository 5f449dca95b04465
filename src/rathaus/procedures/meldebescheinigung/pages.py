from __future__ import annotations

from functools import cache, partial

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import QuestionPage

from .rules import CertificateKind, Delivery
from .subject import SELF, subjects_for


class SubjectField(forms.ChoiceField):
    """The choice of the person. "Myself" is always among the choices (``subjects_for``), so it
    validates without them: the family is read from the register only for a page that shows the
    choices, or for an answer naming a family member."""

    def valid_value(self, value) -> bool:
        return value == SELF or super().valid_value(value)


class CertificatePage(QuestionPage):
    """For whom (the applicant, or a family member they may act for: spouse, children in their
    custody, from the register; never anyone under an Auskunftssperre), which certificate, and
    how it is delivered: three short choices, asked on one page. The answers keep the names they
    had on the two pages before (``person``, ``art``), so a draft begun then keeps them."""

    slug = "angaben"
    title = _("Your Meldebescheinigung")
    prefill = {"applicant_name": ("account", "full_name")}

    applicant_name = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)
    subject = SubjectField(
        label=_("For whom is the certificate?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the person the certificate is for.")},
    )
    kind = forms.ChoiceField(
        label=_("Which certificate do you need?"),
        choices=CertificateKind.choices,
        widget=forms.RadioSelect,
        help_text=_("Most offices and landlords ask for the simple certificate."),
        error_messages={"required": _("Select the certificate you need.")},
    )
    delivery = forms.ChoiceField(
        label=_("How do you want to receive it?"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how you want to receive the certificate.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when first needed (see ``SubjectField``), then kept for this form.
        self.fields["subject"].choices = cache(partial(subjects_for, self.context))
        if not self.is_bound and "subject" not in self.initial:
            self.initial["subject"] = SELF

"""The form on a waiting registration's case page: the code of the letter the office sent to the
new address (§23a(3) BMG)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm
from rathaus.register.constants import RegisterErrorCode

from ..addresses import date_de


class CodeLetterForm(KernForm):
    code = forms.CharField(
        label=_("Code from the letter"),
        max_length=20,
        help_text=_("12 letters and digits, for example ABCD-EFGH-2345"),
        error_messages={"required": _("Enter the code from the letter.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def code_letter_refusal_message(*, code: str, details: dict, reference: str) -> str:
    """Why the code does not complete this registration, in words the citizen can act on."""
    messages = {
        RegisterErrorCode.CODE_UNKNOWN: gettext(
            "We do not know this code. Compare it with the code in the letter, character by "
            "character."
        ),
        RegisterErrorCode.CODE_OTHER_CASE: gettext(
            "This code is not the one from the letter for this registration. Enter the code "
            "from the letter that names the reference %(reference)s."
        )
        % {"reference": reference},
        RegisterErrorCode.CODE_USED: gettext(
            "This code has already been used for another registration. A code serves one "
            "registration only."
        ),
        RegisterErrorCode.CODE_EXPIRED: gettext(
            "This code expired on %(date)s. Write to us in the messages of this request and we "
            "will send you a new letter."
        )
        % {"date": date_de(details.get("expired"))},
    }
    return messages.get(code, str(RegisterErrorCode(code).label))


class ConsentCodeForm(KernForm):
    code = forms.CharField(
        label=_("Consent code"),
        max_length=20,
        help_text=_("12 letters and digits, for example ABCD-EFGH-2345"),
        error_messages={"required": _("Enter the consent code you were given.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


CONSENT_ANSWERS = [
    ("agree", _("I agree to the move")),
    ("refuse", _("I do not agree")),
]


class ConsentAnswerForm(KernForm):
    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    answer = forms.ChoiceField(
        label=_("Do you agree that the child moves to this address?"),
        choices=CONSENT_ANSWERS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether you agree to the move.")},
    )
    note = forms.CharField(
        label=_("Note for the registration office (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example why you do not agree."),
    )


def consent_refusal_message(*, code: str, details: dict) -> str:
    """Why the consent code opens nothing for the logged-in person; never anything about the
    registration or the persons in it."""
    messages = {
        RegisterErrorCode.CODE_UNKNOWN: gettext(
            "We do not know this code. Compare it with the code you were given, character by "
            "character."
        ),
        RegisterErrorCode.CODE_USED: gettext(
            "This code has already been answered, or the registration no longer waits for it. "
            "A code serves one answer only."
        ),
        RegisterErrorCode.CODE_EXPIRED: gettext(
            "This code expired on %(date)s. The registration office now checks the "
            "registration without it."
        )
        % {"date": date_de(details.get("expired"))},
        RegisterErrorCode.CODE_WRONG_PERSON: gettext(
            "This code was not given to you. Only the parent named in the registration can "
            "answer, logged in with their own online ID."
        ),
    }
    return messages.get(code, str(RegisterErrorCode(code).label))

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

"""The one question page of the accessibility feedback: what is the barrier, where, and (only if
the sender wants an answer) how to reach them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import QuestionPage


class FeedbackPage(QuestionPage):
    slug = "rueckmeldung"
    title = _("Report a barrier")

    message = forms.CharField(
        label=_("What did you notice?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Describe the barrier: what you wanted to do and what did not work. You can also "
            "ask for information in an accessible form."
        ),
        error_messages={"required": _("Describe the barrier or your request.")},
    )
    page_address = forms.CharField(
        label=_("Which page is it about?"),
        max_length=500,
        required=False,
        help_text=_("For example the page's address or its heading."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    applicant_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        required=False,
        help_text=_("Only if you want an answer by e-mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": _("Enter an e-mail address in the correct format, like name@example.org.")
        },
    )

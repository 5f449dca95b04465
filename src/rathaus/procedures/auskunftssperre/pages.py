from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import AttachmentPage, QuestionPage


class ReasonsPage(QuestionPage):
    slug = "gruende"
    title = _("Why do you need an Auskunftssperre?")

    reasons = forms.CharField(
        label=_("Your reasons"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=2000,
        help_text=_(
            "Describe the facts that show that information from the register could put your "
            "life, health, personal freedom or similar interests at risk (§ 51 (1) BMG)."
        ),
        error_messages={"required": _("Enter your reasons.")},
    )


class EvidencePage(AttachmentPage):
    slug = "anhang-nachweis"
    title = _("Evidence")
    # §51(1) BMG asks for facts that justify the block; the reasons may show them without a file.
    file_optional = True
    attachment = forms.FileField(
        label=_("Evidence (PDF, JPEG or PNG)"),
        required=False,
        help_text=_(
            "For example a protection order, a police report or a letter from a counselling "
            "service. You can send further files later through your Postfach."
        ),
    )

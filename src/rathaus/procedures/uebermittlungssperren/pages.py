from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import QuestionPage
from rathaus.register.constants import BlockKind
from rathaus.register.selectors import blocks_in_force, objections_offered

from ..meldebescheinigung.subject import applicant_in_register


def objection_label(objection) -> str:
    english = (get_language() or "de").startswith("en")
    name = objection.name_en if english and objection.name_en else objection.name
    return f"{name} ({objection.legal_basis})"


def objections_in_force(person) -> list[str]:
    """Keys of the person's Übermittlungssperren in force today."""
    return sorted(
        block.objection.key
        for block in blocks_in_force(person=person, kind=BlockKind.UEBERMITTLUNGSSPERRE)
    )


class ObjectionsPage(QuestionPage):
    """Every objection the law offers today (ObjectionType data with validity dates), ticked
    where the register has it in force; the citizen ticks what should be in force from now."""

    slug = "widersprueche"
    title = _("Your objections to the passing on of your data")

    objections = forms.MultipleChoiceField(
        label=_("I object to my data being passed on to:"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ticked: the objection is in force or will be entered. Untick an objection to "
            "revoke it. The objection to the Bundeswehr (§ 36 (2) BMG) ended on 1 January "
            "2026 and can no longer be lodged."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objections"].choices = [
            (objection.key, objection_label(objection)) for objection in objections_offered()
        ]
        if not self.is_bound and "objections" not in self.initial and self.context is not None:
            person = applicant_in_register(
                municipality=self.context.municipality, user=self.context.person
            )
            if person is not None:
                self.initial["objections"] = objections_in_force(person)

    @classmethod
    def summary_rows(cls, answers) -> list[tuple[str, str, str]]:
        labels = {objection.key: objection_label(objection) for objection in objections_offered()}
        chosen = [labels.get(key, key) for key in answers.get("objections") or []]
        shown = "; ".join(chosen) if chosen else str(_("No objection"))
        return [("objections", str(cls.base_fields["objections"].label), shown)]

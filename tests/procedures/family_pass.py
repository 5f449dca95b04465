"""A procedure built only for the tests, and the worked example of docs/case-engine.md:
"Familienpass", a family pass for the town's pools and museums.

It uses every part of the procedure API: pre-fill from the account, a repeating group of family
members, a cross-page rule, every lifecycle hook, a decision the system takes by rule, stages
of its own, and a document of its own whose builder chooses the data it shows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms

from rathaus.cases.constants import ActorRole
from rathaus.cases.plugin import (
    AnswerError,
    Decision,
    DecisionOutcome,
    DocumentType,
    Procedure,
    QuestionPage,
    RepeatingGroupPage,
    Stage,
)
from rathaus.cases.services import case_stage_set
from rathaus.catalogue.models import MunicipalityService, Service
from rathaus.core.forms import KernForm
from rathaus.payments.services import payment_for_case_require

KEY = "familienpass"
SERVICE_SLUG = "familienpass-test"
# What the hooks saw, in order: (hook, reference). Tests clear it.
HOOK_CALLS: list[tuple[str, str]] = []

RELATIONS = [("parent", "Elternteil"), ("child", "Kind")]


class ApplicantPage(QuestionPage):
    slug = "antragsteller"
    title = "Antragstellerin oder Antragsteller"
    prefill = {"applicant_name": ("account", "full_name"), "email": ("account", "email")}

    applicant_name = forms.CharField(label="Vollständiger Name", max_length=200)
    email = forms.EmailField(label="E-Mail-Adresse", max_length=254)


class MemberForm(KernForm):
    name = forms.CharField(label="Name", max_length=200)
    birth_date = forms.DateField(
        label="Geburtsdatum",
        help_text="Zum Beispiel 27.03.2015",
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
    )
    relation = forms.ChoiceField(
        label="Verhältnis zur Familie", choices=RELATIONS, widget=forms.RadioSelect
    )


class MembersPage(RepeatingGroupPage):
    slug = "familie"
    title = "Familienmitglieder"
    group = "members"
    item_form = MemberForm
    min_items = 1
    max_items = 6
    item_title = "Person %(number)s"
    add_title = "Person hinzufügen"
    add_another_question = "Möchten Sie eine weitere Person hinzufügen?"
    too_few_message = "Fügen Sie mindestens eine Person hinzu."

    @classmethod
    def item_label(cls, item) -> str:
        return str(item.get("name", ""))


class StartPage(QuestionPage):
    slug = "beginn"
    title = "Ab wann soll der Pass gelten?"

    valid_from = forms.DateField(
        label="Gültig ab", help_text="Zum Beispiel 01.01.2027", input_formats=["%d.%m.%Y"]
    )


def _age_on(birth_date: str, day: datetime.date) -> int:
    born = datetime.date.fromisoformat(birth_date)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def family_pass_data(case) -> dict:
    """The pass names the family's members and its start; never birth dates or addresses."""
    answers = case.answers or {}
    rows = [("Gültig ab", datetime.date.fromisoformat(answers["valid_from"]).strftime("%d.%m.%Y"))]
    rows += [(f"Person {n}", member["name"]) for n, member in enumerate(answers["members"], 1)]
    return {"rows": rows, "intro": "Dieser Familienpass gilt für die folgenden Personen."}


FAMILY_PASS = DocumentType(
    key="familienpass",
    title="Familienpass",
    template="documents/pdf/certificate.html",
    build=family_pass_data,
)


class FamilyPass(Procedure):
    key = KEY
    title = "Familienpass"
    description = "Ein Pass für Familien mit Kindern: günstiger Eintritt in Bad und Museum."
    service_slug = SERVICE_SLUG
    pages = [ApplicantPage, MembersPage, StartPage]
    stages = [Stage("printed", "Pass gedruckt"), Stage("sent", "Pass verschickt")]
    stage_transitions = {
        "": {"printed": frozenset({ActorRole.STAFF, ActorRole.SYSTEM})},
        "printed": {"sent": frozenset({ActorRole.STAFF})},
    }
    document_types = [FAMILY_PASS]
    approval_documents = ["familienpass"]
    next_steps = "Wir prüfen Ihren Antrag und schicken Ihnen den Pass."

    def cross_check(self, context) -> list[AnswerError]:
        answers = context.answers
        members, valid_from = answers.get("members"), answers.get("valid_from")
        if not members or not valid_from:
            return []
        day = datetime.date.fromisoformat(valid_from)
        if not any(_age_on(m["birth_date"], day) < 18 for m in members if m.get("birth_date")):
            return [
                AnswerError(
                    page=MembersPage.slug,
                    field="",
                    message="Ein Familienpass braucht mindestens ein Kind unter 18 Jahren "
                    "am ersten Gültigkeitstag.",
                )
            ]
        return []

    def decide(self, context) -> Decision | None:
        if context.case.applicant_id is not None and len(context.answers["members"]) <= 4:
            return Decision(DecisionOutcome.APPROVE, rule="familienpass-bis-vier-personen")
        return None

    def on_submitted(self, context) -> None:
        HOOK_CALLS.append(("submitted", context.case.reference))
        fee = self.fee(context)
        if fee:
            payment_for_case_require(case=context.case, amount=fee)

    def on_paid(self, context) -> None:
        HOOK_CALLS.append(("paid", context.case.reference))

    def on_approved(self, context) -> None:
        HOOK_CALLS.append(("approved", context.case.reference))
        case_stage_set(case=context.case, to_stage="printed", actor=None)

    def on_rejected(self, context) -> None:
        HOOK_CALLS.append(("rejected", context.case.reference))

    def on_withdrawn(self, context) -> None:
        HOOK_CALLS.append(("withdrawn", context.case.reference))


def family_pass_offer(municipality, *, fee: Decimal | None = None) -> MunicipalityService:
    """The town offers the family pass (free, or for ``fee``) in its catalogue."""
    rule = {"kind": "fixed", "amount": str(fee)} if fee else {"kind": "free"}
    service, _created = Service.objects.get_or_create(
        slug=SERVICE_SLUG,
        defaults={
            "name": "Familienpass",
            "summary": "Günstiger Eintritt für Familien.",
            "delivery_mode": "online",
            "trust_level": "basic",
            "fee_rule": rule,
        },
    )
    offering, _created = MunicipalityService.objects.get_or_create(
        municipality=municipality, service=service
    )
    return offering

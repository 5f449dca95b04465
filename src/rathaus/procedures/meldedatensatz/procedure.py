"""The procedure "Meldedatensatz" (§18a BMG): no questions; a logged-in person with the eID
matched exactly in the register gets their data at once, by the system's rule, free."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import (
    AnswerError,
    Decision,
    DecisionOutcome,
    DocumentType,
    Procedure,
    QuestionPage,
)
from rathaus.documents.constants import DocumentErrorCode
from rathaus.documents.errors import DocumentError
from rathaus.register.selectors import blocks_in_force, residences_of

from ..meldebescheinigung.subject import applicant_in_register
from .dataset import dataset, file_bytes

NOT_IN_REGISTER = _(
    "We cannot find you in the resident register with the data of your ID card. Please "
    "contact the Bürgerbüro."
)


class ConsentPage(QuestionPage):
    slug = "datensatz"
    title = _("Your register data as a file")

    understood = forms.BooleanField(
        label=_("I understand that the file contains all my data from the resident register."),
        help_text=_(
            "You get a JSON file, signed by the town: anyone can confirm it with its "
            "verification code on the town's verification page. Keep it safe and pass it on "
            "only to whom you choose."
        ),
        error_messages={"required": _("Confirm that you understand what the file contains.")},
    )


def meldedatensatz_data(case) -> dict:
    person = applicant_in_register(municipality=case.municipality, user=case.applicant)
    if person is None:
        raise DocumentError(DocumentErrorCode.NO_REGISTER_ENTRY)
    return {
        "dataset": dataset(
            person=person,
            residences=list(residences_of(person=person).order_by("moved_in", "pk")),
            blocks=blocks_in_force(person=person),
        )
    }


def meldedatensatz_render(context: dict) -> bytes:
    return file_bytes(data=context["dataset"], context=context)


MELDEDATENSATZ = DocumentType(
    key="meldedatensatz",
    title=_("Registration data set (Meldedatensatz)"),
    template="",
    build=meldedatensatz_data,
    render=meldedatensatz_render,
)


class Meldedatensatz(Procedure):
    key = "meldedatensatz"
    title = _("Meldedatensatz")
    description = _(
        "Your own data from the resident register as a signed, machine-readable file "
        "(§ 18a BMG), at once and free of charge."
    )
    service_slug = "meldedatensatz"
    pages = [ConsentPage]
    account_required = True
    document_types = [MELDEDATENSATZ]
    approval_documents = [MELDEDATENSATZ.key]
    retention = datetime.timedelta(days=30)
    next_steps = _("Your file is ready at once on your request's page.")

    def cross_check(self, context):
        if applicant_in_register(municipality=context.municipality, user=context.person) is None:
            return [AnswerError(page=ConsentPage.slug, field="", message=NOT_IN_REGISTER)]
        return []

    def decide(self, context):
        """The person themself, matched exactly with the eID's data (trust level "high", the
        catalogue's): the system issues the file at once."""
        person = applicant_in_register(
            municipality=context.municipality, user=context.case.applicant
        )
        if person is None:
            return None
        return Decision(DecisionOutcome.APPROVE, rule="exact-register-match")

import datetime

from django.utils.translation import gettext_lazy as _

from rathaus.cases.constants import ActorRole
from rathaus.cases.plugin import Decision, DecisionOutcome, DocumentType, Procedure, Stage
from rathaus.cases.services import case_stage_set
from rathaus.documents.constants import DocumentErrorCode
from rathaus.documents.errors import DocumentError
from rathaus.payments.services import payment_for_case_require
from rathaus.register.constants import Sex
from rathaus.register.interface import resident_register
from rathaus.register.selectors import residences_of

from .pages import CertificatePage
from .rules import Delivery, certificate_rows
from .subject import subject_person


def certificate_data(case) -> dict:
    """The certificate shows what §18 BMG allows for its kind, read from the register now."""
    person = subject_person(case=case)
    if person is None:  # a clerk approving a request for a person the register does not know
        raise DocumentError(DocumentErrorCode.NO_REGISTER_ENTRY)
    residences = residences_of(person=person).filter(moved_out__isnull=True)
    return {
        "intro": _("The person named below is registered in our resident register as follows."),
        "rows": certificate_rows(
            person=person,
            residences=list(residences),
            kind=(case.answers or {}).get("kind", ""),
            sex_label=str(Sex(person.sex).label) if person.sex else "",
        ),
    }


MELDEBESCHEINIGUNG = DocumentType(
    key="meldebescheinigung",
    title=_("Certificate of registration (Meldebescheinigung)"),
    template="documents/pdf/certificate.html",
    build=certificate_data,
)


class Meldebescheinigung(Procedure):
    key = "meldebescheinigung"
    title = _("Meldebescheinigung")
    description = _(
        "A certificate of your registration (§18 BMG), for yourself or a family member: "
        "electronic at once and free, or printed and sent by post."
    )
    service_slug = "meldebescheinigung"
    pages = [CertificatePage]
    account_required = True
    document_types = [MELDEBESCHEINIGUNG]
    approval_documents = ["meldebescheinigung"]
    # A printed certificate waits for the post once it is issued; the clerk who sends it marks
    # it. The electronic one has no stages.
    stages = [
        Stage("awaiting_dispatch", _("Waiting to be sent by post")),
        Stage("sent", _("Sent by post")),
    ]
    stage_transitions = {
        "": {"awaiting_dispatch": frozenset({ActorRole.SYSTEM})},
        "awaiting_dispatch": {"sent": frozenset({ActorRole.STAFF})},
    }
    retention = datetime.timedelta(days=90)
    next_steps = _(
        "An electronic certificate is ready at once on your request's page. A printed one is "
        "sent by post once the fee is paid."
    )

    def fee(self, context):
        """The electronic certificate is free (§18(3) BMG); the printed one costs the
        catalogue's fee."""
        if context.answers.get("delivery") == Delivery.ELECTRONIC:
            return None
        return super().fee(context)

    def on_submitted(self, context) -> None:
        fee = self.fee(context)
        if fee:
            payment_for_case_require(case=context.case, amount=fee)

    def decide(self, context):
        """Exactly matched in the register and not under an Auskunftssperre: the system issues
        the certificate at once. Anything else goes to a clerk."""
        person = subject_person(case=context.case)
        if person is None or resident_register().has_auskunftssperre(person=person):
            return None
        return Decision(DecisionOutcome.APPROVE, rule="exact-register-match")

    def on_approved(self, context) -> None:
        if (context.case.answers or {}).get("delivery") == Delivery.POST:
            case_stage_set(case=context.case, to_stage="awaiting_dispatch", actor=None)

"""The procedure "Auskunftssperre" (§51 BMG): reasons and evidence, decided by a clerk."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import AnswerError, DocumentType, Procedure
from rathaus.documents.constants import DocumentErrorCode
from rathaus.documents.errors import DocumentError
from rathaus.register import services as register_services
from rathaus.register.constants import BlockKind
from rathaus.register.selectors import blocks_in_force

from ..meldebescheinigung.subject import applicant_in_register
from .pages import EvidencePage, ReasonsPage
from .rules import block_period

NOT_IN_REGISTER = _(
    "We cannot find you in the resident register with the data of your ID card. Please "
    "contact the Bürgerbüro."
)


def _period(person) -> tuple[datetime.date, datetime.date]:
    current = blocks_in_force(person=person, kind=BlockKind.AUSKUNFTSSPERRE)
    until = max((block.valid_until for block in current if block.valid_until), default=None)
    return block_period(today=timezone.localdate(), current_until=until)


def confirmation_data(case) -> dict:
    """Name, date of birth and the period; never the reasons."""
    person = applicant_in_register(municipality=case.municipality, user=case.applicant)
    if person is None:  # a clerk approving an applicant the register does not know
        raise DocumentError(DocumentErrorCode.NO_REGISTER_ENTRY)
    start, end = _period(person)
    return {
        "intro": _(
            "An Auskunftssperre (§ 51 BMG) is entered in the resident register for the person "
            "named below. No information about this person is given to anyone not entitled "
            "by law."
        ),
        "rows": [
            (str(_("Name")), person.full_name),
            (str(_("Date of birth")), person.birth_date.strftime("%d.%m.%Y")),
            (str(_("In force from")), start.strftime("%d.%m.%Y")),
            (str(_("In force until")), end.strftime("%d.%m.%Y")),
        ],
    }


CONFIRMATION = DocumentType(
    key="auskunftssperre-bestaetigung",
    title=_("Confirmation of your Auskunftssperre"),
    template="documents/pdf/certificate.html",
    build=confirmation_data,
)


class Auskunftssperre(Procedure):
    key = "auskunftssperre"
    title = _("Auskunftssperre")
    description = _(
        "Have information about you from the resident register blocked because it could put "
        "you in danger (§ 51 BMG). A clerk decides; the block runs for two years."
    )
    service_slug = "auskunftssperre"
    pages = [ReasonsPage, EvidencePage]
    account_required = True
    document_types = [CONFIRMATION]
    approval_documents = [CONFIRMATION.key]
    # Kept while a block may be renewed from it: two years and a margin.
    retention = datetime.timedelta(days=3 * 365)
    target_days = 5
    next_steps = _(
        "A clerk reviews your reasons, usually within a few days, and may ask you for more "
        "through your Postfach. Once approved, the block is in force at once and the "
        "confirmation is on your request's page."
    )

    def cross_check(self, context):
        person = applicant_in_register(municipality=context.municipality, user=context.person)
        if person is None:
            return [AnswerError(page=ReasonsPage.slug, field="", message=NOT_IN_REGISTER)]
        return []

    def on_approved(self, context) -> None:
        """The clerk approved: the block is entered for two years (a renewal follows on)."""
        case = context.case
        person = applicant_in_register(municipality=case.municipality, user=case.applicant)
        if person is None:
            return
        start, _end = _period(person)
        register_services.block_set(
            person=person,
            kind=BlockKind.AUSKUNFTSSPERRE,
            valid_from=start,
            reason=str((case.answers or {}).get("reasons", ""))[:2000],
            actor=context.actor,
            case=case,
        )

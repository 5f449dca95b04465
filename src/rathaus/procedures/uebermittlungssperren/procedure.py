"""The procedure "Übermittlungssperren": one page, decided by the system at once.

Why a procedure and not a page in the citizen's account: the confirmation must be a document
verifiable on /pruefen/, and issued documents belong to a case (history, audit, "Meine
Anliegen", retention); the catalogue's trust level and the town's offer are checked by the engine
in one place. The system's decision makes it as quick as an account page."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import AnswerError, Decision, DecisionOutcome, DocumentType, Procedure
from rathaus.register import services as register_services
from rathaus.register.constants import BlockKind
from rathaus.register.selectors import blocks_in_force, objections_offered

from ..meldebescheinigung.subject import applicant_in_register
from .pages import ObjectionsPage, objection_label, objections_in_force
from .rules import objection_changes

NOT_IN_REGISTER = _(
    "We cannot find you in the resident register with the data of your ID card. Please "
    "contact the Bürgerbüro."
)


def confirmation_data(case) -> dict:
    """Name and date of birth, then every objection the law offers with its state from now.
    Built before the register is changed (in the approval's transaction), from the answers."""
    person = applicant_in_register(municipality=case.municipality, user=case.applicant)
    wanted = set((case.answers or {}).get("objections") or [])
    current = set(objections_in_force(person)) if person is not None else set()
    rows = []
    if person is not None:
        rows += [
            (str(_("Name")), person.full_name),
            (str(_("Date of birth")), person.birth_date.strftime("%d.%m.%Y")),
        ]
    for objection in objections_offered():
        if objection.key in wanted:
            state = _("in force") if objection.key in current else _("entered")
        else:
            state = _("revoked") if objection.key in current else _("no objection")
        rows.append((objection_label(objection), str(state)))
    return {
        "intro": _(
            "Your objections to the passing on of your registration data, as entered in the "
            "resident register on %(date)s."
        )
        % {"date": timezone.localdate().strftime("%d.%m.%Y")},
        "rows": rows,
    }


CONFIRMATION = DocumentType(
    key="uebermittlungssperren-bestaetigung",
    title=_("Confirmation of your objections (Übermittlungssperren)"),
    template="documents/pdf/certificate.html",
    build=confirmation_data,
)


class Uebermittlungssperren(Procedure):
    key = "uebermittlungssperren"
    title = _("Übermittlungssperren")
    description = _(
        "Object to your registration data being passed on (§ 42 (3), § 50 (1) and (2) BMG), "
        "or revoke an objection. The register is changed at once."
    )
    service_slug = "uebermittlungssperren"
    pages = [ObjectionsPage]
    account_required = True
    document_types = [CONFIRMATION]
    approval_documents = [CONFIRMATION.key]
    retention = datetime.timedelta(days=365)
    next_steps = _(
        "Your objections are entered in the register at once. The confirmation is on your "
        "request's page."
    )

    def applicant_name(self, answers) -> str:
        return ""  # the account's name is the case's; no name is asked

    def cross_check(self, context):
        person = applicant_in_register(municipality=context.municipality, user=context.person)
        if person is None:
            return [AnswerError(page=ObjectionsPage.slug, field="", message=NOT_IN_REGISTER)]
        changes = objection_changes(
            in_force=objections_in_force(person),
            wanted=context.answers.get("objections") or [],
            offered=[objection.key for objection in objections_offered()],
        )
        if changes.empty:
            return [
                AnswerError(
                    page=ObjectionsPage.slug,
                    field="objections",
                    message=_("You have not changed anything. Tick or untick an objection."),
                )
            ]
        return []

    def decide(self, context):
        """The person themself, matched exactly with the eID's data: the system enters the
        change at once (§50(5), §42(3) BMG: an objection needs no reasons)."""
        person = applicant_in_register(
            municipality=context.municipality, user=context.case.applicant
        )
        if person is None:
            return None
        return Decision(DecisionOutcome.APPROVE, rule="own-register-entry")

    def on_approved(self, context) -> None:
        case = context.case
        person = applicant_in_register(municipality=case.municipality, user=case.applicant)
        if person is None:
            return
        today = timezone.localdate()
        blocks = {
            block.objection.key: block
            for block in blocks_in_force(person=person, kind=BlockKind.UEBERMITTLUNGSSPERRE)
        }
        changes = objection_changes(
            in_force=blocks,
            wanted=(case.answers or {}).get("objections") or [],
            offered=[objection.key for objection in objections_offered()],
        )
        for key in changes.to_set:
            register_services.block_set(
                person=person,
                kind=BlockKind.UEBERMITTLUNGSSPERRE,
                valid_from=today,
                objection_key=key,
                actor=case.applicant,
                case=case,
            )
        for key in changes.to_end:
            register_services.block_end(
                block=blocks[key], on=today, actor=case.applicant, case=case
            )

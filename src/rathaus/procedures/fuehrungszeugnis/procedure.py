"""Führungszeugnis (BZRG §30–30c). With the eID a person applies directly at the Federal Office
of Justice (§30c); the town's way is in person: online the citizen prepares the application —
type, the receiving authority, the extended certificate's written request, the fee — pays and
books the appointment; at the counter the clerk checks the identity and sends the application to
the federal register through the connector (``connector.py``). A parent with custody may prepare
it for their child of 14 to 17 as the legal guardian (§30(1) sentence 2; ``subject.py``): both
come to the counter."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.plugin import Note, Procedure, Stage
from rathaus.cases.services import case_stage_set
from rathaus.catalogue.selectors import service_offering
from rathaus.payments.services import payment_for_case_require

from .connector import bzr_connector, connector_name
from .pages import (
    ApplicantPage,
    AuthorityPage,
    ChildPage,
    FeePage,
    RequestLetterPage,
    SubjectPage,
    TypePage,
    VolunteerProofPage,
)
from .rules import FeeBasis, fee_due, is_extended, is_minor, needs_authority
from .services import STAGE_CONFIRMED, STAGE_SENT, bzr_message_write, person_concerned
from .subject import for_child

SERVICE_SLUG = "fuehrungszeugnis"
SYSTEM = frozenset({ActorRole.SYSTEM})


def euro(amount: Decimal) -> str:
    return f"{number_format(amount, decimal_pos=2)} EUR"


def _name(record) -> str:
    return " ".join(str(record.get(key) or "") for key in ("given_names", "family_name")).strip()


def _date(value) -> str:
    try:
        return datetime.date.fromisoformat(str(value)).strftime("%d.%m.%Y")
    except ValueError:
        return ""


class Fuehrungszeugnis(Procedure):
    key = "fuehrungszeugnis"
    title = _("Prepare the application for a certificate of good conduct")
    description = _(
        "Prepare your application for a certificate of good conduct (Führungszeugnis), pay the "
        "fee and book a short appointment: at the Bürgerbüro we check your identity and send "
        "the application to the federal register."
    )
    service_slug = SERVICE_SLUG
    pages = [
        SubjectPage,
        ApplicantPage,
        ChildPage,
        TypePage,
        AuthorityPage,
        RequestLetterPage,
        FeePage,
        VolunteerProofPage,
    ]
    account_required = True
    retention = datetime.timedelta(days=90)
    next_steps = _(
        "Book the appointment on your request's page and bring your ID card or passport. At the "
        "Bürgerbüro we check your identity and send the application to the Federal Office of "
        "Justice, which issues the certificate and sends it."
    )
    # Only the connector moves the stages: approving at the counter sends the application, the
    # federal register's confirmation of receipt ends it.
    stages = [
        Stage(STAGE_SENT, _("Sent to the federal register")),
        Stage(STAGE_CONFIRMED, _("Receipt confirmed by the federal register")),
    ]
    stage_transitions = {
        "": {STAGE_SENT: SYSTEM},
        STAGE_SENT: {STAGE_CONFIRMED: SYSTEM},
    }
    # Approved means "sent to the federal register"; the register's receipt completes the case
    # (``services.bzr_receipt_confirm``). A clerk completing it by hand would tell the citizen
    # "completed" while the application may never have arrived.
    transition_roles = {CaseStatus.COMPLETED: SYSTEM}

    def waiting_for(self, *, status: str, stage: str):
        if status == CaseStatus.APPROVED and stage == STAGE_SENT:
            return _(
                "Waiting for the federal register to confirm receipt of the application. The "
                "case is completed by itself when the confirmation arrives."
            )
        return ""

    def applicant_name(self, answers) -> str:
        """Who applies: the person themself, or the legal guardian for their child."""
        person = (answers.get("guardian") or {}) if for_child(answers) else answers
        return " ".join(str(person.get(key, "")) for key in ("given_names", "family_name")).strip()

    # --- money and preparation ---------------------------------------------------------------
    def fee(self, context):
        """Collected online: the catalogue's fee, the European certificate its option; nothing
        for volunteers with proof or while a reduction is asked for."""
        offering = service_offering(municipality=context.municipality, service_slug=SERVICE_SLUG)
        if offering is None or "kind" not in context.answers:
            return None
        return fee_due(
            rule=offering.fee,
            kind=context.answers["kind"],
            basis=context.answers.get("fee_basis", FeeBasis.PAY),
        )

    def notes(self, context) -> list[Note]:
        answers = context.answers
        if "kind" not in answers or "fee_basis" not in answers:
            return []
        basis = answers["fee_basis"]
        fee = self.fee(context)
        if basis == FeeBasis.VOLUNTEER:
            costs = [gettext("No fee: the certificate is for voluntary work (proof uploaded).")]
        elif basis == FeeBasis.REDUCTION:
            costs = [
                gettext(
                    "Your request for a reduction is sent with the application. The Federal "
                    "Office of Justice decides on it and asks you for the fee if it is due; "
                    "nothing is collected now."
                )
            ]
        elif fee:
            costs = [gettext("%(fee)s, paid online when you send this.") % {"fee": euro(fee)}]
        else:
            costs = [gettext("No fee.")]
        if for_child(answers):
            bring = [
                gettext("your ID card or passport"),
                gettext("your child's ID card, passport or children's passport"),
            ]
        else:
            bring = [gettext("your ID card or passport")]
        if is_extended(answers.get("kind", "")):
            bring.append(gettext("the original written request for the extended certificate"))
        if basis == FeeBasis.VOLUNTEER:
            bring.append(gettext("the original confirmation of the organisation"))
        notes = [Note(_("What it costs"), costs), Note(_("What to bring"), bring)]
        if for_child(answers):
            lines = [
                gettext(
                    "You apply as your child's legal guardian (§ 30 (1) BZRG). Come to the "
                    "appointment together with your child: at the Bürgerbüro we check the "
                    "identity of both of you."
                )
            ]
            if not needs_authority(answers.get("kind", "")):
                lines.append(
                    gettext(
                        "The Federal Office of Justice sends the certificate to you, the "
                        "applicant (§ 30 (4) BZRG)."
                    )
                )
            notes.append(Note(_("Who comes to the appointment"), lines))
        elif self._minor(answers):
            notes.append(
                Note(
                    _("Applying under 18"),
                    [
                        gettext(
                            "From 14 you may apply yourself. Your legal guardian may apply "
                            "for you instead (§ 30 (1) BZRG): logged in with their online ID "
                            "function, they prepare it for you as their child, and you both "
                            "come to the Bürgerbüro."
                        )
                    ],
                )
            )
        return notes

    def counter_notes(self, context) -> list[Note]:
        """For the clerk: whose identity is checked before the application is sent."""
        answers = context.answers
        if not for_child(answers):
            return [
                Note(
                    _("Identity check at the counter"),
                    [gettext("The applicant: ID card or passport.")],
                )
            ]
        guardian = answers.get("guardian") or {}
        child = person_concerned(answers)
        lines = [
            gettext(
                "The legal guardian applies for their child (§ 30 (1) BZRG): both come. Check "
                "the identity of both, and the custody as the resident register records it "
                "(§ 30 (2) BZRG)."
            ),
            gettext("Applicant (legal guardian): %(name)s, born %(date)s")
            % {"name": _name(guardian), "date": _date(guardian.get("birth_date"))},
            gettext("Person concerned (child): %(name)s, born %(date)s")
            % {"name": _name(child), "date": _date(child.get("birth_date"))},
        ]
        if not self._minor(child):
            lines.append(
                gettext(
                    "The child is no longer 14 to 17 today: the guardian may not apply for "
                    "them. Do not approve; the person applies themself."
                )
            )
        return [Note(_("Identity check at the counter"), lines)]

    @staticmethod
    def _minor(answers) -> bool:
        try:
            born = datetime.date.fromisoformat(str(answers.get("birth_date", "")))
        except ValueError:
            return False
        return is_minor(born, on=timezone.localdate())

    def appointment_services(self, context) -> list[tuple[str, int]]:
        return [(SERVICE_SLUG, 1)]

    # --- lifecycle ---------------------------------------------------------------------------
    def on_submitted(self, context) -> None:
        fee = self.fee(context)
        if fee:
            payment_for_case_require(case=context.case, amount=fee)

    def on_approved(self, context) -> None:
        """A clerk approves at the counter once the identity is checked: the application goes
        to the federal register."""
        connector = bzr_connector()
        message = bzr_message_write(
            case=context.case, connector=connector_name(connector), checked_at=timezone.now()
        )
        connector.transmit(message=message)
        case_stage_set(case=context.case, to_stage=STAGE_SENT, actor=None)

"""The clerk's code letter (§23a(3) BMG): where no landlord confirmation can be had, the office
sends a code to the new address; entering it shows that the person receives mail there."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.cases.constants import ActorRole, CaseErrorCode
from rathaus.cases.errors import CaseError
from rathaus.cases.models import Case
from rathaus.cases.selectors import case_language
from rathaus.cases.services import actor_role_for_case, case_rule_recheck, case_stage_set
from rathaus.core.audit import audit_event_record
from rathaus.documents.rendering import pdf_render
from rathaus.register.constants import AssignmentCodeKind, RegisterErrorCode
from rathaus.register.errors import RegisterError
from rathaus.register.interface import resident_register
from rathaus.register.services import code_display

from ..addresses import address_line, town_city
from .movers import FAMILY_CHILD
from .procedure import (
    CODE_ENTERED_STAGE,
    CODE_LETTER_STAGE,
    CONSENT_AWAITED_STAGE,
    CONSENT_GIVEN_STAGE,
    CONSENT_REFUSED_STAGE,
    WAITING_STATUSES,
    case_movers,
    code_letter_awaited,
    consent_awaited,
    new_address,
    other_parent,
)

PROCEDURE_KEYS = ("anmeldung", "ummeldung")
OPEN_STATUSES = WAITING_STATUSES


def code_letter_offered(*, case) -> bool:
    """Whether the clerk may send a code letter for ``case`` now: not while the other parent's
    consent is awaited (the letter follows their answer, so the stages never cross)."""
    return (
        case.procedure_key in PROCEDURE_KEYS
        and case.status in OPEN_STATUSES
        and not consent_awaited(case)
    )


@dataclass(frozen=True)
class ConsentRequest:
    """What the other parent sees before answering, and nothing more: the children's names, the
    new address, the date of moving in, the applicant's name."""

    reference: str
    children: list[str]
    address: str
    moved_in: datetime.date
    applicant: str


def _consent_case(*, municipality, actor, code: str, lock: bool = False):
    """The waiting registration whose consent ``code`` asks ``actor`` for. Refusals, the same
    for every case, show nothing of it: ``RegisterError`` (``code_unknown`` — also another
    town's code —, ``code_used``, ``code_expired``, ``code_wrong_person`` — the logged-in
    person is not the parent named) or ``CaseError`` (the eID's identity missing, the applicant
    themself, the registration no longer waiting)."""
    identity = getattr(actor, "verified_identity", None)
    if actor is None or not actor.is_authenticated or identity is None:
        raise CaseError(CaseErrorCode.TRUST_LEVEL_TOO_LOW)
    refusal, issued = resident_register().consent_code_check(
        municipality=municipality,
        code=code,
        given_names=identity.given_names,
        family_name=identity.family_name,
        birth_date=identity.birth_date,
    )
    if refusal is not None:
        raise RegisterError(refusal.code, details=refusal.details)
    cases = Case.objects.filter(municipality=municipality, pk=issued.issued_for_id)
    case = (cases.select_for_update() if lock else cases.select_related("municipality")).first()
    if case is None or case.procedure_key not in PROCEDURE_KEYS or not consent_awaited(case):
        raise RegisterError(RegisterErrorCode.CODE_USED)
    if case.applicant_id == actor.pk:
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    return case


def custody_consent_open(*, municipality, actor, code: str) -> ConsentRequest:
    """The other parent, logged in with the eID, opens the consent ``code`` asks of them. Only
    the parent the applicant named (the register's keyed hash of names and date of birth)
    gets the request; anyone else a refusal (see ``_consent_case``)."""
    case = _consent_case(municipality=municipality, actor=actor, code=code)
    answers = case.answers or {}
    movers = case_movers(case)
    applicant = movers[0] if movers else None
    address = {**answers, "city": town_city(case.municipality)}
    return ConsentRequest(
        reference=case.reference,
        children=[
            f"{mover.given_names} {mover.family_name}"
            for mover in movers
            if mover.relation == FAMILY_CHILD
        ],
        address=address_line(address),
        moved_in=datetime.date.fromisoformat(answers["moved_in"]),
        applicant=f"{applicant.given_names} {applicant.family_name}" if applicant else "",
    )


@transaction.atomic
def custody_consent_answer(*, municipality, actor, code: str, agree: bool, note: str = "") -> Case:
    """The other parent agrees to the child's move, or refuses, with the code the applicant
    passed on. The code is taken by the registration (once); the history records who answered
    and when (the system's stage move, the parent's name and ``note`` as its reason, encrypted)
    and the audit log the parent's account. Agreed: the system decides again — with everything
    else exact the registration completes (``Anmeldung.decide``), otherwise the clerk goes on.
    Refused: the registration stays with the clerk, the note with it."""
    case = _consent_case(municipality=municipality, actor=actor, code=code, lock=True)
    register = resident_register()
    if not register.assignment_code_take(municipality=municipality, code=code, case=case):
        raise RegisterError(RegisterErrorCode.CODE_USED)
    identity = actor.verified_identity
    with translation.override(case_language(case=case)):
        who = _("%(name)s, born %(date)s, logged in with the online ID") % {
            "name": f"{identity.given_names} {identity.family_name}",
            "date": identity.birth_date.strftime("%d.%m.%Y"),
        }
        if agree:
            reason = _("Agreed online by %(who)s.") % {"who": who}
        else:
            reason = _("Refused online by %(who)s.") % {"who": who}
        if note.strip():
            reason = _("%(reason)s Note: %(note)s") % {"reason": reason, "note": note.strip()}
    stage = CONSENT_GIVEN_STAGE if agree else CONSENT_REFUSED_STAGE
    case_stage_set(case=case, to_stage=stage, actor=None, reason=reason)
    audit_event_record(
        action="anmeldung.custody_consent_given" if agree else "anmeldung.custody_consent_refused",
        actor=actor,
        municipality=municipality,
        target=case,
        data={},
    )
    if agree:
        return case_rule_recheck(case=case)
    return case


@transaction.atomic
def custody_consent_code_renew(*, case, actor):
    """The applicant gets a new consent code for the same registration (the first ended, or got
    lost), while the registration still waits for the other parent: the open code is revoked —
    it stops working at once — and a new one is issued for the same parent, valid
    ``RATHAUS_CUSTODY_CONSENT_DAYS`` from now. The wait starts again: the history says so (the
    system's move back to "consent awaited", from which the overdue rule counts), with no
    e-mail — the applicant asked for it and reads the new code on their page. Returns the new
    code. Only the applicant; ``CaseError`` otherwise or when nothing waits for a consent."""
    locked = Case.objects.select_for_update().get(pk=case.pk, municipality=case.municipality_id)
    if locked.applicant_id is None or actor is None or locked.applicant_id != actor.pk:
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    parent = other_parent(locked.answers or {})
    if locked.procedure_key not in PROCEDURE_KEYS or not consent_awaited(locked) or not parent:
        raise CaseError(CaseErrorCode.TRANSITION_NOT_ALLOWED)
    register = resident_register()
    revoked = register.consent_code_revoke(case=locked)
    issued = register.consent_code_issue(
        municipality=locked.municipality,
        address=new_address(locked),
        moved_in=datetime.date.fromisoformat((locked.answers or {})["moved_in"]),
        parent=parent,
        case=locked,
        actor=actor,
    )
    with translation.override(case_language(case=locked)):
        reason = _("A new consent code was issued; the previous one no longer works.")
    moved = case_stage_set(
        case=locked, to_stage=CONSENT_AWAITED_STAGE, actor=None, reason=reason, notify=False
    )
    audit_event_record(
        action="anmeldung.custody_consent_code_renewed",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
        data={"code": issued.pk, "revoked": revoked},
    )
    for field in ("stage", "stage_changed_at", "updated_at"):
        setattr(case, field, getattr(moved, field))
    return issued


@transaction.atomic
def code_letter_issue(*, case, actor) -> bytes:
    """Issue a code for ``case``'s move (bound to its dwelling, date and persons) and return the
    letter as a PDF to print and post. Only a clerk of the case's town; the case moves to the
    stage "code letter sent". The code is stored only as a keyed hash and encrypted."""
    if actor_role_for_case(actor=actor, case=case) != ActorRole.STAFF:
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    if not code_letter_offered(case=case):
        raise CaseError(CaseErrorCode.TRANSITION_NOT_ALLOWED)
    answers = case.answers or {}
    movers = case_movers(case)
    address = new_address(case)
    moved_in = datetime.date.fromisoformat(answers["moved_in"])
    issued = resident_register().assignment_code_issue(
        municipality=case.municipality,
        kind=AssignmentCodeKind.CODE_LETTER,
        address=address,
        moved_in=moved_in,
        persons=[(mover.given_names, mover.family_name) for mover in movers],
        case=case,
        actor=actor,
    )
    if case.stage != CODE_LETTER_STAGE:
        # The system's move: the stage table offers no button for it (no stage without a code).
        case_stage_set(case=case, to_stage=CODE_LETTER_STAGE, actor=None)
    audit_event_record(
        action="anmeldung.code_letter_issued",
        actor=actor,
        municipality=case.municipality,
        target=case,
        data={"code": issued.pk},
    )
    with translation.override(case_language(case=case)):
        addition = f" ({address.addition})" if address.addition else ""
        return pdf_render(
            template="procedures/anmeldung/code_letter.html",
            context={
                "title": _("Code letter for your registration"),
                "reference": case.reference,
                "issued_at": timezone.localtime(),
                "names": [f"{mover.given_names} {mover.family_name}" for mover in movers],
                "address_line_1": f"{address.street} {address.house_number}{addition}",
                "address_line_2": f"{address.postal_code} {address.city}",
                "code": code_display(issued.code),
                "valid_until": timezone.localtime(issued.expires_at).strftime("%d.%m.%Y"),
                "moved_in": moved_in.strftime("%d.%m.%Y"),
            },
            municipality=case.municipality,
        )


@transaction.atomic
def code_letter_redeem(*, case, actor, code: str) -> Case:
    """The applicant enters the code of the letter sent for ``case`` on that waiting
    registration (§23a(3) BMG: they receive mail at the new dwelling). The code is taken by the
    case, the stage says so, and the system decides again: with nothing else to look at (no
    custody question, nobody under an Auskunftssperre) the registration completes as the exact
    case — register updated, Meldebestätigung issued — otherwise the clerk goes on with it.

    Raises ``RegisterError`` (``code_unknown``, ``code_other_case``, ``code_used``,
    ``code_expired``; details for the message) or ``CaseError`` when no code is awaited."""
    locked = Case.objects.select_for_update().get(pk=case.pk, municipality=case.municipality_id)
    if locked.applicant_id is None or actor is None or locked.applicant_id != actor.pk:
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    if locked.procedure_key not in PROCEDURE_KEYS or not code_letter_awaited(locked):
        raise CaseError(CaseErrorCode.TRANSITION_NOT_ALLOWED)
    register = resident_register()
    refusal = register.code_letter_check(case=locked, code=code)
    if refusal is not None:
        raise RegisterError(refusal.code, details=refusal.details)
    if not register.assignment_code_take(municipality=locked.municipality, code=code, case=locked):
        raise RegisterError(RegisterErrorCode.CODE_USED)
    case_stage_set(case=locked, to_stage=CODE_ENTERED_STAGE, actor=None)
    audit_event_record(
        action="anmeldung.code_letter_entered",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
        data={},
    )
    decided = case_rule_recheck(case=locked)
    for field in ("status", "stage", "decided_at", "closed_at", "updated_at"):
        setattr(case, field, getattr(decided, field))
    return decided


def rueckmeldungen_overdue_check() -> int:
    """Mark the Rückmeldungen whose 0203 answer is past due (three working days) and put their
    registrations before the clerk (stage "Rückmeldung unanswered"). Returns how many."""
    marked = resident_register().rueckmeldungen_overdue_mark()
    cases = {message.case_id: message.case for message in marked if message.case_id is not None}
    for case in cases.values():
        if case.procedure_key in PROCEDURE_KEYS and case.stage != "rueckmeldung_overdue":
            try:
                case_stage_set(case=case, to_stage="rueckmeldung_overdue", actor=None)
            except CaseError:  # the case moved on (completed): the outbox row still says it
                continue
    return len(marked)

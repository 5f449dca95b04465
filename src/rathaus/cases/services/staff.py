"""A clerk's work on a case: the §40 BMG read log, assignment, information requests, decisions
and four-eyes approval."""

from __future__ import annotations

from django.db import transaction

from rathaus.core.audit import audit_event_record

from ..constants import MESSAGE_MAX_LENGTH, ActorRole, CaseErrorCode, CaseStatus
from ..errors import CaseError
from ..models import (
    Case,
    CaseApproval,
    CaseEvent,
    CaseReadCategory,
    CaseReadChannel,
    CaseReadLog,
    Message,
)
from ..plugin import procedure_get
from ..selectors import access_case_for_staff, is_staff_of
from ..transitions import transition_check
from .context import actor_role_for_case, case_locked
from .postfach import unread_count_forget
from .status import case_transition


def _staff_check(*, actor, case: Case) -> None:
    if actor_role_for_case(actor=actor, case=case) != ActorRole.STAFF:
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)


def case_read_logged(
    *,
    actor,
    municipality,
    reference: str,
    data_categories: list[str],
    channel: str = CaseReadChannel.WEB,
) -> Case:
    """A case for a staff member of ``municipality`` — and a §40 BMG read-log row saying who read
    which data of it, and when. Anyone else gets 404 and nothing is logged."""
    case = access_case_for_staff(actor=actor, municipality=municipality, reference=reference)
    categories = [CaseReadCategory(category).value for category in data_categories]
    CaseReadLog.objects.create(
        municipality=municipality,
        case=case,
        reference=case.reference,
        actor=actor,
        data_categories=categories,
        channel=CaseReadChannel(channel),
    )
    return case


@transaction.atomic
def case_assign(*, case: Case, assignee, actor) -> Case:
    """Make ``assignee`` (a staff member of the case's town, or None) responsible for the case."""
    _staff_check(actor=actor, case=case)
    if assignee is not None and not is_staff_of(actor=assignee, municipality=case.municipality):
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    locked = case_locked(case)
    previous = locked.assignee_id
    locked.assignee = assignee
    locked.save(update_fields=["assignee", "updated_at"])
    audit_event_record(
        action="case.assigned",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
        data={"from": previous, "to": assignee.pk if assignee is not None else None},
    )
    case.assignee, case.updated_at = locked.assignee, locked.updated_at
    return locked


@transaction.atomic
def case_request_information(*, case: Case, actor, message: str) -> Case:
    """Ask the applicant for more information: the question goes to the Postfach and the case
    moves to ``info_requested`` (one notification after commit)."""
    _staff_check(actor=actor, case=case)
    text = (message or "").strip()
    if not text:
        raise CaseError(CaseErrorCode.EMPTY_MESSAGE)
    locked = case_transition(
        case=case, to_status=CaseStatus.INFO_REQUESTED, actor=actor, reason=text
    )
    # Written here rather than through message_send: the transition already notifies the applicant.
    postfach = Message(
        case=locked,
        municipality_id=locked.municipality_id,
        sender=actor,
        sender_role=ActorRole.STAFF,
        body=text[:MESSAGE_MAX_LENGTH],
    )
    postfach.full_clean(exclude=["case", "municipality", "sender"])
    postfach.save()
    unread_count_forget(municipality_id=locked.municipality_id, applicant_id=locked.applicant_id)
    audit_event_record(
        action="case.message_sent",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
        data={"message": postfach.pk, "role": str(ActorRole.STAFF)},
    )
    return locked


# The decisions a clerk takes on a confirmation page, by the status they lead to.
CLERK_DECISIONS = (CaseStatus.APPROVED, CaseStatus.COMPLETED, CaseStatus.REJECTED)


@transaction.atomic
def case_decide(*, case: Case, actor, to_status: str, text: str = "") -> tuple[Case, bool]:
    """A clerk's decision (approve, complete, reject) with the clerk's text: the answer, note
    or reason the procedure asks for (``Procedure.decision_words``). The text is kept in the
    history (encrypted), printed in the decision letter and e-mailed to an applicant who asked
    to be answered by e-mail. Returns ``(case, moved)``; an approval needing a second clerk
    does not move the case yet (see ``case_approve``)."""
    _staff_check(actor=actor, case=case)
    wording = (
        procedure_get(case.procedure_key).decision_words(to_status)
        if to_status in CLERK_DECISIONS
        else None
    )
    if wording is None:
        raise CaseError(CaseErrorCode.UNKNOWN_STATUS)
    text = (text or "").strip()
    if wording.text_required and not text:
        raise CaseError(CaseErrorCode.REASON_REQUIRED)
    if to_status == CaseStatus.APPROVED:
        return case_approve(case=case, actor=actor, text=text)
    return case_transition(case=case, to_status=to_status, actor=actor, reason=text), True


@transaction.atomic
def case_approve(*, case: Case, actor, text: str = "") -> tuple[Case, bool]:
    """Approve a case. Returns ``(case, approved)``. ``text`` (the clerk's answer or note) is
    kept with the approval's history event.

    Where the procedure asks for four-eyes approval, the first clerk's approval is recorded and the
    case stays in review (``approved`` is False) until a different clerk confirms. The same clerk
    approving twice is refused (``four_eyes_same_clerk``). Approvals from an earlier round of
    review (before the case last changed status) no longer count.
    """
    _staff_check(actor=actor, case=case)
    locked = case_locked(case)
    procedure = procedure_get(locked.procedure_key)
    transition_check(
        from_status=locked.status,
        to_status=CaseStatus.APPROVED,
        actor_role=ActorRole.STAFF,
        procedure=procedure,
    )
    if not procedure.four_eyes:
        approved = case_transition(
            case=case, to_status=CaseStatus.APPROVED, actor=actor, reason=text
        )
        return approved, True
    last_move = (
        CaseEvent.objects.filter(case=locked, municipality=locked.municipality_id)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    approvals = CaseApproval.objects.filter(case=locked, municipality=locked.municipality_id)
    if last_move is not None:
        approvals.filter(created_at__lt=last_move).delete()
    earlier = list(approvals.values_list("clerk_id", flat=True))
    if actor.pk in earlier:
        raise CaseError(CaseErrorCode.FOUR_EYES_SAME_CLERK)
    CaseApproval.objects.create(
        case=locked, municipality_id=locked.municipality_id, clerk=actor, text=text
    )
    audit_event_record(
        action="case.approval_recorded",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
        data={"approvals": len(earlier) + 1},
    )
    if not earlier:
        return locked, False
    # The confirming clerk's text is the one the applicant reads; their form starts from the first
    # clerk's text (``selectors.case_approvals``), so nothing is lost unless they change it.
    approved = case_transition(case=case, to_status=CaseStatus.APPROVED, actor=actor, reason=text)
    return approved, True

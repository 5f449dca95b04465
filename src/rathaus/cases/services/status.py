"""A case's status and stage changes. ``case_transition`` is the only way a case's status changes:
it checks the transition table, writes the history and an audit event, runs the procedure's
lifecycle hook and decision rule, and notifies the applicant after commit."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.utils import timezone

from rathaus.core.audit import audit_event_record
from rathaus.core.storage import atomic_with_files
from rathaus.notifications.services import mail_after_commit

from ..constants import CLOSED_STATUSES, DECIDED_STATUSES, ActorRole, CaseErrorCode, CaseStatus
from ..errors import CaseError
from ..models import Case, CaseEvent
from ..plugin import DecisionOutcome, JourneyContext, journey_services, procedure_get, procedures
from ..transitions import stage_check, transition_check
from .context import actor_role_for_case, case_context, case_locked
from .documents import case_document_issue
from .mail import case_decision_send, case_notify_applicant, case_receipt_send

logger = logging.getLogger(__name__)


@atomic_with_files()
def case_transition(
    *, case: Case, to_status: str, actor, reason: str = "", trust_level: str | None = None
) -> Case:
    """Move ``case`` to ``to_status`` if the transition table allows it for this actor.

    Writes the history event and an audit event in the same transaction, runs the procedure's
    lifecycle hook (and, on reaching the back office, its decision rule) inside it, and notifies
    the applicant after commit. ``actor=None`` means the system (periodic tasks, payments).
    Raises ``CaseError`` with a stable code on refusal. A document issued on the way (an
    approval's) is written to the file store before its row; when the transition fails after
    that, the file is deleted with the rolled-back row (``core.storage.atomic_with_files``).
    """
    role = actor_role_for_case(actor=actor, case=case)
    if role is None:
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    return transition_apply(
        case=case,
        to_status=to_status,
        actor=actor,
        actor_role=role,
        reason=reason,
        trust_level=trust_level,
    )


# The fields a move (and the hooks and decision after it) may change.
_MOVED_FIELDS = ("status", "submitted_at", "decided_at", "closed_at", "stage", "updated_at")


def transition_apply(
    *,
    case: Case,
    to_status: str,
    actor,
    actor_role: ActorRole,
    reason: str,
    rule: str = "",
    trust_level: str | None = None,
) -> Case:
    """Lock ``case``'s row and move it (``transition_locked``). ``case`` itself shows where the
    move, the hooks and the decision left it; the locked copy is returned."""
    locked = transition_locked(
        case=case_locked(case),
        to_status=to_status,
        actor=actor,
        actor_role=actor_role,
        reason=reason,
        rule=rule,
        trust_level=trust_level,
    )
    for field in _MOVED_FIELDS:
        setattr(case, field, getattr(locked, field))
    return locked


def transition_locked(
    *,
    case: Case,
    to_status: str,
    actor,
    actor_role: ActorRole,
    reason: str,
    rule: str = "",
    trust_level: str | None = None,
    notify: bool = True,
    also_save: tuple[str, ...] = (),
) -> Case:
    """Move ``case``, whose row the caller has locked in this transaction (``case_locked``), to
    ``to_status``: the transition table's check, the history, the audit event, the mail after
    commit, the procedure's hook and, on reaching the back office, its decision rule.
    ``also_save``: fields the caller has set on the locked row, written in the move's UPDATE.

    Submitting (from a draft) mails nothing here, nor does a move with ``notify=False`` (the
    decision taken at once when submitting): ``case_decision_after_submit`` sends the receipt
    once the decision rule has run, and tells that decision in it."""
    locked = case
    from_status = locked.status
    transition_check(
        from_status=from_status,
        to_status=to_status,
        actor_role=actor_role,
        reason=reason,
        procedure=procedures().get(locked.procedure_key),
    )
    now = timezone.now()
    locked.status = to_status
    if to_status == CaseStatus.SUBMITTED and locked.submitted_at is None:
        locked.submitted_at = now
    if to_status in DECIDED_STATUSES:
        locked.decided_at = now
    if to_status in CLOSED_STATUSES:
        locked.closed_at = now
    # The fields' own rules; uniqueness and the table's check constraints are the database's to
    # enforce on the UPDATE (asking first cost five statements per transition).
    locked.full_clean(
        exclude=["answers", "applicant", "assignee", "municipality", *also_save],
        validate_unique=False,
        validate_constraints=False,
    )
    moved = ["status", "submitted_at", "decided_at", "closed_at", "updated_at"]
    locked.save(update_fields=[*also_save, *moved])
    _history_write(
        case=locked,
        actor=actor,
        role=actor_role,
        statuses=(from_status, to_status),
        stages=(locked.stage, locked.stage),
        reason=reason,
        rule=rule,
    )
    audit_event_record(
        action="case.transition",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
        data={"from": from_status, "to": str(to_status), "role": str(actor_role), "rule": rule},
    )
    applicant_acted = actor is not None and actor.pk == locked.applicant_id
    # Mail is queued after the commit; a failure then is logged, not raised (mail_after_commit).
    if from_status == CaseStatus.DRAFT or not notify:
        pass  # told by the receipt (``case_decision_after_submit``)
    elif _decision_mailed(case=locked, to_status=to_status, reason=reason):
        mail_after_commit(partial(case_decision_send, case_id=locked.pk))
    elif not applicant_acted and to_status != CaseStatus.AWAITING_PAYMENT:
        # (Waiting for payment follows the submit at once; the receipt says so.)
        mail_after_commit(
            partial(case_notify_applicant, case_id=locked.pk, update="status", value=to_status)
        )
    _lifecycle_run(
        case=locked,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        trust_level=trust_level,
    )
    return locked


def _decision_mailed(*, case: Case, to_status: str, reason: str) -> bool:
    """Whether a move is a decision to e-mail with its text: the applicant asked to be answered
    by e-mail (``Procedure.reply_email``) and a clerk decided, or completed with a text."""
    decision = to_status in DECIDED_STATUSES or (to_status == CaseStatus.COMPLETED and reason)
    return bool(decision) and bool(
        procedure_get(case.procedure_key).reply_email(case.answers or {})
    )


def _history_write(
    *, case: Case, actor, role: ActorRole, statuses, stages, reason: str, rule: str = ""
) -> CaseEvent:
    """One history event: a change of status, or of the procedure's stage."""
    return CaseEvent.objects.create(
        case=case,
        municipality_id=case.municipality_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_role=role,
        from_status=statuses[0],
        to_status=statuses[1],
        from_stage=stages[0],
        to_stage=stages[1],
        rule=rule,
        reason=reason.strip(),
    )


def _lifecycle_run(
    *, case: Case, from_status: str, to_status: str, actor, trust_level: str | None
) -> None:
    """The procedure's hook for this move, then — when the case has just reached the back
    office — the procedure's decision rule. All inside the caller's transaction."""
    context = case_context(case=case, actor=actor, trust_level=trust_level)
    procedure = context.procedure
    if to_status == CaseStatus.SUBMITTED:
        if from_status == CaseStatus.DRAFT:
            procedure.on_submitted(context)
        elif from_status == CaseStatus.AWAITING_PAYMENT:
            procedure.on_paid(context)
    elif to_status == CaseStatus.APPROVED:
        for key in procedure.approval_documents:
            case_document_issue(case=case, document_type=key, actor=actor)
        procedure.on_approved(context)
    elif to_status == CaseStatus.REJECTED:
        procedure.on_rejected(context)
        _bookings_release(case=case)
    elif to_status == CaseStatus.WITHDRAWN:
        procedure.on_withdrawn(context)
        _bookings_release(case=case)
    moved = list(_MOVED_FIELDS)
    case.refresh_from_db(fields=moved)
    # A submitted draft is decided after the submit has committed (``case_decision_after_submit``):
    # the submit holds the town's reference counter locked until then.
    submitted = to_status == CaseStatus.SUBMITTED and from_status != CaseStatus.DRAFT
    if submitted and case.status == CaseStatus.SUBMITTED:
        _decision_apply(case=case, context=context.with_answers(case.answers or {}))
        case.refresh_from_db(fields=moved)  # the decision moved it on


def case_decision_after_submit(*, case: Case, actor, trust_level: str | None) -> Case:
    """The procedure's decision rule for ``case`` just submitted, in a transaction of its own,
    then the receipt. Both ways of submitting (``case_submit``, ``case_record``) end here.

    The submit's transaction holds the town's reference counter row locked until it commits
    (gap-free numbers), so the decision — which may issue a document, i.e. render a PDF — must
    not run inside it, or every submit of the town waits for the PDF of the one before. The
    approval and its documents still commit together: the citizen sees the case either
    submitted without a document, or approved with it. A decision that fails leaves the case
    submitted, for a clerk, as a case the rule does not decide.

    The applicant gets one e-mail, the receipt, queued after the decision has committed: it
    tells a decision taken at once, which sends no update notice of its own. Only a decision to
    e-mail with its text (``Procedure.reply_email``) follows the receipt as a mail of its own.
    Both are queued once per case, in the transaction that marks this follow-up done
    (``Case.receipt_queued_at``, ``case_receipt_send``): a process that dies before that commits
    (killed during the PDF render) leaves the case submitted and unmarked, and the periodic
    task runs this again for it (``submission.case_follow_ups_resume``).
    Returns the case as it stands.
    """
    try:
        with atomic_with_files():
            locked = case_locked(case)
            if locked.status == CaseStatus.SUBMITTED:
                context = case_context(case=locked, actor=actor, trust_level=trust_level)
                # The move writes where the case now stands onto ``locked``.
                _decision_apply(case=locked, context=context, notify=False)
    except Exception:
        # Only the case's id: the answers and the applicant are personal data.
        logger.exception("The system's decision on case %s failed; it waits for a clerk", case.pk)
        locked = Case.objects.get(pk=case.pk, municipality=case.municipality_id)
    decision = _decision_mailed(case=locked, to_status=locked.status, reason="")
    mail_after_commit(partial(case_receipt_send, case_id=locked.pk, decision=decision))
    return locked


def _decision_apply(*, case: Case, context: JourneyContext, notify: bool = True) -> None:
    """The procedure's decision on ``case`` (locked by the caller), applied as a move;
    ``notify`` as for ``transition_locked``."""
    decision = context.procedure.decide(context)
    if decision is None:
        return
    transition_locked(
        case=case,
        to_status=DecisionOutcome(decision.outcome).value,
        actor=None,
        actor_role=ActorRole.SYSTEM,
        reason=str(decision.reason),
        rule=decision.rule,
        notify=notify,
    )


@atomic_with_files()
def case_rule_recheck(*, case: Case) -> Case:
    """Ask the procedure's decision rule again for ``case`` waiting in the back office (submitted,
    in review, information requested), after something the rule looks at changed outside the
    answers (the citizen entered a code letter's code, §23a(3) BMG). Only an approval is applied:
    a case a clerk already looks at is never rejected by the system. Returns the case as it
    stands."""
    locked = case_locked(case)
    waiting = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFO_REQUESTED)
    if locked.status not in waiting:
        raise CaseError(CaseErrorCode.TRANSITION_NOT_ALLOWED, details={"from": locked.status})
    context = case_context(case=locked)
    decision = context.procedure.decide(context)
    if decision is not None and decision.outcome == DecisionOutcome.APPROVE:
        transition_locked(
            case=locked,
            to_status=CaseStatus.APPROVED,
            actor=None,
            actor_role=ActorRole.SYSTEM,
            reason=str(decision.reason),
            rule=decision.rule,
        )
    for field in _MOVED_FIELDS:
        setattr(case, field, getattr(locked, field))
    return locked


def _bookings_release(*, case: Case) -> None:
    """A withdrawn or rejected case gives up the appointment booked in its journey."""
    booking = journey_services.get("booking")
    if booking is not None:
        booking.case_closed(case=case)


@transaction.atomic
def case_stage_set(
    *, case: Case, to_stage: str, actor, reason: str = "", notify: bool = True
) -> Case:
    """Move ``case`` to its procedure's stage ``to_stage`` if the procedure's stage table
    allows it for this actor; written to the history like a status change. The applicant is
    told by an update e-mail unless ``notify`` is False: a stage set while the case is being
    submitted is told by the receipt, which names it (one mail, not a receipt and an update)."""
    role = actor_role_for_case(actor=actor, case=case)
    if role is None:
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    locked = case_locked(case)
    procedure = procedure_get(locked.procedure_key)
    from_stage = locked.stage
    stage_check(
        procedure=procedure,
        status=locked.status,
        from_stage=from_stage,
        to_stage=to_stage,
        actor_role=role,
    )
    locked.stage = to_stage
    locked.stage_changed_at = timezone.now()
    locked.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    _history_write(
        case=locked,
        actor=actor,
        role=role,
        statuses=(locked.status, locked.status),
        stages=(from_stage, to_stage),
        reason=reason,
    )
    audit_event_record(
        action="case.stage",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
        data={"from": from_stage, "to": to_stage, "role": str(role)},
    )
    if notify and (actor is None or actor.pk != locked.applicant_id):
        mail_after_commit(
            partial(case_notify_applicant, case_id=locked.pk, update="stage", value=to_stage)
        )
    case.stage, case.updated_at = locked.stage, locked.updated_at
    return locked


@transaction.atomic
def case_withdraw(*, case: Case, actor, reason: str = "") -> Case:
    """The citizen withdraws their case (possible until a decision)."""
    return case_transition(case=case, to_status=CaseStatus.WITHDRAWN, actor=actor, reason=reason)

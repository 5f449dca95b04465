"""Writes of the case engine. ``case_transition`` is the only way a case's status changes."""

from __future__ import annotations

import datetime
import secrets
import uuid
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.accounts.constants import TrustLevel, trust_satisfies
from rathaus.catalogue.selectors import service_offering
from rathaus.core.audit import audit_event_record
from rathaus.core.language import language_supported
from rathaus.core.storage import (
    encrypted_file_delete,
    encrypted_file_write,
    encrypted_files_older_than,
    stale_temporary_file_delete,
)
from rathaus.documents.constants import DocumentErrorCode
from rathaus.documents.errors import DocumentError
from rathaus.documents.models import IssuedDocument
from rathaus.documents.rendering import pdf_render
from rathaus.documents.services import document_store
from rathaus.notifications.services import email_queue
from rathaus.tenants.models import Municipality
from rathaus.tenants.selectors import municipality_absolute_url

from .attachments import AttachmentError, content_check, size_label, virus_check
from .constants import (
    CLOSED_STATUSES,
    DECIDED_STATUSES,
    DRAFT_LIFETIME,
    MESSAGE_MAX_LENGTH,
    REFERENCE_SEQUENCE_DIGITS,
    ActorRole,
    AttachmentErrorCode,
    CaseErrorCode,
    CaseStatus,
    Channel,
)
from .errors import CaseError
from .models import (
    Attachment,
    Case,
    CaseApproval,
    CaseEvent,
    CaseReadCategory,
    CaseReadChannel,
    CaseReadLog,
    Message,
    ReferenceCounter,
)
from .plugin import (
    DecisionOutcome,
    JourneyContext,
    Procedure,
    QuestionPage,
    answer_to_json,
    journey_services,
    prefill_sources,
    procedure_get,
    procedures,
)
from .selectors import (
    access_case_for_staff,
    applicant_name_digest,
    case_attachments,
    case_decision_text,
    case_language,
    is_staff_of,
    owner_token_digest,
)
from .transitions import stage_check, transition_check


def owner_token_new() -> str:
    """A random token stored in an anonymous visitor's session to recognise their drafts."""
    return secrets.token_urlsafe(32)


# --- status changes ------------------------------------------------------------------------------
def actor_role_for_case(*, actor, case: Case) -> ActorRole | None:
    """The role ``actor`` plays for ``case``; None when they have nothing to do with it."""
    if actor is None:
        return ActorRole.SYSTEM
    if not actor.is_authenticated:
        return None
    if is_staff_of(actor=actor, municipality=case.municipality):
        return ActorRole.STAFF
    if case.applicant_id is not None and case.applicant_id == actor.pk:
        return ActorRole.CITIZEN
    return None


def case_context(*, case: Case, actor=None, trust_level: str | None = None) -> JourneyContext:
    """The context a procedure's hooks receive for ``case`` (``actor=None``: the system)."""
    return JourneyContext(
        municipality=case.municipality,
        procedure=procedure_get(case.procedure_key),
        actor=actor,
        trust_level=trust_level,
        case=case,
        answers=case.answers or {},
        system=actor is None,
    )


@transaction.atomic
def case_transition(
    *, case: Case, to_status: str, actor, reason: str = "", trust_level: str | None = None
) -> Case:
    """Move ``case`` to ``to_status`` if the transition table allows it for this actor.

    Writes the history event and an audit event in the same transaction, runs the procedure's
    lifecycle hook (and, on reaching the back office, its decision rule) inside it, and notifies
    the applicant after commit. ``actor=None`` means the system (periodic tasks, payments).
    Raises ``CaseError`` with a stable code on refusal.
    """
    role = actor_role_for_case(actor=actor, case=case)
    if role is None:
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    return _transition_apply(
        case=case,
        to_status=to_status,
        actor=actor,
        actor_role=role,
        reason=reason,
        trust_level=trust_level,
    )


def _transition_apply(
    *,
    case: Case,
    to_status: str,
    actor,
    actor_role: ActorRole,
    reason: str,
    rule: str = "",
    trust_level: str | None = None,
) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk, municipality=case.municipality_id)
    from_status = locked.status
    transition_check(
        from_status=from_status, to_status=to_status, actor_role=actor_role, reason=reason
    )
    now = timezone.now()
    locked.status = to_status
    if to_status == CaseStatus.SUBMITTED and locked.submitted_at is None:
        locked.submitted_at = now
    if to_status in DECIDED_STATUSES:
        locked.decided_at = now
    if to_status in CLOSED_STATUSES:
        locked.closed_at = now
    locked.full_clean(exclude=["answers", "applicant", "assignee", "municipality"])
    locked.save(update_fields=["status", "submitted_at", "decided_at", "closed_at", "updated_at"])
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
    if to_status == CaseStatus.SUBMITTED and from_status == CaseStatus.DRAFT:
        transaction.on_commit(partial(case_receipt_send, case_id=locked.pk))
    elif _decision_mailed(case=locked, to_status=to_status, reason=reason):
        transaction.on_commit(partial(case_decision_send, case_id=locked.pk))
    elif not applicant_acted and to_status != CaseStatus.AWAITING_PAYMENT:
        # (Waiting for payment follows the submit at once; the receipt says so.)
        transaction.on_commit(
            partial(case_notify_applicant, case_id=locked.pk, update="status", value=to_status)
        )
    # The caller's object reflects the new state too.
    for field in ("status", "submitted_at", "decided_at", "closed_at", "updated_at"):
        setattr(case, field, getattr(locked, field))
    _lifecycle_run(
        case=locked,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        trust_level=trust_level,
    )
    # A hook or the procedure's decision may have moved it on: the caller sees where it stands.
    for field in ("status", "submitted_at", "decided_at", "closed_at", "stage", "updated_at"):
        setattr(case, field, getattr(locked, field))
    return locked


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
    moved = ["status", "submitted_at", "decided_at", "closed_at", "stage", "updated_at"]
    case.refresh_from_db(fields=moved)
    if to_status == CaseStatus.SUBMITTED and case.status == CaseStatus.SUBMITTED:
        _decision_apply(case=case, context=context.with_answers(case.answers or {}))
        case.refresh_from_db(fields=moved)  # the decision moved it on


def _decision_apply(*, case: Case, context: JourneyContext) -> None:
    decision = context.procedure.decide(context)
    if decision is None:
        return
    _transition_apply(
        case=case,
        to_status=DecisionOutcome(decision.outcome).value,
        actor=None,
        actor_role=ActorRole.SYSTEM,
        reason=str(decision.reason),
        rule=decision.rule,
    )


@transaction.atomic
def case_rule_recheck(*, case: Case) -> Case:
    """Ask the procedure's decision rule again for ``case`` waiting in the back office (submitted,
    in review, information requested), after something the rule looks at changed outside the
    answers (the citizen entered a code letter's code, §23a(3) BMG). Only an approval is applied:
    a case a clerk already looks at is never rejected by the system. Returns the case as it
    stands."""
    locked = Case.objects.select_for_update().get(pk=case.pk, municipality=case.municipality_id)
    waiting = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFO_REQUESTED)
    if locked.status not in waiting:
        raise CaseError(CaseErrorCode.TRANSITION_NOT_ALLOWED, details={"from": locked.status})
    context = case_context(case=locked)
    decision = context.procedure.decide(context)
    if decision is not None and decision.outcome == DecisionOutcome.APPROVE:
        _transition_apply(
            case=locked,
            to_status=CaseStatus.APPROVED,
            actor=None,
            actor_role=ActorRole.SYSTEM,
            reason=str(decision.reason),
            rule=decision.rule,
        )
    for field in ("status", "submitted_at", "decided_at", "closed_at", "stage", "updated_at"):
        setattr(case, field, getattr(locked, field))
    return locked


def _bookings_release(*, case: Case) -> None:
    """A withdrawn or rejected case gives up the appointment booked in its journey."""
    booking = journey_services.get("booking")
    if booking is not None:
        booking.case_closed(case=case)


@transaction.atomic
def case_stage_set(*, case: Case, to_stage: str, actor, reason: str = "") -> Case:
    """Move ``case`` to its procedure's stage ``to_stage`` if the procedure's stage table
    allows it for this actor; written to the history like a status change."""
    role = actor_role_for_case(actor=actor, case=case)
    if role is None:
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    locked = Case.objects.select_for_update().get(pk=case.pk, municipality=case.municipality_id)
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
    if actor is None or actor.pk != locked.applicant_id:
        transaction.on_commit(
            partial(case_notify_applicant, case_id=locked.pk, update="stage", value=to_stage)
        )
    case.stage, case.updated_at = locked.stage, locked.updated_at
    return locked


def _case_for_mail(case_id: int) -> Case | None:
    return Case.objects.select_related("applicant", "municipality").filter(pk=case_id).first()


def case_receipt_send(*, case_id: int) -> None:
    """E-mail the receipt of a submitted case: which service, the reference number and what
    happens next (``Procedure.next_steps``), in the recipient's language. It goes to the
    applicant's account, or else to the address the procedure found in the answers
    (``Procedure.contact_email``): an applicant without an account gets it too."""
    case = _case_for_mail(case_id)
    if case is None or not case.reference:
        return
    procedure = procedure_get(case.procedure_key)
    if case.applicant is not None:
        to = case.applicant.email
        url = municipality_absolute_url(
            case.municipality, reverse("cases:case_detail", args=[case.reference])
        )
    else:
        to = procedure.contact_email(case.answers or {})
        url = ""
    if not to:
        return
    language = case_language(case=case)
    with translation.override(language):
        context = {
            "municipality_name": case.municipality.name,
            "service": str(procedure.title),
            "reference": case.reference,
            "next_steps": str(procedure.next_steps),
            "payment_due": case.status == CaseStatus.AWAITING_PAYMENT,
            "url": url,
        }
    email_queue(to=to, template="cases/email/receipt", context=context, language=language)


def _decision_mailed(*, case: Case, to_status: str, reason: str) -> bool:
    """Whether a move is a decision to e-mail with its text: the applicant asked to be answered
    by e-mail (``Procedure.reply_email``) and a clerk decided, or completed with a text."""
    decision = to_status in DECIDED_STATUSES or (to_status == CaseStatus.COMPLETED and reason)
    return bool(decision) and bool(
        procedure_get(case.procedure_key).reply_email(case.answers or {})
    )


def case_decision_send(*, case_id: int) -> None:
    """E-mail a decision to the address the applicant asked to be answered at: the procedure's
    word for it and the text the decision carried (an answer, a reason), in the applicant's
    language. Runs after commit; the mail waits encrypted for the worker, which gets its id."""
    case = _case_for_mail(case_id)
    if case is None:
        return
    procedure = procedure_get(case.procedure_key)
    to = procedure.reply_email(case.answers or {})
    if not to:
        return
    url = (
        municipality_absolute_url(
            case.municipality, reverse("cases:case_detail", args=[case.reference])
        )
        if case.applicant is not None
        else ""
    )
    language = case_language(case=case)
    with translation.override(language):
        context = {
            "municipality_name": case.municipality.name,
            "service": str(procedure.title),
            "reference": case.reference,
            "status": str(procedure.status_label(case.status)),
            "text": case_decision_text(case=case, status=case.status),
            "url": url,
        }
    email_queue(to=to, template="cases/email/case_decision", context=context, language=language)


def case_notify_applicant(*, case_id: int, update: str, value: str = "") -> None:
    """E-mail the applicant that something new is waiting: which service, what kind of update
    (a message, the new status or step) and a link; never a reference, a reason or a message's
    text. Updates within ``RATHAUS_CASE_MAIL_BUNDLE_SECONDS`` of the first one are collected
    into one mail (``notifications.services.email_queue``)."""
    case = _case_for_mail(case_id)
    if case is None or case.applicant is None or not case.applicant.email:
        return
    procedure = procedure_get(case.procedure_key)
    language = case_language(case=case)
    with translation.override(language):
        notice = ""
        if update == "status":
            text = _("New status: %(status)s") % {"status": CaseStatus(value).label}
        elif update == "stage":
            text = _("Next step: %(stage)s") % {"stage": procedure.stage_label(value)}
            # A fixed sentence the procedure adds for this stage (``Procedure.stage_notice``).
            notice = str(procedure.stage_notice(value))
        else:
            text = _("A new message from the town")
        context = {
            "municipality_name": case.municipality.name,
            "service": str(procedure.title),
            "url": municipality_absolute_url(case.municipality, reverse("cases:my_cases")),
        }
        at = timezone.localtime().strftime("%H:%M")
    email_queue(
        to=case.applicant.email,
        template="cases/email/case_update",
        context=context,
        language=language,
        bundle=f"case-update:{case.pk}",
        item={"at": at, "text": text, "notice": notice},
        window=datetime.timedelta(seconds=settings.RATHAUS_CASE_MAIL_BUNDLE_SECONDS),
    )


# --- reference numbers ---------------------------------------------------------------------------
def reference_allocate(*, municipality, at: datetime.datetime) -> str:
    """The next reference number of ``municipality`` for the year of ``at``, without gaps.

    Must run inside the submit transaction: the counter row stays locked until it commits, and a
    rolled-back submit gives its number back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reference_allocate() must run inside a transaction")
    year = timezone.localtime(at).year
    ReferenceCounter.objects.get_or_create(municipality=municipality, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(municipality=municipality, year=year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    sequence = str(counter.last_value).zfill(REFERENCE_SEQUENCE_DIGITS)
    return f"{municipality.reference_prefix}-{year}-{sequence}"


# --- drafts and submitting -----------------------------------------------------------------------
def case_access_check(
    *, procedure: Procedure, municipality, actor, trust_level: str | None
) -> None:
    """Whether ``actor`` may apply for ``procedure`` in ``municipality``: the one place for it,
    used by the web journey and the API alike.

    The town must offer the procedure's catalogue service (``service_not_offered``) unless the
    procedure is ``offered_everywhere``; the catalogue's trust level for the service is the one
    source of the identity proof needed: above "basic" it needs a login with at least that
    level, and a procedure that declares ``account_required`` needs a login in any case.
    """
    if procedure.offered_everywhere:
        required = TrustLevel.BASIC
    else:
        offering = service_offering(municipality=municipality, service_slug=procedure.service_slug)
        if offering is None:
            raise CaseError(CaseErrorCode.SERVICE_NOT_OFFERED)
        required = offering.service.trust_level
    authenticated = actor is not None and actor.is_authenticated
    if required != TrustLevel.BASIC and not (
        authenticated and trust_satisfies(trust_level, required)
    ):
        raise CaseError(CaseErrorCode.TRUST_LEVEL_TOO_LOW, details={"required": required})
    if procedure.account_required and not authenticated:
        raise CaseError(CaseErrorCode.ACCOUNT_REQUIRED)


@transaction.atomic
def case_draft_start(
    *, municipality, procedure: Procedure, actor, owner_token: str, trust_level: str | None = None
) -> Case:
    """A new draft for ``procedure``, owned by the account or (anonymous) by the session token."""
    case_access_check(
        procedure=procedure, municipality=municipality, actor=actor, trust_level=trust_level
    )
    authenticated = actor is not None and actor.is_authenticated
    case = Case(
        municipality=municipality,
        procedure_key=procedure.key,
        service_slug=procedure.service_slug,
        applicant=actor if authenticated else None,
        owner_token_digest=owner_token_digest(owner_token),
        channel=Channel.ONLINE,
        language=language_supported(translation.get_language()),
        status=CaseStatus.DRAFT,
        answers={},
        idempotency_key=uuid.uuid4().hex,
    )
    case.full_clean(exclude=["answers"])
    case.save()
    audit_event_record(
        action="case.draft_started",
        actor=actor,
        municipality=municipality,
        target=case,
        data={"procedure": procedure.key},
    )
    return case


def _answers_store(*, locked: Case, procedure: Procedure, answers: dict[str, Any], actor) -> None:
    locked.answers = procedure.clean_answers(answers)
    if locked.applicant_id is None and actor is not None and actor.is_authenticated:
        locked.applicant = actor  # a visitor who logged in mid-journey keeps their draft
    locked.save(update_fields=["answers", "applicant", "updated_at"])


def _draft_locked(case: Case) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk, municipality=case.municipality_id)
    if locked.status != CaseStatus.DRAFT:
        raise CaseError(CaseErrorCode.NOT_A_DRAFT)
    return locked


def _case_sync(case: Case, locked: Case) -> None:
    case.answers, case.applicant_id, case.updated_at = (
        locked.answers,
        locked.applicant_id,
        locked.updated_at,
    )


@transaction.atomic
def case_draft_answers_save(
    *, case: Case, page: type[QuestionPage], cleaned_data: dict[str, Any], actor
) -> Case:
    """Store one page's answers in the draft; answers of pages no longer asked are dropped."""
    locked = _draft_locked(case)
    procedure = procedure_get(locked.procedure_key)
    answers = dict(locked.answers or {})
    for name in page.field_names():
        answers[name] = answer_to_json(cleaned_data.get(name))
    _answers_store(locked=locked, procedure=procedure, answers=answers, actor=actor)
    _case_sync(case, locked)
    return locked


@transaction.atomic
def case_group_item_save(
    *, case: Case, page, index: int | None, cleaned_data: dict[str, Any], actor
) -> Case:
    """Add (``index=None``) or replace one item of a repeating group in the draft."""
    locked = _draft_locked(case)
    procedure = procedure_get(locked.procedure_key)
    answers = dict(locked.answers or {})
    items = page.items(answers)
    item = {name: answer_to_json(value) for name, value in cleaned_data.items()}
    if index is None:
        if len(items) >= page.max_items:
            raise CaseError(CaseErrorCode.GROUP_FULL, details={"max": page.max_items})
        items.append(item)
    elif 0 <= index < len(items):
        items[index] = item
    else:
        raise CaseError(CaseErrorCode.NOT_FOUND)
    answers[page.group] = items
    _answers_store(locked=locked, procedure=procedure, answers=answers, actor=actor)
    _case_sync(case, locked)
    return locked


@transaction.atomic
def case_group_item_remove(*, case: Case, page, index: int, actor) -> Case:
    """Remove one item of a repeating group from the draft."""
    locked = _draft_locked(case)
    procedure = procedure_get(locked.procedure_key)
    answers = dict(locked.answers or {})
    items = page.items(answers)
    if not 0 <= index < len(items):
        raise CaseError(CaseErrorCode.NOT_FOUND)
    del items[index]
    answers[page.group] = items
    _answers_store(locked=locked, procedure=procedure, answers=answers, actor=actor)
    _case_sync(case, locked)
    return locked


def answers_as_json(answers: dict[str, Any]) -> dict[str, Any]:
    """Cleaned form values as they are stored (dates as ISO strings …)."""
    return {name: answer_to_json(value) for name, value in answers.items()}


def prefill_source_label(source_key: str) -> str:
    source = prefill_sources.get(source_key)
    return str(source.label) if source is not None else source_key


def answers_errors(
    *, procedure: Procedure, answers: dict[str, Any], context: JourneyContext
) -> list:
    """What stops these answers from being submitted: the first unanswered page as an
    ``incomplete_answers`` CaseError, else the procedure's cross-page rules' ``AnswerError``s."""
    unanswered = procedure.first_unanswered_page(answers, context)
    if unanswered is not None:
        return [CaseError(CaseErrorCode.INCOMPLETE_ANSWERS, details={"page": unanswered.slug})]
    return list(procedure.cross_check(context.with_answers(answers)))


@transaction.atomic
def case_submit(
    *, case: Case, actor, idempotency_key: str, trust_level: str | None = None
) -> tuple[Case, bool]:
    """Submit a draft: allocate the reference number and move it to ``submitted``.

    Returns ``(case, created)``. Submitting again with the same idempotency key (double click,
    reloaded POST, browser back) returns the already submitted case with ``created=False``.
    The service must still be offered and the trust level still met; the answers must be
    complete and pass the procedure's cross-page rules (``incomplete_answers``,
    ``answers_invalid`` with the errors in ``details["errors"]``).
    """
    locked = Case.objects.select_for_update().get(pk=case.pk, municipality=case.municipality_id)
    if not secrets.compare_digest(locked.idempotency_key, idempotency_key or ""):
        raise CaseError(CaseErrorCode.IDEMPOTENCY_MISMATCH)
    if locked.status != CaseStatus.DRAFT:
        return locked, False
    procedure = procedure_get(locked.procedure_key)
    case_access_check(
        procedure=procedure,
        municipality=locked.municipality,
        actor=actor,
        trust_level=trust_level,
    )
    return _submit(
        locked=locked,
        procedure=procedure,
        actor=actor,
        role=ActorRole.CITIZEN,
        trust_level=trust_level,
    ), True


# What ``_submit`` writes onto the draft row before its transition.
SUBMITTED_FIELDS = ("applicant", "answers", "applicant_name", "applicant_name_digest", "reference")


def _submit(
    *, locked: Case, procedure: Procedure, actor, role: ActorRole, trust_level: str | None
) -> Case:
    answers = procedure.clean_answers(locked.answers or {})
    context = JourneyContext(
        municipality=locked.municipality,
        procedure=procedure,
        actor=actor,
        trust_level=trust_level,
        case=locked,
        answers=answers,
    )
    errors = answers_errors(procedure=procedure, answers=answers, context=context)
    if errors and isinstance(errors[0], CaseError):
        raise errors[0]
    if errors:
        raise CaseError(
            CaseErrorCode.ANSWERS_INVALID,
            details={
                "errors": [
                    {"page": e.page, "field": e.field, "message": str(e.message)} for e in errors
                ]
            },
        )
    now = timezone.now()
    name = procedure.applicant_name(answers)
    authenticated = actor is not None and actor.is_authenticated
    if locked.applicant_id is None and authenticated and role == ActorRole.CITIZEN:
        locked.applicant = actor
    locked.answers = answers
    locked.applicant_name = name
    locked.applicant_name_digest = applicant_name_digest(name)
    locked.reference = reference_allocate(municipality=locked.municipality, at=now)
    locked.save(update_fields=[*SUBMITTED_FIELDS, "updated_at"])
    # A file added on a page the final answers no longer ask is not submitted.
    attachments_of_skipped_pages_remove(case=locked, procedure=procedure)
    return _transition_apply(
        case=locked,
        to_status=CaseStatus.SUBMITTED,
        actor=actor,
        actor_role=role,
        reason="",
        trust_level=trust_level,
    )


@transaction.atomic
def case_record(
    *,
    municipality,
    procedure: Procedure,
    answers: dict[str, Any],
    actor,
    trust_level: str | None,
    channel: str = Channel.COUNTER,
) -> Case:
    """A complete application taken in by a clerk or a staff system (API): checked like an
    online one — the town offers the service, the applicant's identity proof (``trust_level``,
    as verified by the clerk or the submitting system) meets the catalogue's level, every page
    validates with the journey context, the cross-page rules pass — and submitted at once.

    Raises ``CaseError`` (``answers_invalid`` with per-field details for answers that do not
    validate)."""
    if not is_staff_of(actor=actor, municipality=municipality):
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    # The same check as online; the identity proof is the applicant's, as ``trust_level`` says.
    case_access_check(
        procedure=procedure, municipality=municipality, actor=actor, trust_level=trust_level
    )
    context = JourneyContext(
        municipality=municipality, procedure=procedure, actor=actor, trust_level=trust_level
    )
    cleaned: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for page in procedure.active_pages(answers):
        errors.extend(_page_validate(page=page, answers=answers, context=context, out=cleaned))
    if errors:
        raise CaseError(CaseErrorCode.ANSWERS_INVALID, details={"errors": errors})
    case = Case(
        municipality=municipality,
        procedure_key=procedure.key,
        service_slug=procedure.service_slug,
        channel=channel,
        status=CaseStatus.DRAFT,
        answers=cleaned,
        idempotency_key=uuid.uuid4().hex,
    )
    case.full_clean(exclude=["answers"])
    case.save()
    return _submit(
        locked=case,
        procedure=procedure,
        actor=actor,
        role=ActorRole.STAFF,
        trust_level=trust_level,
    )


def _page_validate(
    *, page, answers: dict[str, Any], context: JourneyContext, out: dict[str, Any]
) -> list[dict[str, str]]:
    """Validate one page's answers with its form (or each item of a repeating group) and put
    the cleaned JSON values into ``out``; the problems as (page, field, message) dicts."""
    errors: list[dict[str, str]] = []
    group = getattr(page, "group", "")
    if group:
        items = answers.get(group)
        if not isinstance(items, list) or not page.min_items <= len(items) <= page.max_items:
            return [{"page": page.slug, "field": group, "message": str(page.too_few_message)}]
        cleaned_items = []
        for index, item in enumerate(items):
            form = page.item_form(data=item if isinstance(item, dict) else {})
            form.context = context
            if not form.is_valid():
                errors.extend(
                    {"page": page.slug, "field": f"{group}.{index}.{name}", "message": str(m)}
                    for name, messages in form.errors.items()
                    for m in messages
                )
                continue
            cleaned_items.append(answer_to_json(form.cleaned_data))
        out[group] = cleaned_items
        return errors
    form = page(data={k: v for k, v in answers.items() if k in page.base_fields}, context=context)
    if not form.is_valid():
        return [
            {"page": page.slug, "field": name, "message": str(m)}
            for name, messages in form.errors.items()
            for m in messages
        ]
    out.update({name: answer_to_json(form.cleaned_data.get(name)) for name in page.field_names()})
    return errors


@transaction.atomic
def case_withdraw(*, case: Case, actor, reason: str = "") -> Case:
    """The citizen withdraws their case (possible until a decision)."""
    return case_transition(case=case, to_status=CaseStatus.WITHDRAWN, actor=actor, reason=reason)


def case_drafts_expired_delete(*, now: datetime.datetime | None = None) -> int:
    """Delete drafts untouched for longer than the draft lifetime. Returns how many."""
    cutoff = (now or timezone.now()) - DRAFT_LIFETIME
    _, per_model = Case.objects.filter(status=CaseStatus.DRAFT, updated_at__lt=cutoff).delete()
    return per_model.get(Case._meta.label, 0)


@transaction.atomic
def case_drafts_of_owner_delete(*, municipality, owner_token: str) -> int:
    """Delete the drafts that one browser session started (a Bürgerterminal's visitor leaving):
    those whose owner token is ``owner_token``, with or without an account. Returns how many.

    Their uploaded files go with the orphaned-file sweep, as for expired drafts."""
    digest = owner_token_digest(owner_token)
    if not digest:
        return 0
    drafts = Case.objects.filter(
        municipality=municipality, status=CaseStatus.DRAFT, owner_token_digest=digest
    )
    _, per_model = drafts.delete()
    deleted = per_model.get(Case._meta.label, 0)
    if deleted:
        audit_event_record(
            action="case.drafts_discarded", municipality=municipality, data={"count": deleted}
        )
    return deleted


# --- Postfach ------------------------------------------------------------------------------------
def messages_mark_read(*, case: Case, reader) -> int:
    """The applicant has opened their case page: the town's messages on it count as read."""
    if reader is None or case.applicant_id != reader.pk:
        return 0
    return Message.objects.filter(
        case=case,
        municipality_id=case.municipality_id,
        sender_role=ActorRole.STAFF,
        read_by_applicant_at__isnull=True,
    ).update(read_by_applicant_at=timezone.now())


@transaction.atomic
def message_send(*, case: Case, sender, body: str) -> Message:
    """Add a Postfach message to a submitted case (applicant or the town's staff only).

    A citizen's message answers an information request: the case goes back to ``in_review``.
    A message from staff e-mails the applicant that something new is waiting (no message text).
    """
    role = actor_role_for_case(actor=sender, case=case)
    if role not in (ActorRole.CITIZEN, ActorRole.STAFF) or case.status == CaseStatus.DRAFT:
        raise CaseError(CaseErrorCode.ACTOR_NOT_PERMITTED)
    body = (body or "").strip()
    if not body:
        raise CaseError(CaseErrorCode.EMPTY_MESSAGE)
    message = Message(
        case=case,
        municipality_id=case.municipality_id,
        sender=sender,
        sender_role=role,
        body=body[:MESSAGE_MAX_LENGTH],
    )
    message.full_clean(exclude=["case", "municipality", "sender"])
    message.save()
    audit_event_record(
        action="case.message_sent",
        actor=sender,
        municipality=case.municipality,
        target=case,
        data={"message": message.pk, "role": str(role)},
    )
    if role == ActorRole.CITIZEN and case.status == CaseStatus.INFO_REQUESTED:
        _transition_apply(
            case=case,
            to_status=CaseStatus.IN_REVIEW,
            actor=sender,
            actor_role=role,
            reason="",
        )
    elif role == ActorRole.STAFF:
        transaction.on_commit(partial(case_notify_applicant, case_id=case.pk, update="message"))
    return message


# --- back office ---------------------------------------------------------------------------------
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
    locked = Case.objects.select_for_update().get(pk=case.pk, municipality=case.municipality_id)
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
    locked = Case.objects.select_for_update().get(pk=case.pk, municipality=case.municipality_id)
    transition_check(
        from_status=locked.status, to_status=CaseStatus.APPROVED, actor_role=ActorRole.STAFF
    )
    if not procedure_get(locked.procedure_key).four_eyes:
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
    CaseApproval.objects.create(case=locked, municipality_id=locked.municipality_id, clerk=actor)
    audit_event_record(
        action="case.approval_recorded",
        actor=actor,
        municipality=locked.municipality,
        target=locked,
        data={"approvals": len(earlier) + 1},
    )
    if not earlier:
        return locked, False
    # The confirming clerk's text is the one the applicant reads.
    approved = case_transition(case=case, to_status=CaseStatus.APPROVED, actor=actor, reason=text)
    return approved, True


# --- attachments ---------------------------------------------------------------------------------
# Extensions that claim a type; a file whose content is another type is refused. The name never
# makes a file acceptable: the content decides (see cases.attachments.content_check).
ATTACHMENT_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
}
ATTACHMENT_DEFAULT_EXTENSION = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


def _attachment_role(*, case: Case, actor, owner_token: str) -> ActorRole | None:
    """Who may add or remove files: the draft's owner (account or session token) while it is a
    draft; afterwards the applicant or the town's staff."""
    if case.status == CaseStatus.DRAFT:
        if actor is not None and actor.is_authenticated and case.applicant_id == actor.pk:
            return ActorRole.CITIZEN
        digest = owner_token_digest(owner_token)
        if digest and secrets.compare_digest(case.owner_token_digest, digest):
            return ActorRole.CITIZEN
        return None
    role = actor_role_for_case(actor=actor, case=case)
    return role if role in (ActorRole.CITIZEN, ActorRole.STAFF) else None


def attachment_file_name(name: str, content_type: str) -> str:
    """A safe display name: no path, no control characters; the extension matches the content.

    Raises ``AttachmentError(TYPE_MISMATCH)`` when the name claims another type."""

    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()[:200] or "file"
    stem, dot, ext = base.rpartition(".")
    claimed = ATTACHMENT_EXTENSIONS.get(f".{ext.lower()}") if dot and stem else None
    if claimed is not None and claimed != content_type:
        raise AttachmentError(AttachmentErrorCode.TYPE_MISMATCH)
    if claimed is None:
        base = f"{base}{ATTACHMENT_DEFAULT_EXTENSION[content_type]}"
    return base


@transaction.atomic
def attachment_add(
    *,
    case: Case,
    upload,
    actor,
    owner_token: str = "",
    page_slug: str = "",
    message: Message | None = None,
):
    """Check, clean, encrypt and store one uploaded file for ``case``.

    ``page_slug``: the question page it belongs to; an earlier file of that page is replaced.
    ``message``: the Postfach message it belongs to. Raises ``AttachmentError`` (stable code,
    translated message) for a refused file; nothing is stored then.
    """

    role = _attachment_role(case=case, actor=actor, owner_token=owner_token)
    if role is None:
        raise AttachmentError(AttachmentErrorCode.NOT_PERMITTED)
    procedure = procedure_get(case.procedure_key)
    max_size = procedure.attachment_max_bytes
    if upload.size > max_size:
        raise AttachmentError(AttachmentErrorCode.TOO_LARGE, max_size=size_label(max_size))
    siblings = Attachment.objects.filter(municipality=case.municipality_id, case=case)
    replaced = list(siblings.filter(page_slug=page_slug)) if page_slug else []
    if siblings.count() - len(replaced) >= procedure.attachment_max_count:
        raise AttachmentError(
            AttachmentErrorCode.TOO_MANY, max_count=procedure.attachment_max_count
        )
    data = b"".join(upload.chunks())
    if len(data) > max_size:
        raise AttachmentError(AttachmentErrorCode.TOO_LARGE, max_size=size_label(max_size))
    if not data:
        raise AttachmentError(AttachmentErrorCode.EMPTY)
    virus_check(data)
    content_type, clean = content_check(data)
    name = attachment_file_name(upload.name, content_type)
    storage_name = encrypted_file_write(data=clean, folder="attachments")
    try:
        attachment = Attachment(
            case=case,
            municipality_id=case.municipality_id,
            message=message,
            page_slug=page_slug,
            uploaded_by=actor if actor is not None and actor.is_authenticated else None,
            uploader_role=role,
            original_name=name,
            content_type=content_type,
            size=len(clean),
            storage_name=storage_name,
        )
        attachment.full_clean(exclude=["case", "municipality", "message", "uploaded_by"])
        attachment.save()
    except Exception:
        encrypted_file_delete(storage_name)
        raise
    for old in replaced:
        _attachment_remove(attachment=old)
    audit_event_record(
        action="case.attachment_added",
        actor=actor,
        municipality=case.municipality,
        target=case,
        data={"attachment": attachment.pk, "type": content_type, "size": len(clean)},
    )
    return attachment


def _attachment_remove(*, attachment) -> None:

    storage_name = attachment.storage_name
    attachment.delete()
    transaction.on_commit(partial(encrypted_file_delete, storage_name))


@transaction.atomic
def attachment_remove(*, attachment, actor, owner_token: str = "") -> None:
    """Remove a file from a draft (the journey's "remove" button). Submitted files stay."""

    case = attachment.case
    role = _attachment_role(case=case, actor=actor, owner_token=owner_token)
    if case.status != CaseStatus.DRAFT or role != ActorRole.CITIZEN:
        raise AttachmentError(AttachmentErrorCode.NOT_PERMITTED)
    audit_event_record(
        action="case.attachment_removed",
        actor=actor,
        municipality=case.municipality,
        target=case,
        data={"attachment": attachment.pk},
    )
    _attachment_remove(attachment=attachment)


def attachments_of_skipped_pages_remove(*, case: Case, procedure: Procedure) -> int:
    """Remove files added on question pages that the final answers no longer ask (on submit)."""

    active = {page.slug for page in procedure.active_pages(case.answers or {})}
    stale = Attachment.objects.filter(municipality=case.municipality_id, case=case).exclude(
        page_slug=""
    )
    removed = 0
    for attachment in stale:
        if attachment.page_slug not in active:
            _attachment_remove(attachment=attachment)
            removed += 1
    return removed


@transaction.atomic
def message_send_with_attachment(*, case: Case, sender, body: str, upload=None) -> Message:
    """A Postfach message with an optional file; a refused file sends nothing at all."""
    message = message_send(case=case, sender=sender, body=body)
    if upload:
        attachment_add(case=case, upload=upload, actor=sender, message=message)
    return message


# --- fees --------------------------------------------------------------------------------------
def case_fee(*, case: Case):
    """The fee for ``case`` as its procedure reckons it from the catalogue (None: no fee)."""
    return procedure_get(case.procedure_key).fee(case_context(case=case))


# --- documents -----------------------------------------------------------------------------------
def case_document_issue(*, case: Case, document_type: str, actor):
    """Issue ``case``'s procedure's document ``document_type`` as a verifiable PDF, with the data
    the document type's builder chooses. ``actor``: a staff member of the case's town, or None
    for the system. Raises ``DocumentError``."""
    procedure = procedure_get(case.procedure_key)
    kind = procedure.document_type(document_type)
    if kind is None:
        raise DocumentError(DocumentErrorCode.UNKNOWN_DOCUMENT_TYPE)
    if actor_role_for_case(actor=actor, case=case) not in (ActorRole.STAFF, ActorRole.SYSTEM):
        raise DocumentError(DocumentErrorCode.ACTOR_NOT_PERMITTED)
    if case.status in (CaseStatus.DRAFT, CaseStatus.AWAITING_PAYMENT):
        raise DocumentError(DocumentErrorCode.CASE_NOT_SUBMITTED)
    # A document is written in the case's language (``selectors.case_language``).
    with translation.override(case_language(case=case)):
        return document_store(case=case, kind=kind, data=kind.build(case), actor=actor)


def receipt_render(*, case: Case) -> bytes:
    """The Eingangsbestätigung: what was submitted, when, under which reference (not stored);
    in the case's language, like the documents issued for it."""
    procedure = procedure_get(case.procedure_key)
    with translation.override(case_language(case=case)):
        rows = [
            (str(label), value)
            for _p, _n, label, value in procedure.summary_rows(case.answers or {})
        ]
        return pdf_render(
            template="documents/pdf/receipt.html",
            context={
                "title": _("Receipt of your request (Eingangsbestätigung)"),
                "case": case,
                "procedure_title": str(procedure.title),
                "rows": rows,
                "attachments": [a.original_name for a in case_attachments(case=case)],
                "submitted_at": timezone.localtime(case.submitted_at)
                if case.submitted_at
                else None,
            },
            municipality=case.municipality,
        )


# An upload or a document is written to disk before its row is committed; a file whose row never
# arrived (its transaction rolled back, the process died) is left alone for this long, so that a
# write still in progress is never mistaken for an orphan.
ORPHAN_GRACE_SECONDS = 24 * 3600


def orphaned_files_delete(*, grace_seconds: float = ORPHAN_GRACE_SECONDS) -> dict[str, int]:
    """Delete encrypted files that no attachment or issued document names, and temporary files
    of crashed writes, once older than ``grace_seconds``. Returns the counts."""
    candidates = encrypted_files_older_than(grace_seconds)
    names = [name for name, finished in candidates if finished]
    known: set[str] = set()
    for start in range(0, len(names), 500):
        batch = names[start : start + 500]
        known.update(
            Attachment.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True)
        )
        known.update(
            IssuedDocument.objects.filter(storage_name__in=batch).values_list(
                "storage_name", flat=True
            )
        )
    counts = {"files": 0, "temporary": 0}
    for name, finished in candidates:
        if not finished:
            stale_temporary_file_delete(name)
            counts["temporary"] += 1
        elif name not in known:
            encrypted_file_delete(name)
            counts["files"] += 1
    return counts


# --- retention -----------------------------------------------------------------------------------
def read_logs_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete read-log entries older than twelve months (§40 BMG: kept at least 12 months,
    deleted by the end of the following year, used only for data-protection control).

    Run daily, this deletes each entry on the day it turns twelve months old, which is within
    the following year for every entry but those of the last hours of 31 December, which go the
    next morning: the minimum of twelve months comes first. Returns the number deleted.
    """
    now = now or timezone.now()
    try:
        cutoff = now.replace(year=now.year - 1)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - 1, day=28)
    deleted, _ = CaseReadLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def case_retention_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete closed cases whose procedure's retention period after ``closed_at`` has passed:
    the case with its history, messages, attachments and issued documents, and their files.

    Writes one audit event per town with counts only (no reference, no names). A case another
    record protects (e.g. a payment, kept under accounting law) stays and is counted as kept.
    Drafts are removed by ``case_drafts_expired_delete``.
    """

    now = now or timezone.now()
    totals: dict[str, int] = {"cases": 0, "attachments": 0, "documents": 0, "kept": 0}
    per_town: dict[int, dict[str, int]] = {}
    for procedure in procedures():
        key = procedure.key
        expired = Case.objects.filter(
            procedure_key=key,
            status__in=list(CLOSED_STATUSES),
            closed_at__lt=now - procedure.retention,
        ).values_list("pk", "municipality_id")
        for case_id, town_id in list(expired):
            counts = per_town.setdefault(
                town_id,
                {"cases": 0, "messages": 0, "events": 0, "attachments": 0, "documents": 0},
            )
            try:
                with transaction.atomic():
                    case = Case.objects.select_for_update().get(pk=case_id)
                    files = list(
                        Attachment.objects.filter(case=case).values_list("storage_name", flat=True)
                    )
                    documents = list(
                        IssuedDocument.objects.filter(case=case).values_list(
                            "storage_name", flat=True
                        )
                    )
                    messages = case.messages.count()
                    events = case.events.count()
                    case.delete()
                    for storage_name in files + documents:
                        transaction.on_commit(partial(encrypted_file_delete, storage_name))
            except ProtectedError:
                counts["kept_protected"] = counts.get("kept_protected", 0) + 1
                totals["kept"] += 1
                continue
            counts["cases"] += 1
            counts["messages"] += messages
            counts["events"] += events
            counts["attachments"] += len(files)
            counts["documents"] += len(documents)
            totals["cases"] += 1
            totals["attachments"] += len(files)
            totals["documents"] += len(documents)
    if per_town:
        for town in Municipality.objects.filter(pk__in=per_town):
            audit_event_record(
                action="cases.retention_purged", municipality=town, data=per_town[town.pk]
            )
    return totals

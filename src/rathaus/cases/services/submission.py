"""Submitting an application: a citizen's draft (``case_submit``) or a complete application a
clerk or a staff system takes in (``case_record``); both check the answers the same way,
allocate the reference number, and then run the procedure's decision rule and send the receipt
the same way (``case_decision_after_submit``). Where the process died before that, a periodic task
takes it up again (``case_follow_ups_resume``)."""

from __future__ import annotations

import datetime
import logging
import secrets
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..constants import ActorRole, CaseErrorCode, CaseStatus, Channel
from ..errors import CaseError
from ..models import Case
from ..plugin import JourneyContext, Procedure, answer_to_json, procedure_get
from ..selectors import applicant_name_digest, case_follow_ups_lost, is_staff_of
from .attachments import attachments_of_skipped_pages_remove
from .context import case_locked
from .drafts import case_access_check
from .references import reference_allocate
from .status import case_decision_after_submit, transition_locked

logger = logging.getLogger(__name__)

# A submit's follow-up (decision rule, receipt) that has not committed this long after the submit
# was lost with its process; a slow one still running (a PDF to render) has long finished.
FOLLOW_UP_LOST_AFTER = datetime.timedelta(minutes=10)
# Lost follow-ups taken up per run of the periodic task (every five minutes), the oldest first.
FOLLOW_UP_BATCH = 200


def answers_errors(
    *, procedure: Procedure, answers: dict[str, Any], context: JourneyContext
) -> list:
    """What stops these answers from being submitted: the first unanswered page as an
    ``incomplete_answers`` CaseError, else the procedure's cross-page rules' ``AnswerError``s."""
    unanswered = procedure.first_unanswered_page(answers, context)
    if unanswered is not None:
        return [CaseError(CaseErrorCode.INCOMPLETE_ANSWERS, details={"page": unanswered.slug})]
    return list(procedure.cross_check(context.with_answers(answers)))


def case_submit(
    *, case: Case, actor, idempotency_key: str, trust_level: str | None = None
) -> tuple[Case, bool]:
    """Submit a draft: allocate the reference number and move it to ``submitted``.

    Returns ``(case, created)``. Submitting again with the same idempotency key (double click,
    reloaded POST, browser back) returns the already submitted case with ``created=False``.
    The service must still be offered and the trust level still met; the answers must be
    complete and pass the procedure's cross-page rules (``incomplete_answers``,
    ``answers_invalid`` with the errors in ``details["errors"]``).

    The procedure's decision rule (which may approve the case and issue its PDF) runs after
    the submit has committed, in a transaction of its own; the receipt follows it, and tells a
    decision taken at once (``case_decision_after_submit``).
    """
    with transaction.atomic():
        locked = case_locked(case)
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
        submitted = _submit(
            locked=locked,
            procedure=procedure,
            actor=actor,
            role=ActorRole.CITIZEN,
            trust_level=trust_level,
        )
    return case_decision_after_submit(case=submitted, actor=actor, trust_level=trust_level), True


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
    if authenticated and role == ActorRole.CITIZEN and locked.applicant_id in (None, actor.pk):
        # A visitor who logged in mid-journey becomes the applicant; an applicant's own account
        # is the one the decision and the documents read, not read again.
        locked.applicant = actor
    locked.answers = answers
    locked.applicant_name = name
    locked.applicant_name_digest = applicant_name_digest(name)
    locked.reference = reference_allocate(municipality=locked.municipality, at=now)
    # A file added on a page the final answers no longer ask is not submitted.
    attachments_of_skipped_pages_remove(case=locked, procedure=procedure)
    return transition_locked(
        case=locked,
        to_status=CaseStatus.SUBMITTED,
        actor=actor,
        actor_role=role,
        reason="",
        trust_level=trust_level,
        also_save=SUBMITTED_FIELDS,  # one UPDATE for the answers and the move
    )


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
    validates with the journey context, the cross-page rules pass — and submitted at once; the
    procedure's decision rule runs after that has committed, and the receipt follows it, as for
    ``case_submit``.

    Raises ``CaseError`` (``answers_invalid`` with per-field details for answers that do not
    validate)."""
    with transaction.atomic():
        case = _record(
            municipality=municipality,
            procedure=procedure,
            answers=answers,
            actor=actor,
            trust_level=trust_level,
            channel=channel,
        )
    return case_decision_after_submit(case=case, actor=actor, trust_level=trust_level)


def _record(
    *, municipality, procedure: Procedure, answers: dict[str, Any], actor, trust_level, channel
) -> Case:
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
    # As for a draft (``case_draft_start``): the database enforces existence, uniqueness and the
    # check constraints of these code-made values.
    case.full_clean(
        exclude=["answers", "municipality"], validate_unique=False, validate_constraints=False
    )
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


def case_follow_ups_resume(
    *, now: datetime.datetime | None = None, limit: int = FOLLOW_UP_BATCH
) -> int:
    """Take up again the follow-up of submits that was lost: cases submitted more than
    ``FOLLOW_UP_LOST_AFTER`` ago whose decision rule and receipt never committed, because the
    process died in between (a web worker killed during the PDF render). For each, at most
    ``limit`` of them, the oldest first: ``case_decision_after_submit`` as the system, which runs
    the decision rule if the case is still submitted and then queues the receipt, once. Each case
    on its own: one that fails is logged (by its id only) and does not stop the others. Returns
    how many were taken up.

    The trust level of the session that submitted is not known any more, so the rule sees
    ``trust_level=None`` and no actor (``context.system``). That is the safe side, not a
    lesser proof: a rule that asks for this session's identity proof or for the person acting
    (Abmeldung's eID, Wohnungsgeber's member of a landlord organisation with the second factor)
    does not decide, and the case waits for a clerk. A rule that reads only the case, the
    account and the register (Meldebescheinigung's exact register match) decides as it would
    have: the catalogue's trust level was checked when the case was submitted."""
    now = now or timezone.now()
    lost = list(case_follow_ups_lost(submitted_before=now - FOLLOW_UP_LOST_AFTER)[:limit])
    resumed = 0
    for case in lost:
        try:
            case_decision_after_submit(case=case, actor=None, trust_level=None)
        except Exception:
            # Only the case's id: the answers and the applicant are personal data.
            logger.exception("The follow-up of case %s's submit failed again", case.pk)
            continue
        resumed += 1
    return resumed

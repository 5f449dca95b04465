"""Drafts of the online journey: who may apply, starting a draft, storing a page's answers or a
repeating group's items, and deleting drafts that expired or that a terminal's visitor left."""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from rathaus.accounts.constants import TrustLevel, trust_satisfies
from rathaus.catalogue.selectors import service_trust_level
from rathaus.core.audit import audit_event_record
from rathaus.core.language import language_supported

from ..constants import DRAFT_LIFETIME, CaseErrorCode, CaseStatus, Channel
from ..errors import CaseError
from ..models import Case
from ..plugin import Procedure, QuestionPage, answer_to_json, prefill_sources, procedure_get
from ..selectors import owner_token_digest
from .context import case_locked


def owner_token_new() -> str:
    """A random token stored in an anonymous visitor's session to recognise their drafts."""
    return secrets.token_urlsafe(32)


def case_access_check(
    *, procedure: Procedure, municipality, actor, trust_level: str | None
) -> None:
    """Whether ``actor`` may apply for ``procedure`` in ``municipality``: the one place for it,
    used by the web journey and the API alike.

    The town must offer the procedure's catalogue service (``service_not_offered``) unless the
    procedure is ``offered_everywhere``; the catalogue's trust level for the service is the one
    source of the identity proof needed: above "basic" it needs a login with at least that
    level, and a procedure that declares ``account_required`` needs a login in any case. Below
    that level, the procedure's ``alternative_access`` may admit the actor (``access_refused``
    when it refuses them).
    """
    if procedure.offered_everywhere:
        required = TrustLevel.BASIC
    else:
        required = service_trust_level(
            municipality=municipality, service_slug=procedure.service_slug
        )
        if required is None:
            raise CaseError(CaseErrorCode.SERVICE_NOT_OFFERED)
    authenticated = actor is not None and actor.is_authenticated
    if required != TrustLevel.BASIC and not (
        authenticated and trust_satisfies(trust_level, required)
    ):
        alternative = (
            procedure.alternative_access(actor=actor, municipality=municipality)
            if authenticated
            else None
        )
        if alternative is None:
            raise CaseError(CaseErrorCode.TRUST_LEVEL_TOO_LOW, details={"required": required})
        if not alternative.granted:
            raise CaseError(
                CaseErrorCode.ACCESS_REFUSED,
                details={"required": required, "reason": alternative.code},
                reason=alternative.message,
            )
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
    # Every value here is the code's own (the town and account of the request, fresh ids): the
    # fields' rules are checked; existence, uniqueness and the check constraints are the
    # database's to enforce on the INSERT (asking first cost nine statements per new draft).
    case.full_clean(
        exclude=["answers", "municipality", "applicant"],
        validate_unique=False,
        validate_constraints=False,
    )
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
    locked = case_locked(case)
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

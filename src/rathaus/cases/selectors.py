"""Reads of cases. Every query names the municipality; "does not exist" and "not yours" are
both ``Http404``."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from rathaus.accounts.models import StaffMembership
from rathaus.core.crypto import blind_index

from .constants import DRAFT_LIFETIME, CaseStatus
from .models import DRAFT_OWNER_PURPOSE, Case, CaseEvent, Message


def owner_token_digest(owner_token: str) -> str:
    return blind_index(owner_token, purpose=DRAFT_OWNER_PURPOSE) if owner_token else ""


def is_staff_of(*, actor, municipality) -> bool:
    if actor is None or not actor.is_authenticated or not actor.is_staff:
        return False
    return StaffMembership.objects.filter(user=actor, municipality=municipality).exists()


def draft_cutoff():
    return timezone.now() - DRAFT_LIFETIME


def _owned_by(case: Case, *, actor, owner_token: str) -> bool:
    if actor is not None and actor.is_authenticated and case.applicant_id == actor.pk:
        return True
    digest = owner_token_digest(owner_token)
    return bool(digest) and case.owner_token_digest == digest


def _parse_uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def access_case_by_reference(*, actor, municipality, reference: str) -> Case:
    """A submitted case for its applicant or a member of the town's staff; 404 for anyone else."""
    if actor is None or not actor.is_authenticated:
        raise Http404
    case = (
        Case.objects.filter(municipality=municipality, reference=reference)
        .exclude(status=CaseStatus.DRAFT)
        .select_related("municipality")
        .first()
    )
    if case is None:
        raise Http404
    if case.applicant_id == actor.pk or is_staff_of(actor=actor, municipality=municipality):
        return case
    raise Http404


def access_draft(*, actor, owner_token: str, municipality, public_id, procedure_key: str) -> Case:
    """The visitor's own unexpired draft (by account, or by the session's owner token)."""
    case = Case.objects.filter(
        municipality=municipality,
        public_id=_parse_uuid(public_id),
        procedure_key=procedure_key,
        status=CaseStatus.DRAFT,
        updated_at__gte=draft_cutoff(),
    ).first()
    if case is None or not _owned_by(case, actor=actor, owner_token=owner_token):
        raise Http404
    return case


def access_own_case(*, actor, owner_token: str, municipality, public_id) -> Case:
    """The visitor's own case in any status (confirmation page after submitting)."""
    case = Case.objects.filter(municipality=municipality, public_id=_parse_uuid(public_id)).first()
    if case is None or not _owned_by(case, actor=actor, owner_token=owner_token):
        raise Http404
    return case


def case_list_for_citizen(*, actor, municipality) -> QuerySet[Case]:
    return Case.objects.filter(municipality=municipality, applicant=actor).exclude(
        status=CaseStatus.DRAFT
    )


def draft_list_for_citizen(*, actor, municipality) -> QuerySet[Case]:
    return Case.objects.filter(
        municipality=municipality,
        applicant=actor,
        status=CaseStatus.DRAFT,
        updated_at__gte=draft_cutoff(),
    ).order_by("-updated_at")


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case, municipality=case.municipality_id)


def access_journey_case(
    *, actor, owner_token: str, municipality, public_id, procedure_key: str
) -> Case:
    """The visitor's own case on the application pages: a live draft, or the case it became
    after submitting (so that browser back can lead to the confirmation)."""
    case = access_own_case(
        actor=actor, owner_token=owner_token, municipality=municipality, public_id=public_id
    )
    if case.procedure_key != procedure_key:
        raise Http404
    if case.status == CaseStatus.DRAFT and case.updated_at < draft_cutoff():
        raise Http404
    return case


def case_messages(*, case: Case) -> QuerySet[Message]:
    return Message.objects.filter(case=case, municipality=case.municipality_id).select_related(
        "sender"
    )

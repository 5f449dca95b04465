"""Reads of the API. Cases are read through the case engine's selectors; the list here applies
the back-office inbox's filters for one municipality."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.cases.services import applicant_name_digest
from rathaus.procedures.registry import procedure_registry, procedures_load

# A case is waiting for the town in these statuses; only they can be overdue.
OPEN_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFO_REQUESTED)


def procedure_target_times() -> dict[str, datetime.timedelta]:
    """Each procedure's target processing time, for procedures that declare one
    (``Procedure.target_time``, a timedelta from submission)."""
    procedures_load()
    targets = {}
    for key, procedure in procedure_registry.items():
        target = getattr(procedure, "target_time", None)
        if isinstance(target, datetime.timedelta):
            targets[key] = target
    return targets


def overdue_condition(*, now: datetime.datetime) -> Q:
    """Open cases submitted longer ago than their procedure's target time."""
    condition = Q(pk__in=[])
    for key, target in procedure_target_times().items():
        condition |= Q(procedure_key=key, submitted_at__lt=now - target)
    return condition & Q(status__in=OPEN_STATUSES)


def case_list_for_staff(
    *,
    municipality,
    actor,
    procedure: str | None = None,
    status: str | None = None,
    assignee: str | None = None,
    overdue: bool | None = None,
    search: str | None = None,
) -> QuerySet[Case]:
    """Submitted cases of ``municipality`` for its staff member ``actor``, newest first.

    ``assignee`` is ``"me"`` (``actor``), ``"none"`` (unassigned) or a user id. ``search`` matches
    a part of the reference number, or the applicant's full name exactly (names are encrypted and
    found through their keyed hash only).
    """
    cases = (
        Case.objects.filter(municipality=municipality)
        .exclude(status=CaseStatus.DRAFT)
        .select_related("assignee")
    )
    if procedure:
        cases = cases.filter(procedure_key=procedure)
    if status:
        cases = cases.filter(status=status)
    if assignee == "me":
        cases = cases.filter(assignee=actor)
    elif assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif assignee:
        cases = cases.filter(assignee_id=int(assignee))
    if overdue is not None:
        condition = overdue_condition(now=timezone.now())
        cases = cases.filter(condition) if overdue else cases.exclude(condition)
    search = (search or "").strip()
    if search:
        by_name = applicant_name_digest(search)
        cases = cases.filter(
            Q(reference__icontains=search) | Q(applicant_name_digest=by_name)
            if by_name
            else Q(reference__icontains=search)
        )
    return cases.order_by("-submitted_at", "-pk")

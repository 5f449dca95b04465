"""Wahlscheine: issued one at a time per election (one valid per voter), invalidated and
replaced, dispatched."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from rathaus.core.audit import audit_event_record

from ..constants import ApplicationStatus, Basis, ElectionErrorCode
from ..errors import ElectionError
from ..models import Application, Election, Voter, Wahlschein
from ..rules import Ground, ground_open
from ..selectors import awaiting_issue


def _next_number(election: Election) -> int:
    last = Wahlschein.objects.filter(election=election).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


def _issue(*, election: Election, application: Application, actor, replaces=None) -> Wahlschein:
    wahlschein = Wahlschein.objects.create(
        election=election,
        application=application,
        voter=application.voter,
        number=_next_number(election),
        basis=Basis.SECTION_25_1 if application.voter_id else Basis.SECTION_25_2,
        issued_at=timezone.now(),
        issued_by=actor,
        replaces=replaces,
    )
    if application.voter_id:
        Voter.objects.filter(pk=application.voter_id).update(wahlschein_marked=True)
    audit_event_record(
        action="elections.wahlschein_issued",
        actor=actor,
        municipality=election.municipality,
        target=wahlschein,
        data={
            "application": application.reference,
            "replaces": replaces.number if replaces else None,
        },
    )
    return wahlschein


def wahlschein_issue(*, application: Application, actor) -> Wahlschein:
    """Issue the Wahlschein of an accepted application and mark "W" in the voter register.
    Refused before the candidate lists are approved (§28(1) BWO)."""
    try:
        with transaction.atomic():
            # Numbers are given out one at a time per election.
            election = Election.objects.select_for_update().get(pk=application.election_id)
            if not election.lists_approved:
                raise ElectionError(ElectionErrorCode.LISTS_NOT_APPROVED)
            application = Application.objects.get(pk=application.pk)
            if application.status != ApplicationStatus.ACCEPTED:
                raise ElectionError(ElectionErrorCode.NOT_ISSUABLE)
            return _issue(election=election, application=application, actor=actor)
    except IntegrityError:
        raise ElectionError(ElectionErrorCode.NOT_ISSUABLE) from None


def wahlscheine_issue_all(*, election: Election, actor) -> int:
    """Issue every accepted application's Wahlschein, in the order the applications came."""
    count = 0
    for application in awaiting_issue(election=election):
        try:
            wahlschein_issue(application=application, actor=actor)
        except ElectionError as error:
            if error.code == ElectionErrorCode.LISTS_NOT_APPROVED:
                raise
            continue
        count += 1
    return count


def wahlschein_invalidate(
    *, wahlschein: Wahlschein, actor, replace: bool, now: datetime.datetime | None = None
) -> Wahlschein | None:
    """Declare a Wahlschein invalid (it is listed for the returning officer); with ``replace``,
    issue a new one at once — §28(10) BWO: when the voter credibly says it was lost or did not
    arrive, until the Saturday before election day, 12:00. Returns the new Wahlschein."""
    now = now or timezone.now()
    election = wahlschein.election
    if replace and not ground_open(
        now=now, deadlines=election.deadlines(), ground=Ground.REPLACEMENT
    ):
        raise ElectionError(ElectionErrorCode.DEADLINE_PASSED)
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        old = Wahlschein.objects.select_for_update().get(pk=wahlschein.pk)
        if not old.valid:
            raise ElectionError(ElectionErrorCode.ALREADY_INVALID)
        old.invalidated_at = now
        old.invalidated_by = actor
        old.save(update_fields=["invalidated_at", "invalidated_by"])
        audit_event_record(
            action="elections.wahlschein_invalidated",
            actor=actor,
            municipality=election.municipality,
            target=old,
        )
        if not replace:
            return None
        return _issue(election=election, application=old.application, actor=actor, replaces=old)


def wahlscheine_dispatched(*, election: Election, actor) -> int:
    """Mark every valid, not yet dispatched Wahlschein as sent (the dispatch list was printed)."""
    with transaction.atomic():
        count = Wahlschein.objects.filter(
            election=election, invalidated_at__isnull=True, dispatched_at__isnull=True
        ).update(dispatched_at=timezone.now())
        audit_event_record(
            action="elections.wahlscheine_dispatched",
            actor=actor,
            municipality=election.municipality,
            target=election,
            data={"count": count},
        )
    return count

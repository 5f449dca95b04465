"""The election's candidate lists approved (§28(1) BWO), from when Wahlscheine may be issued."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rathaus.core.audit import audit_event_record

from ..models import Election


def election_lists_approve(*, election: Election, actor) -> Election:
    """§28(1) BWO: the candidate lists are approved; from now on Wahlscheine may be issued."""
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.candidate_lists_approved_at is None:
            election.candidate_lists_approved_at = timezone.now()
            election.save(update_fields=["candidate_lists_approved_at"])
            audit_event_record(
                action="elections.lists_approved",
                actor=actor,
                municipality=election.municipality,
                target=election,
            )
    return election

"""Sending accessibility feedback in one step: the statement's form is a single page, so the
draft is started, filled and submitted in one transaction through the case engine."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from rathaus.cases.models import Case
from rathaus.cases.plugin import procedure_get
from rathaus.cases.services import (
    case_draft_answers_save,
    case_draft_start,
    case_submit,
    owner_token_new,
)

from .pages import FeedbackPage
from .procedure import AccessibilityFeedback


@transaction.atomic
def accessibility_feedback_submit(*, municipality, cleaned_data: dict[str, Any], actor) -> Case:
    """A submitted case of ``municipality`` holding the feedback. ``actor``: the request's user;
    a logged-in citizen then finds it under "Meine Anliegen", an anonymous sender needs nothing."""
    procedure = procedure_get(AccessibilityFeedback.key)
    draft = case_draft_start(
        municipality=municipality,
        procedure=procedure,
        actor=actor,
        owner_token=owner_token_new(),
    )
    draft = case_draft_answers_save(
        case=draft, page=FeedbackPage, cleaned_data=cleaned_data, actor=actor
    )
    case, _created = case_submit(case=draft, actor=actor, idempotency_key=draft.idempotency_key)
    return case

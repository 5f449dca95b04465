"""The Postfach: messages between the applicant and the town on a submitted case."""

from __future__ import annotations

from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from rathaus.core.audit import audit_event_record
from rathaus.core.ratelimit import shared_cache_call
from rathaus.notifications.services import mail_after_commit

from ..constants import MESSAGE_MAX_LENGTH, ActorRole, CaseErrorCode, CaseStatus
from ..errors import CaseError
from ..models import Case, Message
from ..selectors import unread_cache_key
from .attachments import attachment_add
from .context import actor_role_for_case
from .mail import case_notify_applicant
from .status import transition_apply


def unread_count_forget(*, municipality_id: int, applicant_id: int | None) -> None:
    """Forget the kept number of unread messages of an applicant in a town
    (``selectors.unread_message_count``): at once, and again after the current transaction
    commits, so that a request which counted the old rows in between does not keep them."""
    if applicant_id is None:
        return
    key = unread_cache_key(municipality_id=municipality_id, applicant_id=applicant_id)

    forget = partial(
        shared_cache_call, partial(cache.delete, key), what="unread count", then="left to expire"
    )
    forget()
    transaction.on_commit(forget)


def messages_mark_read(*, case: Case, reader) -> int:
    """The applicant has opened their case page: the town's messages on it count as read."""
    if reader is None or case.applicant_id != reader.pk:
        return 0
    read = Message.objects.filter(
        case=case,
        municipality_id=case.municipality_id,
        sender_role=ActorRole.STAFF,
        read_by_applicant_at__isnull=True,
    ).update(read_by_applicant_at=timezone.now())
    if read:
        unread_count_forget(municipality_id=case.municipality_id, applicant_id=reader.pk)
    return read


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
        transition_apply(
            case=case,
            to_status=CaseStatus.IN_REVIEW,
            actor=sender,
            actor_role=role,
            reason="",
        )
    elif role == ActorRole.STAFF:
        unread_count_forget(municipality_id=case.municipality_id, applicant_id=case.applicant_id)
        mail_after_commit(partial(case_notify_applicant, case_id=case.pk, update="message"))
    return message


@transaction.atomic
def message_send_with_attachment(*, case: Case, sender, body: str, upload=None) -> Message:
    """A Postfach message with an optional file; a refused file sends nothing at all."""
    message = message_send(case=case, sender=sender, body=body)
    if upload:
        attachment_add(case=case, upload=upload, actor=sender, message=message)
    return message

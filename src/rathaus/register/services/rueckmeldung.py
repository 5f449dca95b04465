"""Rückmeldung to the previous dwelling's office (§33(1) BMG, XMeld 0202), its answer
(0203) and the overdue ones."""

from __future__ import annotations

import datetime

import holidays
from django.db import transaction
from django.utils import timezone

from rathaus.core.audit import audit_event_record

from ..constants import RUECKMELDUNG_ANSWER_WORKING_DAYS, MessageStatus
from ..messages import PostalAddress, RueckmeldungData, rueckmeldung_xml
from ..models import OutboxMessage, Person
from .data import Address


def working_days_after(day: datetime.date, count: int, *, state: str) -> datetime.date:
    """The ``count``-th working day after ``day`` (Monday to Friday, not a public holiday of the
    town's state)."""
    found = day
    left = count
    while left:
        found += datetime.timedelta(days=1)
        if found.weekday() < 5 and found not in holidays.Germany(subdiv=state, years=found.year):
            left -= 1
    return found


@transaction.atomic
def rueckmeldung_write(
    *,
    person: Person,
    new_address: Address,
    kind: str,
    moved_in: datetime.date,
    previous_address: Address,
    case=None,
) -> OutboxMessage:
    """Write a Rückmeldung to the office of ``person``'s previous dwelling into the outbox: one
    row with the XML message, awaiting the 0203 answer within three working days."""
    municipality = person.municipality
    now = timezone.now()
    due = working_days_after(
        timezone.localtime(now).date(),
        RUECKMELDUNG_ANSWER_WORKING_DAYS,
        state=municipality.state,
    )
    message = OutboxMessage(
        municipality=municipality,
        person=person,
        case=case,
        recipient=f"{previous_address.postal_code} {previous_address.city}",
        answer_due=due,
    )
    message.content = rueckmeldung_xml(
        RueckmeldungData(
            message_id=message.public_id,
            created_at=timezone.localtime(now),
            answer_due=due,
            sender_ags=municipality.ags,
            sender_name=municipality.name,
            family_name=person.family_name,
            given_names=person.given_names,
            birth_name=person.birth_name,
            birth_date=person.birth_date,
            birth_place=person.birth_place,
            sex=person.sex,
            new_address=PostalAddress(**vars(new_address)),
            moved_in=moved_in,
            kind=kind,
            previous_address=PostalAddress(**vars(previous_address)),
        )
    ).decode("utf-8")
    message.save()
    audit_event_record(
        action="register.rueckmeldung_written",
        actor=None,
        municipality=municipality,
        target=message,
        data={"case": case.pk if case is not None else None},
    )
    return message


@transaction.atomic
def rueckmeldung_answered(*, message: OutboxMessage, at: datetime.datetime | None = None) -> None:
    """The previous office's 0203 arrived for ``message``."""
    OutboxMessage.objects.filter(pk=message.pk, municipality=message.municipality_id).update(
        status=MessageStatus.ANSWERED, answered_at=at or timezone.now()
    )


@transaction.atomic
def rueckmeldungen_overdue_mark(*, today: datetime.date | None = None) -> list[OutboxMessage]:
    """Rückmeldungen whose 0203 is past due are marked overdue (for the clerk to follow up).
    Returns the messages marked now."""
    day = today or timezone.localdate()
    due = list(
        OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            status=MessageStatus.AWAITING_ANSWER, answer_due__lt=day
        )
    )
    now = timezone.now()
    for message in due:
        message.status = MessageStatus.OVERDUE
        message.overdue_at = now
        message.save(update_fields=["status", "overdue_at"])
    return due

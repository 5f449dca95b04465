"""Auskunftssperren and Übermittlungssperren: set, ended, their renewal reminder noted."""

from __future__ import annotations

import datetime

from django.db import transaction

from ..constants import (
    AUSKUNFTSSPERRE_YEARS,
    BlockKind,
    RegisterAction,
    RegisterErrorCode,
    years_later_last_day,
)
from ..errors import RegisterError
from ..models import Block, ObjectionType, Person
from .history import change_record


@transaction.atomic
def block_set(
    *,
    person: Person,
    kind: str,
    valid_from: datetime.date,
    objection_key: str = "",
    reason: str = "",
    actor=None,
    case=None,
) -> Block:
    """Set an Auskunftssperre (§51 BMG: two years, renewable) or an Übermittlungssperre for an
    objection in force on ``valid_from`` (an objection the law no longer offers is refused)."""
    objection = None
    valid_until = None
    if kind == BlockKind.AUSKUNFTSSPERRE:
        valid_until = years_later_last_day(valid_from, AUSKUNFTSSPERRE_YEARS)
    else:
        objection = ObjectionType.objects.filter(key=objection_key).first()
        if objection is None or not objection.in_force(valid_from):
            raise RegisterError(RegisterErrorCode.OBJECTION_NOT_OFFERED)
    block = Block(
        municipality_id=person.municipality_id,
        person=person,
        kind=kind,
        objection=objection,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason,
    )
    block.full_clean(exclude=["municipality", "person", "objection"])
    block.save()
    change_record(
        person=person,
        action=RegisterAction.BLOCK_SET,
        fields=[objection.legal_basis if objection else kind],
        actor=actor,
        case=case,
    )
    return block


@transaction.atomic
def block_end(*, block: Block, on: datetime.date, actor=None, case=None) -> Block:
    """Revoke a block from ``on`` (it was in force until the day before). A block revoked on
    the day it began ends before it began: it was never in force."""
    locked = Block.objects.select_for_update().get(pk=block.pk, municipality=block.municipality_id)
    locked.valid_until = on - datetime.timedelta(days=1)
    locked.save(update_fields=["valid_until"])
    change_record(
        person=locked.person,
        action=RegisterAction.BLOCK_ENDED,
        fields=[locked.objection.legal_basis if locked.objection else locked.kind],
        actor=actor,
        case=case,
    )
    return locked


def block_reminder_mark(*, block: Block, on: datetime.date) -> bool:
    """Note that the renewal reminder of ``block`` was sent on ``on``. False when it had been
    sent already (two runs of the reminder task send it once)."""
    return bool(
        Block.objects.filter(
            pk=block.pk, municipality=block.municipality_id, reminder_sent_on__isnull=True
        ).update(reminder_sent_on=on)
    )

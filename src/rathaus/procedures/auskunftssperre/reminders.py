"""The renewal reminder before an Auskunftssperre ends (§51(4) BMG: two years, renewable), to
the person (through the account that applied) and to the town's office. The mails name no person:
the citizen is told to log in, the office gets the case's reference."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from rathaus.cases.selectors import case_language
from rathaus.notifications.services import email_send
from rathaus.register.constants import BlockKind, RegisterAction
from rathaus.register.models import Block, RegisterChange
from rathaus.register.services import block_reminder_mark
from rathaus.tenants.selectors import municipality_absolute_url

from .rules import REMINDER_DAYS_BEFORE_END


def reminders_due(*, today: datetime.date) -> list[int]:
    """Ids of the Auskunftssperren (all towns) that end within the reminder period and have
    had no reminder yet."""
    return list(
        Block.objects.filter(
            kind=BlockKind.AUSKUNFTSSPERRE,
            reminder_sent_on__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_END),
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def reminder_send(*, block_id: int, today: datetime.date) -> bool:
    """Send the reminder of one block once. None is sent for a block already renewed (a later
    Auskunftssperre of the person follows on)."""
    block = Block.objects.select_related("municipality").filter(pk=block_id).first()
    if block is None or block.valid_until is None or not block_reminder_mark(block=block, on=today):
        return False
    renewed = Block.objects.filter(
        municipality=block.municipality_id,
        person=block.person_id,
        kind=BlockKind.AUSKUNFTSSPERRE,
        valid_from__gt=block.valid_until,
    ).exists()
    if renewed:
        return False
    change = (
        RegisterChange.objects.filter(
            municipality=block.municipality_id,
            person=block.person_id,
            action=RegisterAction.BLOCK_SET,
            case__procedure_key="auskunftssperre",
        )
        .select_related("case__applicant")
        .order_by("-created_at", "-pk")
        .first()
    )
    case = change.case if change is not None else None
    town = block.municipality
    context = {
        "municipality_name": town.name,
        "until": block.valid_until.strftime("%d.%m.%Y"),
        "reference": case.reference if case is not None else "",
    }
    if case is not None and case.applicant is not None and case.applicant.email:
        email_send(
            to=case.applicant.email,
            template="procedures/auskunftssperre/email/reminder_citizen",
            language=case_language(case=case),
            context={
                **context,
                "url": municipality_absolute_url(
                    town, reverse("cases:start", args=["auskunftssperre"])
                ),
            },
        )
    if town.email:
        email_send(
            to=town.email,
            template="procedures/auskunftssperre/email/reminder_office",
            # The town's office address: the town's working language.
            language=settings.LANGUAGE_CODE,
            context={
                **context,
                "url": municipality_absolute_url(
                    town,
                    reverse("backoffice:case_detail", args=[case.reference])
                    if case is not None
                    else reverse("backoffice:inbox"),
                ),
            },
        )
    return True

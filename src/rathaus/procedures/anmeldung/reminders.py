"""The one reminder before the other parent's consent code ends (§1687 BGB, a child moving with
one parent): to the address the applicant gave for the other parent, if any. The mail names
nobody — no child, no applicant, no reference — only the town, the end date and the link with
the code; the link works only for the parent named, logged in with their online ID."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from rathaus.cases.models import Case
from rathaus.cases.selectors import case_language
from rathaus.notifications.services import email_send
from rathaus.register.constants import AssignmentCodeKind
from rathaus.register.models import AssignmentCode
from rathaus.register.selectors import consent_codes_reminder_due
from rathaus.register.services import consent_code_reminder_mark
from rathaus.tenants.selectors import municipality_absolute_url

from .procedure import consent_awaited, consent_url
from .rules import CONSENT_REMINDER_DAYS_BEFORE_END
from .services import PROCEDURE_KEYS


def consent_reminders_due(*, now: datetime.datetime) -> list[int]:
    """Ids of the consent codes that end within the reminder period and had no reminder yet."""
    return consent_codes_reminder_due(
        now=now, within=datetime.timedelta(days=CONSENT_REMINDER_DAYS_BEFORE_END)
    )


@transaction.atomic
def consent_reminder_send(*, code_id: int) -> bool:
    """Send the reminder of one consent code, once (a conditional update marks it first, so two
    runs send one mail). Nothing is sent when the registration no longer waits for this code,
    or when the applicant gave no address for the other parent."""
    code = (
        AssignmentCode.objects.select_related("municipality")
        .filter(
            pk=code_id,
            kind=AssignmentCodeKind.CUSTODY_CONSENT,
            used_by__isnull=True,
            revoked_at__isnull=True,
        )
        .first()
    )
    if code is None or code.issued_for_id is None or code.expires_at <= timezone.now():
        return False
    if not consent_code_reminder_mark(code=code):
        return False
    case = Case.objects.filter(municipality=code.municipality_id, pk=code.issued_for_id).first()
    if case is None or case.procedure_key not in PROCEDURE_KEYS or not consent_awaited(case):
        return False
    to = str((case.answers or {}).get("other_parent_email") or "").strip()
    if not to:
        return False
    town = code.municipality
    email_send(
        to=to,
        template="procedures/anmeldung/email/consent_reminder",
        # The other parent's language is not known: the family's, as the case has it.
        language=case_language(case=case),
        context={
            "municipality_name": town.name,
            "until": timezone.localtime(code.expires_at).strftime("%d.%m.%Y"),
            "url": municipality_absolute_url(town, consent_url(code.code)),
        },
    )
    return True

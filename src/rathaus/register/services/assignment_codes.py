"""Assignment codes (Zuordnungsmerkmal, §19(4) BMG; code letter, §23a(3) BMG): issued,
taken by one registration, given back."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from rathaus.core.audit import audit_event_record

from ..constants import AssignmentCodeKind
from ..models import AssignmentCode
from ..selectors import (
    CODE_ALPHABET,
    code_digest,
    code_normalise,
    code_person_digest,
    dwelling_digest,
    person_match_digest,
)
from .data import Address


def code_display(code: str) -> str:
    """XXXX-XXXX-XXXX, as printed and typed."""
    plain = code_normalise(code)
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def _code_create(
    *,
    municipality,
    kind: str,
    address: Address,
    moved_in: datetime.date,
    person_digests: list[str],
    valid_days: int,
    case,
    actor,
) -> AssignmentCode:
    """A new random code (kept as a keyed hash and encrypted), its audit event with it."""
    for attempt in range(3):
        plain = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))  # ~59 bits
        try:
            with transaction.atomic():
                issued = AssignmentCode.objects.create(
                    municipality=municipality,
                    kind=kind,
                    code=plain,
                    code_digest=code_digest(plain),
                    dwelling_digest=dwelling_digest(
                        street=address.street,
                        house_number=address.house_number,
                        postal_code=address.postal_code,
                    ),
                    moved_in=moved_in,
                    person_digests=sorted(set(person_digests)),
                    expires_at=timezone.now() + datetime.timedelta(days=valid_days),
                    issued_for=case,
                )
            break
        except IntegrityError:  # the same code drawn twice (about 2^-59)
            if attempt == 2:
                raise
    audit_event_record(
        action="register.assignment_code_issued",
        actor=actor,
        municipality=municipality,
        target=issued,
        data={"kind": kind, "case": case.pk if case is not None else None},
    )
    return issued


@transaction.atomic
def assignment_code_issue(
    *,
    municipality,
    kind: str,
    address: Address,
    moved_in: datetime.date,
    persons: list[tuple[str, str]],
    case=None,
    actor=None,
) -> AssignmentCode:
    """A new code for a move of ``persons`` ((given names, family name)) into the dwelling at
    ``address`` on ``moved_in``, valid for ``RATHAUS_ASSIGNMENT_CODE_DAYS`` days. ``case``: the
    landlord's confirmation or the Anmeldung it was issued for."""
    return _code_create(
        municipality=municipality,
        kind=kind,
        address=address,
        moved_in=moved_in,
        person_digests=[
            code_person_digest(given_names=given, family_name=family) for given, family in persons
        ],
        valid_days=settings.RATHAUS_ASSIGNMENT_CODE_DAYS,
        case=case,
        actor=actor,
    )


@transaction.atomic
def consent_code_issue(
    *,
    municipality,
    address: Address,
    moved_in: datetime.date,
    parent: tuple[str, str, datetime.date],
    case,
    actor=None,
) -> AssignmentCode:
    """The code with which the other parent with custody agrees to the move of ``case`` (an
    Anmeldung with a child). It names that parent — ``parent``: (given names, family name, date
    of birth) — only by the register's keyed hash of names and date of birth, so only a login
    whose identity gives the same hash can answer with it. Valid for
    ``RATHAUS_CUSTODY_CONSENT_DAYS`` days, once."""
    given, family, born = parent
    return _code_create(
        municipality=municipality,
        kind=AssignmentCodeKind.CUSTODY_CONSENT,
        address=address,
        moved_in=moved_in,
        person_digests=[
            person_match_digest(family_name=family, given_names=given, birth_date=born)
        ],
        valid_days=settings.RATHAUS_CUSTODY_CONSENT_DAYS,
        case=case,
        actor=actor,
    )


@transaction.atomic
def assignment_code_take(*, municipality, code: str, case) -> bool:
    """Mark ``code`` used by ``case``, once: a conditional update, so two registrations racing
    for one code leave it with one of them. True when ``case`` holds it (also when it already
    did)."""
    digest = code_digest(code)
    taken = AssignmentCode.objects.filter(
        municipality=municipality,
        code_digest=digest,
        used_by__isnull=True,
        revoked_at__isnull=True,
        expires_at__gte=timezone.now(),
    ).update(used_by=case, used_at=timezone.now())
    if taken:
        audit_event_record(
            action="register.assignment_code_used",
            actor=None,
            municipality=municipality,
            target=case,
            data={"case": case.pk},
        )
        return True
    return AssignmentCode.objects.filter(
        municipality=municipality, code_digest=digest, used_by=case
    ).exists()


@transaction.atomic
def assignment_code_release(*, case) -> int:
    """A rejected or withdrawn registration gives its code back; a rejected landlord
    confirmation's own code, and the consent code a registration asked for, are revoked."""
    released = AssignmentCode.objects.filter(
        municipality=case.municipality_id, used_by=case
    ).update(used_by=None, used_at=None)
    AssignmentCode.objects.filter(
        municipality=case.municipality_id,
        issued_for=case,
        kind__in=[AssignmentCodeKind.LANDLORD, AssignmentCodeKind.CUSTODY_CONSENT],
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())
    return released


@transaction.atomic
def consent_code_revoke(*, case) -> int:
    """Revoke the consent codes issued for ``case`` that are still open (not used, not revoked):
    a new code replaces them. Returns how many."""
    return AssignmentCode.objects.filter(
        municipality=case.municipality_id,
        issued_for=case,
        kind=AssignmentCodeKind.CUSTODY_CONSENT,
        used_by__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())


def consent_code_reminder_mark(*, code: AssignmentCode) -> bool:
    """Note that the reminder of consent ``code`` is being sent. False when it had been already
    (two runs of the reminder task send it once): a conditional update."""
    return bool(
        AssignmentCode.objects.filter(
            pk=code.pk, municipality=code.municipality_id, reminded_at__isnull=True
        ).update(reminded_at=timezone.now())
    )

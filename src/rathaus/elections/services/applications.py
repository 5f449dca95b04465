"""Postal-vote applications: taken without an account (accepted at once on an exact
register match), accepted or rejected by a clerk."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from rathaus.cases.attachments import AttachmentError, content_check, virus_check
from rathaus.cases.constants import AttachmentErrorCode
from rathaus.core.audit import audit_event_record
from rathaus.core.storage import encrypted_file_delete, encrypted_file_write

from ..constants import (
    MAX_VOTERS_PER_PROXY,
    ApplicationStatus,
    Delivery,
    ElectionErrorCode,
    MatchKind,
)
from ..errors import ElectionError
from ..models import Application, Election, Voter
from ..rules import Ground, ground_open
from ..selectors import proxy_digest, voter_match

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone


AUTHORITY_MAX_BYTES = 5 * 1024 * 1024


SYSTEM_RULE_EXACT = "briefwahl-exact-register-match"


@dataclass(frozen=True)
class ApplicationData:
    family_name: str
    given_names: str
    birth_date: datetime.date
    street: str
    house_number: str
    postal_code: str
    city: str
    voter_number: int | None = None
    ground: str = Ground.REGULAR
    delivery: str = Delivery.REGISTERED
    delivery_name: str = ""
    delivery_street: str = ""
    delivery_postal_code: str = ""
    delivery_city: str = ""
    delivery_country: str = ""
    proxy_name: str = ""
    proxy_address: str = ""


@dataclass(frozen=True)
class ApplicationResult:
    application: Application | None
    # Set when nothing was stored: NOT_IN_REGISTER or ALREADY_APPLIED.
    refusal: ElectionErrorCode | None = None


def _reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"BW-{body[:4]}-{body[4:]}"


def _authority_store(upload) -> tuple[str, str]:
    if upload.size > AUTHORITY_MAX_BYTES:
        raise AttachmentError(AttachmentErrorCode.TOO_LARGE, max_size="5 MB")
    data = b"".join(upload.chunks())
    virus_check(data)
    content_type, clean = content_check(data)
    return encrypted_file_write(data=clean, folder="attachments"), content_type


def application_submit(
    *,
    election: Election,
    data: ApplicationData,
    authority=None,
    now: datetime.datetime | None = None,
) -> ApplicationResult:
    """Take a postal-vote application without an account.

    Exact register match: accepted by the system's rule. Near match: stored for a clerk. No
    match: nothing stored (``NOT_IN_REGISTER``). A voter whose application was accepted already
    is told so (``ALREADY_APPLIED``) — also when two arrive at the same moment: the database's
    constraint decides. Raises ``ElectionError`` for a missed deadline or a proxy's fifth voter
    and ``AttachmentError`` for a refused authority file."""
    now = now or timezone.now()
    if not ground_open(now=now, deadlines=election.deadlines(), ground=data.ground):
        raise ElectionError(ElectionErrorCode.DEADLINE_PASSED)
    match = voter_match(
        election=election,
        family_name=data.family_name,
        given_names=data.given_names,
        birth_date=data.birth_date,
        street=data.street,
        house_number=data.house_number,
        postal_code=data.postal_code,
        voter_number=data.voter_number,
    )
    if not match.kind:
        return ApplicationResult(None, ElectionErrorCode.NOT_IN_REGISTER)
    exact = match.kind == MatchKind.EXACT
    # A sudden illness is always looked at by a clerk (proof, and pick-up by a proxy).
    accepted = exact and data.ground == Ground.REGULAR
    # A voter who applied already is told so from the match's statement, with nothing encrypted
    # or inserted; a proxy's application is counted against its limit first (below). Two
    # applications at the same moment both pass here: the database's constraint on the insert
    # decides between them.
    if accepted and match.voter_has_accepted and not data.proxy_name:
        return ApplicationResult(None, ElectionErrorCode.ALREADY_APPLIED)
    proxy = (
        proxy_digest(name=data.proxy_name, address=data.proxy_address) if data.proxy_name else ""
    )
    storage_name, content_type = _authority_store(authority) if authority else ("", "")
    application = Application(
        election=election,
        reference=_reference(),
        voter=match.voter,
        status=ApplicationStatus.ACCEPTED if accepted else ApplicationStatus.REVIEW,
        match=match.kind,
        ground=data.ground,
        decision_rule=SYSTEM_RULE_EXACT if accepted else "",
        decided_at=now if accepted else None,
        family_name=data.family_name,
        given_names=data.given_names,
        birth_date=data.birth_date,
        street=data.street,
        house_number=data.house_number,
        postal_code=data.postal_code,
        city=data.city,
        voter_number_given=data.voter_number,
        delivery=data.delivery,
        delivery_name=data.delivery_name,
        delivery_street=data.delivery_street,
        delivery_postal_code=data.delivery_postal_code,
        delivery_city=data.delivery_city,
        delivery_country=data.delivery_country,
        proxy_name=data.proxy_name,
        proxy_address=data.proxy_address,
        proxy_digest=proxy,
        authority_file=storage_name,
        authority_content_type=content_type,
    )
    try:
        with transaction.atomic():
            if proxy:
                # Proxies are few: their applications queue on the election's row, so the
                # count of a proxy's voters cannot be raced past four.
                Election.objects.select_for_update().get(pk=election.pk)
                voters = Application.objects.filter(
                    election=election,
                    proxy_digest=proxy,
                    status__in=[ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEW],
                ).count()
                if voters >= MAX_VOTERS_PER_PROXY:
                    raise ElectionError(ElectionErrorCode.PROXY_LIMIT)
            application.save()
            audit_event_record(
                action="elections.application_submitted",
                municipality=election.municipality,
                target=application,
                data={"status": application.status, "match": application.match},
            )
    except IntegrityError:
        if storage_name:
            encrypted_file_delete(storage_name)
        if accepted and _has_accepted(match.voter):
            return ApplicationResult(None, ElectionErrorCode.ALREADY_APPLIED)
        raise
    except ElectionError:
        if storage_name:
            encrypted_file_delete(storage_name)
        raise
    return ApplicationResult(application)


def _has_accepted(voter: Voter | None) -> bool:
    return (
        voter is not None
        and Application.objects.filter(voter=voter, status=ApplicationStatus.ACCEPTED).exists()
    )


def application_accept(*, application: Application, voter: Voter, actor) -> Application:
    """A clerk confirms a near match: the application belongs to ``voter``."""
    if voter.election_id != application.election_id or voter.removed_at is not None:
        raise ElectionError(ElectionErrorCode.WRONG_VOTER)
    try:
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=application.pk)
            if application.status != ApplicationStatus.REVIEW:
                raise ElectionError(ElectionErrorCode.NOT_ISSUABLE)
            application.voter = voter
            application.status = ApplicationStatus.ACCEPTED
            application.decided_at = timezone.now()
            application.decided_by = actor
            application.save(update_fields=["voter", "status", "decided_at", "decided_by"])
            audit_event_record(
                action="elections.application_accepted",
                actor=actor,
                municipality=application.election.municipality,
                target=application,
            )
    except IntegrityError:
        raise ElectionError(ElectionErrorCode.ALREADY_APPLIED) from None
    return application


def application_reject(*, application: Application, reason: str, actor) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.REVIEW:
            raise ElectionError(ElectionErrorCode.NOT_ISSUABLE)
        application.status = ApplicationStatus.REJECTED
        application.rejection_reason = reason
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.save(update_fields=["status", "rejection_reason", "decided_at", "decided_by"])
        audit_event_record(
            action="elections.application_rejected",
            actor=actor,
            municipality=application.election.municipality,
            target=application,
        )
    return application


def application_accept_section_25_2(*, application: Application, actor) -> Application:
    """A clerk accepts an applicant who is not in the voter register, under §25(2) BWO."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.REVIEW:
            raise ElectionError(ElectionErrorCode.NOT_ISSUABLE)
        application.voter = None
        application.ground = Ground.SECTION_25_2
        application.status = ApplicationStatus.ACCEPTED
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.save(update_fields=["voter", "ground", "status", "decided_at", "decided_by"])
        audit_event_record(
            action="elections.application_accepted_25_2",
            actor=actor,
            municipality=application.election.municipality,
            target=application,
        )
    return application

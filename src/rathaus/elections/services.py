"""Writes of elections and the postal vote. Keyword-only, in one transaction each, with an audit
event; invariants (one accepted application and one valid Wahlschein per voter) are database
constraints that decide between concurrent requests."""

from __future__ import annotations

import csv
import datetime
import io
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases.attachments import AttachmentError, content_check, virus_check
from rathaus.cases.constants import AttachmentErrorCode
from rathaus.core.audit import audit_event_record
from rathaus.core.storage import encrypted_file_delete, encrypted_file_write
from rathaus.register.selectors import person_match_digest

from .constants import (
    MAX_VOTERS_PER_PROXY,
    ApplicationStatus,
    Basis,
    Delivery,
    ElectionErrorCode,
    MatchKind,
)
from .errors import ElectionError
from .models import Application, District, Election, Voter, Wahlschein
from .rules import Ground, ground_open
from .selectors import awaiting_issue, birth_digest, proxy_digest, voter_match

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
AUTHORITY_MAX_BYTES = 5 * 1024 * 1024
SYSTEM_RULE_EXACT = "briefwahl-exact-register-match"


# --- elections -------------------------------------------------------------------------------
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


# --- the voter register (CSV import) ----------------------------------------------------------
CSV_COLUMNS = [
    "number",
    "district",
    "family_name",
    "given_names",
    "birth_date",
    "street",
    "house_number",
    "postal_code",
    "city",
]


@dataclass
class ImportReport:
    imported: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_removed: int = 0  # no longer in the import but holding an application
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    header_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.header_error


def _parse_date(value: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _rows(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] = []
    rows = []
    for values in reader:
        if not header:
            header = [h.strip().lower().lstrip("\ufeff") for h in values]
            continue
        if not any(v.strip() for v in values):
            continue
        rows.append((reader.line_num, values))
    return header, rows


def voter_register_import(*, election: Election, data: bytes, actor=None) -> ImportReport:
    """Replace the election's voter register by a CSV file (UTF-8, ``;`` or ``,``; header
    ``number;district;family_name;given_names;birth_date;street;house_number;postal_code;city``).

    Every line is checked; a refused line is reported with its number and reason and left out,
    the others are imported. Entries are found again by name and date of birth
    (``match_digest``): they keep their row, so applications and Wahlscheine stay attached; an
    entry missing from the new file is deleted, or, if it holds an application, kept and
    marked removed. All in one transaction: a failure leaves the old register as it was."""
    report = ImportReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.header_error = _("The file is not UTF-8 text.")
        return report
    header, rows = _rows(text)
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        report.header_error = _("The header line lacks the columns: %(columns)s.") % {
            "columns": ", ".join(missing)
        }
        return report
    index = {name: header.index(name) for name in CSV_COLUMNS}
    districts = {d.code: d for d in District.objects.filter(election=election)}
    seen_numbers: set[int] = set()
    seen_digests: set[str] = set()
    valid: list[dict] = []
    for line, values in rows:
        if len(values) < len(header):
            report.rejected.append((line, _("too few columns")))
            continue
        row = {name: values[i].strip() for name, i in index.items()}
        reason = ""
        empty = [n for n in CSV_COLUMNS if not row[n]]
        birth = _parse_date(row["birth_date"])
        if empty:
            reason = _("empty: %(columns)s") % {"columns": ", ".join(empty)}
        elif not row["number"].isdigit() or int(row["number"]) < 1:
            reason = _("the voter number is not a positive whole number")
        elif int(row["number"]) in seen_numbers:
            reason = _("the voter number appears twice in the file")
        elif row["district"] not in districts:
            reason = _("unknown polling district “%(code)s”") % {"code": row["district"][:10]}
        elif birth is None:
            reason = _("the date of birth is not a date (YYYY-MM-DD or DD.MM.YYYY)")
        elif not (len(row["postal_code"]) == 5 and row["postal_code"].isdigit()):
            reason = _("the postal code does not have five digits")
        elif len(row["family_name"]) > 120 or len(row["given_names"]) > 200:
            reason = _("a name is too long")
        if not reason:
            digest = person_match_digest(
                family_name=row["family_name"], given_names=row["given_names"], birth_date=birth
            )
            if digest in seen_digests:
                reason = _("the same person (name and date of birth) appears twice in the file")
        if reason:
            report.rejected.append((line, reason))
            continue
        seen_numbers.add(int(row["number"]))
        seen_digests.add(digest)
        valid.append({**row, "birth": birth, "digest": digest})

    with transaction.atomic():
        Election.objects.select_for_update().get(pk=election.pk)
        existing = {v.match_digest: v for v in Voter.objects.filter(election=election)}
        # Numbers are given anew: free them all first, so a swap does not hit the constraint.
        Voter.objects.filter(election=election).update(number=None)
        new, changed_plain = [], []
        for row in valid:
            voter = existing.pop(row["digest"], None)
            fields = {
                "family_name": row["family_name"],
                "given_names": row["given_names"],
                "birth_date": row["birth"],
                "street": row["street"],
                "house_number": row["house_number"],
                "postal_code": row["postal_code"],
                "city": row["city"],
            }
            if voter is None:
                new.append(
                    Voter(
                        election=election,
                        district=districts[row["district"]],
                        number=int(row["number"]),
                        match_digest=row["digest"],
                        birth_digest=birth_digest(row["birth"]),
                        **fields,
                    )
                )
                continue
            voter.number = int(row["number"])
            voter.district = districts[row["district"]]
            voter.removed_at = None
            if any(getattr(voter, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(voter, k, v)
                voter.save()
            else:
                changed_plain.append(voter)
            report.updated += 1
        Voter.objects.bulk_update(
            changed_plain, ["number", "district", "removed_at"], batch_size=1000
        )
        Voter.objects.bulk_create(new, batch_size=1000)
        report.created = len(new)
        gone = [v.pk for v in existing.values()]
        holding = set(
            Voter.objects.filter(pk__in=gone, applications__isnull=False).values_list(
                "pk", flat=True
            )
        ) | set(
            Voter.objects.filter(pk__in=gone, wahlscheine__isnull=False).values_list(
                "pk", flat=True
            )
        )
        Voter.objects.filter(pk__in=holding).update(removed_at=timezone.now())
        report.kept_removed = len(holding)
        report.removed = Voter.objects.filter(pk__in=set(gone) - holding).delete()[0]
        report.imported = len(valid)
        audit_event_record(
            action="elections.voter_register_imported",
            actor=actor,
            municipality=election.municipality,
            target=election,
            data={
                "imported": report.imported,
                "created": report.created,
                "rejected": len(report.rejected),
                "removed": report.removed,
            },
        )
    return report


# --- applications -----------------------------------------------------------------------------
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
    # A voter who applied already is found by the database's constraint on the insert below,
    # not by a read before it: one query less on the hot path, and the same answer in a race.
    proxy = (
        proxy_digest(name=data.proxy_name, address=data.proxy_address) if data.proxy_name else ""
    )
    storage_name, content_type = _authority_store(authority) if authority else ("", "")
    exact = match.kind == MatchKind.EXACT
    # A sudden illness is always looked at by a clerk (proof, and pick-up by a proxy).
    accepted = exact and data.ground == Ground.REGULAR
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


# --- Wahlscheine ------------------------------------------------------------------------------
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

"""Reads of cases. Every query names the municipality; "does not exist" and "not yours" are
both ``Http404``."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from functools import partial

from django.core.cache import cache
from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, IntegerField, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone

from rathaus.accounts.selectors import is_staff_member
from rathaus.core.crypto import blind_index
from rathaus.core.language import language_supported
from rathaus.core.ratelimit import shared_cache_call
from rathaus.core.storage import encrypted_file_read
from rathaus.documents.models import IssuedDocument

from .constants import DRAFT_LIFETIME, ActorRole, CaseStatus
from .models import (
    APPLICANT_NAME_PURPOSE,
    DRAFT_OWNER_PURPOSE,
    Attachment,
    Case,
    CaseApproval,
    CaseEvent,
    CaseReadLog,
    Message,
)
from .plugin import procedures
from .plugin.procedure import STAGE_STATUSES


def applicant_name_digest(name: str) -> str:
    return blind_index(name, purpose=APPLICANT_NAME_PURPOSE) if name.strip() else ""


def owner_token_digest(owner_token: str) -> str:
    return blind_index(owner_token, purpose=DRAFT_OWNER_PURPOSE) if owner_token else ""


def case_language(*, case: Case) -> str:
    """The language of mails and documents about ``case``: the applicant's account language,
    else the language the case was started in."""
    applicant = case.applicant
    if applicant is not None and applicant.preferred_language:
        return language_supported(applicant.preferred_language)
    return language_supported(case.language)


def is_staff_of(*, actor, municipality) -> bool:
    if actor is None or not actor.is_authenticated or not actor.is_staff:
        return False
    return is_staff_member(user=actor, municipality=municipality)


def draft_cutoff():
    return timezone.now() - DRAFT_LIFETIME


def _owned_by(case: Case, *, actor, owner_token: str) -> bool:
    if actor is not None and actor.is_authenticated and case.applicant_id == actor.pk:
        return True
    digest = owner_token_digest(owner_token)
    return bool(digest) and case.owner_token_digest == digest


def _parse_uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def access_case_by_reference(*, actor, municipality, reference: str) -> Case:
    """A submitted case for its applicant only; 404 for anyone else, staff included.

    The citizen's pages (``/anliegen/meine/…``) use this. Staff read cases through the back
    office and the API (``access_case_for_staff`` via ``services.case_read_logged``), where every
    read is written to the §40 BMG read log; a citizen URL must not be a way around it."""
    if actor is None or not actor.is_authenticated:
        raise Http404
    try:
        # At most one row: a submitted case's reference is unique in its town.
        case = Case.objects.exclude(status=CaseStatus.DRAFT).get(
            municipality=municipality, reference=reference, applicant=actor
        )
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    case.municipality = municipality  # the town it was found in, not read again
    return case


def access_draft(*, actor, owner_token: str, municipality, public_id, procedure_key: str) -> Case:
    """The visitor's own unexpired draft (by account, or by the session's owner token)."""
    case = Case.objects.filter(
        municipality=municipality,
        public_id=_parse_uuid(public_id),
        procedure_key=procedure_key,
        status=CaseStatus.DRAFT,
        updated_at__gte=draft_cutoff(),
    ).first()
    if case is None or not _owned_by(case, actor=actor, owner_token=owner_token):
        raise Http404
    return case


def access_own_case(*, actor, owner_token: str, municipality, public_id) -> Case:
    """The visitor's own case in any status (confirmation page after submitting)."""
    try:
        case = Case.objects.get(municipality=municipality, public_id=_parse_uuid(public_id))
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    if not _owned_by(case, actor=actor, owner_token=owner_token):
        raise Http404
    case.municipality = municipality  # the town it was found in, not read again
    return case


def case_list_for_citizen(*, actor, municipality) -> QuerySet[Case]:
    return Case.objects.filter(municipality=municipality, applicant=actor).exclude(
        status=CaseStatus.DRAFT
    )


def draft_list_for_citizen(*, actor, municipality) -> QuerySet[Case]:
    return Case.objects.filter(
        municipality=municipality,
        applicant=actor,
        status=CaseStatus.DRAFT,
        updated_at__gte=draft_cutoff(),
    ).order_by("-updated_at")


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case, municipality=case.municipality_id)


def status_label(*, procedure_key: str, status: str) -> str:
    """A status in the words of the procedure ``procedure_key`` ("answered" for an approved
    general request): the one source of a status's name wherever one case or one procedure is
    shown — the inbox's rows, the case pages, the timeline, the e-mails."""
    procedure = procedures().get(procedure_key)
    if procedure is not None:
        return procedure.status_label(status)
    try:
        return str(CaseStatus(status).label)
    except ValueError:
        return status


def status_label_across(*, status: str) -> str:
    """A status where cases of every procedure are listed together (the inbox's status filter
    with all services, the statistics' columns): the engine's word, then each other word a
    procedure uses for it, so that the filter says what the rows say ("approved / answered")."""
    engine = str(CaseStatus(status).label)
    words = [engine]
    for procedure in sorted(procedures(), key=lambda p: p.key):
        word = procedure.status_label(status)
        if word not in words:
            words.append(word)
    return " / ".join(words)


def case_status_label(case: Case) -> str:
    """The case's status in its procedure's words ("answered" for a general request)."""
    return status_label(procedure_key=case.procedure_key, status=case.status)


def case_decision_text(*, case: Case, status: str) -> str:
    """The text the latest move to ``status`` carried: the clerk's answer, note or reason (kept
    encrypted in the history); "" when there was none."""
    event = (
        case_events(case=case)
        .filter(to_status=status)
        .exclude(from_status=status)
        .order_by("-created_at", "-pk")
        .first()
    )
    return event.reason if event is not None else ""


@dataclass(frozen=True)
class TimelineEntry:
    created_at: datetime.datetime
    label: str
    reason: str
    actor_role: str
    actor: object
    rule: str

    @property
    def by_system(self) -> bool:
        return self.actor_role == ActorRole.SYSTEM


def case_timeline(*, case: Case) -> list[TimelineEntry]:
    """The case's history as the citizen and the clerk read it: each status change, and each
    change of the procedure's own stage under the stage's name."""
    procedure = procedures().get(case.procedure_key)
    entries = []
    for event in case_events(case=case).select_related("actor"):
        if event.is_stage_change and procedure is not None:
            label = procedure.stage_label(event.to_stage)
        elif procedure is not None:
            label = procedure.status_label(event.to_status)
        else:
            label = str(event.to_status_label)
        entries.append(
            TimelineEntry(
                created_at=event.created_at,
                label=label,
                reason=event.reason,
                actor_role=event.actor_role,
                actor=event.actor,
                rule=event.rule,
            )
        )
    return entries


def access_journey_case(
    *, actor, owner_token: str, municipality, public_id, procedure_key: str
) -> Case:
    """The visitor's own case on the application pages: a live draft, or the case it became
    after submitting (so that browser back can lead to the confirmation)."""
    case = access_own_case(
        actor=actor, owner_token=owner_token, municipality=municipality, public_id=public_id
    )
    if case.procedure_key != procedure_key:
        raise Http404
    if case.status == CaseStatus.DRAFT and case.updated_at < draft_cutoff():
        raise Http404
    return case


# The number of unread messages in the header is asked on every page a logged-in citizen sees
# (a query of about a millisecond of CPU each), so it is kept in the shared cache (Redis in
# production) for at most this long. Whatever changes it forgets it (``services.postfach.
# unread_count_forget``: a message from the town, the applicant reading, a case deleted). A count
# re-read by a request that overlapped such a change can stay this long, no longer.
UNREAD_CACHE_SECONDS = 60
UNREAD_UNKEPT = "counted in the database each time"


def unread_cache_key(*, municipality_id: int, applicant_id: int) -> str:
    return f"cases:unread:{municipality_id}:{applicant_id}"


def unread_message_count(*, actor, municipality) -> int:
    """How many of the town's messages to ``actor``'s cases they have not opened yet. While the
    shared cache cannot be reached, counted in the database every time."""
    key = unread_cache_key(municipality_id=municipality.pk, applicant_id=actor.pk)
    kept = shared_cache_call(partial(cache.get, key), what="unread count", then=UNREAD_UNKEPT)
    if kept is not None:
        return kept
    count = Message.objects.filter(
        municipality=municipality,
        case__applicant=actor,
        sender_role=ActorRole.STAFF,
        read_by_applicant_at__isnull=True,
    ).count()
    shared_cache_call(
        partial(cache.set, key, count, UNREAD_CACHE_SECONDS),
        what="unread count",
        then=UNREAD_UNKEPT,
    )
    return count


def case_messages(*, case: Case) -> QuerySet[Message]:
    return Message.objects.filter(case=case, municipality=case.municipality_id).select_related(
        "sender"
    )


# --- back office ---------------------------------------------------------------------------------
# Undecided cases: the target processing time runs against these.
OPEN_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFO_REQUESTED)
# Workflow order for sorting by status.
STATUS_ORDER = [
    CaseStatus.SUBMITTED,
    CaseStatus.IN_REVIEW,
    CaseStatus.INFO_REQUESTED,
    CaseStatus.APPROVED,
    CaseStatus.COMPLETED,
    CaseStatus.REJECTED,
    CaseStatus.WITHDRAWN,
]
INBOX_SORTS = {
    "-submitted": ("-submitted_at", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "status": ("status_rank", "-submitted_at", "-pk"),
    "-status": ("-status_rank", "-submitted_at", "-pk"),
}
ASSIGNEE_MINE = "mine"
ASSIGNEE_NONE = "unassigned"


def access_case_for_staff(*, actor, municipality, reference: str) -> Case:
    """A submitted case of ``municipality`` for a member of its staff; 404 for anyone else.

    Reads that show case data go through ``services.case_read_logged``, which logs them."""
    if not is_staff_of(actor=actor, municipality=municipality):
        raise Http404
    case = (
        Case.objects.filter(municipality=municipality, reference=reference, status__in=STATUS_ORDER)
        .select_related("municipality", "assignee")
        .first()
    )
    if case is None:
        raise Http404
    return case


@dataclass(frozen=True)
class OverdueRule:
    """One way a case of a procedure becomes overdue: in ``statuses``, at ``stage`` (None: at
    no stage with a deadline of its own, ``except_stages``), with ``since`` (a timestamp field)
    before ``cutoff``."""

    procedure_key: str
    statuses: frozenset
    since: str
    cutoff: datetime.datetime
    stage: str | None = None
    except_stages: frozenset = frozenset()

    def q(self) -> Q:
        condition = Q(
            procedure_key=self.procedure_key,
            status__in=self.statuses,
            **{f"{self.since}__lt": self.cutoff},
        )
        if self.stage is not None:
            return condition & Q(stage=self.stage)
        return condition & ~Q(stage__in=self.except_stages) if self.except_stages else condition

    def matches(self, case: Case) -> bool:
        since = getattr(case, self.since)
        return (
            case.procedure_key == self.procedure_key
            and case.status in self.statuses
            and since is not None
            and since < self.cutoff
            and (case.stage == self.stage if self.stage is not None else True)
            and case.stage not in self.except_stages
        )


def overdue_rules(*, now=None, procedure_key: str = "") -> list[OverdueRule]:
    """The one overdue rule of the back office, per procedure (all, or ``procedure_key``'s):

    * a case waiting at a stage with a deadline of its own (``Procedure.stage_deadlines``: an ID
      card not picked up after 90 days, the other parent's consent once its code has ended) is
      overdue when it has waited there longer than that — and only then: the stage's deadline
      replaces the target processing time while the case waits there;
    * any other undecided case (submitted, in review, information requested) is overdue once
      submitted longer ago than the procedure's ``target_days``.

    ``overdue_condition`` (the inbox's filter, SQL) and ``case_is_overdue`` (the badge on a row
    and on the case page) both read these rules, so they cannot disagree."""
    now = now or timezone.now()
    rules: list[OverdueRule] = []
    for procedure in procedures():
        if procedure_key and procedure.key != procedure_key:
            continue
        deadlines = dict(procedure.stage_deadlines)
        for stage, days in deadlines.items():
            rules.append(
                OverdueRule(
                    procedure_key=procedure.key,
                    statuses=frozenset(STAGE_STATUSES),
                    since="stage_changed_at",
                    cutoff=now - datetime.timedelta(days=days),
                    stage=stage,
                )
            )
        rules.append(
            OverdueRule(
                procedure_key=procedure.key,
                statuses=frozenset(OPEN_STATUSES),
                since="submitted_at",
                cutoff=now - datetime.timedelta(days=procedure.target_days),
                except_stages=frozenset(deadlines),
            )
        )
    return rules


def overdue_condition(*, now=None) -> Q:
    """The overdue rule (``overdue_rules``) as a query condition, for the inbox's filter."""
    condition = Q(pk__in=[])
    for rule in overdue_rules(now=now):
        condition |= rule.q()
    return condition


def case_is_overdue(*, case: Case, now=None, rules: list[OverdueRule] | None = None) -> bool:
    """The overdue rule (``overdue_rules``) for one case, for its badge. ``rules``: the rules of
    every procedure, made once for a page of rows."""
    if rules is None:
        rules = overdue_rules(now=now, procedure_key=case.procedure_key)
    return any(rule.matches(case) for rule in rules)


ASSIGNEE_UNLISTED = ("email", "birth_date", "street", "postal_code", "city", "phone")


def case_list_for_staff(
    *,
    actor,
    municipality,
    procedure_key: str = "",
    status: str = "",
    stage: str = "",
    assignee: str = "",
    overdue: bool = False,
    search: str = "",
    sort: str = "-submitted",
) -> QuerySet[Case]:
    """The town's submitted cases (never drafts) for the inbox and the API, filtered and sorted.

    ``assignee``: "" (anyone), "mine", "unassigned" or a staff user's id. ``search`` matches a
    reference number exactly or by prefix, or an applicant's name exactly (through the keyed hash:
    names are encrypted)."""
    if not is_staff_of(actor=actor, municipality=municipality):
        return Case.objects.none()
    # Only the statuses the back office works with: no drafts (nor cases still waiting for payment).
    cases = Case.objects.filter(municipality=municipality, status__in=STATUS_ORDER)
    if procedure_key:
        cases = cases.filter(procedure_key=procedure_key)
    if status:
        cases = cases.filter(status=status)
    if stage:
        cases = cases.filter(stage=stage)
    if assignee == ASSIGNEE_MINE:
        cases = cases.filter(assignee=actor)
    elif assignee == ASSIGNEE_NONE:
        cases = cases.filter(assignee__isnull=True)
    elif assignee:
        cases = cases.filter(assignee_id=int(assignee)) if assignee.isdigit() else cases.none()
    if overdue:
        cases = cases.filter(overdue_condition())
    search = (search or "").strip()
    if search:
        cases = cases.filter(
            Q(reference__startswith=search.upper())
            | Q(applicant_name_digest=applicant_name_digest(search))
        )
    order = INBOX_SORTS.get(sort, INBOX_SORTS["-submitted"])
    if "status_rank" in order[0]:
        # Only the status sorts need the workflow rank (building it costs on every request).
        rank = SqlCase(
            *[When(status=value, then=Value(index)) for index, value in enumerate(STATUS_ORDER)],
            default=Value(len(STATUS_ORDER)),
            output_field=IntegerField(),
        )
        cases = cases.annotate(status_rank=rank)
    return (
        cases.select_related("assignee")
        # A list shows no answers and only the assignee's name: the rest would be decrypted
        # for nothing, row by row.
        .defer("answers", *(f"assignee__{name}" for name in ASSIGNEE_UNLISTED))
        .order_by(*order)
    )


def case_approvals(*, case: Case) -> QuerySet[CaseApproval]:
    """The four-eyes approvals of the current round of review: those given since the case last
    changed status (earlier ones no longer count, see ``services.case_approve``)."""
    last_move = (
        CaseEvent.objects.filter(case=case, municipality=case.municipality_id)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return (
        CaseApproval.objects.filter(case=case, municipality=case.municipality_id)
        .filter(Q(created_at__gte=Subquery(last_move)) | ~Exists(last_move))
        .select_related("clerk")
    )


def case_read_log(*, municipality, reference: str = "", actor_id: int | None = None):
    """The town's §40 BMG read log, newest first, optionally for one case or one staff member."""
    entries = CaseReadLog.objects.filter(municipality=municipality).select_related("actor")
    if reference:
        entries = entries.filter(reference=reference.strip().upper())
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    return entries


def case_statistics(*, municipality) -> dict:
    """Cases per procedure and status, median processing time (submitted → decided) and the
    share of cases submitted online vs. at the counter, for one town's submitted cases."""
    cases = Case.objects.filter(municipality=municipality, status__in=STATUS_ORDER)
    per_procedure: dict[str, dict[str, int]] = {}
    for row in cases.values("procedure_key", "status").annotate(n=Count("pk")).order_by():
        per_procedure.setdefault(row["procedure_key"], {})[row["status"]] = row["n"]
    durations = sorted(
        decided - submitted
        for submitted, decided in cases.filter(
            submitted_at__isnull=False, decided_at__isnull=False
        ).values_list("submitted_at", "decided_at")
    )
    median = None
    if durations:
        middle = len(durations) // 2
        if len(durations) % 2:
            median = durations[middle]
        else:
            median = (durations[middle - 1] + durations[middle]) / 2
    channels = {
        row["channel"]: row["n"]
        for row in cases.values("channel").annotate(n=Count("pk")).order_by()
    }
    return {
        "per_procedure": per_procedure,
        "median_processing": median,
        "decided_count": len(durations),
        "channels": channels,
        "total": sum(channels.values()),
    }


# --- attachments ---------------------------------------------------------------------------------
def case_issued_documents(*, case: Case) -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.filter(municipality=case.municipality_id, case=case)


def issued_document_title(*, case: Case, document: IssuedDocument) -> str:
    """A document's title in the reader's language; ``document.title`` is the one printed."""
    procedure = procedures().get(case.procedure_key)
    kind = procedure.document_type(document.document_type) if procedure is not None else None
    return str(kind.title) if kind is not None else document.title


def issued_documents_titled(*, case: Case) -> list[IssuedDocument]:
    """The case's documents, each with ``display_title`` in the reader's language."""
    documents = list(case_issued_documents(case=case).select_related("issued_by"))
    for document in documents:
        document.display_title = issued_document_title(case=case, document=document)
    return documents


def access_issued_document(*, actor, municipality, reference: str, public_id) -> IssuedDocument:
    """An issued document of the actor's own case (``access_case_by_reference``); else 404."""
    case = access_case_by_reference(actor=actor, municipality=municipality, reference=reference)
    try:
        return case_issued_documents(case=case).get(public_id=_parse_uuid(public_id))
    except IssuedDocument.DoesNotExist as exc:
        raise Http404 from exc


def case_attachments(*, case: Case) -> QuerySet:

    return Attachment.objects.filter(municipality=case.municipality_id, case=case)


def page_attachment(*, case: Case, page_slug: str):
    """The file added on a question page of ``case`` (None if there is none)."""
    return case_attachments(case=case).filter(page_slug=page_slug).last()


def access_attachment(*, actor, municipality, reference: str, public_id):
    """An attachment of the actor's own case (``access_case_by_reference``); else 404."""
    case = access_case_by_reference(actor=actor, municipality=municipality, reference=reference)
    attachment = case_attachments(case=case).filter(public_id=_parse_uuid(public_id)).first()
    if attachment is None:
        raise Http404
    return attachment


def attachment_content(*, attachment) -> bytes:
    """The decrypted bytes of an attachment (after an access check by the caller)."""
    return encrypted_file_read(attachment.storage_name)


def case_status_lookup(*, municipality, reference: str, birth_date) -> Case | None:
    """The case for the public status look-up: submitted in this town, of a procedure that
    offers the look-up, and for a person born on ``birth_date``. None otherwise — a wrong date
    of birth gets the same answer as an unknown reference."""
    case = (
        Case.objects.filter(municipality=municipality, reference=reference)
        .exclude(status=CaseStatus.DRAFT)
        .first()
    )
    if case is None:
        return None
    procedure = procedures().get(case.procedure_key)
    if procedure is None or not procedure.status_lookup:
        return None
    if birth_date not in procedure.status_lookup_birth_dates(case.answers or {}):
        return None
    return case


def case_follow_ups_lost(*, submitted_before: datetime.datetime) -> QuerySet[Case]:
    """Cases submitted before ``submitted_before`` whose follow-up of the submit (the decision
    rule, the receipt: ``services.case_decision_after_submit``) never committed, the oldest
    first. Every town's: for the system's periodic task, which takes them up again."""
    return (
        Case.objects.filter(receipt_queued_at__isnull=True, submitted_at__lt=submitted_before)
        .exclude(status=CaseStatus.DRAFT)
        .select_related("municipality", "applicant")
        .order_by("submitted_at", "pk")
    )


def case_state_counts() -> list[tuple[str, str, int]]:
    """(municipality short name, status, count) of every Case row, for the metrics page."""
    rows = (
        Case.objects.values_list("municipality__slug", "status")
        .annotate(count=Count("pk"))
        .order_by("municipality__slug", "status")
    )
    return list(rows)

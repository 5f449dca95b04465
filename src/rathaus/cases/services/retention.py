"""What is deleted when: closed cases past their retention period, read-log entries after twelve
months, and encrypted files that nothing names any more."""

from __future__ import annotations

import datetime
from functools import partial

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from rathaus.core.audit import audit_event_record
from rathaus.core.storage import (
    encrypted_file_delete,
    encrypted_files_older_than,
    stale_temporary_file_delete,
)
from rathaus.documents.models import IssuedDocument
from rathaus.tenants.models import Municipality

from ..constants import CLOSED_STATUSES
from ..models import Attachment, Case, CaseReadLog
from ..plugin import procedures
from .postfach import unread_count_forget

# An upload or a document is written to disk before its row is committed; a file whose row never
# arrived (its transaction rolled back, the process died) is left alone for this long, so that a
# write still in progress is never mistaken for an orphan.
ORPHAN_GRACE_SECONDS = 24 * 3600


def orphaned_files_delete(*, grace_seconds: float = ORPHAN_GRACE_SECONDS) -> dict[str, int]:
    """Delete encrypted files that no attachment or issued document names, and temporary files
    of crashed writes, once older than ``grace_seconds``. Returns the counts."""
    candidates = encrypted_files_older_than(grace_seconds)
    names = [name for name, finished in candidates if finished]
    known: set[str] = set()
    for start in range(0, len(names), 500):
        batch = names[start : start + 500]
        known.update(
            Attachment.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True)
        )
        known.update(
            IssuedDocument.objects.filter(storage_name__in=batch).values_list(
                "storage_name", flat=True
            )
        )
    counts = {"files": 0, "temporary": 0}
    for name, finished in candidates:
        if not finished:
            stale_temporary_file_delete(name)
            counts["temporary"] += 1
        elif name not in known:
            encrypted_file_delete(name)
            counts["files"] += 1
    return counts


def read_logs_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete read-log entries older than twelve months (§40 BMG: kept at least 12 months,
    deleted by the end of the following year, used only for data-protection control).

    Run daily, this deletes each entry on the day it turns twelve months old, which is within
    the following year for every entry but those of the last hours of 31 December, which go the
    next morning: the minimum of twelve months comes first. Returns the number deleted.
    """
    now = now or timezone.now()
    try:
        cutoff = now.replace(year=now.year - 1)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - 1, day=28)
    deleted, _ = CaseReadLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def case_retention_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete closed cases whose procedure's retention period after ``closed_at`` has passed:
    the case with its history, messages, attachments and issued documents, and their files.

    Writes one audit event per town with counts only (no reference, no names). A case another
    record protects (e.g. a payment, kept under accounting law) stays and is counted as kept.
    Drafts are removed by ``case_drafts_expired_delete``.
    """

    now = now or timezone.now()
    totals: dict[str, int] = {"cases": 0, "attachments": 0, "documents": 0, "kept": 0}
    per_town: dict[int, dict[str, int]] = {}
    for procedure in procedures():
        key = procedure.key
        expired = Case.objects.filter(
            procedure_key=key,
            status__in=list(CLOSED_STATUSES),
            closed_at__lt=now - procedure.retention,
        ).values_list("pk", "municipality_id")
        for case_id, town_id in list(expired):
            counts = per_town.setdefault(
                town_id,
                {"cases": 0, "messages": 0, "events": 0, "attachments": 0, "documents": 0},
            )
            try:
                with transaction.atomic():
                    case = Case.objects.select_for_update().get(pk=case_id)
                    files = list(
                        Attachment.objects.filter(case=case).values_list("storage_name", flat=True)
                    )
                    documents = list(
                        IssuedDocument.objects.filter(case=case).values_list(
                            "storage_name", flat=True
                        )
                    )
                    messages = case.messages.count()
                    events = case.events.count()
                    case.delete()
                    unread_count_forget(
                        municipality_id=case.municipality_id, applicant_id=case.applicant_id
                    )
                    for storage_name in files + documents:
                        transaction.on_commit(partial(encrypted_file_delete, storage_name))
            except ProtectedError:
                counts["kept_protected"] = counts.get("kept_protected", 0) + 1
                totals["kept"] += 1
                continue
            counts["cases"] += 1
            counts["messages"] += messages
            counts["events"] += events
            counts["attachments"] += len(files)
            counts["documents"] += len(documents)
            totals["cases"] += 1
            totals["attachments"] += len(files)
            totals["documents"] += len(documents)
    if per_town:
        for town in Municipality.objects.filter(pk__in=per_town):
            audit_event_record(
                action="cases.retention_purged", municipality=town, data=per_town[town.pk]
            )
    return totals

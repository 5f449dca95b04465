"""Retention: closed cases past their procedure's retention period go, with their files."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rathaus.cases import services, tasks
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Attachment, Case, CaseEvent, Message
from rathaus.cases.services import case_document_issue as document_issue
from rathaus.core.audit import AuditEvent
from rathaus.documents.models import IssuedDocument
from rathaus.procedures.general_request.procedure import GeneralRequest

from .conftest import draft_make, submitted_make
from .test_attachments import PDF

LONG = "test-lange-aufbewahrung"


class LongRetention(GeneralRequest):
    key = LONG
    retention = datetime.timedelta(days=3650)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.ATTACHMENT_SCANNER = ""
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def long_procedure(procedure_registry):
    procedure_registry.add(LongRetention)


def closed_case(*, town, applicant, clerk, status, days_ago, key=None):
    case = submitted_make(municipality=town, actor=applicant)
    if status == CaseStatus.WITHDRAWN:
        services.case_withdraw(case=case, actor=applicant)
    else:
        services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
        if status == CaseStatus.REJECTED:
            services.case_transition(case=case, to_status=status, actor=clerk, reason="Nein")
        elif status == CaseStatus.COMPLETED:
            services.case_transition(case=case, to_status=CaseStatus.APPROVED, actor=clerk)
            services.case_transition(case=case, to_status=status, actor=clerk)
    closed = timezone.now() - datetime.timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(
        closed_at=closed, procedure_key=key or case.procedure_key
    )
    case.refresh_from_db()
    return case


def test_purge_deletes_what_it_must_and_nothing_else(
    norderstedt,
    reinbek,
    citizen,
    clerk,
    rei_clerk,
    long_procedure,
    private_root,
    django_capture_on_commit_callbacks,
):
    expired = closed_case(
        town=norderstedt, applicant=citizen, clerk=clerk, status="completed", days_ago=400
    )
    attachment = services.attachment_add(
        case=expired, upload=SimpleUploadedFile("a.pdf", PDF), actor=citizen
    )
    services.message_send(case=expired, sender=clerk, body="Erledigt.")
    document = document_issue(case=expired, document_type="reply_letter", actor=clerk)
    expired_rei = closed_case(
        town=reinbek, applicant=citizen, clerk=rei_clerk, status="withdrawn", days_ago=366
    )
    recent = closed_case(
        town=norderstedt, applicant=citizen, clerk=clerk, status="rejected", days_ago=300
    )
    recent_file = services.attachment_add(
        case=recent, upload=SimpleUploadedFile("b.pdf", PDF), actor=citizen
    )
    long_kept = closed_case(
        town=norderstedt,
        applicant=citizen,
        clerk=clerk,
        status="completed",
        days_ago=400,
        key=LONG,
    )
    still_open = submitted_make(municipality=norderstedt, actor=citizen)
    Case.objects.filter(pk=still_open.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=900)
    )
    draft = draft_make(municipality=norderstedt, actor=citizen)
    files = [Path(private_root) / name for name in (attachment.storage_name, document.storage_name)]
    assert all(path.exists() for path in files)

    with django_capture_on_commit_callbacks(execute=True):
        totals = services.case_retention_purge()

    # Two documents of the expired case: the reply letter issued on approval and the one above.
    assert totals == {"cases": 2, "attachments": 1, "documents": 2, "kept": 0}
    remaining = set(Case.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, long_kept.pk, still_open.pk, draft.pk}
    assert expired_rei.pk not in remaining
    assert not Attachment.objects.filter(case_id=expired.pk).exists()
    assert not Message.objects.filter(case_id=expired.pk).exists()
    assert not CaseEvent.objects.filter(case_id=expired.pk).exists()
    assert not IssuedDocument.objects.filter(pk=document.pk).exists()
    assert not any(path.exists() for path in files)
    assert (Path(private_root) / recent_file.storage_name).exists()

    audit = AuditEvent.objects.get(action="cases.retention_purged", municipality=norderstedt)
    assert audit.data == {"cases": 1, "messages": 1, "events": 4, "attachments": 1, "documents": 2}
    assert audit.actor is None and audit.target_id == ""
    assert AuditEvent.objects.get(action="cases.retention_purged", municipality=reinbek)

    # Running again finds nothing more to do.
    assert services.case_retention_purge()["cases"] == 0


def test_retention_counts_from_the_procedure_and_the_task_runs(
    norderstedt, citizen, clerk, general, procedure_variant
):
    case = closed_case(
        town=norderstedt, applicant=citizen, clerk=clerk, status="completed", days_ago=40
    )
    tasks.cases_retention_purge.call_local()
    assert Case.objects.filter(pk=case.pk).exists()
    procedure_variant(general.key, retention=datetime.timedelta(days=30))
    tasks.cases_retention_purge.call_local()
    assert not Case.objects.filter(pk=case.pk).exists()

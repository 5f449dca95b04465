"""The certificate is made outside the submit's transaction: the town's reference counter is free
while the PDF renders (so submits of a town do not queue behind each other's PDF), and the citizen
sees the case either submitted without a document or approved with it — never in between."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import CaseEvent, ReferenceCounter
from rathaus.documents import services as document_services
from rathaus.documents.models import IssuedDocument
from rathaus.notifications.models import OutboxMessage

from .test_meldebescheinigung import _apply


def _counter_rows_free_elsewhere(municipality_id: int) -> int:
    """How many of the town's counter rows another connection can lock at once (NOWAIT); -1
    when one of them is locked."""
    answer = []

    def probe():
        try:
            with transaction.atomic():
                rows = ReferenceCounter.objects.select_for_update(nowait=True).filter(
                    municipality_id=municipality_id
                )
                answer.append(len(list(rows)))
        except DatabaseError:  # could not obtain lock
            answer.append(-1)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    return answer[0]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_reference_counter_is_free_while_the_pdf_renders(register, erika, monkeypatch):
    _apply(register, erika)  # the year's counter row exists (and is committed) from now on
    render = document_services.pdf_render
    seen = []

    def observed_render(**kwargs):
        seen.append(_counter_rows_free_elsewhere(register.pk))
        return render(**kwargs)

    monkeypatch.setattr(document_services, "pdf_render", observed_render)
    case = _apply(register, erika)
    assert seen == [1]
    assert case.status == CaseStatus.APPROVED
    assert IssuedDocument.objects.filter(case=case).count() == 1


def test_a_certificate_that_cannot_be_made_leaves_the_case_submitted(
    register, erika, monkeypatch, django_capture_on_commit_callbacks
):
    render = document_services.pdf_render

    def broken_render(**kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(document_services, "pdf_render", broken_render)
    with django_capture_on_commit_callbacks(execute=True):
        case = _apply(register, erika)
    # Submitted with its number, for a clerk; no approval without its document.
    assert case.status == CaseStatus.SUBMITTED and case.reference
    assert not IssuedDocument.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, to_status=CaseStatus.APPROVED).exists()
    # The receipt goes out all the same, and does not speak of an approval.
    [receipt] = OutboxMessage.objects.all()
    assert case.reference in receipt.subject and "bewilligt" not in receipt.body

    # The rule asked again (as after any change it looks at) issues it.
    monkeypatch.setattr(document_services, "pdf_render", render)
    case = services.case_rule_recheck(case=case)
    assert case.status == CaseStatus.APPROVED
    assert IssuedDocument.objects.filter(case=case).count() == 1

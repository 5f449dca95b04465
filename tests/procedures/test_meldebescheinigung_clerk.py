"""The Meldebescheinigung's clerk side: certificates that wait for a clerk (a person under an
Auskunftssperre, a person the register does not know) are decided in the back office; a printed
certificate, once paid and issued, waits for the post and the clerk marks it "sent by post"."""

from __future__ import annotations

import datetime

import pytest

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.documents.errors import DocumentError
from rathaus.documents.models import IssuedDocument
from rathaus.payments.services import payment_fee_waive
from rathaus.register import services as register_services
from rathaus.register.constants import BlockKind
from tests.accounts.factories import login_verified, staff_create

from .meldewesen import pdf_text, register_person, submitted, verifies_on_pruefen

KEY = "meldebescheinigung"


def _request(town, user, delivery="electronic"):
    return submitted(
        town,
        user,
        KEY,
        [("angaben", {"subject": "self", "kind": "simple", "delivery": delivery})],
    )


def test_a_blocked_persons_certificate_is_decided_by_a_clerk_in_the_back_office(
    register, erika, nor_client, client
):
    register_services.block_set(
        person=register_person(register, "Erika"),
        kind=BlockKind.AUSKUNFTSSPERRE,
        valid_from=datetime.date(2026, 1, 1),
    )
    case = _request(register, erika)
    assert case.status == CaseStatus.SUBMITTED
    clerk = staff_create(municipality=register)
    login_verified(nor_client, clerk)
    page = nor_client.get(f"/verwaltung/faelle/{case.reference}/")
    assert page.status_code == 200
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    response = nor_client.post(f"/verwaltung/faelle/{case.reference}/genehmigen/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    document = IssuedDocument.objects.get(case=case)
    assert "Mustermann" in pdf_text(document)
    assert verifies_on_pruefen(client, document)


def test_an_unknown_persons_certificate_cannot_be_approved_only_rejected(
    register, stranger, nor_client
):
    case = _request(register, stranger)
    clerk = staff_create(municipality=register)
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    login_verified(nor_client, clerk)
    response = nor_client.post(f"/verwaltung/faelle/{case.reference}/genehmigen/", follow=True)
    assert "keinen Eintrag" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and not IssuedDocument.objects.filter(case=case)
    with pytest.raises(DocumentError):
        services.case_approve(case=case, actor=clerk)
    services.case_transition(
        case=case, to_status=CaseStatus.REJECTED, actor=clerk, reason="Nicht gemeldet."
    )


def test_a_printed_certificate_is_marked_sent_by_post(register, erika, nor_client, rei_client):
    case = _request(register, erika, delivery="post")
    assert case.status == CaseStatus.AWAITING_PAYMENT
    clerk = staff_create(municipality=register)
    payment_fee_waive(payment=case.payment, actor=clerk, reason="Test: paid at the counter")
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED  # the system's rule, once paid
    assert case.stage == "awaiting_dispatch"
    assert IssuedDocument.objects.filter(case=case).count() == 1
    # Only staff moves it on; the citizen cannot, nor the other town's clerk.
    with pytest.raises(CaseError):
        services.case_stage_set(case=case, to_stage="sent", actor=erika)
    reinbek = case.municipality.__class__.objects.get(slug="reinbek")
    rei_clerk = staff_create(municipality=reinbek)
    with pytest.raises(CaseError):
        services.case_stage_set(case=case, to_stage="sent", actor=rei_clerk)
    login_verified(rei_client, rei_clerk)
    refused = rei_client.post(f"/verwaltung/faelle/{case.reference}/schritt/sent/")
    assert refused.status_code == 404
    login_verified(nor_client, clerk)
    page = nor_client.get(f"/verwaltung/faelle/{case.reference}/")
    assert "Per Post versandt" in page.content.decode()
    nor_client.post(f"/verwaltung/faelle/{case.reference}/schritt/sent/")
    case.refresh_from_db()
    assert case.stage == "sent"


def test_an_electronic_certificate_has_no_post_stage(register, erika):
    case = _request(register, erika)
    assert case.status == CaseStatus.APPROVED and case.stage == ""
    clerk = staff_create(municipality=register)
    with pytest.raises(CaseError):
        services.case_stage_set(case=case, to_stage="sent", actor=clerk)

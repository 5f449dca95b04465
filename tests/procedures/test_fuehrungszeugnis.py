"""Führungszeugnis (BZRG §30–30c): prepared online from 14, the type and what it needs (the
authority for O/OE/P, the written request for an extended certificate), the fee online or none
for volunteers or while a reduction is asked; at the counter the clerk's approval writes the
application message to the outbox (valid against its schema), the demo connector confirms
receipt later; the pages refuse the wrong citizen, clerk and town."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from huey.contrib.djhuey import HUEY
from lxml import etree

from rathaus.cases import services
from rathaus.cases.constants import CaseErrorCode, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import CaseEvent
from rathaus.cases.plugin import procedure_get
from rathaus.payments.constants import LedgerSource, PaymentStatus
from rathaus.payments.models import Payment
from rathaus.payments.providers.base import TransactionState
from rathaus.payments.selectors import payment_for_case
from rathaus.payments.services import payment_state_apply
from rathaus.procedures.fuehrungszeugnis.messages import (
    NAMESPACE,
    MessageInvalid,
    bzr_schema,
    message_parse_valid,
)
from rathaus.procedures.fuehrungszeugnis.models import BzrMessageStatus, BzrOutboxMessage
from rathaus.procedures.fuehrungszeugnis.pages import ApplicantPage, AuthorityPage
from rathaus.procedures.fuehrungszeugnis.tasks import (
    bzr_demo_receipt,
    bzr_demo_receipts_overdue_confirm,
)
from tests.accounts.factories import login_verified, staff_create
from tests.cases.conftest import user_make

KEY = "fuehrungszeugnis"
TODAY = timezone.localdate()
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"xref\n0 3\n0000000000 65535 f \ntrailer<</Size 3/Root 1 0 R>>\nstartxref\n9\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def empty_schedule():
    """The demo confirmations scheduled in a test do not outlive it."""
    yield
    HUEY.storage.flush_schedule()


@pytest.fixture
def citizen(db):
    return user_make("erika@example.org")


def born_years_ago(years: int, *, days: int = 0) -> str:
    day = TODAY + dt.timedelta(days=days)
    try:
        return day.replace(year=day.year - years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28).isoformat()


def applicant(**changes) -> dict:
    return {
        "given_names": "Erika",
        "family_name": "Mustermann",
        "birth_name": "Gabler",
        "birth_date": born_years_ago(40),
        "birth_place": "Kiel",
        "street": "Rathausallee",
        "house_number": "50",
        "postal_code": "22846",
        "city": "Norderstedt",
        **changes,
    }


AUTHORITY = {
    "authority_name": "Kreis Segeberg, Jugendamt",
    "authority_address": "Hamburger Straße 30\n23795 Bad Segeberg",
    "authority_reference": "JA-2026-17",
    "court": "",
}


def _save(case, user, slug, data):
    procedure = procedure_get(KEY)
    page = procedure.page(slug)
    form = page(data=data, context=services.case_context(case=case))
    assert form.is_valid(), form.errors
    services.case_draft_answers_save(
        case=case, page=page, cleaned_data=form.cleaned_data, actor=user
    )
    case.refresh_from_db()


def _draft(town, user, client, *, kind="N", basis="pay", authority=None, person=None):
    client.force_login(user)
    case = services.case_draft_start(
        municipality=town, procedure=procedure_get(KEY), actor=user, owner_token="t"
    )
    _save(case, user, "fuer-wen", {"subject": "self"})
    _save(case, user, "person", applicant(**(person or {})))
    _save(case, user, "art", {"kind": kind, "purpose": "Jugendtrainerin im Sportverein"})
    if kind in {"O", "OE", "P"}:
        _save(case, user, "behoerde", authority or AUTHORITY)
    if kind in {"NE", "OE"}:
        client_field = {"request_letter": SimpleUploadedFile("aufforderung.pdf", PDF)}
        response = client.post(
            f"/anliegen/{KEY}/{case.public_id}/anhang-aufforderung/", client_field
        )
        assert response.status_code == 302
    _save(case, user, "gebuehr", {"fee_basis": basis})
    if basis == "volunteer":
        response = client.post(
            f"/anliegen/{KEY}/{case.public_id}/anhang-ehrenamt/",
            {"volunteer_proof": SimpleUploadedFile("ehrenamt.pdf", PDF)},
        )
        assert response.status_code == 302
    case.refresh_from_db()
    return case


def _submit(case, user):
    case, _created = services.case_submit(
        case=case, actor=user, idempotency_key=case.idempotency_key
    )
    return case


def _pay(case):
    """The demo platform says "paid": the payment is booked and the case released."""
    payment = payment_for_case(case=case)
    Payment.objects.filter(pk=payment.pk).update(
        provider_key="demo", provider_transaction_id=f"tx-{payment.pk}"
    )
    payment.refresh_from_db()
    state = TransactionState(
        transaction_id=payment.provider_transaction_id,
        platform_status="PAYED",
        amount=payment.amount,
        currency="EUR",
        payment_method="CREDITCARD",
        raw={},
    )
    payment_state_apply(payment=payment, state=state, source=LedgerSource.RETURN)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    case.refresh_from_db()
    return payment


def _counter_approve(case, clerk, client):
    """The clerk opens the case, takes it and approves: the identity is checked."""
    login_verified(client, clerk)
    assert client.get(f"/verwaltung/faelle/{case.reference}/").status_code == 200
    client.post(f"/verwaltung/faelle/{case.reference}/zuweisen/")
    case.refresh_from_db()
    if case.status == CaseStatus.SUBMITTED:
        services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    response = client.post(f"/verwaltung/faelle/{case.reference}/genehmigen/")
    assert response.status_code == 302
    case.refresh_from_db()
    return case


def test_the_service_page_explains_both_ways_and_links_the_federal_service(norderstedt, nor_client):
    page = nor_client.get("/leistungen/fuehrungszeugnis/").content.decode()
    assert 'href="https://www.fuehrungszeugnis.bund.de/"' in page
    assert "Online-Ausweisfunktion" in page and "Bürgerbüro, online vorbereitet" in page
    english = nor_client.get(
        "/leistungen/fuehrungszeugnis/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "directly at the Federal Office of Justice" in english
    # Other services keep their page as it was.
    assert "fuehrungszeugnis.bund.de" not in nor_client.get("/leistungen/").content.decode()


# --- who and what -----------------------------------------------------------------------------
def test_an_applicant_under_14_is_refused_with_a_clear_message(norderstedt, citizen):
    case = services.case_draft_start(
        municipality=norderstedt, procedure=procedure_get(KEY), actor=citizen, owner_token="t"
    )
    context = services.case_context(case=case)
    young = ApplicantPage(data=applicant(birth_date=born_years_ago(14, days=1)), context=context)
    assert not young.is_valid()
    assert "ab 14 Jahren" in " ".join(young.errors["birth_date"])
    # On the 14th birthday the application is possible.
    fourteen = ApplicantPage(data=applicant(birth_date=born_years_ago(14)), context=context)
    assert fourteen.is_valid(), fourteen.errors


def test_an_under_14_applicant_page_is_refused_over_http_and_keeps_the_input(
    norderstedt, citizen, nor_client
):
    nor_client.force_login(citizen)
    case = services.case_draft_start(
        municipality=norderstedt, procedure=procedure_get(KEY), actor=citizen, owner_token="t"
    )
    born = (TODAY - dt.timedelta(days=365 * 10)).strftime("%d.%m.%Y")
    page = nor_client.post(
        f"/anliegen/{KEY}/{case.public_id}/person/", {**applicant(), "birth_date": born}
    ).content.decode()
    assert "Fehler:" in page and "ab 14 Jahren" in page and born in page
    case.refresh_from_db()
    assert "birth_date" not in case.answers


def test_a_certificate_for_an_authority_needs_its_name_address_and_reference(
    norderstedt, citizen, nor_client
):
    case = _draft(norderstedt, citizen, nor_client, kind="O")
    context = services.case_context(case=case)
    empty = AuthorityPage(data={}, context=context)
    assert not empty.is_valid()
    assert set(empty.errors) == {"authority_name", "authority_address", "authority_reference"}
    # Without the page's answers the application is refused on submit, nothing is sent.
    case = services.case_draft_start(
        municipality=norderstedt, procedure=procedure_get(KEY), actor=citizen, owner_token="t"
    )
    _save(case, citizen, "fuer-wen", {"subject": "self"})
    _save(case, citizen, "person", applicant())
    _save(case, citizen, "art", {"kind": "O", "purpose": ""})
    _save(case, citizen, "gebuehr", {"fee_basis": "pay"})
    with pytest.raises(CaseError) as refused:
        _submit(case, citizen)
    assert refused.value.code == "incomplete_answers"
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT and not case.reference


def test_type_p_names_the_local_court_and_n_asks_for_no_authority(norderstedt, citizen, nor_client):
    court = {**AUTHORITY, "court": "Amtsgericht Norderstedt"}
    case = _draft(norderstedt, citizen, nor_client, kind="P", authority=court)
    form = AuthorityPage(data=AUTHORITY, context=services.case_context(case=case))
    assert not form.is_valid() and "Amtsgericht" in " ".join(form.errors["court"])
    private = _draft(norderstedt, citizen, nor_client, kind="N")
    procedure = procedure_get(KEY)
    assert procedure.page("behoerde") not in procedure.active_pages(private.answers)


def test_an_extended_certificate_needs_the_written_request(norderstedt, citizen, nor_client):
    nor_client.force_login(citizen)
    case = services.case_draft_start(
        municipality=norderstedt, procedure=procedure_get(KEY), actor=citizen, owner_token="t"
    )
    _save(case, citizen, "fuer-wen", {"subject": "self"})
    _save(case, citizen, "person", applicant())
    _save(case, citizen, "art", {"kind": "NE", "purpose": ""})
    page = nor_client.post(f"/anliegen/{KEY}/{case.public_id}/anhang-aufforderung/", {})
    assert page.status_code == 200
    assert "schriftliche Aufforderung" in page.content.decode()
    _save(case, citizen, "gebuehr", {"fee_basis": "pay"})
    with pytest.raises(CaseError) as refused:
        _submit(case, citizen)
    assert refused.value.code == "incomplete_answers"
    # With the letter it goes through.
    response = nor_client.post(
        f"/anliegen/{KEY}/{case.public_id}/anhang-aufforderung/",
        {"request_letter": SimpleUploadedFile("aufforderung.pdf", PDF)},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert _submit(case, citizen).status == CaseStatus.AWAITING_PAYMENT


# --- the fee ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "basis", "amount"),
    [
        ("N", "pay", Decimal("13.00")),
        ("OE", "pay", Decimal("13.00")),
        ("EU", "pay", Decimal("17.00")),
        ("N", "volunteer", None),
        ("EU", "reduction", None),
    ],
)
def test_the_fee_is_collected_online_or_not_at_all(
    norderstedt, citizen, nor_client, kind, basis, amount
):
    case = _submit(_draft(norderstedt, citizen, nor_client, kind=kind, basis=basis), citizen)
    payment = payment_for_case(case=case)
    if amount is None:
        assert payment is None and case.status == CaseStatus.SUBMITTED
    else:
        assert payment.amount == amount and case.status == CaseStatus.AWAITING_PAYMENT
        _pay(case)
        assert case.status == CaseStatus.SUBMITTED


def test_the_check_page_says_what_it_costs_and_what_to_bring(norderstedt, citizen, nor_client):
    case = _draft(norderstedt, citizen, nor_client, kind="EU")
    page = nor_client.get(f"/anliegen/{KEY}/{case.public_id}/pruefen/").content.decode()
    assert "17,00 EUR" in page and "Personalausweis oder Reisepass" in page
    reduction = _draft(norderstedt, citizen, nor_client, kind="NE", basis="reduction")
    page = nor_client.get(f"/anliegen/{KEY}/{reduction.public_id}/pruefen/").content.decode()
    assert "Ermäßigung" in page and "Aufforderung" in page


def test_a_minor_applies_themself_and_learns_the_guardians_way(norderstedt, citizen, nor_client):
    """14 to 17: the applicant applies online; a legal guardian may apply instead, preparing it
    with their own eID for their child (§ 30 (1) BZRG) — the check page says so. Adults are told
    nothing of it."""
    minor = _draft(norderstedt, citizen, nor_client, person={"birth_date": born_years_ago(16)})
    page = nor_client.get(f"/anliegen/{KEY}/{minor.public_id}/pruefen/").content.decode()
    assert "Antrag unter 18" in page and "gesetzliche Vertretung" in page
    assert "Online-Ausweisfunktion" in page
    assert _submit(minor, citizen).status == CaseStatus.AWAITING_PAYMENT
    adult = _draft(norderstedt, citizen, nor_client)
    page = nor_client.get(f"/anliegen/{KEY}/{adult.public_id}/pruefen/").content.decode()
    assert "Antrag unter 18" not in page
    eighteen = _draft(norderstedt, citizen, nor_client, person={"birth_date": born_years_ago(18)})
    page = nor_client.get(f"/anliegen/{KEY}/{eighteen.public_id}/pruefen/").content.decode()
    assert "Antrag unter 18" not in page


def test_the_appointment_covers_the_catalogue_service(norderstedt, citizen, nor_client):
    case = _submit(_draft(norderstedt, citizen, nor_client, basis="volunteer"), citizen)
    procedure = procedure_get(KEY)
    assert procedure.appointment_services(services.case_context(case=case)) == [(KEY, 1)]
    page = nor_client.get(f"/anliegen/meine/{case.reference}/").content.decode()
    assert f"/termine/anliegen/{case.reference}/" in page


# --- at the counter: the message to the federal register --------------------------------------
def test_the_clerks_approval_sends_the_application_and_the_demo_connector_confirms(
    norderstedt, citizen, nor_client, django_capture_on_commit_callbacks
):
    case = _submit(_draft(norderstedt, citizen, nor_client, kind="OE"), citizen)
    payment = _pay(case)
    nor_client.logout()
    clerk = staff_create(municipality=norderstedt)
    with django_capture_on_commit_callbacks(execute=True):
        case = _counter_approve(case, clerk, nor_client)
    assert case.status == CaseStatus.APPROVED and case.stage == "sent"
    message = BzrOutboxMessage.objects.get(case=case)
    assert message.status == BzrMessageStatus.WRITTEN
    assert message.transmitted_at is not None and message.transmission_id.startswith("DEMO-")
    assert message.connector.endswith("DemoBzrConnector")
    document = message_parse_valid(message.content.encode())
    ns = {"b": NAMESPACE}
    assert document.findtext("b:antrag/b:belegart", namespaces=ns) == "OE"
    assert document.findtext("b:antrag/b:empfangendeBehoerde/b:aktenzeichen", namespaces=ns) == (
        "JA-2026-17"
    )
    assert document.findtext("b:antrag/b:gebuehr/b:kassenzeichen", namespaces=ns) == (
        payment.kassenzeichen
    )
    assert document.findtext("b:antrag/b:aufforderungErweitert/b:dateiname", namespaces=ns) == (
        "aufforderung.pdf"
    )
    assert document.findtext("b:nachrichtenkopf/b:absender/b:ags", namespaces=ns) == (
        norderstedt.ags
    )
    # The confirmation waits in Huey's schedule (ids only), it does not run at once.
    scheduled = [task for task in HUEY.scheduled() if task.name.endswith("bzr_demo_receipt")]
    assert scheduled and scheduled[-1].kwargs == {"message_id": message.pk}
    # The citizen sees "sent to the federal register".
    nor_client.force_login(citizen)
    page = nor_client.get(f"/anliegen/meine/{case.reference}/").content.decode()
    assert "An das Bundeszentralregister übermittelt" in page
    # The confirmation, when it comes.
    bzr_demo_receipt.call_local(message_id=message.pk)
    message.refresh_from_db()
    case.refresh_from_db()
    assert message.status == BzrMessageStatus.CONFIRMED and message.confirmed_at is not None
    assert case.stage == "confirmed" and case.status == CaseStatus.COMPLETED
    # Confirming twice changes nothing.
    bzr_demo_receipt.call_local(message_id=message.pk)
    assert BzrOutboxMessage.objects.filter(case=case).count() == 1


def test_a_demo_confirmation_that_cannot_be_scheduled_is_made_by_the_periodic_task(
    norderstedt, citizen, nor_client, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    # The task queue's Redis is away at the approval: the approval still answers, the failure is
    # logged, and the periodic task confirms the receipt once it is overdue.
    case = _submit(_draft(norderstedt, citizen, nor_client, kind="N"), citizen)
    _pay(case)
    nor_client.logout()
    clerk = staff_create(municipality=norderstedt)

    def queue_away(*args, **kwargs):
        raise ConnectionError("task queue unreachable")

    monkeypatch.setattr(bzr_demo_receipt, "schedule", queue_away)
    with django_capture_on_commit_callbacks(execute=True):
        case = _counter_approve(case, clerk, nor_client)
    assert case.status == CaseStatus.APPROVED and case.stage == "sent"
    assert "demo register receipt after commit failed" in caplog.text
    message = BzrOutboxMessage.objects.get(case=case)
    assert message.status == BzrMessageStatus.WRITTEN

    # Not yet overdue: nothing happens.
    bzr_demo_receipts_overdue_confirm.call_local()
    message.refresh_from_db()
    assert message.status == BzrMessageStatus.WRITTEN

    BzrOutboxMessage.objects.filter(pk=message.pk).update(
        transmitted_at=timezone.now() - dt.timedelta(minutes=2)
    )
    bzr_demo_receipts_overdue_confirm.call_local()
    message.refresh_from_db()
    case.refresh_from_db()
    assert message.status == BzrMessageStatus.CONFIRMED
    assert case.stage == "confirmed" and case.status == CaseStatus.COMPLETED


@pytest.mark.parametrize(
    ("kind", "basis"),
    [("N", "pay"), ("NE", "volunteer"), ("O", "reduction"), ("P", "pay"), ("EU", "pay")],
)
def test_every_outbox_message_validates_against_its_schema(
    norderstedt, citizen, nor_client, kind, basis
):
    authority = {**AUTHORITY, "court": "Amtsgericht Norderstedt"} if kind == "P" else None
    case = _draft(norderstedt, citizen, nor_client, kind=kind, basis=basis, authority=authority)
    case = _submit(case, citizen)
    if case.status == CaseStatus.AWAITING_PAYMENT:
        _pay(case)
    nor_client.logout()
    _counter_approve(case, staff_create(municipality=norderstedt), nor_client)
    for message in BzrOutboxMessage.objects.all():
        document = etree.fromstring(message.content.encode())
        assert bzr_schema().validate(document), bzr_schema().error_log
    kinds = {
        etree.fromstring(m.content.encode()).findtext(
            f"{{{NAMESPACE}}}antrag/{{{NAMESPACE}}}belegart"
        )
        for m in BzrOutboxMessage.objects.all()
    }
    assert kinds == {kind}


def test_a_message_that_breaks_the_schema_is_refused():
    with pytest.raises(MessageInvalid):
        message_parse_valid(b"<bzr.antrag xmlns='urn:rathaus:xmeld:bzr:antrag'/>")
    with pytest.raises(MessageInvalid):
        message_parse_valid(b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>")


def test_the_stages_are_the_connectors_not_the_clerks(norderstedt, citizen, nor_client):
    case = _submit(_draft(norderstedt, citizen, nor_client, basis="volunteer"), citizen)
    clerk = staff_create(municipality=norderstedt)
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    with pytest.raises(CaseError):
        services.case_stage_set(case=case, to_stage="sent", actor=clerk)
    assert not BzrOutboxMessage.objects.exists()


def test_a_case_waiting_for_the_registers_receipt_cannot_be_completed_by_a_clerk(
    norderstedt, citizen, nor_client
):
    """Approved means "sent to the federal register": only the register's receipt completes
    the case. The back office offers no "mark as completed", and a forged POST is refused."""
    case = _submit(_draft(norderstedt, citizen, nor_client, basis="volunteer"), citizen)
    nor_client.logout()
    clerk = staff_create(municipality=norderstedt)
    case = _counter_approve(case, clerk, nor_client)
    assert case.status == CaseStatus.APPROVED and case.stage == "sent"
    complete_url = f"/verwaltung/faelle/{case.reference}/abschliessen/"
    with translation.override("de"):
        action = str(procedure_get(KEY).decision_words(CaseStatus.COMPLETED).action)
        refusal = str(CaseErrorCode.NOT_BY_HAND.label)
        waiting = str(procedure_get(KEY).waiting_for(status=case.status, stage=case.stage))
    page = nor_client.get(f"/verwaltung/faelle/{case.reference}/").content.decode()
    assert complete_url not in page and action not in page
    assert waiting and waiting in page
    # The confirmation page, reached by its address, says why and offers no button.
    confirm = nor_client.get(complete_url).content.decode()
    assert refusal in confirm and f'<span class="kern-label">{action}</span>' not in confirm
    # A forged POST: refused with the message, nothing changed.
    events = CaseEvent.objects.filter(case=case).count()
    response = nor_client.post(complete_url, {"text": "erledigt"})
    assert response.status_code == 200
    body = response.content.decode()
    assert refusal in body and "<title>Fehler:" in body
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.closed_at is None
    assert CaseEvent.objects.filter(case=case).count() == events
    assert BzrOutboxMessage.objects.get(case=case).status == BzrMessageStatus.WRITTEN
    # The engine refuses it whoever calls it; the register's receipt still completes the case.
    with pytest.raises(CaseError) as refused:
        services.case_decide(case=case, actor=clerk, to_status=CaseStatus.COMPLETED)
    assert refused.value.code == CaseErrorCode.NOT_BY_HAND
    bzr_demo_receipt.call_local(message_id=BzrOutboxMessage.objects.get(case=case).pk)
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED


def test_only_the_moves_of_the_state_are_offered_before_the_counter(
    norderstedt, citizen, nor_client
):
    """Waiting for the counter (submitted, in review): approving is the counter's act, no
    completion is offered; the case page shows only what the state allows."""
    case = _submit(_draft(norderstedt, citizen, nor_client, basis="volunteer"), citizen)
    nor_client.logout()
    clerk = staff_create(municipality=norderstedt)
    login_verified(nor_client, clerk)
    page = nor_client.get(f"/verwaltung/faelle/{case.reference}/").content.decode()
    assert f"/verwaltung/faelle/{case.reference}/abschliessen/" not in page
    assert f"/verwaltung/faelle/{case.reference}/genehmigen/" not in page  # not yet in review
    response = nor_client.post(f"/verwaltung/faelle/{case.reference}/abschliessen/")
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


# --- nobody else ------------------------------------------------------------------------------
def test_the_pages_refuse_the_wrong_citizen_clerk_and_town(
    norderstedt, reinbek, citizen, nor_client, client
):
    draft = _draft(norderstedt, citizen, nor_client, basis="volunteer")
    case = _submit(_draft(norderstedt, citizen, nor_client, basis="volunteer"), citizen)
    urls = [
        f"/anliegen/meine/{case.reference}/",
        f"/termine/anliegen/{case.reference}/",
    ]
    draft_urls = [
        f"/anliegen/{KEY}/{draft.public_id}/person/",
        f"/anliegen/{KEY}/{draft.public_id}/anhang-ehrenamt/",
        f"/anliegen/{KEY}/{draft.public_id}/pruefen/",
    ]
    intruder = user_make("max@example.org", given="Max")
    nor_client.force_login(intruder)
    for url in [*urls, *draft_urls]:
        assert nor_client.get(url).status_code == 404, url
    # A clerk of the other town, on the other town's host, and on this one.
    rei_clerk = staff_create(municipality=reinbek)
    client.defaults["HTTP_HOST"] = "reinbek.localhost"
    login_verified(client, rei_clerk)
    assert client.get(f"/verwaltung/faelle/{case.reference}/").status_code == 404
    assert client.post(f"/verwaltung/faelle/{case.reference}/genehmigen/").status_code == 404
    client.force_login(citizen)
    for url in urls:
        assert client.get(url).status_code == 404, url
    nor_client.logout()
    login_verified(nor_client, rei_clerk)
    assert nor_client.get(f"/verwaltung/faelle/{case.reference}/").status_code in {403, 404}
    assert not BzrOutboxMessage.objects.exists()

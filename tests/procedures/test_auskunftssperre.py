"""Auskunftssperre (§51 BMG): applied for online with reasons and evidence, decided by a clerk,
entered for two years (a renewal follows on), a reminder before it ends to citizen and office;
and while it runs, anyone not entitled learns about the person exactly what they learn about a
person who does not exist."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from rathaus.api import services as api_services
from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.plugin import procedure_get
from rathaus.documents.errors import DocumentError
from rathaus.documents.models import IssuedDocument
from rathaus.notifications.models import QueuedEmail
from rathaus.procedures import tasks
from rathaus.procedures.auskunftssperre.reminders import reminder_send, reminders_due
from rathaus.procedures.auskunftssperre.rules import block_period
from rathaus.register import services as register_services
from rathaus.register.constants import BlockKind, RegisterAction
from rathaus.register.interface import RegisterSource
from rathaus.register.models import Block, RegisterChange
from rathaus.register.selectors import family_for_prefill, has_auskunftssperre, person_match
from tests.accounts.factories import login_verified, staff_create
from tests.api.conftest import ApiClient

from .meldewesen import (
    eid_session,
    eid_user,
    pdf_text,
    register_person,
    submitted,
    verifies_on_pruefen,
)

KEY = "auskunftssperre"
REASONS = "Mein früherer Partner verfolgt mich; es gibt eine Schutzanordnung."


def _apply(town, user):
    return submitted(town, user, KEY, [("gruende", {"reasons": REASONS}), ("anhang-nachweis", {})])


def _approve(case, clerk):
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    return services.case_approve(case=case, actor=clerk)


# --- pure rule ------------------------------------------------------------------------------------
def test_two_years_from_today_or_following_on():
    today = datetime.date(2026, 12, 3)
    assert block_period(today=today, current_until=None) == (today, datetime.date(2028, 12, 2))
    assert block_period(today=today, current_until=datetime.date(2027, 1, 31)) == (
        datetime.date(2027, 2, 1),
        datetime.date(2029, 1, 31),
    )


# --- apply, decide ------------------------------------------------------------------------------
def test_a_clerk_decides_and_approval_sets_the_block_for_two_years(register, erika, client):
    case = _apply(register, erika)
    assert case.status == CaseStatus.SUBMITTED  # never decided by the system
    person = register_person(register, "Erika")
    assert not has_auskunftssperre(person=person)
    clerk = staff_create(municipality=register)
    case, approved = _approve(case, clerk)
    assert approved and case.status == CaseStatus.APPROVED
    block = Block.objects.get(person=person, kind=BlockKind.AUSKUNFTSSPERRE)
    today = timezone.localdate()
    assert block.valid_from == today
    assert block.valid_until == block_period(today=today, current_until=None)[1]
    assert block.reason == REASONS
    change = RegisterChange.objects.get(person=person, action=RegisterAction.BLOCK_SET)
    assert change.case_id == case.pk and change.actor_id == clerk.pk
    document = IssuedDocument.objects.get(case=case)
    text = pdf_text(document)
    assert "Auskunftssperre" in text and block.valid_until.strftime("%d.%m.%Y") in text
    assert "Schutzanordnung" not in text  # never the reasons
    assert verifies_on_pruefen(client, document)
    assert not verifies_on_pruefen(client, document, tamper=True)

    renewal = _apply(register, erika)
    _approve(renewal, clerk)
    second = Block.objects.filter(person=person, kind=BlockKind.AUSKUNFTSSPERRE).last()
    assert second.valid_from == block.valid_until + datetime.timedelta(days=1)


def test_a_clerk_cannot_approve_for_someone_the_register_does_not_know(register, stranger):
    procedure = procedure_get(KEY)
    case = services.case_draft_start(
        municipality=register,
        procedure=procedure,
        actor=stranger,
        owner_token="t",
        trust_level="high",
    )
    errors = procedure.cross_check(
        services.case_context(case=case, actor=stranger, trust_level="high")
    )
    assert errors and errors[0].page == "gruende"  # the journey stops on the page
    # Were it approved anyway, the confirmation refuses to be issued.
    with pytest.raises(DocumentError):
        procedure.document_type("auskunftssperre-bestaetigung").build(case)


# --- reminder -------------------------------------------------------------------------------------
def test_the_renewal_reminder_goes_once_to_citizen_and_office(register, erika):
    clerk = staff_create(municipality=register)
    case = _apply(register, erika)
    _approve(case, clerk)
    block = Block.objects.get(
        kind=BlockKind.AUSKUNFTSSPERRE, person=register_person(register, "Erika")
    )
    today = block.valid_until - datetime.timedelta(days=30)
    assert block.pk in reminders_due(today=today)
    assert block.pk not in reminders_due(today=block.valid_until - datetime.timedelta(days=90))
    QueuedEmail.objects.all().delete()
    assert reminder_send(block_id=block.pk, today=today)
    mails = list(QueuedEmail.objects.all())
    recipients = sorted(mail.recipients[0] for mail in mails)
    assert recipients == sorted([erika.email, register.email])
    for mail in mails:
        assert "Erika" not in mail.body and "Mustermann" not in mail.body
        assert "Schutzanordnung" not in mail.body
    office = next(mail for mail in mails if mail.recipients == [register.email])
    assert case.reference in office.body
    assert not reminder_send(block_id=block.pk, today=today)  # once
    assert block.pk not in reminders_due(today=today)


def test_the_periodic_task_passes_ids_only(register, erika, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks, "reminders_due", lambda *, today: [41, 42])
    monkeypatch.setattr(tasks, "reminder_send", lambda **kwargs: sent.append(kwargs))
    tasks.auskunftssperre_reminders.call_local()
    assert [kwargs["block_id"] for kwargs in sent] == [41, 42]
    assert all(set(kwargs) == {"block_id", "today"} for kwargs in sent)


# --- the neutral answer ---------------------------------------------------------------------------
@pytest.fixture
def hans_blocked(register, erika):
    """Erika's husband Hans under an Auskunftssperre, entered through the procedure's own way
    (the register's service, by a clerk)."""
    hans = register_person(register, "Hans")
    register_services.block_set(
        person=hans,
        kind=BlockKind.AUSKUNFTSSPERRE,
        valid_from=timezone.localdate(),
        reason="Gefährdung",
    )
    return hans


def test_no_answer_about_a_blocked_person_differs_from_a_non_existent_one(
    register, erika, hans_blocked
):
    hans = hans_blocked
    asked = {"municipality": register, "family_name": "Mustermann", "given_names": "Hans"}
    blocked = person_match(**asked, birth_date=hans.birth_date, entitled=False)
    missing = person_match(**asked, birth_date=datetime.date(1901, 1, 1), entitled=False)
    assert blocked is None and missing is None
    assert person_match(**asked, birth_date=hans.birth_date, entitled=True) == hans  # a clerk
    # Pre-fill of the family: Paula, never Hans.
    erika_entry = register_person(register, "Erika")
    assert [p.given_names for _r, p in family_for_prefill(person=erika_entry)] == ["Paula"]
    # Certificates: Erika cannot ask for one about Hans; he is not among the choices.
    draft = services.case_draft_start(
        municipality=register,
        procedure=procedure_get("meldebescheinigung"),
        actor=erika,
        owner_token="t",
        trust_level="high",
    )
    page = procedure_get("meldebescheinigung").page("angaben")
    choices = dict(
        page(context=services.case_context(case=draft, actor=erika)).fields["subject"].choices
    )
    assert str(hans.public_id) not in choices and "Hans" not in json.dumps(choices)
    form = page(
        data={"subject": str(hans.public_id), "kind": "simple", "delivery": "electronic"},
        context=services.case_context(case=draft, actor=erika),
    )
    assert not form.is_valid() and list(form.errors) == ["subject"]


def test_pre_fill_for_hans_himself_still_works(register, hans_blocked):
    user = eid_user(
        "hans@example.org", "Hans", "Mustermann", hans_blocked.birth_date.timetuple()[:3]
    )
    draft = services.case_draft_start(
        municipality=register,
        procedure=procedure_get("meldebescheinigung"),
        actor=user,
        owner_token="t",
        trust_level="high",
    )
    values = RegisterSource().values(
        services.case_context(case=draft, actor=user, trust_level="high")
    )
    assert values["given_names"] == "Hans"  # entitled: his own data


def test_hans_own_certificate_waits_for_a_clerk_and_his_case_is_hidden_elsewhere(
    register, hans_blocked, nor_client, rei_client
):
    user = eid_user(
        "hans@example.org", "Hans", "Mustermann", hans_blocked.birth_date.timetuple()[:3]
    )
    case = submitted(
        register,
        user,
        "meldebescheinigung",
        [("angaben", {"subject": "self", "kind": "simple", "delivery": "electronic"})],
    )
    assert case.status == CaseStatus.SUBMITTED and not IssuedDocument.objects.filter(case=case)
    # Another town's clerk: web back office and API, the same 404 as an invented reference.
    reinbek = case.municipality.__class__.objects.get(slug="reinbek")
    rei_clerk = staff_create(municipality=reinbek)
    login_verified(rei_client, rei_clerk)
    real = rei_client.get(f"/verwaltung/faelle/{case.reference}/")
    invented = rei_client.get("/verwaltung/faelle/NOR-2026-999999/")
    assert real.status_code == invented.status_code == 404
    search = rei_client.get("/verwaltung/", {"q": "Hans Mustermann"})
    assert search.status_code == 200 and case.reference not in search.content.decode()
    _token, clear = api_services.api_token_create(
        municipality=reinbek, name="Fachverfahren", acting_user=rei_clerk, created_by=None
    )
    api = ApiClient("reinbek.localhost", clear)
    real = api.get(f"/cases/{case.reference}")
    invented = api.get("/cases/NOR-2026-999999")
    assert real.status_code == invented.status_code == 404
    assert real.json() == invented.json()
    listed = api.get("/cases", {"name": "Hans Mustermann"})
    assert listed.status_code == 200 and case.reference not in listed.content.decode()


def test_web_journey_and_access(register, erika, nor_client, client):
    eid_session(nor_client, erika)
    response = nor_client.post(f"/anliegen/{KEY}/start/")
    page_url = response["Location"]
    assert page_url.endswith("/gruende/")
    empty = nor_client.post(page_url, {"reasons": ""})
    assert "Fehler:" in empty.content.decode() and "Begründung" in empty.content.decode()
    assert nor_client.post(page_url, {"reasons": REASONS}).status_code == 302
    # The evidence is optional: the page says so and continues without a file.
    evidence_url = page_url.replace("/gruende/", "/anhang-nachweis/")
    evidence = nor_client.get(evidence_url).content.decode()
    assert "optional" in evidence
    assert "„Datei hinzufügen“" not in evidence and "add a file" not in evidence
    without_file = nor_client.post(evidence_url, {})
    assert without_file.status_code == 302
    assert without_file["Location"].endswith("/pruefen/")

"""Übermittlungssperren (§42(3), §50(1), §50(2) BMG): set and revoked online by the registered
person, the register changed at once by the system's decision, a confirmation verifiable on
/pruefen/; the Bundeswehr objection (ended 1 January 2026) is neither offered nor accepted."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rathaus.cases import services
from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.plugin import procedure_get
from rathaus.documents.models import IssuedDocument
from rathaus.procedures.uebermittlungssperren.rules import objection_changes
from rathaus.register import services as register_services
from rathaus.register.constants import BlockKind, RegisterAction, RegisterErrorCode
from rathaus.register.errors import RegisterError
from rathaus.register.models import RegisterChange
from rathaus.register.selectors import blocks_in_force
from rathaus.tenants.models import Municipality
from tests.accounts.factories import login_verified, staff_create
from tests.cases.conftest import user_make

from .meldewesen import (
    drafted,
    eid_session,
    pdf_text,
    register_person,
    submitted,
    verifies_on_pruefen,
)

KEY = "uebermittlungssperren"
PAGE = "widersprueche"


def _in_force(person) -> set[str]:
    return {
        b.objection.key for b in blocks_in_force(person=person, kind=BlockKind.UEBERMITTLUNGSSPERRE)
    }


# --- pure rule ------------------------------------------------------------------------------------
def test_changes_set_and_end_only_what_the_law_offers():
    changes = objection_changes(
        in_force=["jubilaeen", "bundeswehr"],
        wanted=["parteien-wahlen", "bundeswehr"],
        offered=["parteien-wahlen", "jubilaeen"],
    )
    assert changes.to_set == ("parteien-wahlen",) and changes.to_end == ("jubilaeen",)
    assert objection_changes(in_force=["a"], wanted=["a"], offered=["a"]).empty


# --- set and revoke -------------------------------------------------------------------------------
def test_set_then_revoke_changes_the_register_at_once(register, erika, client):
    person = register_person(register, "Erika")
    case = submitted(
        register, erika, KEY, [(PAGE, {"objections": ["parteien-wahlen", "jubilaeen"]})]
    )
    assert case.status == CaseStatus.APPROVED
    event = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert event.actor_role == ActorRole.SYSTEM and event.rule == "own-register-entry"
    assert _in_force(person) == {"parteien-wahlen", "jubilaeen"}
    changes = RegisterChange.objects.filter(
        person=person, action=RegisterAction.BLOCK_SET, case=case
    )
    assert changes.count() == 2
    document = IssuedDocument.objects.get(case=case)
    text = pdf_text(document)
    assert "Erika Mustermann" in text and "§ 50 Abs. 1 BMG" in text and "eingetragen" in text
    assert verifies_on_pruefen(client, document)
    assert not verifies_on_pruefen(client, document, tamper=True)

    # The page offers the register's state: both ticked. Revoke one on the same day.
    draft = drafted(register, erika, KEY, [])
    form = procedure_get(KEY).page(PAGE)(
        initial={}, context=services.case_context(case=draft, actor=erika, trust_level="high")
    )
    assert sorted(form.initial["objections"]) == ["jubilaeen", "parteien-wahlen"]
    second = submitted(register, erika, KEY, [(PAGE, {"objections": ["jubilaeen"]})])
    assert second.status == CaseStatus.APPROVED
    assert _in_force(person) == {"jubilaeen"}  # revoked today: no longer in force today
    assert RegisterChange.objects.filter(
        person=person, action=RegisterAction.BLOCK_ENDED, case=second
    ).exists()
    text = pdf_text(IssuedDocument.objects.get(case=second))
    assert "aufgehoben" in text


def test_the_bundeswehr_objection_is_not_offered_and_refused(register, erika):
    draft = drafted(register, erika, KEY, [])
    page = procedure_get(KEY).page(PAGE)
    context = services.case_context(case=draft, actor=erika, trust_level="high")
    offered = dict(page(context=context).fields["objections"].choices)
    assert "bundeswehr" not in offered and "parteien-wahlen" in offered
    form = page(data={"objections": ["bundeswehr"]}, context=context)
    assert not form.is_valid() and "objections" in form.errors
    # The register refuses it too, whoever asks.
    with pytest.raises(RegisterError) as refused:
        register_services.block_set(
            person=register_person(register, "Erika"),
            kind=BlockKind.UEBERMITTLUNGSSPERRE,
            valid_from=timezone.localdate(),
            objection_key="bundeswehr",
        )
    assert refused.value.code == RegisterErrorCode.OBJECTION_NOT_OFFERED


def test_nothing_changed_or_not_in_the_register_stops_on_the_page(register, erika, stranger):
    case = drafted(register, erika, KEY, [(PAGE, {"objections": []})])
    errors = procedure_get(KEY).cross_check(
        services.case_context(case=case, actor=erika, trust_level="high")
    )
    assert [e.field for e in errors] == ["objections"]
    with pytest.raises(CaseError):
        services.case_submit(
            case=case, actor=erika, idempotency_key=case.idempotency_key, trust_level="high"
        )
    unknown = drafted(register, stranger, KEY, [(PAGE, {"objections": ["jubilaeen"]})])
    errors = procedure_get(KEY).cross_check(
        services.case_context(case=unknown, actor=stranger, trust_level="high")
    )
    assert errors and "Melderegister" in str(errors[0].message)


# --- HTTP: the journey and who may see it ---------------------------------------------------------
def test_web_journey_and_access(register, erika, nor_client, rei_client, client):
    start = nor_client.get(f"/anliegen/{KEY}/start/")
    assert start.status_code == 200  # anonymous: asked to log in
    eid_session(nor_client, erika, level="substantial")
    response = nor_client.post(f"/anliegen/{KEY}/start/")
    assert response.status_code == 302
    page_url = response["Location"]
    assert page_url.endswith(f"/{PAGE}/")
    page = nor_client.get(page_url)
    assert "Bundeswehr" in page.content.decode()  # named in the help text as ended …
    assert 'value="bundeswehr"' not in page.content.decode()  # … but not offered
    bad = nor_client.post(page_url, {"objections": ["bundeswehr"]})
    assert bad.status_code == 200 and "Fehler:" in bad.content.decode()
    nor_client.post(page_url, {"objections": ["parteien-wahlen"]})
    check = nor_client.get(page_url.replace(f"/{PAGE}/", "/pruefen/"))
    case = Case.objects.get(procedure_key=KEY)
    done = nor_client.post(
        page_url.replace(f"/{PAGE}/", "/pruefen/"),
        {"declaration": "on", "idempotency_key": case.idempotency_key},
    )
    assert check.status_code == 200 and done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    mine = f"/anliegen/meine/{case.reference}/"
    assert nor_client.get(mine).status_code == 200
    document = IssuedDocument.objects.get(case=case)
    download = f"{mine}dokumente/{document.public_id}/"
    assert nor_client.get(download).status_code == 200

    # The wrong citizen, a clerk of the town (documents only in the back office), the wrong town.
    other = user_make("other@example.org", given="Olaf", family="Other")
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    client.force_login(other)
    assert client.get(mine).status_code == 404
    assert client.get(download).status_code == 404
    clerk = staff_create(municipality=register)
    login_verified(client, clerk)
    assert client.get(download).status_code == 404
    # The wrong town: Erika's own login on Reinbek's host, Reinbek's clerk in its back office.
    rei_client.force_login(erika)
    assert rei_client.get(mine).status_code == 404
    assert rei_client.get(download).status_code == 404
    assert rei_client.get(f"/pruefen/{document.verification_code}/").status_code == 404
    reinbek = Municipality.objects.get(slug="reinbek")
    rei_clerk = staff_create(municipality=reinbek)
    login_verified(rei_client, rei_clerk)
    assert rei_client.get(f"/verwaltung/faelle/{case.reference}/").status_code == 404


def test_the_confirmation_shows_no_block_of_another_kind(register, erika):
    person = register_person(register, "Erika")
    register_services.block_set(
        person=person,
        kind=BlockKind.AUSKUNFTSSPERRE,
        valid_from=datetime.date(2026, 1, 1),
        reason="Gefährdung",
    )
    case = submitted(register, erika, KEY, [(PAGE, {"objections": ["jubilaeen"]})])
    text = pdf_text(IssuedDocument.objects.get(case=case))
    assert "Auskunftssperre" not in text and "Gefährdung" not in text

"""Abmeldung (§17(2) BMG): only abroad or a secondary residence (moving within Germany stops the
form with an explanation), at the earliest one week before moving out, the new address abroad;
identity by eID (decided by the system when the register matches) or by the alternative proof
of §23(6) BMG (a clerk checks); the register is updated on approval, a confirmation issued."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rathaus.cases import services
from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.models import CaseEvent
from rathaus.cases.plugin import procedure_get
from rathaus.documents.errors import DocumentError
from rathaus.documents.models import IssuedDocument
from rathaus.procedures.abmeldung.rules import too_early
from rathaus.register import services as register_services
from rathaus.register.models import Residence
from rathaus.register.services import Address
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

KEY = "abmeldung"


def _day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).strftime("%d.%m.%Y")


ABROAD = [
    ("grund", {"reason": "abroad"}),
    ("auszug", {"moved_out": _day(3)}),
    ("ausland", {"country": "Dänemark", "foreign_address": "Nørregade 7, 1165 København"}),
]


def _open(person):
    return list(Residence.objects.filter(person=person, moved_out__isnull=True))


def test_too_early_is_more_than_a_week_ahead():
    today = datetime.date(2026, 12, 3)
    assert not too_early(moved_out=datetime.date(2026, 12, 10), today=today)
    assert too_early(moved_out=datetime.date(2026, 12, 11), today=today)
    assert not too_early(moved_out=datetime.date(2026, 11, 20), today=today)  # late: still fine


def test_abroad_with_the_eid_is_decided_at_once(register, erika, client):
    person = register_person(register, "Erika")
    assert len(_open(person)) == 1
    case = submitted(register, erika, KEY, ABROAD)
    assert case.status == CaseStatus.APPROVED
    event = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert event.actor_role == ActorRole.SYSTEM and event.rule == "eid-register-match"
    assert _open(person) == []
    residence = Residence.objects.get(person=person)
    assert residence.moved_out == timezone.localdate() + datetime.timedelta(days=3)
    document = IssuedDocument.objects.get(case=case)
    text = pdf_text(document)
    assert "Erika Mustermann" in text and "Rathausallee 12" in text and "Dänemark" in text
    assert "Paula" not in text  # only the person who deregisters
    assert verifies_on_pruefen(client, document)
    assert not verifies_on_pruefen(client, document, tamper=True)


def test_moving_within_germany_stops_the_form(register, erika):
    draft = drafted(register, erika, KEY, [])
    form = procedure_get(KEY).page("grund")(
        data={"reason": "germany"},
        context=services.case_context(case=draft, actor=erika, trust_level="high"),
    )
    assert not form.is_valid()
    assert (
        "§ 17" in form.errors["reason"][0] and "innerhalb Deutschlands" in form.errors["reason"][0]
    )


def test_not_earlier_than_one_week_before_moving_out(register, erika):
    draft = drafted(register, erika, KEY, [("grund", {"reason": "abroad"})])
    context = services.case_context(case=draft, actor=erika, trust_level="high")
    page = procedure_get(KEY).page("auszug")
    assert not page(data={"moved_out": _day(8)}, context=context).is_valid()
    assert page(data={"moved_out": _day(7)}, context=context).is_valid()
    assert page(data={"moved_out": _day(-20)}, context=context).is_valid()


def test_giving_up_a_secondary_residence_keeps_the_main_one(register, erika):
    person = register_person(register, "Erika")
    secondary = register_services.residence_move_in(
        person=person,
        address=Address(
            street="Ulzburger Straße", house_number="5", postal_code="22850", city="Norderstedt"
        ),
        kind="secondary",
        moved_in=datetime.date(2024, 1, 1),
    )
    case = submitted(
        register,
        erika,
        KEY,
        [
            ("grund", {"reason": "secondary"}),
            ("auszug", {"moved_out": _day(0)}),
            (
                "nebenwohnung",
                {"street": "Ulzburger Str.", "house_number": "5", "postal_code": "22850"},
            ),
        ],
    )
    assert case.status == CaseStatus.APPROVED
    secondary.refresh_from_db()
    assert secondary.moved_out == timezone.localdate()
    assert [r.kind for r in _open(person)] == ["main"]


def test_a_secondary_residence_the_register_does_not_have_goes_to_a_clerk(register, erika):
    case = submitted(
        register,
        erika,
        KEY,
        [
            ("grund", {"reason": "secondary"}),
            ("auszug", {"moved_out": _day(0)}),
            ("nebenwohnung", {"street": "Irgendweg", "house_number": "1", "postal_code": "22850"}),
        ],
    )
    assert case.status == CaseStatus.SUBMITTED
    clerk = staff_create(municipality=register)
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    with pytest.raises(DocumentError):  # the clerk cannot approve what the register lacks
        services.case_approve(case=case, actor=clerk)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW


ALTERNATIVE_IDENTITY = (
    "identitaet",
    {
        "family_name": "Mustermann",
        "given_names": "Erika",
        "birth_date": "12.08.1964",
        "id_serial": "l01x00t47",
    },
)


def test_the_alternative_proof_goes_to_a_clerk_who_approves(register, erika):
    person = register_person(register, "Erika")
    case = submitted(register, erika, KEY, [*ABROAD, ALTERNATIVE_IDENTITY], trust_level="basic")
    assert case.answers["identity"] == "alternative"
    assert case.answers["id_serial"] == "L01X00T47"
    assert case.status == CaseStatus.SUBMITTED and _open(person)
    clerk = staff_create(municipality=register)
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    case, approved = services.case_approve(case=case, actor=clerk)
    assert approved and _open(person) == []
    assert IssuedDocument.objects.filter(case=case).count() == 1


def test_the_alternative_proof_answers_alike_for_blocked_unknown_and_known(register, erika):
    """Before a clerk decides, a person under an Auskunftssperre, an unknown one and a known
    one get the same: submitted, waiting for the clerk."""
    hans = register_person(register, "Hans")
    register_services.block_set(
        person=hans, kind="auskunftssperre", valid_from=timezone.localdate(), reason="x"
    )
    outcomes = []
    for given, birth in [
        ("Hans", "03.05.1962"),
        ("Niemand", "01.01.1990"),
        ("Erika", "12.08.1964"),
    ]:
        user = user_make(f"{given.lower()}@example.org", given=given, family="Mustermann")
        identity = (
            "identitaet",
            {**ALTERNATIVE_IDENTITY[1], "given_names": given, "birth_date": birth},
        )
        case = submitted(register, user, KEY, [*ABROAD, identity], trust_level="basic")
        outcomes.append((case.status, case.stage, IssuedDocument.objects.filter(case=case).count()))
    assert outcomes == [(CaseStatus.SUBMITTED, "", 0)] * 3


def test_bad_serial_number_is_refused_with_a_clear_message(register, erika):
    draft = drafted(register, erika, KEY, ABROAD, trust_level="basic")
    form = procedure_get(KEY).page("identitaet")(
        data={**ALTERNATIVE_IDENTITY[1], "id_serial": "12"},
        context=services.case_context(case=draft, actor=erika, trust_level="basic"),
    )
    assert not form.is_valid() and "L01X00T47" in form.errors["id_serial"][0]


def test_web_access(register, erika, nor_client, rei_client, client):
    case = submitted(register, erika, KEY, ABROAD)
    document = IssuedDocument.objects.get(case=case)
    mine = f"/anliegen/meine/{case.reference}/"
    download = f"{mine}dokumente/{document.public_id}/"
    eid_session(nor_client, erika)
    assert nor_client.get(mine).status_code == 200
    assert nor_client.get(download).status_code == 200
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    client.force_login(user_make("other@example.org", given="Olaf", family="Other"))
    assert client.get(mine).status_code == 404 and client.get(download).status_code == 404
    login_verified(client, staff_create(municipality=register))
    assert client.get(download).status_code == 404
    assert client.get(f"/verwaltung/faelle/{case.reference}/").status_code == 200
    rei_client.force_login(erika)
    assert rei_client.get(mine).status_code == 404
    reinbek = case.municipality.__class__.objects.get(slug="reinbek")
    login_verified(rei_client, staff_create(municipality=reinbek))
    assert rei_client.get(f"/verwaltung/faelle/{case.reference}/").status_code == 404

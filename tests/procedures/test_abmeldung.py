"""Abmeldung (§17(2) BMG): only abroad or a secondary residence (moving within Germany stops the
form with an explanation), at the earliest one week before moving out, the new address abroad;
identity by eID (decided by the system when the register matches) or by the alternative proof
of §23(6) BMG (a clerk checks); the register is updated on approval, a confirmation issued."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone, translation

from rathaus.cases import services
from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import CaseEvent
from rathaus.cases.plugin import procedure_get
from rathaus.documents.errors import DocumentError
from rathaus.documents.models import IssuedDocument
from rathaus.procedures.abmeldung.rules import too_early
from rathaus.register import services as register_services
from rathaus.register.constants import RegisterAction
from rathaus.register.models import RegisterChange, Residence
from rathaus.register.services import Address
from tests.accounts.factories import login_verified, staff_create
from tests.cases.conftest import user_make

from .meldewesen import (
    drafted,
    eid_session,
    eid_user,
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


# Erika lives with her husband and her daughter: with the eID the family page is asked.
ALONE = ("familie", {"family_leaving": []})


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
    case = submitted(register, erika, KEY, [*ABROAD, ALONE])
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
            ALONE,
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
            ALONE,
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
    case = submitted(register, erika, KEY, [*ABROAD, ALONE])
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


# --- Family members moving out in the same request (§17(2), §24 BMG) -----------------------------
def _family_values(context) -> dict[str, str]:
    return dict(
        procedure_get(KEY).page("familie")(context=context).fields["family_leaving"].choices
    )


def _family(*persons) -> tuple[str, dict]:
    values = [f"{'spouse' if p.given_names == 'Hans' else 'child'}:{p.public_id}" for p in persons]
    return ("familie", {"family_leaving": values})


def test_the_family_page_offers_spouse_and_children_never_a_blocked_person(register, erika):
    hans, paula = register_person(register, "Hans"), register_person(register, "Paula")
    draft = drafted(register, erika, KEY, ABROAD)
    assert draft.answers["register_family"] == "yes"
    assert procedure_get(KEY).page("familie") in procedure_get(KEY).active_pages(draft.answers)
    context = services.case_context(case=draft, actor=erika, trust_level="high")
    labels = list(_family_values(context).values())
    assert any(label.startswith("Hans Mustermann, 03.05.1962") for label in labels)
    assert any(label.startswith("Paula Mustermann") for label in labels)
    register_services.block_set(
        person=hans, kind="auskunftssperre", valid_from=timezone.localdate(), reason="x"
    )
    values = _family_values(context)
    assert list(values) == [f"child:{paula.public_id}"]
    assert not any("Hans" in label for label in values.values())


def test_without_the_eid_or_a_register_match_no_family_page(register, erika, stranger):
    for user, trust, pages in [
        (erika, "basic", [*ABROAD, ALTERNATIVE_IDENTITY]),
        (stranger, "high", ABROAD),
    ]:
        draft = drafted(register, user, KEY, pages, trust_level=trust)
        assert draft.answers["register_family"] == ""
        assert procedure_get(KEY).page("familie") not in procedure_get(KEY).active_pages(
            draft.answers
        )
        context = services.case_context(case=draft, actor=user, trust_level=trust)
        assert _family_values(context) == {}


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_forged_or_blocked_family_id_is_refused_with_a_clear_message(register, erika, language):
    hans, paula = register_person(register, "Hans"), register_person(register, "Paula")
    register_services.block_set(
        person=hans, kind="auskunftssperre", valid_from=timezone.localdate(), reason="x"
    )
    draft = drafted(register, erika, KEY, ABROAD)
    context = services.case_context(case=draft, actor=erika, trust_level="high")
    page = procedure_get(KEY).page("familie")
    expected = {
        "de": "Wählen Sie nur Familienangehörige aus der Liste aus",
        "en": "Select only family members from the list",
    }[language]
    stranger = register_person(register, "Erika")  # not her own family member
    for forged in [
        f"spouse:{hans.public_id}",  # under an Auskunftssperre: never offered
        f"child:{stranger.public_id}",
        f"child:{uuid.uuid4()}",
        f"spouse:{paula.public_id}",  # offered, but not as this relation
    ]:
        with translation.override(language):
            form = page(data={"family_leaving": [forged]}, context=context)
            assert not form.is_valid()
            message = " ".join(form.errors["family_leaving"])
        assert expected in message and forged not in message


def test_abroad_with_the_family_ends_their_residences_with_the_case(register, erika, client):
    erika_p = register_person(register, "Erika")
    hans, paula = register_person(register, "Hans"), register_person(register, "Paula")
    case = submitted(register, erika, KEY, [*ABROAD, _family(hans, paula)])
    assert case.status == CaseStatus.APPROVED
    event = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert event.actor_role == ActorRole.SYSTEM and event.rule == "eid-register-match"
    moved_out = timezone.localdate() + datetime.timedelta(days=3)
    for person in (erika_p, hans, paula):
        assert _open(person) == []
        ended = Residence.objects.filter(person=person, moved_out__isnull=False)
        assert ended and all(r.moved_out == moved_out for r in ended)
        change = RegisterChange.objects.get(person=person, case=case)
        assert change.action == RegisterAction.MOVED_OUT
    document = IssuedDocument.objects.get(case=case)
    text = pdf_text(document)
    assert "Erika Mustermann" in text and "Dänemark" in text
    assert "Hans Mustermann, 03.05.1962" in text and "Paula Mustermann" in text
    assert "Ebenfalls abgemeldet" in text
    assert verifies_on_pruefen(client, document)


def test_a_family_member_ticked_alone_is_not_a_reason_to_deregister_the_others(register, erika):
    hans, paula = register_person(register, "Hans"), register_person(register, "Paula")
    case = submitted(register, erika, KEY, [*ABROAD, _family(paula)])
    assert case.status == CaseStatus.APPROVED
    assert _open(hans) and _open(paula) == []
    assert "Hans" not in pdf_text(IssuedDocument.objects.get(case=case))


def test_a_secondary_residence_only_where_the_member_has_it_and_then_a_clerk(register, erika):
    erika_p = register_person(register, "Erika")
    hans, paula = register_person(register, "Hans"), register_person(register, "Paula")
    address = Address(
        street="Ulzburger Straße", house_number="5", postal_code="22850", city="Norderstedt"
    )
    for person in (erika_p, hans):
        register_services.residence_move_in(
            person=person, address=address, kind="secondary", moved_in=datetime.date(2024, 1, 1)
        )
    pages = [
        ("grund", {"reason": "secondary"}),
        ("auszug", {"moved_out": _day(0)}),
        ("nebenwohnung", {"street": "Ulzburger Str.", "house_number": "5", "postal_code": "22850"}),
    ]
    # Hans has it: everything matches, the system decides.
    case = submitted(register, erika, KEY, [*pages, _family(hans)])
    assert case.status == CaseStatus.APPROVED
    assert [r.kind for r in _open(erika_p)] == ["main"] and [r.kind for r in _open(hans)] == [
        "main"
    ]
    # Paula has none there: a clerk decides; approving ends what exists, and her main
    # residence stays.
    for person in (erika_p, hans):
        register_services.residence_move_in(
            person=person, address=address, kind="secondary", moved_in=datetime.date(2025, 1, 1)
        )
    case = submitted(register, erika, KEY, [*pages, _family(hans, paula)])
    assert case.status == CaseStatus.SUBMITTED
    clerk = staff_create(municipality=register)
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    case, approved = services.case_approve(case=case, actor=clerk)
    assert approved
    assert [r.kind for r in _open(hans)] == ["main"] and [r.kind for r in _open(paula)] == ["main"]
    assert not RegisterChange.objects.filter(person=paula, case=case).exists()
    assert RegisterChange.objects.filter(person=hans, case=case, actor=clerk).exists()
    text = pdf_text(IssuedDocument.objects.get(case=case))
    assert "Hans Mustermann" in text and "Paula" not in text


def test_a_member_under_an_auskunftssperre_since_leaves_the_decision_to_a_clerk(register, erika):
    hans, paula = register_person(register, "Hans"), register_person(register, "Paula")
    draft = drafted(register, erika, KEY, [*ABROAD, _family(hans, paula)])
    register_services.block_set(
        person=hans, kind="auskunftssperre", valid_from=timezone.localdate(), reason="x"
    )
    context = services.case_context(case=draft, actor=erika, trust_level="high")
    assert procedure_get(KEY).decide(context) is None
    # Nor does it submit as it stands: the family page no longer validates.
    with pytest.raises(CaseError):
        services.case_submit(
            case=draft, actor=erika, idempotency_key=draft.idempotency_key, trust_level="high"
        )
    assert _open(hans) and _open(paula)


def test_the_check_page_names_the_family(register, erika, nor_client):
    hans = register_person(register, "Hans")
    draft = drafted(register, erika, KEY, [*ABROAD, _family(hans)])
    eid_session(nor_client, erika)
    page = nor_client.get(f"/anliegen/{KEY}/{draft.public_id}/pruefen/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Hans Mustermann, 03.05.1962" in body and "Paula" not in body
    assert str(hans.public_id) not in body
    assert "register_family" not in body
    assert ">None<" not in body  # the hidden answers (how identified, family offered) are no rows


def test_web_access_with_the_family(register, erika, nor_client, rei_client, client):
    hans, paula = register_person(register, "Hans"), register_person(register, "Paula")
    case = submitted(register, erika, KEY, [*ABROAD, _family(hans, paula)])
    document = IssuedDocument.objects.get(case=case)
    mine = f"/anliegen/meine/{case.reference}/"
    download = f"{mine}dokumente/{document.public_id}/"
    eid_session(nor_client, erika)
    assert nor_client.get(mine).status_code == 200
    assert nor_client.get(download).status_code == 200
    # Hans is deregistered by the case, but it is Erika's: he does not see it.
    hans_account = eid_user("hans.mustermann@example.org", "Hans", "Mustermann", (1962, 5, 3))
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    for other in (hans_account, user_make("other@example.org", given="Olaf", family="Other")):
        eid_session(client, other)
        assert client.get(mine).status_code == 404 and client.get(download).status_code == 404
    login_verified(client, staff_create(municipality=register))
    assert client.get(download).status_code == 404
    assert client.get(f"/verwaltung/faelle/{case.reference}/").status_code == 200
    rei_client.force_login(erika)
    assert rei_client.get(mine).status_code == 404
    reinbek = case.municipality.__class__.objects.get(slug="reinbek")
    login_verified(rei_client, staff_create(municipality=reinbek))
    assert rei_client.get(f"/verwaltung/faelle/{case.reference}/").status_code == 404

"""Wohnungsgeberbestätigung by a landlord organisation's member (§19(1) sentence 2 BMG): logged in
with password and second factor, the member confirms in the organisation's name, the system takes
it by rule ``landlord-organisation``, the PDF names the organisation and the member and verifies on
/pruefen/, and its code serves an Anmeldung. Whoever the organisation does not (or no longer)
authorise here, or who lacks the second factor, is refused with the reason."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from rathaus.accounts.services import landlord_member_active_set
from rathaus.cases import services
from rathaus.cases.constants import ActorRole, CaseErrorCode, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.plugin import procedure_get
from rathaus.documents.models import IssuedDocument
from rathaus.register.selectors import assignment_code_for_case
from tests.accounts.factories import (
    as_verified,
    citizen_create,
    landlord_member_create,
    landlord_organisation_create,
    login_verified,
)

from .anmeldung_helpers import anmeldung_pages, draft, fill, person, submit, today_de
from .meldewesen import pdf_text, verifies_on_pruefen

KEY = "wohnungsgeberbestaetigung"
DWELLING = {
    "street": "Ohechaussee",
    "house_number": "17",
    "postal_code": "22848",
    "moved_in": None,
}
TENANTS = [
    {"given_names": "Max", "family_name": "Mustermann"},
    {"given_names": "Sophie", "family_name": "Mustermann"},
]
FAMILY = [
    {
        "given_names": "Sophie",
        "family_name": "Mustermann",
        "birth_date": "02.02.2003",
        "sex": "w",
        "relation": "spouse",
        "nationality": "deutsch",
        "religion": "ev",
    }
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def wohnbau(register):
    return landlord_organisation_create(
        municipality=register,
        name="Wohnbau Norderstedt GmbH",
        street="Rathausallee 50",
        postal_code="22846",
        city="Norderstedt",
        register_number="Amtsgericht Kiel HRB 4711 KI",
    )


@pytest.fixture
def member(wohnbau):
    return as_verified(landlord_member_create(organisation=wohnbau, email="vermietung@wb.example"))


def _start(town, user, trust_level="basic"):
    return services.case_draft_start(
        municipality=town,
        procedure=procedure_get(KEY),
        actor=user,
        owner_token="t",
        trust_level=trust_level,
    )


def _save(case, user, slug, data, trust_level="basic"):
    procedure = procedure_get(KEY)
    page = procedure.page(slug)
    context = services.case_context(case=case, actor=user, trust_level=trust_level)
    if slug == "personen":
        for item in data:
            form = page.item_form(data=item)
            assert form.is_valid(), form.errors
            services.case_group_item_save(
                case=case, page=page, index=None, cleaned_data=form.cleaned_data, actor=user
            )
        return
    form = page(data=data, context=context)
    assert form.is_valid(), form.errors
    services.case_draft_answers_save(
        case=case, page=page, cleaned_data=form.cleaned_data, actor=user
    )


def _confirm_as_member(town, user, *, landlord=None, submit_it=True):
    case = _start(town, user)
    _save(case, user, "wohnungsgeber", landlord or {"owner_differs": "no"})
    _save(case, user, "wohnung", {**DWELLING, "moved_in": today_de()})
    _save(case, user, "personen", TENANTS)
    if not submit_it:
        return case
    case, _created = services.case_submit(
        case=case, actor=user, idempotency_key=case.idempotency_key, trust_level="basic"
    )
    return case


def test_the_member_confirms_in_the_organisations_name(register, wohnbau, member, nor_client):
    case = _confirm_as_member(register, member)
    assert case.status == CaseStatus.APPROVED
    decision = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert decision.actor_role == ActorRole.SYSTEM and decision.rule == "landlord-organisation"
    # The case names the organisation as landlord, the member as who confirmed for it.
    assert case.applicant_name == "Wohnbau Norderstedt GmbH" and case.applicant == member
    answers = case.answers
    assert answers["organisation"] == wohnbau.pk and answers["role"] == "authorised"
    assert answers["landlord_address"] == "Rathausallee 50, 22846 Norderstedt"
    assert answers["confirmed_by"] == "Wiebke Hansen"
    document = IssuedDocument.objects.get(case=case)
    text = pdf_text(document)
    assert "Wohnbau Norderstedt GmbH, Rathausallee 50, 22846 Norderstedt" in text
    assert "Im Namen des Wohnungsgebers bestätigt von Wiebke Hansen" in text  # documents: German
    assert "Ohechaussee 17" in text and "Sophie Mustermann" in text
    assert verifies_on_pruefen(nor_client, document)


def test_the_organisations_code_serves_an_anmeldung(register, member):
    landlord_case = _confirm_as_member(register, member)
    code = assignment_code_for_case(case=landlord_case).code
    max_ = person("max.mustermann@example.org", "Max", "Mustermann", datetime.date(2004, 3, 1))
    case = draft(register, max_, "anmeldung")
    assert fill(case, max_, anmeldung_pages(movers=FAMILY, code=code)) is None
    case = submit(case, max_)
    assert case.status == CaseStatus.APPROVED
    decision = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert decision.rule == "landlord-code-exact"


def test_what_the_member_types_for_the_landlord_is_ignored(register, member):
    case = _confirm_as_member(
        register,
        member,
        landlord={
            "owner_differs": "no",
            "role": "landlord",
            "landlord_name": "Jemand Anderes",
            "landlord_address": "Irgendwo 1",
            "organisation": "999",
            "confirmed_by": "Niemand",
        },
    )
    assert case.applicant_name == "Wohnbau Norderstedt GmbH"
    assert case.answers["confirmed_by"] == "Wiebke Hansen"
    assert case.answers["role"] == "authorised"


def test_a_landlord_with_the_eid_confirms_in_their_own_name_as_before(register):
    leyla = person("leyla.yilmaz@example.org", "Leyla", "Yılmaz", datetime.date(1991, 11, 23))
    case = draft(register, leyla, KEY)
    landlord = {
        "role": "landlord",
        "landlord_name": "Leyla Yılmaz",
        "landlord_address": "Ulzburger Straße 210, 22850 Norderstedt",
        "owner_differs": "no",
    }
    pages = [("wohnungsgeber", landlord), ("wohnung", {**DWELLING, "moved_in": today_de()})]
    pages.append(("personen", [{"given_names": "Max", "family_name": "Mustermann"}]))
    assert fill(case, leyla, pages) is None
    case = submit(case, leyla)
    assert case.status == CaseStatus.APPROVED and case.answers["organisation"] is None
    assert CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED).rule == (
        "landlord-identified"
    )
    assert "Im Namen des Wohnungsgebers" not in pdf_text(IssuedDocument.objects.get(case=case))


def _refusal(town, user) -> CaseError:
    with pytest.raises(CaseError) as caught:
        _start(town, user)
    return caught.value


def test_a_member_without_the_second_factor_is_refused(register, wohnbau):
    member = landlord_member_create(organisation=wohnbau)  # password only this session
    error = _refusal(register, member)
    assert error.code == CaseErrorCode.ACCESS_REFUSED
    assert error.details["reason"] == "second_factor_missing"
    assert "authenticator app" in error.message and "online ID card" in error.message


def test_a_removed_member_is_refused(register, member):
    landlord_member_active_set(
        membership=member.landlord_memberships.get(), active=False, actor=None
    )
    error = _refusal(register, member)
    assert error.code == CaseErrorCode.ACCESS_REFUSED and error.details["reason"] == "removed"


def test_a_member_of_a_deactivated_organisation_is_refused(register, wohnbau, member):
    wohnbau.is_active = False
    wohnbau.save()
    error = _refusal(register, member)
    assert error.details["reason"] == "organisation_inactive"


def test_a_member_of_another_towns_organisation_is_refused(register, towns):
    reinbek_company = landlord_organisation_create(municipality=towns[1], city="Reinbek")
    member = as_verified(landlord_member_create(organisation=reinbek_company))
    error = _refusal(register, member)
    assert error.details["reason"] == "other_municipality"
    assert not Case.objects.exists()


def test_a_citizen_without_eid_still_hears_the_trust_level(register):
    citizen = citizen_create(email="nobody@example.org")
    assert _refusal(register, citizen).code == CaseErrorCode.TRUST_LEVEL_TOO_LOW


def test_a_member_removed_before_submitting_cannot_submit(register, member):
    case = _confirm_as_member(register, member, submit_it=False)
    landlord_member_active_set(
        membership=member.landlord_memberships.get(), active=False, actor=None
    )
    with pytest.raises(CaseError) as caught:
        services.case_submit(
            case=case, actor=member, idempotency_key=case.idempotency_key, trust_level="basic"
        )
    assert caught.value.code == CaseErrorCode.ACCESS_REFUSED
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT and not case.reference


# --- over HTTP ---------------------------------------------------------------------------------
START = "/anliegen/wohnungsgeberbestaetigung/start/"


def test_the_start_page_tells_a_member_without_code_why_and_offers_the_eid(
    nor_client, register, wohnbau
):
    member = landlord_member_create(organisation=wohnbau)
    nor_client.force_login(member)  # password only
    with translation.override("de"):
        page = nor_client.get(START, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Authenticator-App" in page
    assert "/konto/identifizieren/" in page


def test_the_landlord_page_shows_the_organisation(nor_client, register, wohnbau, member):
    login_verified(nor_client, member)
    response = nor_client.post(START)
    assert response.status_code == 302
    page = nor_client.get(response["Location"]).content.decode()
    assert "Wohnbau Norderstedt GmbH" in page and "Amtsgericht Kiel HRB 4711 KI" in page
    assert 'name="landlord_name"' not in page and 'name="role"' not in page


def test_another_town_does_not_admit_the_member(rei_client, register, wohnbau, member):
    login_verified(rei_client, member)
    response = rei_client.post(START)
    assert response.status_code in (200, 404)  # refused, or the town does not offer it
    assert not Case.objects.exists()

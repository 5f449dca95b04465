"""The procedure API, exercised by a procedure built for the tests (``family_pass``): every
hook inside the engine's transaction, a repeating group, a cross-page rule, a system decision
recorded with its rule, stages with their own transition table, a contributed document that
shows only what its builder chooses, and the engine's one check of the town's offer and the
catalogue's trust level — in the web journey and in the API."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdf
import pytest
from django.utils import translation

from rathaus.cases import selectors, services
from rathaus.cases.constants import ActorRole, CaseErrorCode, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import Case, CaseEvent
from rathaus.cases.plugin import procedure_get
from rathaus.catalogue.models import MunicipalityService
from rathaus.core.storage import encrypted_file_read
from rathaus.documents.models import IssuedDocument
from rathaus.payments import services as payment_services
from tests.api.conftest import NOR_HOST, ApiClient
from tests.cases.conftest import user_make

from .family_pass import HOOK_CALLS, KEY, FamilyPass, MembersPage, family_pass_offer

ADULT = {"name": "Erika Mustermann", "birth_date": "1980-02-01", "relation": "parent"}
CHILD = {"name": "Mia Mustermann", "birth_date": "2016-05-04", "relation": "child"}


@pytest.fixture(autouse=True)
def family_pass(procedure_registry, norderstedt, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    procedure_registry.add(FamilyPass)
    family_pass_offer(norderstedt)
    HOOK_CALLS.clear()
    return procedure_get(KEY)


@pytest.fixture
def citizen(db):
    return user_make("erika@example.org")


@pytest.fixture
def clerk(norderstedt):
    return user_make("clerk@norderstedt.example", given="Clara", staff_of=norderstedt)


def _draft(municipality, actor, members, *, valid_from="2027-01-01", token="t"):
    procedure = procedure_get(KEY)
    case = services.case_draft_start(
        municipality=municipality, procedure=procedure, actor=actor, owner_token=token
    )
    applicant = procedure.page("antragsteller")
    services.case_draft_answers_save(
        case=case,
        page=applicant,
        cleaned_data={"applicant_name": "Erika Mustermann", "email": "erika@example.org"},
        actor=actor,
    )
    for member in members:
        form = MembersPage.item_form(data=member)
        assert form.is_valid(), form.errors
        services.case_group_item_save(
            case=case, page=MembersPage, index=None, cleaned_data=form.cleaned_data, actor=actor
        )
    services.case_draft_answers_save(
        case=case, page=MembersPage, cleaned_data={"members": case.answers["members"]}, actor=actor
    )
    form = procedure.page("beginn")(data={"valid_from": "01.01.2027"})
    assert form.is_valid()
    services.case_draft_answers_save(
        case=case, page=procedure.page("beginn"), cleaned_data=form.cleaned_data, actor=actor
    )
    return case


def _submit(case, actor):
    case, _created = services.case_submit(
        case=case, actor=actor, idempotency_key=case.idempotency_key
    )
    return case


def test_a_logged_in_family_of_two_is_approved_by_the_system_with_its_rule(norderstedt, citizen):
    case = _submit(_draft(norderstedt, citizen, [ADULT, CHILD]), citizen)
    assert case.status == CaseStatus.APPROVED  # the object the engine returns says so too
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    decision = CaseEvent.objects.get(
        case=case, from_status=CaseStatus.SUBMITTED, to_status=CaseStatus.APPROVED
    )
    assert decision.actor_role == ActorRole.SYSTEM and decision.actor is None
    assert decision.rule == "familienpass-bis-vier-personen"
    # The hooks ran inside the engine's transaction, in order; the approval hook set a stage.
    assert [("submitted", case.reference), ("approved", case.reference)] == HOOK_CALLS
    assert case.stage == "printed"
    with translation.override("de"):
        timeline = [entry.label for entry in selectors.case_timeline(case=case)]
    assert timeline == ["eingereicht", "bewilligt", "Pass gedruckt"]
    assert IssuedDocument.objects.get(case=case).document_type == "familienpass"


def test_the_document_shows_only_what_its_builder_chose_and_verifies(norderstedt, citizen, client):
    case = _submit(_draft(norderstedt, citizen, [ADULT, CHILD]), citizen)
    document = IssuedDocument.objects.get(case=case)
    pdf = encrypted_file_read(document.storage_name)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Familienpass" in text and "Mia Mustermann" in text and "01.01.2027" in text
    # Never the raw answers: no birth dates, no e-mail address.
    assert "2016" not in text and "04.05.2016" not in text and "erika@example.org" not in text
    response = client.get(
        f"/pruefen/{document.verification_code}/", HTTP_HOST="norderstedt.localhost"
    )
    assert response.status_code == 200 and "Familienpass" in response.content.decode()
    upload = io.BytesIO(pdf)
    upload.name = "pass.pdf"
    response = client.post(
        f"/pruefen/{document.verification_code}/",
        {"document": upload},
        HTTP_HOST="norderstedt.localhost",
    )
    assert "kern-alert--success" in response.content.decode()


def test_anonymous_applications_wait_for_a_clerk_who_may_reject(norderstedt, clerk):
    from django.contrib.auth.models import AnonymousUser

    case = _submit(_draft(norderstedt, AnonymousUser(), [ADULT, CHILD]), AnonymousUser())
    assert case.status == CaseStatus.SUBMITTED  # no rule decided it
    services.case_transition(case=case, to_status=CaseStatus.REJECTED, actor=clerk, reason="Nein")
    assert [("submitted", case.reference), ("rejected", case.reference)] == HOOK_CALLS


def test_withdrawing_runs_its_hook(norderstedt, citizen):
    members = [ADULT, CHILD, dict(CHILD, name="Ben"), dict(CHILD, name="Lea"), dict(ADULT)]
    case = _submit(_draft(norderstedt, citizen, members), citizen)
    assert case.status == CaseStatus.SUBMITTED  # five persons: a clerk decides
    services.case_withdraw(case=case, actor=citizen)
    assert [("submitted", case.reference), ("withdrawn", case.reference)] == HOOK_CALLS


def test_a_fee_holds_the_case_until_paid_then_the_paid_hook_and_the_rule_run(norderstedt, citizen):
    MunicipalityService.objects.filter(service__slug="familienpass-test").update(
        fee_override={"kind": "fixed", "amount": "5.00"}
    )
    case = _submit(_draft(norderstedt, citizen, [ADULT, CHILD]), citizen)
    assert case.status == CaseStatus.AWAITING_PAYMENT
    assert case.payment.amount == Decimal("5.00")
    clerk = user_make("kasse@norderstedt.example", given="Kim", staff_of=norderstedt)
    payment_services.payment_fee_waive(payment=case.payment, actor=clerk, reason="Härtefall")
    case.refresh_from_db()
    assert [hook for hook, _ref in HOOK_CALLS] == ["submitted", "paid", "approved"]
    assert case.status == CaseStatus.APPROVED


def test_the_cross_page_rule_stops_the_submission_with_the_page_to_change(norderstedt, citizen):
    case = _draft(norderstedt, citizen, [ADULT])
    with pytest.raises(CaseError) as refused:
        _submit(case, citizen)
    assert refused.value.code == CaseErrorCode.ANSWERS_INVALID
    assert refused.value.details["errors"][0]["page"] == "familie"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DRAFT
    assert HOOK_CALLS == []


def test_a_repeating_group_keeps_its_limits(norderstedt, citizen):
    case = _draft(norderstedt, citizen, [ADULT] * 6)
    with pytest.raises(CaseError) as full:
        services.case_group_item_save(
            case=case, page=MembersPage, index=None, cleaned_data=dict(CHILD), actor=citizen
        )
    assert full.value.code == CaseErrorCode.GROUP_FULL
    for _ in range(6):
        services.case_group_item_remove(case=case, page=MembersPage, index=0, actor=citizen)
    assert not MembersPage.is_answered(case.answers)  # at least one person
    with pytest.raises(CaseError) as missing:
        services.case_group_item_remove(case=case, page=MembersPage, index=0, actor=citizen)
    assert missing.value.code == CaseErrorCode.NOT_FOUND


def test_stages_follow_the_procedures_table(norderstedt, citizen, clerk):
    members = [ADULT, CHILD, dict(CHILD, name="Ben"), dict(CHILD, name="Lea"), dict(ADULT)]
    draft = _draft(norderstedt, citizen, members)
    with pytest.raises(CaseError) as on_draft:
        services.case_stage_set(case=draft, to_stage="printed", actor=clerk)
    assert on_draft.value.code == CaseErrorCode.STAGE_NOT_ALLOWED
    case = _submit(draft, citizen)
    for to_stage, actor, code in [
        ("sent", clerk, CaseErrorCode.STAGE_NOT_ALLOWED),  # not before "printed"
        ("printed", citizen, CaseErrorCode.ACTOR_NOT_PERMITTED),
        ("lost", clerk, CaseErrorCode.STAGE_NOT_ALLOWED),  # no such stage
    ]:
        with pytest.raises(CaseError) as refused:
            services.case_stage_set(case=case, to_stage=to_stage, actor=actor)
        assert refused.value.code == code
    services.case_stage_set(case=case, to_stage="printed", actor=clerk)
    services.case_stage_set(case=case, to_stage="sent", actor=clerk, reason="Per Post")
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.from_stage, event.to_stage, event.actor) == ("printed", "sent", clerk)
    assert selectors.case_list_for_staff(actor=clerk, municipality=norderstedt, stage="sent")[
        0
    ] == Case.objects.get(pk=case.pk)


def test_the_account_prefills_the_applicant_page_until_the_citizen_saves_it(
    nor_client, norderstedt, citizen
):
    nor_client.force_login(citizen)
    response = nor_client.post(f"/anliegen/{KEY}/start/")
    case = Case.objects.get()
    assert response.status_code == 302
    page = nor_client.get(f"/anliegen/{KEY}/{case.public_id}/antragsteller/").content.decode()
    assert 'value="Erika Mustermann"' in page and 'value="erika@example.org"' in page
    assert "Ihrem Benutzerkonto" in page
    case.refresh_from_db()
    assert case.answers == {}  # offered, not stored: the citizen confirms by saving the page


# --- the engine's one check of offer and trust level: web and API -------------------------------
def test_web_start_of_a_service_the_town_switched_off_is_404_and_creates_nothing(
    nor_client, norderstedt
):
    MunicipalityService.objects.filter(service__slug="allgemeines-anliegen").update(
        is_enabled=False
    )
    assert nor_client.get("/anliegen/allgemeines-anliegen/start/").status_code == 404
    assert nor_client.post("/anliegen/allgemeines-anliegen/start/").status_code == 404
    assert not Case.objects.exists()


def test_web_start_needs_the_catalogues_trust_level(nor_client, norderstedt, citizen):
    from rathaus.catalogue.models import Service

    Service.objects.filter(slug="familienpass-test").update(trust_level="high")
    nor_client.force_login(citizen)  # a password login: no identity proof
    response = nor_client.post(f"/anliegen/{KEY}/start/")
    assert response.status_code == 200
    assert not Case.objects.exists()


@pytest.fixture
def api(norderstedt, clerk):
    from rathaus.api import services as api_services

    _token, raw = api_services.api_token_create(
        municipality=norderstedt, name="Fachverfahren", acting_user=clerk, created_by=None
    )
    return ApiClient(NOR_HOST, raw)


def _record_body(**overrides):
    body = {
        "procedure": KEY,
        "answers": {
            "applicant_name": "Erika Mustermann",
            "email": "erika@example.org",
            "members": [
                {"name": "Erika Mustermann", "birth_date": "01.02.1980", "relation": "parent"},
                {"name": "Mia Mustermann", "birth_date": "04.05.2016", "relation": "child"},
            ],
            "valid_from": "01.01.2027",
        },
        "identity_trust_level": "high",
    }
    body.update(overrides)
    return body


def test_api_records_a_counter_application_through_the_same_checks(api, norderstedt):
    response = api.post("/cases", _record_body())
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"  # recorded by staff: no rule decides
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.channel == "counter" and case.status == CaseStatus.SUBMITTED
    assert case.answers["members"][1]["birth_date"] == "2016-05-04"
    assert [("submitted", case.reference)] == HOOK_CALLS

    invalid = _record_body()
    invalid["answers"]["members"][1]["birth_date"] = "gestern"
    response = api.post("/cases", invalid)
    assert response.status_code == 422 and response.json()["code"] == "answers_invalid"
    assert response.json()["details"]["errors"][0]["field"] == "members.1.birth_date"

    no_child = _record_body()
    no_child["answers"]["members"] = no_child["answers"]["members"][:1]
    response = api.post("/cases", no_child)
    assert response.status_code == 422
    assert response.json()["details"]["errors"][0]["page"] == "familie"
    assert Case.objects.count() == 1


def test_api_refuses_a_service_the_town_switched_off(api, norderstedt):
    MunicipalityService.objects.filter(service__slug="familienpass-test").update(is_enabled=False)
    response = api.post("/cases", _record_body())
    assert response.status_code == 404 and response.json()["code"] == "service_not_offered"
    assert not Case.objects.exists()


def test_api_refuses_a_weaker_identity_than_the_service_needs(api, norderstedt):
    from rathaus.catalogue.models import Service

    Service.objects.filter(slug="familienpass-test").update(trust_level="high")
    response = api.post("/cases", _record_body(identity_trust_level="substantial"))
    assert response.status_code == 403 and response.json()["code"] == "trust_level_too_low"
    assert not Case.objects.exists()
    assert api.post("/cases", _record_body()).status_code == 201


def test_api_stage_moves_follow_the_table_and_the_town(api, norderstedt, reinbek, citizen):
    members = [ADULT, CHILD, dict(CHILD, name="Ben"), dict(CHILD, name="Lea"), dict(ADULT)]
    case = _submit(_draft(norderstedt, citizen, members), citizen)
    response = api.post(f"/cases/{case.reference}/stage", {"to_stage": "sent"})
    assert response.status_code == 409 and response.json()["code"] == "stage_not_allowed"
    response = api.post(f"/cases/{case.reference}/stage", {"to_stage": "printed"})
    assert response.status_code == 200 and response.json()["stage"] == "printed"
    other_town = ApiClient("reinbek.localhost", api.token)
    assert (
        other_town.post(f"/cases/{case.reference}/stage", {"to_stage": "sent"}).status_code == 401
    )


# --- the back office: stage buttons, the stage filter, the wrong clerk --------------------------
def test_back_office_moves_stages_and_filters_by_them(client, norderstedt, reinbek, citizen):
    from tests.accounts.factories import login_verified, staff_create

    members = [ADULT, CHILD, dict(CHILD, name="Ben"), dict(CHILD, name="Lea"), dict(ADULT)]
    case = _submit(_draft(norderstedt, citizen, members), citizen)
    clerk = staff_create(municipality=norderstedt, email="clara@norderstedt.example")
    login_verified(client, clerk)
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    page = client.get(f"/verwaltung/faelle/{case.reference}/").content.decode()
    stage_url = f"/verwaltung/faelle/{case.reference}/schritt/"
    assert f'action="{stage_url}printed/"' in page and f"{stage_url}sent/" not in page
    assert client.post(f"{stage_url}sent/").status_code == 302  # refused with a message
    assert Case.objects.get(pk=case.pk).stage == ""
    client.post(f"{stage_url}printed/")
    assert Case.objects.get(pk=case.pk).stage == "printed"
    inbox = client.get("/verwaltung/", {"stage": f"{KEY}:printed"}).content.decode()
    assert case.reference in inbox
    assert (
        case.reference not in client.get("/verwaltung/", {"stage": f"{KEY}:sent"}).content.decode()
    )

    other = staff_create(municipality=reinbek, email="rita@reinbek.example")
    login_verified(client, other)
    client.defaults["HTTP_HOST"] = "reinbek.localhost"
    assert client.post(f"{stage_url}sent/").status_code == 404
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    assert client.post(f"{stage_url}sent/").status_code in (302, 403, 404)
    client.force_login(citizen)
    assert client.post(f"{stage_url}sent/").status_code in (302, 403, 404)
    assert Case.objects.get(pk=case.pk).stage == "printed"


def test_removing_an_entry_asks_first_and_an_empty_group_is_refused(
    nor_client, norderstedt, citizen
):
    case = _draft(norderstedt, citizen, [ADULT, CHILD])
    nor_client.force_login(citizen)
    base = f"/anliegen/{KEY}/{case.public_id}/familie/"
    page = nor_client.get(base).content.decode()
    assert "Mia Mustermann" in page and f"{base}1/entfernen/" in page
    question = nor_client.get(f"{base}1/entfernen/").content.decode()
    assert "Möchten Sie Mia Mustermann entfernen?" in question
    nor_client.post(f"{base}1/entfernen/", {"confirm": "no"})
    assert len(Case.objects.get(pk=case.pk).answers["members"]) == 2
    nor_client.post(f"{base}1/entfernen/", {"confirm": "yes"})
    nor_client.post(f"{base}0/entfernen/", {"confirm": "yes"})
    assert Case.objects.get(pk=case.pk).answers["members"] == []
    # Going on without anyone: the group's own message, and nothing moves on.
    response = nor_client.post(base, {"add_another": "no"})
    assert response.status_code == 200
    assert "Fügen Sie mindestens eine Person hinzu." in response.content.decode()
    # Another town's host does not know the draft, nor its entries.
    assert nor_client.get(base, HTTP_HOST="reinbek.localhost").status_code == 404
    assert nor_client.get(f"{base}0/", HTTP_HOST="reinbek.localhost").status_code == 404
    # Another visitor's draft is not found.
    other = user_make("max@example.org", given="Max")
    nor_client.force_login(other)
    assert nor_client.get(base).status_code == 404
    assert nor_client.post(f"{base}0/", {"name": "X"}).status_code == 404

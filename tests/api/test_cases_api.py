"""Case operations: list with the inbox's filters, read, change status, write a message."""

import datetime

import pytest
from django.utils import timezone

from rathaus.cases import services as case_services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case, CaseEvent, CaseReadLog, Message
from rathaus.cases.plugin import procedure_get
from rathaus.core.models import AuditEvent
from rathaus.documents.models import IssuedDocument
from rathaus.notifications.models import OutboxMessage
from tests.accounts.factories import staff_create
from tests.cases.conftest import COMPLETE_ANSWERS, GENERAL, draft_make, submitted_make, user_make

from .conftest import REI_HOST, ApiClient, assert_error

pytestmark = pytest.mark.django_db


def references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["reference"] for item in response.json()["items"]]


# --- list_cases ----------------------------------------------------------------------------------
@pytest.fixture
def many_cases(norderstedt, reinbek, citizen, clerk):
    """Five Norderstedt cases (oldest first) in different states, one Reinbek case, one draft."""
    cases = [submitted_make(municipality=norderstedt, actor=citizen) for _ in range(5)]
    case_services.case_transition(case=cases[1], to_status=CaseStatus.IN_REVIEW, actor=clerk)
    case_services.case_transition(case=cases[2], to_status=CaseStatus.IN_REVIEW, actor=clerk)
    Case.objects.filter(pk=cases[2].pk).update(assignee=clerk)
    other_clerk = staff_create(municipality=norderstedt)
    Case.objects.filter(pk=cases[3].pk).update(assignee=other_clerk)
    base = timezone.now() - datetime.timedelta(days=10)
    for index, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(submitted_at=base + datetime.timedelta(days=index))
    submitted_make(municipality=reinbek, actor=citizen)
    draft_make(municipality=norderstedt, actor=citizen)
    return [Case.objects.get(pk=case.pk) for case in cases], other_clerk


def test_list_shows_the_towns_submitted_cases_newest_first(nor_api, many_cases):
    cases, _other = many_cases
    response = nor_api.get("/cases")
    assert references(response) == [case.reference for case in reversed(cases)]
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (5, 20, 0)
    first = body["items"][0]
    assert first["procedure"] == GENERAL and first["status"] == "submitted"
    assert first["applicant_name"] == "Erika Mustermann"


def test_list_pagination_with_limit_offset_and_total(nor_api, many_cases):
    cases, _other = many_cases
    newest_first = [case.reference for case in reversed(cases)]
    page = nor_api.get("/cases", {"limit": 2, "offset": 0})
    assert references(page) == newest_first[:2] and page.json()["total"] == 5
    page = nor_api.get("/cases", {"limit": 2, "offset": 2})
    assert references(page) == newest_first[2:4] and page.json()["total"] == 5
    page = nor_api.get("/cases", {"limit": 2, "offset": 4})
    assert references(page) == newest_first[4:]
    assert references(nor_api.get("/cases", {"offset": 50})) == []


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"status": "x"}, {"overdue": "x"}]
)
def test_list_refuses_invalid_parameters(nor_api, params):
    body = assert_error(nor_api.get("/cases", params), 422, "invalid_request")
    assert body["details"]["errors"][0]["loc"]


def test_list_filters_by_status_procedure_and_assignee(nor_api, many_cases, clerk):
    cases, other_clerk = many_cases
    in_review = nor_api.get("/cases", {"status": "in_review"})
    assert references(in_review) == [cases[2].reference, cases[1].reference]
    assert len(references(nor_api.get("/cases", {"procedure": GENERAL}))) == 5
    assert references(nor_api.get("/cases", {"procedure": "anmeldung"})) == []
    mine = nor_api.get("/cases", {"assignee": "mine"})
    assert references(mine) == [cases[2].reference]
    assert mine.json()["items"][0]["assignee"] == {"id": clerk.pk, "name": clerk.full_name}
    by_id = nor_api.get("/cases", {"assignee": str(other_clerk.pk)})
    assert references(by_id) == [cases[3].reference]
    unassigned = nor_api.get("/cases", {"assignee": "unassigned"})
    assert references(unassigned) == [cases[4].reference, cases[1].reference, cases[0].reference]
    assert_error(nor_api.get("/cases", {"assignee": "someone"}), 422, "invalid_request")


def test_list_searches_by_part_of_the_reference_and_exact_name(nor_api, norderstedt, many_cases):
    cases, _other = many_cases
    wanted = cases[3].reference
    assert references(nor_api.get("/cases", {"search": wanted})) == [wanted]
    assert references(nor_api.get("/cases", {"search": wanted.lower()})) == [wanted]
    assert len(references(nor_api.get("/cases", {"search": wanted[:9]}))) == 5  # "NOR-2026-"
    assert references(nor_api.get("/cases", {"search": wanted[-6:]})) == []
    max_case = submitted_make(
        municipality=norderstedt,
        actor=user_make("max@example.org"),
        answers={**COMPLETE_ANSWERS, "applicant_name": "Max Meier"},
    )
    assert references(nor_api.get("/cases", {"search": "max meier"})) == [max_case.reference]
    assert references(nor_api.get("/cases", {"search": "Meier"})) == []


def test_list_filters_overdue_against_the_procedures_target_time(
    nor_api, many_cases, clerk, monkeypatch
):
    cases, _other = many_cases
    # Submitted 10, 9, 8, 7 and 6 days ago.
    monkeypatch.setattr(type(procedure_get(GENERAL)), "target_days", 30)
    assert references(nor_api.get("/cases", {"overdue": "true"})) == []
    monkeypatch.setattr(type(procedure_get(GENERAL)), "target_days", 7)
    overdue = references(nor_api.get("/cases", {"overdue": "true"}))
    expected = [cases[3], cases[2], cases[1], cases[0]]
    assert overdue == [case.reference for case in expected]
    assert len(references(nor_api.get("/cases", {"overdue": "false"}))) == 5
    # A decided case is never overdue.
    case_services.case_transition(case=cases[2], to_status=CaseStatus.APPROVED, actor=clerk)
    assert cases[2].reference not in references(nor_api.get("/cases", {"overdue": "true"}))


def test_list_sorts_like_the_inbox(nor_api, many_cases):
    cases, _other = many_cases
    oldest_first = references(nor_api.get("/cases", {"sort": "submitted"}))
    assert oldest_first == [case.reference for case in cases]
    by_status = nor_api.get("/cases", {"sort": "status"}).json()["items"]
    assert [item["status"] for item in by_status] == ["submitted"] * 3 + ["in_review"] * 2
    assert_error(nor_api.get("/cases", {"sort": "name"}), 422, "invalid_request")


def test_list_never_shows_another_towns_cases(rei_api, many_cases):
    response = rei_api.get("/cases")
    assert response.json()["total"] == 1
    assert all(ref.startswith("REI-") for ref in references(response))


def test_list_query_count_does_not_grow_with_the_page(
    nor_api, many_cases, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert len(references(nor_api.get("/cases", {"limit": 100}))) == 5


# --- get_case ------------------------------------------------------------------------------------
def test_get_case_with_answers_history_and_messages(nor_api, nor_case, clerk):
    case_services.case_transition(case=nor_case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    case_services.message_send(case=nor_case, sender=clerk, body="Bitte Foto der Laterne")
    response = nor_api.get(f"/cases/{nor_case.reference}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reference"] == nor_case.reference and body["status"] == "in_review"
    assert body["answers"]["subject"] == COMPLETE_ANSWERS["subject"]
    assert [(e["from_status"], e["to_status"]) for e in body["history"]] == [
        ("draft", "submitted"),
        ("submitted", "in_review"),
    ]
    assert [(m["sender_role"], m["body"]) for m in body["messages"]] == [
        ("staff", "Bitte Foto der Laterne")
    ]
    assert set(body["transitions"]) == {"info_requested", "approved", "rejected"}


def test_get_case_writes_the_read_log(nor_api, nor_case, clerk):
    assert nor_api.get(f"/cases/{nor_case.reference}").status_code == 200
    entry = CaseReadLog.objects.get()
    assert (entry.case_id, entry.reference, entry.actor_id, entry.channel) == (
        nor_case.pk,
        nor_case.reference,
        clerk.pk,
        "api",
    )
    assert entry.municipality_id == nor_case.municipality_id
    assert set(entry.data_categories) == {"answers", "history", "messages"}


def test_a_reinbek_token_gets_404_for_a_norderstedt_reference(rei_api, nor_case, rei_case):
    # Same citizen, same sequence number: only the town prefix differs.
    assert_error(rei_api.get(f"/cases/{nor_case.reference}"), 404, "not_found")
    assert rei_api.get(f"/cases/{rei_case.reference}").status_code == 200
    assert list(CaseReadLog.objects.values_list("reference", flat=True)) == [rei_case.reference]


def test_unknown_reference_and_drafts_are_404(nor_api, norderstedt, citizen):
    assert_error(nor_api.get("/cases/NOR-2026-999999"), 404, "not_found")
    draft = draft_make(municipality=norderstedt, actor=citizen)
    assert_error(nor_api.get(f"/cases/{draft.public_id}"), 404, "not_found")
    assert not CaseReadLog.objects.exists()


def test_without_a_token_nothing_is_read_or_logged(nor_case):
    assert_error(
        ApiClient("norderstedt.localhost").get(f"/cases/{nor_case.reference}"), 401, "unauthorized"
    )
    assert not CaseReadLog.objects.exists()


# --- transition_case -----------------------------------------------------------------------------
def test_transition_allowed(nor_api, nor_case, nor_token, clerk):
    response = nor_api.post(f"/cases/{nor_case.reference}/transitions", {"to_status": "in_review"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_review"
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.IN_REVIEW
    event = CaseEvent.objects.filter(case=nor_case).last()
    assert (event.actor_id, event.actor_role, event.to_status) == (clerk.pk, "staff", "in_review")
    audit = AuditEvent.objects.get(action="api.case_transition")
    assert audit.data == {"token": nor_token[0].prefix, "to": "in_review"}


def test_approval_issues_the_document_as_in_the_back_office(nor_api, nor_case):
    url = f"/cases/{nor_case.reference}/transitions"
    assert nor_api.post(url, {"to_status": "in_review"}).status_code == 200
    response = nor_api.post(url, {"to_status": "approved"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert IssuedDocument.objects.filter(case=nor_case).count() == 1


def test_approval_keeps_four_eyes(nor_api, nor_case, norderstedt, procedure_variant):
    procedure_variant(nor_case.procedure_key, four_eyes=True)
    url = f"/cases/{nor_case.reference}/transitions"
    assert nor_api.post(url, {"to_status": "in_review"}).status_code == 200
    first = nor_api.post(url, {"to_status": "approved"})
    assert first.status_code == 200 and first.json()["status"] == "in_review"
    assert_error(nor_api.post(url, {"to_status": "approved"}), 409, "four_eyes_same_clerk")
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.IN_REVIEW
    assert not IssuedDocument.objects.filter(case=nor_case).exists()


def test_transition_with_a_reason(nor_api, nor_case):
    url = f"/cases/{nor_case.reference}/transitions"
    assert_error(nor_api.post(url, {"to_status": "rejected"}), 422, "reason_required")
    response = nor_api.post(url, {"to_status": "rejected", "reason": "Nicht zuständig"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert CaseEvent.objects.filter(case=nor_case).last().reason == "Nicht zuständig"


def test_transition_refused_by_the_table_is_409(nor_api, nor_case):
    url = f"/cases/{nor_case.reference}/transitions"
    body = assert_error(
        nor_api.post(url, {"to_status": "completed"}), 409, "transition_not_allowed"
    )
    assert body["details"] == {"from": "submitted", "to": "completed"}
    assert_error(nor_api.post(url, {"to_status": "draft"}), 409, "transition_not_allowed")
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="api.case_transition").exists()


def test_staff_may_not_withdraw_for_the_citizen(nor_api, nor_case):
    url = f"/cases/{nor_case.reference}/transitions"
    assert_error(nor_api.post(url, {"to_status": "withdrawn"}), 403, "actor_not_permitted")
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.SUBMITTED


def test_transition_to_an_unknown_status_is_invalid(nor_api, nor_case):
    url = f"/cases/{nor_case.reference}/transitions"
    assert_error(nor_api.post(url, {"to_status": "archived"}), 422, "invalid_request")
    assert_error(nor_api.post(url, {}), 422, "invalid_request")


def test_transition_of_another_towns_case_is_404(rei_api, nor_case):
    url = f"/cases/{nor_case.reference}/transitions"
    assert_error(rei_api.post(url, {"to_status": "in_review"}), 404, "not_found")
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.SUBMITTED


# --- add_message ---------------------------------------------------------------------------------
def test_message_added_and_applicant_told_without_its_text(
    nor_api, nor_case, clerk, django_capture_on_commit_callbacks
):
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = nor_api.post(
            f"/cases/{nor_case.reference}/messages", {"body": "Bitte Foto der Laterne"}
        )
    assert response.status_code == 201, response.content
    assert response.json()["body"] == "Bitte Foto der Laterne"
    message = Message.objects.get()
    assert (message.case_id, message.sender_id, message.sender_role) == (
        nor_case.pk,
        clerk.pk,
        "staff",
    )
    mail = OutboxMessage.objects.get()
    assert "Laterne" not in mail.subject + mail.body
    assert AuditEvent.objects.filter(action="api.message_sent").exists()


def test_empty_or_too_long_messages_are_refused(nor_api, nor_case):
    url = f"/cases/{nor_case.reference}/messages"
    assert_error(nor_api.post(url, {"body": ""}), 422, "invalid_request")
    assert_error(nor_api.post(url, {"body": "   "}), 422, "empty_message")
    assert_error(nor_api.post(url, {"body": "x" * 5001}), 422, "invalid_request")
    assert not Message.objects.exists()


def test_message_to_another_towns_case_is_404(nor_case, rei_token):
    api = ApiClient(REI_HOST, rei_token[1])
    response = api.post(f"/cases/{nor_case.reference}/messages", {"body": "Hallo"})
    assert_error(response, 404, "not_found")
    assert not Message.objects.exists()

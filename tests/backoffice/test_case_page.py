"""Case page: content, actions through the transition table, four-eyes, read log, queries."""

import pytest
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse

from rathaus.cases import selectors, services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import CaseApproval, CaseEvent, CaseReadLog, Message

pytestmark = pytest.mark.django_db


def _url(case, name="backoffice:case_detail", *extra):
    return reverse(name, args=[case.reference, *extra])


def _statuses(case):
    return list(CaseEvent.objects.filter(case=case).values_list("to_status", flat=True))


def test_case_page_shows_answers_history_messages(as_staff, clerk, nor_case, citizen):
    services.message_send(case=nor_case, sender=citizen, body="Noch eine Frage zur Laterne.")
    response = as_staff(clerk).get(_url(nor_case))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Laterne defekt" in html  # answer
    assert "Subject" in html or "Betreff" in html  # the page form's label
    assert "Noch eine Frage zur Laterne." in html  # Postfach
    assert 'name="csrfmiddlewaretoken"' in html
    assert response.context["may_review"] and response.context["may_reject"]
    assert not response.context["may_approve"]


def test_case_page_writes_read_log(as_staff, clerk, nor_case, norderstedt):
    as_staff(clerk).get(_url(nor_case))
    entry = CaseReadLog.objects.get()
    assert entry.actor == clerk
    assert entry.case == nor_case
    assert entry.reference == nor_case.reference
    assert entry.municipality == norderstedt
    assert entry.data_categories == ["answers", "messages", "history", "attachments", "documents"]
    assert entry.channel == "web"


def test_unknown_reference_is_404_without_log(as_staff, clerk, norderstedt):
    response = as_staff(clerk).get("/verwaltung/faelle/NOR-2026-999999/")
    assert response.status_code == 404
    assert not CaseReadLog.objects.exists()


def test_actions_move_the_case_and_write_history(as_staff, clerk, nor_case):
    client = as_staff(clerk)
    response = client.post(_url(nor_case, "backoffice:case_action", "pruefen"))
    assert response.status_code == 302
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.IN_REVIEW
    client.post(_url(nor_case, "backoffice:case_approve"), {"text": "Wird repariert."})
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.APPROVED
    assert nor_case.decided_at is not None
    client.post(_url(nor_case, "backoffice:case_complete"))
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.COMPLETED
    assert _statuses(nor_case) == ["submitted", "in_review", "approved", "completed"]
    actors = CaseEvent.objects.filter(case=nor_case).exclude(to_status="submitted")
    assert {event.actor_id for event in actors} == {clerk.pk}
    assert not CaseReadLog.objects.exists()  # actions show no case data


def test_actions_need_post(as_staff, clerk, nor_case):
    client = as_staff(clerk)
    assert client.get(_url(nor_case, "backoffice:case_action", "pruefen")).status_code == 405
    assert client.post(_url(nor_case, "backoffice:case_action", "loeschen")).status_code == 404
    # Decisions are never one click: a GET shows the confirmation page and moves nothing.
    for name in ("backoffice:case_approve", "backoffice:case_complete", "backoffice:case_reject"):
        assert client.get(_url(nor_case, name)).status_code == 200
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.SUBMITTED


def test_forbidden_transition_gives_a_clear_message(as_staff, clerk, nor_case):
    client = as_staff(clerk)
    response = client.post(_url(nor_case, "backoffice:case_complete"))
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.SUBMITTED
    assert response.status_code == 200
    assert "This change of status is not possible." in response.content.decode()


def test_reject_needs_a_reason_the_citizen_sees(as_staff, clerk, nor_case, citizen, client):
    staff = as_staff(clerk)
    response = staff.post(_url(nor_case, "backoffice:case_reject"), {"text": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Enter “Reason for the rejection”." in response.content.decode()
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.SUBMITTED
    response = staff.post(
        _url(nor_case, "backoffice:case_reject"), {"text": "Zuständig ist der Kreis."}
    )
    assert response.status_code == 302
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.REJECTED
    event = CaseEvent.objects.filter(case=nor_case).last()
    assert (event.to_status, event.reason, event.actor) == (
        "rejected",
        "Zuständig ist der Kreis.",
        clerk,
    )
    # The citizen sees the reason on their own case page.
    client.logout()
    client.force_login(citizen)
    page = client.get(reverse("cases:case_detail", args=[nor_case.reference]))
    assert "Zuständig ist der Kreis." in page.content.decode()


def test_request_information_sends_message_and_moves(as_staff, clerk, nor_case, citizen):
    client = as_staff(clerk)
    client.post(_url(nor_case, "backoffice:case_action", "pruefen"))
    response = client.post(
        _url(nor_case, "backoffice:case_request_info"), {"text": "Bitte die Hausnummer nennen."}
    )
    assert response.status_code == 302
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.INFO_REQUESTED
    message = Message.objects.get(case=nor_case)
    assert (message.body, message.sender, message.sender_role) == (
        "Bitte die Hausnummer nennen.",
        clerk,
        "staff",
    )
    # The citizen's answer puts the case back into review.
    services.message_send(case=nor_case, sender=citizen, body="Nummer 12.")
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.IN_REVIEW


def test_request_information_not_allowed_from_submitted(as_staff, clerk, nor_case):
    response = as_staff(clerk).post(
        _url(nor_case, "backoffice:case_request_info"), {"text": "Frage"}
    )
    assert response.status_code == 200
    assert "This change of status is not possible." in response.content.decode()
    assert not Message.objects.exists()


def test_clerk_writes_a_postfach_message(as_staff, clerk, nor_case):
    client = as_staff(clerk)
    response = client.post(_url(nor_case, "backoffice:case_message"), {"message-text": "Hallo!"})
    assert response.status_code == 302
    assert Message.objects.get(case=nor_case).body == "Hallo!"
    response = client.post(_url(nor_case, "backoffice:case_message"), {"message-text": ""})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Message.objects.count() == 1


def test_assign_to_me_on_case_page(as_staff, clerk, nor_case):
    response = as_staff(clerk).post(_url(nor_case, "backoffice:case_assign"))
    assert response["Location"] == _url(nor_case)
    nor_case.refresh_from_db()
    assert nor_case.assignee == clerk


@pytest.fixture
def four_eyes(procedure_variant):
    procedure_variant("allgemeines-anliegen", four_eyes=True)


def test_four_eyes_refuses_the_same_clerk_twice(as_staff, clerk, nor_case, four_eyes):
    client = as_staff(clerk)
    client.post(_url(nor_case, "backoffice:case_action", "pruefen"))
    first = client.post(_url(nor_case, "backoffice:case_approve"), {"text": "Ja."}, follow=True)
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.IN_REVIEW
    assert CaseApproval.objects.filter(case=nor_case, clerk=clerk).count() == 1
    assert "a different clerk must confirm it" in str(list(first.context["messages"])[-1])
    second = client.post(_url(nor_case, "backoffice:case_approve"), {"text": "Ja."})
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.IN_REVIEW
    assert (
        "You have already approved this case. A second, different clerk must confirm it."
        in second.content.decode()
    )
    assert CaseApproval.objects.count() == 1


def test_four_eyes_accepts_a_second_clerk(as_staff, clerk, second_clerk, nor_case, four_eyes):
    client = as_staff(clerk)
    client.post(_url(nor_case, "backoffice:case_action", "pruefen"))
    client.post(_url(nor_case, "backoffice:case_approve"), {"text": "Erste Freigabe."})
    page = client.get(_url(nor_case))
    assert page.context["approved_by_me"] is True
    client = as_staff(second_clerk)
    page = client.get(_url(nor_case))
    assert [a.clerk for a in page.context["approvals"]] == [clerk]
    client.post(_url(nor_case, "backoffice:case_approve"), {"text": "Wird repariert."})
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.APPROVED
    event = CaseEvent.objects.filter(case=nor_case).last()
    assert (event.to_status, event.actor, event.reason) == (
        "approved",
        second_clerk,
        "Wird repariert.",
    )


def test_four_eyes_confirmation_starts_from_the_first_clerks_text(
    as_staff, clerk, second_clerk, nor_case, four_eyes
):
    client = as_staff(clerk)
    client.post(_url(nor_case, "backoffice:case_action", "pruefen"))
    client.post(_url(nor_case, "backoffice:case_approve"), {"text": "Die Laterne kommt am Montag."})
    approval = CaseApproval.objects.get(case=nor_case)
    assert approval.text == "Die Laterne kommt am Montag."
    stored = CaseApproval.objects.filter(pk=approval.pk).values_list(
        Cast("text", TextField()), flat=True
    )[0]
    assert "Laterne" not in stored  # encrypted at rest
    form = as_staff(second_clerk).get(_url(nor_case, "backoffice:case_approve"))
    page = form.content.decode()
    assert "First approval by" in page and "the applicant reads the text you confirm" in page
    assert form.context["form"]["text"].value() == "Die Laterne kommt am Montag."
    # The first clerk's own form has no such note: they are not confirming.
    own = as_staff(clerk).get(_url(nor_case, "backoffice:case_approve"))
    assert own.context["first_approval"] is None
    # Confirmed unchanged: the applicant reads the first clerk's text.
    as_staff(second_clerk).post(
        _url(nor_case, "backoffice:case_approve"), {"text": "Die Laterne kommt am Montag."}
    )
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.APPROVED
    assert CaseEvent.objects.filter(case=nor_case).last().reason == "Die Laterne kommt am Montag."


def test_four_eyes_approvals_of_an_earlier_round_do_not_count(
    clerk, second_clerk, nor_case, citizen, four_eyes
):
    services.case_transition(case=nor_case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    _case, approved = services.case_approve(case=nor_case, actor=clerk)
    assert approved is False
    services.case_request_information(case=nor_case, actor=second_clerk, message="Hausnummer?")
    services.message_send(case=nor_case, sender=citizen, body="12")
    assert list(selectors.case_approvals(case=nor_case)) == []  # no longer shown either
    _case, approved = services.case_approve(case=nor_case, actor=second_clerk)
    assert approved is False  # the first approval was given before the new information came
    _case, approved = services.case_approve(case=nor_case, actor=clerk)
    assert approved is True


def test_case_page_query_count(as_staff, clerk, nor_case, citizen, django_assert_max_num_queries):
    for index in range(10):
        services.message_send(case=nor_case, sender=citizen, body=f"Nachricht {index}")
        services.message_send(case=nor_case, sender=clerk, body=f"Antwort {index}")
    services.case_transition(case=nor_case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    client = as_staff(clerk)
    client.get(_url(nor_case))
    with django_assert_max_num_queries(17):  # 14 + files, documents, payment
        response = client.get(_url(nor_case))
    assert response.status_code == 200


def test_pages_in_german(as_staff, clerk, nor_case, four_eyes):
    client = as_staff(clerk, language="de")
    inbox = client.get(reverse("backoffice:inbox")).content.decode()
    assert "Posteingang" in inbox and "Mir zuweisen" in inbox
    client.post(_url(nor_case, "backoffice:case_action", "pruefen"))
    client.post(_url(nor_case, "backoffice:case_approve"), {"text": "Ja."})
    response = client.post(_url(nor_case, "backoffice:case_approve"), {"text": "Ja."})
    assert "Sie haben diesen Vorgang bereits freigegeben." in response.content.decode()
    assert "Freigabe bestätigen" in client.get(_url(nor_case)).content.decode()

"""Postfach messages between the applicant and the town's staff."""

import pytest
from django.db import connection
from django.urls import reverse

from rathaus.cases import services
from rathaus.cases.constants import CaseErrorCode, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import Message
from rathaus.notifications.models import OutboxMessage

from .conftest import draft_make, submitted_make

pytestmark = pytest.mark.django_db


def test_staff_message_mails_the_applicant_without_its_text(
    norderstedt, citizen, clerk, django_capture_on_commit_callbacks
):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(case=case, sender=clerk, body="Bitte Foto der Laterne")
    assert message.sender_role == "staff"
    mail = OutboxMessage.objects.get()
    assert "Laterne" not in mail.body + mail.subject and case.reference not in mail.body


def test_citizen_answer_returns_an_information_request_to_review(norderstedt, citizen, clerk):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_transition(
        case=case, to_status=CaseStatus.INFO_REQUESTED, actor=clerk, reason="Foto fehlt"
    )
    services.message_send(case=case, sender=citizen, body="Foto folgt per Post.")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.events.last().actor_role == "citizen"


def test_strangers_cannot_write_and_empty_messages_are_refused(
    norderstedt, citizen, other_citizen, rei_clerk
):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    for stranger in (other_citizen, rei_clerk):
        with pytest.raises(CaseError) as excinfo:
            services.message_send(case=case, sender=stranger, body="Hallo")
        assert excinfo.value.code == CaseErrorCode.ACTOR_NOT_PERMITTED
    with pytest.raises(CaseError) as excinfo:
        services.message_send(case=case, sender=citizen, body="   ")
    assert excinfo.value.code == CaseErrorCode.EMPTY_MESSAGE
    draft = draft_make(municipality=norderstedt, actor=citizen)
    with pytest.raises(CaseError):
        services.message_send(case=draft, sender=citizen, body="Hallo")
    assert not Message.objects.exists()


def test_message_body_is_encrypted_at_rest(norderstedt, citizen):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    message = services.message_send(case=case, sender=citizen, body="Mein Nachbar Herr Schulz")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM cases_message WHERE id = %s", [message.pk])
        (raw,) = cursor.fetchone()
    assert "Schulz" not in raw and raw.startswith("t1$")


def test_postfach_over_http(nor_client, norderstedt, citizen, other_citizen, clerk):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    services.message_send(case=case, sender=clerk, body="Wir prüfen das.")
    url = reverse("cases:case_detail", args=[case.reference])

    nor_client.force_login(other_citizen)
    assert nor_client.post(url, {"body": "Eingeschleust"}).status_code == 404

    nor_client.force_login(citizen)
    empty = nor_client.post(url, {"body": ""})
    assert empty.status_code == 200 and "<title>Fehler:" in empty.content.decode()
    response = nor_client.post(url, {"body": "Danke!"})
    assert response.status_code == 302
    html = nor_client.get(url).content.decode()
    assert "Wir prüfen das." in html and "Danke!" in html
    assert list(Message.objects.values_list("sender_role", flat=True)) == ["staff", "citizen"]


def test_my_requests_in_the_header_counts_unread_messages_until_the_case_is_opened(
    client, norderstedt, reinbek, citizen, clerk
):
    from tests.accounts.factories import citizen_create

    case = submitted_make(municipality=norderstedt, actor=citizen)
    services.message_send(case=case, sender=clerk, body="Bitte Foto der Laterne")
    services.message_send(case=case, sender=clerk, body="Und die Hausnummer")
    services.message_send(case=case, sender=citizen, body="Foto folgt")  # own: never unread
    other = citizen_create(email="other@example.org")
    other_case = submitted_make(municipality=norderstedt, actor=other)
    services.message_send(case=other_case, sender=clerk, body="Nicht für Sie")
    client.force_login(citizen)
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    link = '<a class="kern-link" href="/anliegen/meine/">Meine Anliegen'
    unread = ' <span class="rh-count" aria-hidden="true">2</span><span class="rh-visually-hidden">'
    for path in ("/", "/konto/", "/leistungen/"):
        html = client.get(path).content.decode()
        assert html.count(link + unread + " (2 ungelesene Nachrichten)") >= 1, path
    # The start page and the account page link it in their content as well.
    assert client.get("/").content.decode().count(link) == 2
    assert client.get("/konto/").content.decode().count(link) == 2

    # Another citizen opening the page (404) marks nothing; the applicant opening it does.
    client.force_login(other)
    assert client.get(reverse("cases:case_detail", args=[case.reference])).status_code == 404
    client.force_login(citizen)
    assert client.get(reverse("cases:case_detail", args=[case.reference])).status_code == 200
    html = client.get("/").content.decode()
    assert link + "</a>" in html and "rh-count" not in html
    assert Message.objects.filter(case=other_case, read_by_applicant_at=None).count() == 1

    # In another town the header counts only that town's requests.
    client.defaults["HTTP_HOST"] = "reinbek.localhost"
    services.message_send(case=case, sender=clerk, body="Noch etwas")
    assert "rh-count" not in client.get("/").content.decode()

"""The accessibility statement's feedback form: no account, each message a case in the town's
back office, limited per client address like the other public forms."""

import re

import pytest
from django.test import Client

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.catalogue.models import MunicipalityService
from rathaus.web.views import FEEDBACK_PER_ADDRESS
from tests.accounts.factories import citizen_create, login_verified, staff_create

pytestmark = pytest.mark.django_db

URL = "/barrierefreiheit/rueckmeldung/"
SENT = "/barrierefreiheit/rueckmeldung/gesendet/"
KEY = "barrierefreiheit-rueckmeldung"
MESSAGE = "Die Schaltfläche „Weiter“ auf der Terminseite ist mit der Tastatur nicht erreichbar."


def _tag(html: str, element_id: str) -> str:
    match = re.search(rf"<(input|textarea)\b[^>]*\bid=\"{element_id}\"[^>]*>", html)
    assert match, element_id
    return match.group(0)


def test_the_statement_links_the_form(nor_client, norderstedt):
    html = nor_client.get("/barrierefreiheit/").content.decode()
    assert f'href="{URL}"' in html


def test_form_has_labels_hints_and_autocomplete(nor_client, norderstedt):
    response = nor_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Barriere melden – Stadt Norderstedt</title>" in html
    assert 'for="id_message"' in html and 'for="id_email"' in html
    assert 'aria-describedby="id_message_helptext"' in _tag(html, "id_message")
    assert 'autocomplete="email"' in _tag(html, "id_email")
    assert 'autocomplete="name"' in _tag(html, "id_applicant_name")
    assert "<legend" in html and "novalidate" in html


def test_empty_form_shows_the_error_summary(nor_client, norderstedt):
    response = nor_client.post(URL, {"message": "", "email": "kein-at"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Fehler: Barriere melden" in html
    assert "data-error-summary" in html
    assert 'href="#id_message"' in html and 'href="#id_email"' in html
    assert 'aria-invalid="true"' in _tag(html, "id_email")
    assert not Case.objects.filter(procedure_key=KEY).exists()


def test_anonymous_feedback_arrives_as_a_case_in_the_towns_back_office(
    nor_client, norderstedt, reinbek
):
    response = nor_client.post(
        URL, {"message": MESSAGE, "page_address": "/termine/", "email": "", "applicant_name": ""}
    )
    assert response.status_code == 302 and response["Location"] == SENT
    case = Case.objects.get(procedure_key=KEY)
    assert case.municipality == norderstedt
    assert case.status == CaseStatus.SUBMITTED and case.applicant is None
    assert case.answers["message"] == MESSAGE and case.answers["email"] == ""
    sent = nor_client.get(SENT).content.decode()
    assert case.reference in sent

    clerk = staff_create(municipality=norderstedt, email="clara@norderstedt.example")
    staff = Client(HTTP_HOST="norderstedt.localhost")
    login_verified(staff, clerk)
    inbox = staff.get("/verwaltung/", {"procedure": KEY}).content.decode()
    assert case.reference in inbox
    detail = staff.get(f"/verwaltung/faelle/{case.reference}/").content.decode()
    assert "Tastatur nicht erreichbar" in detail

    # Another town's clerk, on either host, does not see it.
    rita = staff_create(municipality=reinbek, email="rita@reinbek.example")
    other = Client(HTTP_HOST="reinbek.localhost")
    login_verified(other, rita)
    assert other.get(f"/verwaltung/faelle/{case.reference}/").status_code == 404
    assert case.reference not in other.get("/verwaltung/").content.decode()


def test_sender_may_give_an_address_and_a_logged_in_citizen_finds_it(nor_client, norderstedt):
    citizen = citizen_create(email="leser@example.org")
    nor_client.force_login(citizen)
    response = nor_client.post(
        URL, {"message": MESSAGE, "applicant_name": "Lea Leser", "email": "lea@example.org"}
    )
    assert response.status_code == 302
    case = Case.objects.get(procedure_key=KEY)
    assert case.applicant == citizen and case.applicant_name == "Lea Leser"
    assert case.answers["email"] == "lea@example.org"
    assert case.reference in nor_client.get("/anliegen/meine/").content.decode()


def test_every_town_has_the_form_whatever_its_catalogue_offers(nor_client, norderstedt):
    MunicipalityService.objects.filter(municipality=norderstedt).update(is_enabled=False)
    assert nor_client.post(URL, {"message": MESSAGE}).status_code == 302
    assert Case.objects.filter(procedure_key=KEY, municipality=norderstedt).count() == 1


def test_sent_page_without_a_message_goes_to_the_form(nor_client, norderstedt):
    response = nor_client.get(SENT)
    assert response.status_code == 302 and response["Location"] == URL


def test_messages_are_limited_per_address(nor_client, norderstedt):
    for _ in range(FEEDBACK_PER_ADDRESS):
        assert nor_client.post(URL, {"message": MESSAGE}).status_code == 302
    response = nor_client.post(URL, {"message": MESSAGE})
    assert response.status_code == 429
    assert "data-error-summary" in response.content.decode()
    assert Case.objects.filter(procedure_key=KEY).count() == FEEDBACK_PER_ADDRESS
    # Another address is not held up.
    other = Client(HTTP_HOST="norderstedt.localhost", REMOTE_ADDR="192.0.2.7")
    assert other.post(URL, {"message": MESSAGE}).status_code == 302

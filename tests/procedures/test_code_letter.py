"""The code letter (§23a(3) BMG): where no landlord confirmation can be had, a clerk of the town
sends a code to the new address; the code serves that move only, and registering with it is the
exact case the system decides. Nobody else can issue one."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
import pytest
from django.utils import timezone, translation

from rathaus.cases import services as case_services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import CaseEvent
from rathaus.documents.models import IssuedDocument
from rathaus.procedures.anmeldung import services as anmeldung_services
from rathaus.register import demo as register_demo
from rathaus.register.constants import AssignmentCodeKind
from rathaus.register.interface import person_of_account, resident_register
from rathaus.register.models import AssignmentCode
from rathaus.register.selectors import code_digest
from tests.accounts.factories import login_verified, staff_create

from .anmeldung_helpers import anmeldung_pages, draft, fill, landlord_confirm, person, submit


@pytest.fixture
def letter_case(towns, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.RATHAUS_DEMO_RESIDENTS = 10
    register_demo.load()
    town = towns[0]
    max_ = person("max.mustermann@example.org", "Max", "Mustermann", datetime.date(2004, 3, 1))
    case = draft(town, max_, "anmeldung")
    assert fill(case, max_, anmeldung_pages(method="letter")) is None
    case = submit(case, max_)
    assert case.status == CaseStatus.SUBMITTED
    return town, max_, case


def _post(client, user, case, host="norderstedt.localhost"):
    if user is not None:
        login_verified(client, user)
    return client.post(f"/verwaltung/faelle/{case.reference}/codebrief/", HTTP_HOST=host)


def test_a_clerk_sends_a_code_letter_and_the_code_completes_a_registration(letter_case, client):
    town, max_, case = letter_case
    clerk = staff_create(municipality=town, email="clara@norderstedt.example")
    page = client.get(f"/verwaltung/faelle/{case.reference}/", HTTP_HOST="norderstedt.localhost")
    assert page.status_code == 302  # not logged in yet
    login_verified(client, clerk)
    page = client.get(f"/verwaltung/faelle/{case.reference}/", HTTP_HOST="norderstedt.localhost")
    assert "codebrief" in page.content.decode()
    response = _post(client, None, case)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Max Mustermann" in text and "Ohechaussee 17" in text
    shown = re.search(r"([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})", text).group(1)
    issued = AssignmentCode.objects.get(issued_for=case)
    assert issued.kind == AssignmentCodeKind.CODE_LETTER
    assert issued.code_digest == code_digest(shown)  # kept as a keyed hash
    case.refresh_from_db()
    assert case.stage == "code_letter_sent"
    # With the letter's code, the registration is the exact case.
    again = draft(town, max_, "anmeldung")
    assert fill(again, max_, anmeldung_pages(code=shown)) is None
    assert submit(again, max_).status == CaseStatus.APPROVED


def test_only_a_clerk_of_the_town_may_send_a_code_letter(letter_case, client, reinbek):
    _town, max_, case = letter_case
    client.force_login(max_)  # the applicant himself
    assert _post(client, None, case).status_code in (302, 403, 404)
    client.logout()
    rei_clerk = staff_create(municipality=reinbek, email="rita@reinbek.example")
    assert _post(client, rei_clerk, case).status_code in (403, 404)
    assert _post(client, None, case, host="reinbek.localhost").status_code == 404
    assert not AssignmentCode.objects.filter(issued_for=case).exists()


# --- The code entered on the waiting registration (§23a(3) BMG) ---------------------------------
CODE_PAGE = "/anliegen/meine/{}/codebrief/"
NOR = "norderstedt.localhost"


def _letter_code(case, clerk) -> str:
    anmeldung_services.code_letter_issue(case=case, actor=clerk)
    return AssignmentCode.objects.filter(issued_for=case).latest("created_at").code


@pytest.fixture
def _english():
    with translation.override("en"):
        yield


def test_the_citizen_enters_the_code_on_the_waiting_case_and_it_completes(
    letter_case, client, _english
):
    town, max_, case = letter_case
    clerk = staff_create(municipality=town, email="clara@norderstedt.example")
    client.force_login(max_)
    page = client.get(f"/anliegen/meine/{case.reference}/", HTTP_HOST=NOR).content.decode()
    assert CODE_PAGE.format(case.reference) not in page  # no letter sent yet
    assert client.get(CODE_PAGE.format(case.reference), HTTP_HOST=NOR).status_code == 404
    code = _letter_code(case, clerk)
    page = client.get(f"/anliegen/meine/{case.reference}/", HTTP_HOST=NOR).content.decode()
    assert CODE_PAGE.format(case.reference) in page and "Code aus dem Brief eingeben" in page
    assert client.get(CODE_PAGE.format(case.reference), HTTP_HOST=NOR).status_code == 200
    response = client.post(
        CODE_PAGE.format(case.reference), {"code": code.lower()[:4] + "-" + code[4:]}, HTTP_HOST=NOR
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.stage == "code_letter_entered"
    assert CaseEvent.objects.filter(case=case, rule="code-letter-exact").exists()
    assert IssuedDocument.objects.filter(case=case, document_type="meldebestaetigung").exists()
    assert AssignmentCode.objects.get(issued_for=case).used_by_id == case.pk
    person = person_of_account(municipality=town, user=max_)
    residence = resident_register().residence_current(person=person)
    assert residence.street == "Ohechaussee" and residence.house_number == "17"
    # Done: the page is no longer offered, and the code cannot be entered twice.
    page = client.get(f"/anliegen/meine/{case.reference}/", HTTP_HOST=NOR).content.decode()
    assert CODE_PAGE.format(case.reference) not in page
    assert (
        client.post(CODE_PAGE.format(case.reference), {"code": code}, HTTP_HOST=NOR).status_code
        == 404
    )


def test_a_case_in_review_completes_too(letter_case, _english):
    town, max_, case = letter_case
    clerk = staff_create(municipality=town, email="clara@norderstedt.example")
    case_services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    code = _letter_code(case, clerk)
    anmeldung_services.code_letter_redeem(case=case, actor=max_, code=code)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


@pytest.mark.parametrize("which", ["wrong", "expired", "other_case", "landlord", "empty"])
def test_wrong_codes_are_refused_with_a_message_and_the_input_kept(
    letter_case, client, which, _english
):
    town, max_, case = letter_case
    clerk = staff_create(municipality=town, email="clara@norderstedt.example")
    code = _letter_code(case, clerk)
    expected = {
        "wrong": "Diesen Code kennen wir nicht",
        "expired": "Dieser Code ist am",
        "other_case": "stammt nicht aus dem Brief zu dieser Anmeldung",
        "landlord": "stammt nicht aus dem Brief zu dieser Anmeldung",
        "empty": "Geben Sie den Code aus dem Brief ein.",
    }[which]
    entered = {"wrong": "ABCD-EFGH-2345", "empty": ""}.get(which, code)
    if which == "expired":
        AssignmentCode.objects.filter(issued_for=case).update(
            expires_at=timezone.now() - datetime.timedelta(days=1)
        )
    elif which in ("other_case", "landlord"):
        other = person("ole@example.org", "Ole", "Olsen", datetime.date(1990, 1, 1))
        if which == "other_case":
            again = draft(town, other, "anmeldung")
            assert fill(again, other, anmeldung_pages(method="letter")) is None
            entered = _letter_code(submit(again, other), clerk)
        else:
            entered = AssignmentCode.objects.get(
                issued_for=landlord_confirm(town, other, tenants=(("Max", "Mustermann"),))
            ).code
    client.force_login(max_)
    response = client.post(CODE_PAGE.format(case.reference), {"code": entered}, HTTP_HOST=NOR)
    body = response.content.decode()
    assert response.status_code == 200 and expected in body
    assert "<title>Fehler:" in body  # the town's language
    assert f'value="{entered}"' in body or not entered
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.stage == "code_letter_sent"


def test_with_a_custody_question_the_clerk_still_decides(towns, settings, tmp_path, _english):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.RATHAUS_DEMO_RESIDENTS = 10
    register_demo.load()
    town = towns[0]
    max_ = person("max.mustermann@example.org", "Max", "Mustermann", datetime.date(2004, 3, 1))
    child = {
        "given_names": "Lena",
        "family_name": "Mustermann",
        "birth_date": "05.06.2024",
        "sex": "w",
        "relation": "child",
        "nationality": "deutsch",
        "religion": "",
    }
    case = draft(town, max_, "anmeldung")
    pages = anmeldung_pages(method="letter", movers=[child])
    assert fill(case, max_, [*pages[:-1], ("sorgerecht", {"custody": "sole"}), pages[-1]]) is None
    case = submit(case, max_)
    clerk = staff_create(municipality=town, email="clara@norderstedt.example")
    code = _letter_code(case, clerk)
    anmeldung_services.code_letter_redeem(case=case, actor=max_, code=code)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.stage == "code_letter_entered"
    # The clerk sees the code was entered in the history and approves as usual.
    case_services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    case, approved = case_services.case_approve(case=case, actor=clerk)
    assert approved and case.status == CaseStatus.APPROVED


def test_the_code_page_only_for_the_applicant_of_the_town(letter_case, client, reinbek):
    town, max_, case = letter_case
    clerk = staff_create(municipality=town, email="clara@norderstedt.example")
    code = _letter_code(case, clerk)
    url = CODE_PAGE.format(case.reference)
    assert client.get(url, HTTP_HOST=NOR).status_code == 302  # to the login
    other = person("ole@example.org", "Ole", "Olsen", datetime.date(1990, 1, 1))
    for user in (other, clerk):  # another citizen; a clerk of the town (staff use the back office)
        client.force_login(user)
        assert client.get(url, HTTP_HOST=NOR).status_code == 404
        assert client.post(url, {"code": code}, HTTP_HOST=NOR).status_code == 404
    client.force_login(max_)
    assert client.get(url, HTTP_HOST="reinbek.localhost").status_code == 404
    assert client.post(url, {"code": code}, HTTP_HOST="reinbek.localhost").status_code == 404
    with pytest.raises(CaseError):
        anmeldung_services.code_letter_redeem(case=case, actor=other, code=code)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.stage == "code_letter_sent"


def test_guessing_is_limited(letter_case, client, _english):
    town, max_, case = letter_case
    _letter_code(case, staff_create(municipality=town, email="clara@norderstedt.example"))
    client.force_login(max_)
    for _ in range(10):
        client.post(CODE_PAGE.format(case.reference), {"code": "ABCD-EFGH-2345"}, HTTP_HOST=NOR)
    body = client.post(
        CODE_PAGE.format(case.reference), {"code": "ABCD-EFGH-2345"}, HTTP_HOST=NOR
    ).content.decode()
    assert "Zu viele Versuche" in body

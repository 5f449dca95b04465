"""The code letter (§23a(3) BMG): where no landlord confirmation can be had, a clerk of the town
sends a code to the new address; the code serves that move only, and registering with it is the
exact case the system decides. Nobody else can issue one."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
import pytest

from rathaus.cases.constants import CaseStatus
from rathaus.register import demo as register_demo
from rathaus.register.constants import AssignmentCodeKind
from rathaus.register.models import AssignmentCode
from rathaus.register.selectors import code_digest
from tests.accounts.factories import login_verified, staff_create

from .anmeldung_helpers import anmeldung_pages, draft, fill, person, submit


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
